"""Telling people: a notice is written in the same transaction as the change that causes
it, as the bell's row for each account and as outbox deliveries on the channels the
person chose (and the robots of their role or team); the worker sends them once the
change is committed (notify.outbox). Every notice is worded in its reader's language
and, for each event and person, written once.

The services call ``notice`` (to given accounts), ``notice_role`` (to the staff of a role
at the ticket's property) or ``notice_reporter`` (to the resident who reported, or the
household's contact by SMS when they have no account)."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from base.errors import InvalidInput
from base.writes import insert
from estates.models import Property
from notify import outbox
from notify.models import ChannelRoute, Delivery, NoticePreference, Notification
from notify.tasks import deliveries_send
from people.access import is_resident, is_technician, staff_at
from people.models import User

if TYPE_CHECKING:
    from tickets.models import Ticket


@dataclass(frozen=True)
class Words:
    """A notice as each channel says it: the bell's line (also the e-mail's body), a
    short SMS (one 70-character segment where it can be, with the ticket number) and an
    e-mail subject."""

    message: str
    sms: str = ""
    subject: str = ""


Wording = Callable[[], Words | str]  # called in the reader's language


def _words(wording: Wording, language: str) -> Words:
    with translation.override(language):
        said = wording()
    return said if isinstance(said, Words) else Words(said)


def preference_of(user: User) -> NoticePreference:
    """The person's choices; by default technicians and residents get SMS, and
    residents' routine notices keep quiet from 22:00 to 07:00."""
    found = NoticePreference.objects.filter(user=user).first()
    if found:
        return found
    resident = is_resident(user)
    return NoticePreference(
        user=user,
        by_sms=resident or is_technician(user),
        quiet_from=datetime.time(22) if resident else None,
        quiet_to=datetime.time(7) if resident else None,
    )


def notice(
    *,
    to: Iterable[User | None],
    kind: str,
    wording: Wording,
    ticket: Ticket | None = None,
    property_id: int | None = None,
    key: str = "",
    link: str = "",
    urgent: bool = False,
    at: datetime.datetime | None = None,
) -> list[Notification]:
    """Tell these accounts: the bell's row, and a delivery on each channel they chose.
    ``key`` makes it once per event: a second notice with the same key and person is
    not written. ``urgent`` notices are never held for quiet hours."""
    if not settings.NOTIFY_ENABLED:
        return []
    at = at or timezone.now()
    property_id = property_id or (ticket.property_id if ticket else None)
    assert property_id is not None
    link = link or (f"/t/{ticket.number}/" if ticket else "")
    time_zone = ticket.property.time_zone if ticket else Property.objects.get(pk=property_id).time_zone
    made: list[Notification] = []
    deliveries: list[Delivery] = []
    for user in {u.pk: u for u in to if u is not None and u.is_active}.values():
        row_key = f"{key}:user:{user.pk}" if key else None
        if row_key and Notification.objects.filter(key=row_key).exists():
            continue
        words = _words(wording, user.language)
        row = Notification.objects.create(
            property_id=property_id,
            recipient=user,
            ticket=ticket,
            kind=kind,
            message=words.message[:300],
            link=_link_for(user, ticket, link),
            created_at=at,
            key=row_key,
        )
        made.append(row)
        deliveries += _deliveries_of(row, user, words, urgent=urgent, at=at, time_zone=time_zone)
    _keep(deliveries)
    return made


def notice_role(
    *,
    ticket: Ticket,
    role: str,
    kind: str,
    wording: Wording,
    key: str = "",
    urgent: bool = False,
    at: datetime.datetime | None = None,
) -> list[Notification]:
    """Tell the staff of ``role`` at the ticket's property, and the group robots set up
    for that role there."""
    made = notice(
        to=staff_at(ticket.property_id, role), kind=kind, wording=wording, ticket=ticket, key=key, urgent=urgent, at=at
    )
    _robots(
        ChannelRoute.objects.filter(property_id=ticket.property_id, role=role, active=True),
        ticket,
        wording,
        key,
        at,
        urgent=urgent,
    )
    return made


def notice_team(  # type: ignore[no-untyped-def]
    *, ticket: Ticket, team_id: int, kind: str, wording: Wording, key: str = "", urgent: bool = False, at=None
) -> None:
    """Tell the members of a maintenance team and the robots of that team."""
    members = User.objects.filter(team_id=team_id, is_active=True)
    notice(to=members, kind=kind, wording=wording, ticket=ticket, key=key, urgent=urgent, at=at)
    _robots(ChannelRoute.objects.filter(team_id=team_id, active=True), ticket, wording, key, at, urgent=urgent)


