"""Creating notifications: escalations of missed promises and requests to act."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from notify.models import Notification
from people.access import staff_at
from people.models import User

if TYPE_CHECKING:
    from tickets.models import Ticket


def notify_role(
    *, ticket: Ticket, role: str, kind: str, message: str, at: datetime.datetime | None = None
) -> list[Notification]:
    at = at or timezone.now()
    rows = [
        Notification(
            property_id=ticket.property_id, recipient=u, ticket=ticket, kind=kind, message=message, created_at=at
        )
        for u in staff_at(ticket.property_id, role)
    ]
    return Notification.objects.bulk_create(rows)


def notify_user(
    *, ticket: Ticket, user: User | None, kind: str, message: str, at: datetime.datetime | None = None
) -> Notification | None:
    if user is None:
        return None
    return Notification.objects.create(
        property_id=ticket.property_id,
        recipient=user,
        ticket=ticket,
        kind=kind,
        message=message,
        created_at=at or timezone.now(),
    )


def notification_read(*, user: User, notification_id: int) -> bool:
    """Mark one of the user's own notifications read; another's is left as it is.
    Returns whether it changed."""
    return bool(
        Notification.objects.filter(pk=notification_id, recipient=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    )
