"""My notifications: escalations and requests to act."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from base.request import user_of
from base.schemas import ERRORS
from notify.models import Notification
from notify.services import notification_read

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    ticket: str | None
    message: str
    created_at: datetime.datetime
    read: bool


@router.get("", response={200: list[NotificationOut], **ERRORS}, summary="My notifications, newest first")
def my_notifications(request: HttpRequest, unread: bool = False, limit: int = 50) -> list[dict]:
    qs = Notification.objects.filter(recipient=user_of(request)).select_related("ticket")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [
        {
            "id": n.pk,
            "kind": n.kind,
            "ticket": n.ticket.number if n.ticket else None,
            "message": n.message,
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }
        for n in qs[: max(1, min(limit, 200))]
    ]


@router.post("/{notification_id}/read", response={204: None, **ERRORS}, summary="Mark one as read")
def mark_read(request: HttpRequest, notification_id: int) -> Status:
    notification_read(user=user_of(request), notification_id=notification_id)
    return Status(204, None)