def notice_reporter(
    *, ticket: Ticket, wording: Wording, key: str, urgent: bool = False, at: datetime.datetime | None = None
) -> None:
    """Tell the resident who reported: on their account if they have one (the bell and
    their channels), else by SMS to the mobile number the ticket was recorded with. A
    defect found on patrol has no one to tell."""
    if ticket.channel == "patrol" or not settings.NOTIFY_ENABLED:
        return
    at = at or timezone.now()
    resident = ticket.resident.user if ticket.resident_id and ticket.resident and ticket.resident.user_id else None
    if resident is not None and resident.is_active:
        notice(
            to=[resident], kind=Notification.Kind.UPDATE, wording=wording, ticket=ticket, key=key, urgent=urgent, at=at
        )
        return
    phone = ticket.reporter_phone
    if not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
        return  # a landline takes no SMS
    words = _words(wording, settings.LANGUAGE_CODE)
    when = _not_before(None, ticket.property.time_zone, urgent, at, resident_default=True)
    _keep(
        [
            Delivery(
                property_id=ticket.property_id,
                ticket=ticket,
                recipient_name=ticket.reporter_name,
                channel=Delivery.Channel.SMS,
                address=phone,
                text=words.sms or words.message,
                urgent=urgent,
                status=Delivery.Status.HELD if when > at else Delivery.Status.PENDING,
                next_attempt_at=when,
                created_at=at,
                key=f"{key}:phone:{phone}",
            )
        ]
    )


def sms_send(
    *, property_id: int, phone: str, text: str, recipient: User | None = None, name: str = "", key: str | None = None
) -> Delivery:
    """One SMS to a number, at once, on the outbox (a sign-in code, an invitation): it
    goes whatever ``NOTIFY_ENABLED`` says, since the person asked for it or must have it."""
    at = timezone.now()
    delivery = Delivery(
        property_id=property_id,
        recipient=recipient,
        recipient_name=name or (str(recipient) if recipient else phone),
        channel=Delivery.Channel.SMS,
        address=phone,
        text=text,
        urgent=True,
        status=Delivery.Status.PENDING,
        next_attempt_at=at,
        created_at=at,
        key=key,
    )
    _keep([delivery])
    return delivery


def _link_for(user: User, ticket: Ticket | None, link: str) -> str:
    """Where the notice opens for this person: the technician's job page, the
    resident's pages, or the console's ticket."""
    if ticket is None:
        return link
    if is_technician(user):
        return f"/field/j/{ticket.number}/"
    if is_resident(user):
        return f"/my/m/{ticket.number}/"
    return link


def _not_before(
    preference: NoticePreference | None,
    time_zone: str,
    urgent: bool,
    at: datetime.datetime,
    *,
    resident_default: bool = False,
) -> datetime.datetime:
    """When a routine notice to a resident may go: now, or the end of their quiet hours."""
    if urgent:
        return at
    if preference is None and resident_default:
        preference = NoticePreference(quiet_from=datetime.time(22), quiet_to=datetime.time(7))
    if preference is None:
        return at
    return preference.quiet_until(at.astimezone(zoneinfo.ZoneInfo(time_zone))) or at


def _deliveries_of(
    row: Notification, user: User, words: Words, *, urgent: bool, at: datetime.datetime, time_zone: str
) -> list[Delivery]:
    preference = preference_of(user)
    # Staff on duty are never kept waiting; quiet hours are the residents'.
    held = is_resident(user) and not urgent
    when = _not_before(preference if held else None, time_zone, urgent, at)
    common = {
        "property_id": row.property_id,
        "notification": row,
        "ticket_id": row.ticket_id,
        "recipient": user,
        "recipient_name": user.name_kept,
        "urgent": urgent,
        "status": Delivery.Status.HELD if when > at else Delivery.Status.PENDING,
        "next_attempt_at": when,
        "created_at": at,
    }
    out = []
    if preference.by_email and user.email:
        out.append(
            Delivery(
                channel=Delivery.Channel.EMAIL,
                address=user.email,
                subject=words.subject or words.message[:60],
                text=f"{words.message}\n\n{settings.SITE_URL}{row.link}" if row.link else words.message,
                key=f"{row.key}:email" if row.key else None,
                **common,
            )
        )
    if preference.by_sms and user.phone:
        out.append(
            Delivery(
                channel=Delivery.Channel.SMS,
                address=user.phone,
                text=words.sms or words.message,
                key=f"{row.key}:sms" if row.key else None,
                **common,
            )
        )
    return out


