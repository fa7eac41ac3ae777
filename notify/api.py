"""My notices (the bell's list), marking them read, and my choices of channels, quiet
hours and language."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from pydantic import Field

from base.errors import Forbidden
from base.request import user_of
from base.schemas import ERRORS, Input, Out
from notify.models import Notification
from notify.selectors import outbox
from notify.services import (
    bell_of,
    deliveries_retry_failed,
    notification_read,
    notifications_read,
    preference_of,
    preference_set,
)
from people.access import may_watch_deliveries, property_of

router = Router(tags=["notifications"])
outbox_router = Router(tags=["outbox"])


class NotificationOut(Out):
    id: int
    kind: str
    kind_label: str
    ticket: str | None
    message: str
    link: str = Field(description="The page the notice opens (a path on this site).")
    created_at: datetime.datetime
    read: bool


class CountOut(Out):
    unread: int
    latest: int | None = Field(description="The id of the newest notice: a change means something new.")


class ReadAllOut(Out):
    marked: int


# A time of day on the property's clock, "HH:MM" (JSON Schema's "time" needs an offset).
HOUR_MINUTE = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class PreferenceIn(Input):
    by_email: bool = False
    by_sms: bool = False
    quiet_from: str | None = Field(
        default=None, pattern=HOUR_MINUTE, description="Start of the quiet hours, local time (HH:MM)."
    )
    quiet_to: str | None = Field(default=None, pattern=HOUR_MINUTE, description="End of the quiet hours (HH:MM).")
    language: str | None = Field(default=None, description="zh-hans or en; unchanged when left out.")


class PreferenceOut(Out):
    by_email: bool
    by_sms: bool
    quiet_from: str | None = Field(pattern=HOUR_MINUTE)
    quiet_to: str | None = Field(pattern=HOUR_MINUTE)
    language: str
    email: str
    phone: str


def _out(n: Notification) -> dict:
    return {
        "id": n.pk,
        "kind": n.kind,
        "kind_label": str(n.get_kind_display()),
        "ticket": n.ticket.number if n.ticket else None,
        "message": n.message,
        "link": n.link,
        "created_at": n.created_at,
        "read": n.read_at is not None,
    }


@router.get("", response={200: list[NotificationOut], **ERRORS}, summary="My notices, newest first")
def my_notifications(
    request: HttpRequest, unread: bool = False, limit: int = 50, before: int | None = None
) -> list[dict]:
    """``before``: the id of the last notice of the previous page."""
    qs = Notification.objects.filter(recipient=user_of(request)).select_related("ticket")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    if before is not None:
        qs = qs.filter(pk__lt=before)
    return [_out(n) for n in qs.order_by("-id")[: max(1, min(limit, 200))]]


@router.get("/count", response={200: CountOut, **ERRORS}, summary="How many of mine are unread (the bell)")
def count(request: HttpRequest) -> dict:
    return bell_of(user_of(request))


@router.post("/{notification_id}/read", response={204: None, **ERRORS}, summary="Mark one of mine as read")
def mark_read(request: HttpRequest, notification_id: int) -> Status:
    user = user_of(request)
    if not Notification.objects.filter(pk=notification_id, recipient=user).exists():
        return Status(404, {"detail": _("There is no such notice of yours."), "code": "not_found"})
    notification_read(user=user, notification_id=notification_id)
    return Status(204, None)


@router.post("/read", response={200: ReadAllOut, **ERRORS}, summary="Mark all of mine as read")
def mark_all_read(request: HttpRequest) -> dict:
    return {"marked": notifications_read(user=user_of(request))}


def _hour_minute(t: datetime.time | None) -> str | None:
    return t.strftime("%H:%M") if t is not None else None


def _time(text: str | None) -> datetime.time | None:
    return datetime.time.fromisoformat(text) if text else None


def _preference_out(user) -> dict:  # type: ignore[no-untyped-def]
    p = preference_of(user)
    return {
        "by_email": p.by_email,
        "by_sms": p.by_sms,
        "quiet_from": _hour_minute(p.quiet_from),
        "quiet_to": _hour_minute(p.quiet_to),
        "language": user.language,
        "email": user.email,
        "phone": user.phone,
    }


@router.get("/preferences", response={200: PreferenceOut, **ERRORS}, summary="My channels, quiet hours and language")
def preferences(request: HttpRequest) -> dict:
    return _preference_out(user_of(request))


@router.put(
    "/preferences", response={200: PreferenceOut, **ERRORS}, summary="Set my channels, quiet hours and language"
)
def preferences_set(request: HttpRequest, body: PreferenceIn) -> dict:
    user = user_of(request)
    preference_set(
        user=user,
        by_email=body.by_email,
        by_sms=body.by_sms,
        quiet_from=_time(body.quiet_from),
        quiet_to=_time(body.quiet_to),
        language=body.language,
    )
    return _preference_out(user)


# --- The outbox of a property (the service supervisor and the leads) ----------------------


class DeliveryOut(Out):
    id: int
    created_at: datetime.datetime
    to: str
    address: str = Field(description="The e-mail or phone; empty for a group robot (its address is secret).")
    channel: str
    channel_label: str
    ticket: str | None
    subject: str
    text: str
    status: str = Field(description="pending, held, sending, sent, kept (the local outbox) or failed.")
    status_label: str
    attempts: int
    next_attempt_at: datetime.datetime
    error: str


class OutboxOut(Out):
    counts: dict[str, int]
    items: list[DeliveryOut]


class RetryIn(Input):
    property: str
    ids: list[Annotated[int, Field(gt=0, lt=2**63)]] | None = Field(
        default=None, description="The failed deliveries to send again; all when left out."
    )


class RetryOut(Out):
    retried: int


def _watcher(request: HttpRequest, code: str):  # type: ignore[no-untyped-def]
    user = user_of(request)
    if not may_watch_deliveries(user):
        raise Forbidden(_("The outbox is for the service supervisor and the leads."))
    return property_of(user, code)


@outbox_router.get("", response={200: OutboxOut, **ERRORS}, summary="A property's outgoing messages, newest first")
def deliveries(
    request: HttpRequest,
    property: str,
    status: str = "",
    before: int | None = Query(None, gt=0, lt=2**63),  # noqa: B008 - ninja's way of declaring it
    limit: int = Query(100, ge=1, le=500),  # noqa: B008
) -> dict:
    """``before``: the id of the last delivery of the previous page."""
    rows, counts = outbox(_watcher(request, property), status=status, before=before, limit=limit)
    return {
        "counts": counts,
        "items": [
            {
                "id": d.pk,
                "created_at": d.created_at,
                "to": d.recipient_name,
                "address": d.address,
                "channel": d.channel,
                "channel_label": str(d.get_channel_display()),
                "ticket": d.ticket.number if d.ticket else None,
                "subject": d.subject,
                "text": d.shown_text(),
                "status": d.status,
                "status_label": str(d.get_status_display()),
                "attempts": d.attempts,
                "next_attempt_at": d.next_attempt_at,
                "error": d.error,
            }
            for d in rows
        ],
    }


@outbox_router.post("/retry", response={200: RetryOut, **ERRORS}, summary="Send failed messages again")
def retry(request: HttpRequest, body: RetryIn) -> dict:
    prop = _watcher(request, body.property)
    return {"retried": deliveries_retry_failed(property_id=prop.pk, ids=body.ids)}