def _robots(
    routes: Iterable[ChannelRoute],
    ticket: Ticket,
    wording: Wording,
    key: str,
    at: datetime.datetime | None,
    *,
    urgent: bool,
) -> None:
    """The group robots' messages; urgent ones, like the people's, go as soon as the change
    commits (a robot keeps no quiet hours)."""
    if not settings.NOTIFY_ENABLED:
        return
    at = at or timezone.now()
    deliveries = []
    for route in routes:
        words = _words(wording, settings.LANGUAGE_CODE)
        route_key = f"{key}:route:{route.pk}" if key else None
        if route_key and Delivery.objects.filter(key=route_key).exists():
            continue
        deliveries.append(
            Delivery(
                property_id=ticket.property_id,
                ticket=ticket,
                recipient_name=route.name,
                channel=Delivery.Channel.ROBOT,
                route=route,
                text=words.message,
                subject=words.subject,
                urgent=urgent,
                next_attempt_at=at,
                created_at=at,
                key=route_key,
            )
        )
    _keep(deliveries)


def _keep(deliveries: list[Delivery]) -> None:
    """Write the deliveries with the change. Urgent ones (a job, a missed promise, an
    emergency) are handed to the worker as soon as the change commits; routine ones go
    with the worker's pass every minute, so recording a matter costs one row, not a
    round trip to the queue as well."""
    if not deliveries:
        return
    insert(*deliveries)
    ids = [d.pk for d in deliveries if d.status == Delivery.Status.PENDING and d.urgent]
    if ids:
        transaction.on_commit(lambda: deliveries_send(ids))


def deliveries_retry(deliveries: Iterable[Delivery]) -> int:
    """The desk supervisor sends failed deliveries again: each is due now, with its
    attempts counted afresh; the worker takes them once this commits."""
    ids = [d.pk for d in deliveries if outbox.delivery_retry(delivery=d)]
    if ids:
        transaction.on_commit(lambda: deliveries_send(ids))
    return len(ids)


def deliveries_retry_failed(*, property_id: int, ids: Iterable[int] | None = None) -> int:
    """Send again the property's failed deliveries (those of ``ids``, or all of them)."""
    failed = Delivery.objects.filter(property_id=property_id, status=Delivery.Status.FAILED)
    if ids is not None:
        failed = failed.filter(pk__in=list(ids))
    return deliveries_retry(list(failed))


def notification_read(*, user: User, notification_id: int) -> bool:
    """Mark one of the user's own notifications read; another's is left as it is.
    Returns whether it changed."""
    return bool(
        Notification.objects.filter(pk=notification_id, recipient=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    )


def notifications_read(*, user: User) -> int:
    """Mark all of the user's notifications read."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def bell_of(user: User) -> dict[str, int | None]:
    """The bell: how many unread, and the newest notice's id (a change means news).

    Every page's frame and the bell's poll ask this, so it is one hand-written
    statement: through the ORM, its two queries cost four times as much in Python."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM notify_notification WHERE recipient_id = %s AND read_at IS NULL),"
            " (SELECT MAX(id) FROM notify_notification WHERE recipient_id = %s)",
            [user.pk, user.pk],
        )
        unread, latest = cursor.fetchone()
    return {"unread": unread, "latest": latest}


def preference_set(
    *,
    user: User,
    by_email: bool,
    by_sms: bool,
    quiet_from: datetime.time | None,
    quiet_to: datetime.time | None,
    language: str | None = None,
) -> NoticePreference:
    """Save a person's choices: the channels beside the bell, their quiet hours (both
    ends or neither) and the language of their pages and notices."""
    if by_email and not user.email:
        raise InvalidInput(_("Your account has no e-mail address; ask the office to add it."), field="by_email")
    if by_sms and not user.phone:
        raise InvalidInput(_("Your account has no mobile number; ask the office to add it."), field="by_sms")
    if (quiet_from is None) != (quiet_to is None):
        raise InvalidInput(_("Give both ends of the quiet hours, or neither."), field="quiet_to")
    if quiet_from is not None and quiet_from == quiet_to:
        raise InvalidInput(_("The quiet hours start and end at the same time."), field="quiet_to")
    if language is not None:
        if language not in dict(settings.LANGUAGES):
            raise InvalidInput(_("Choose one of the languages offered."), field="language")
        if language != user.language:
            User.objects.filter(pk=user.pk).update(language=language)
            user.language = language
    preference, _created = NoticePreference.objects.update_or_create(
        user=user,
        defaults={"by_email": by_email, "by_sms": by_sms, "quiet_from": quiet_from, "quiet_to": quiet_to},
    )
    return preference
