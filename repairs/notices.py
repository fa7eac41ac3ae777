"""Who is told what about a repair (docs/notifications.md), each worded in its reader's
language when it is written:

- the technician or team: dispatched or reassigned (place, category, urgency, the
  promised arrival, a link), the review of out-of-catalogue items decided, the job
  returned to dispatch or cancelled;
- the supervisors: items to review (R2.6), a technical escalation (R2.14), a job back
  to be dispatched;
- the desk who recorded it: tell the customer of the review's decision (R2.6), of a
  deferral (R2.13), of the builder's or provider's report (R2.23);
- the resident who reported: dispatched with the technician's name and the promised
  arrival, deferred with the reason and the new time (R2.13), a quote waiting for
  consent (R2.9), the work done with the sign-off to give (R2.11).
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from notify.models import Notification
from notify.services import Words, notice, notice_reporter, notice_role, notice_team
from people.access import desk_on_duty, holds
from people.models import Role, User
from people.roles import DESK
from repairs.workflow import WORKFLOW
from tickets.choices import Urgency
from tickets.models import Ticket, TicketEvent

JOB, TELL, REVIEW, ESCALATION = (
    Notification.Kind.JOB,
    Notification.Kind.TELL_CUSTOMER,
    Notification.Kind.REVIEW,
    Notification.Kind.ESCALATION,
)


def to_tell(ticket: Ticket) -> QuerySet[Notification]:
    """The reminders to tell the customer of this ticket written since the desk last
    recorded telling them (reading a reminder is not telling the customer): those with
    no record of telling at or after them."""
    told_since = TicketEvent.objects.filter(ticket=ticket, action="tell_customer", at__gte=OuterRef("created_at"))
    return Notification.objects.filter(ticket=ticket, kind=TELL).exclude(Exists(told_since))


def waiting_to_tell(ticket: Ticket) -> bool:
    """Whether ``to_tell`` holds a reminder: one hand-written statement, asked by every
    open repair's page for the desk (whether to offer recording that the customer was
    told)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM notify_notification n WHERE n.ticket_id = %s AND n.kind = %s AND NOT EXISTS"
            " (SELECT 1 FROM tickets_ticketevent e WHERE e.ticket_id = n.ticket_id AND e.action = %s"
            " AND e.at >= n.created_at) LIMIT 1",
            [ticket.pk, TELL, "tell_customer"],
        )
        return cursor.fetchone() is not None


def told(reminders: list[int], at: datetime.datetime) -> None:
    """The customer was told: every desk member's reminder of it leaves their bell."""
    Notification.objects.filter(pk__in=reminders, read_at__isnull=True).update(read_at=at)


def _desk(ticket: Ticket) -> list[User]:
    """Who tells the customer: the desk member who recorded the matter, else (recorded
    online or on patrol) the post of the desk on duty now (R1.4): the service desk in
    office hours, the monitoring room outside them."""
    if ticket.created_by is not None and holds(ticket.created_by, DESK) and ticket.created_by.is_active:
        return [ticket.created_by]
    return list(desk_on_duty(ticket.property, timezone.now()))


def _at(ticket: Ticket, moment: datetime.datetime) -> str:
    """A time as the property's clock shows it: 14:30, or 11-24 14:30 on another day."""
    local = timezone.localtime(moment, zoneinfo.ZoneInfo(ticket.property.time_zone))
    today = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(ticket.property.time_zone)).date()
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%m-%d %H:%M")


def _what(ticket: Ticket) -> dict[str, str]:
    return {
        "number": ticket.number,
        "place": ticket.location_label,
        "category": ticket.category.name if ticket.category else "",
    }


def assigned(
    ticket: Ticket, event: TicketEvent, user: User | None, team_id: int | None, due: datetime.datetime
) -> None:
    """Dispatched or reassigned: the technician (or their team) and the resident."""
    emergency = ticket.urgency == Urgency.EMERGENCY

    def to_technician() -> Words:
        what = {**_what(ticket), "urgency": str(Urgency(ticket.urgency).label), "due": _at(ticket, due)}
        return Words(
            message=_("New job %(number)s: %(category)s at %(place)s, %(urgency)s; arrive by %(due)s.") % what,
            sms=_("New job %(number)s %(place)s %(category)s, arrive by %(due)s") % what,
            subject=_("New job %(number)s") % what,
        )

    key = f"event:{event.pk}"
    if user is not None:
        notice(to=[user], kind=JOB, wording=to_technician, ticket=ticket, key=key, urgent=True)
    elif team_id is not None:
        notice_team(ticket=ticket, team_id=team_id, kind=JOB, wording=to_technician, key=key, urgent=True)

    def to_resident() -> Words:
        who = str(user) if user else _("the maintenance team")
        what = {**_what(ticket), "who": who, "due": _at(ticket, due)}
        return Words(
            message=_("%(number)s: %(who)s is on the way and will arrive by %(due)s.") % what,
            sms=_("Repair %(number)s: %(who)s arrives by %(due)s") % what,
        )

    notice_reporter(ticket=ticket, wording=to_resident, key=f"{key}:reporter", urgent=emergency)


def review_needed(ticket: Ticket, event: TicketEvent) -> None:
    notice_role(
        ticket=ticket,
        role=Role.ENGINEERING_SUPERVISOR,
        kind=REVIEW,
        wording=lambda: _("%(number)s has items outside the service catalogue to review.") % _what(ticket),
        key=f"event:{event.pk}",
    )


def review_decided(ticket: Ticket, event: TicketEvent, state: str) -> None:
    """R2.6: the technician learns the decision; the desk tells the customer."""
    if ticket.assignee_id:
        notice(
            to=[ticket.assignee],
            kind=JOB,
            wording=lambda: (
                _("%(number)s: the supervisor's review is done: %(state)s.")
                % {**_what(ticket), "state": WORKFLOW.state_label(state)}
            ),
            ticket=ticket,
            key=f"event:{event.pk}",
        )
    notice(
        to=_desk(ticket),
        kind=TELL,
        wording=lambda: (
            _("%(number)s: the supervisor's review is done (%(state)s); tell the customer.")
            % {**_what(ticket), "state": WORKFLOW.state_label(state)}
        ),
        ticket=ticket,
        key=f"event:{event.pk}:desk",
    )


def quote_waiting(ticket: Ticket, event: TicketEvent, total: object) -> None:
    """R2.9: the resident is asked to agree to the price before the work starts."""

    def words() -> Words:
        what = {**_what(ticket), "total": total}
        return Words(
            message=_("%(number)s: the repair costs ¥%(total)s; please agree to the quote before work starts.") % what,
            sms=_("Repair %(number)s quote ¥%(total)s: please agree") % what,
        )

    notice_reporter(ticket=ticket, wording=words, key=f"event:{event.pk}:reporter", urgent=True)


def deferred(ticket: Ticket, event: TicketEvent, reason: str, promised_at: datetime.datetime, renewal: bool) -> None:
    """R2.13: the desk calls with the reason; the resident hears the new time."""
    when = _at(ticket, promised_at)
    notice(
        to=_desk(ticket),
        kind=TELL,
        wording=lambda: (
            (
                _("%(number)s: the promised time is renewed to %(time)s; call the customer with an apology.")
                if renewal
                else _("%(number)s is deferred until %(time)s: call the customer with the reason.")
            )
            % {**_what(ticket), "time": when}
        ),
        ticket=ticket,
        key=f"event:{event.pk}:desk",
    )

    def to_resident() -> Words:
        what = {**_what(ticket), "time": when, "reason": reason[:60]}
        return Words(
            message=_("%(number)s is put off until %(time)s: %(reason)s") % what,
            sms=_("Repair %(number)s put off to %(time)s: %(reason)s") % what,
        )

    notice_reporter(ticket=ticket, wording=to_resident, key=f"event:{event.pk}:reporter")


def escalated(ticket: Ticket, event: TicketEvent, note: str) -> None:
    """R2.14: a technical problem goes to the equipment supervisor."""
    notice_role(
        ticket=ticket,
        role=Role.EQUIPMENT_SUPERVISOR,
        kind=ESCALATION,
        wording=lambda: _("%(number)s escalated: %(note)s") % {**_what(ticket), "note": note[:200]},
        key=f"event:{event.pk}",
        urgent=True,
    )


def completed(ticket: Ticket, event: TicketEvent) -> None:
    """R2.11: the resident signs off and rates the work."""

    def words() -> Words:
        return Words(
            message=_("%(number)s is done. Please check the repair, sign it off and rate it.") % _what(ticket),
            sms=_("Repair %(number)s done: please sign off and rate") % _what(ticket),
        )

    notice_reporter(ticket=ticket, wording=words, key=f"event:{event.pk}:reporter")


def released(ticket: Ticket, event: TicketEvent, held_by: User | None, reason: str) -> None:
    """A job back to be dispatched: the desk's supervisor, and whoever held it."""
    what = {"reason": reason[:200]}
    notice_role(
        ticket=ticket,
        role=Role.SERVICE_SUPERVISOR,
        kind=REVIEW,
        wording=lambda: _("%(number)s is back to be dispatched: %(reason)s") % {**_what(ticket), **what},
        key=f"event:{event.pk}",
    )
    notice(
        to=[held_by],
        kind=JOB,
        wording=lambda: _("%(number)s is no longer yours: %(reason)s") % {**_what(ticket), **what},
        ticket=ticket,
        key=f"event:{event.pk}:technician",
    )


def cancelled(ticket: Ticket, event: TicketEvent, held_by: User | None, reason: str) -> None:
    notice(
        to=[held_by],
        kind=JOB,
        wording=lambda: _("%(number)s is cancelled: %(reason)s") % {**_what(ticket), "reason": reason[:200]},
        ticket=ticket,
        key=f"event:{event.pk}:technician",
    )


def party_reported(ticket: Ticket, event: TicketEvent, by: User, update: Promise) -> None:
    """R2.23: the desk tells the customer what the builder or provider reported."""
    notice(
        to=[by],
        kind=TELL,
        wording=lambda: _("Tell the customer of %(number)s: %(update)s.") % {**_what(ticket), "update": str(update)},
        ticket=ticket,
        key=f"event:{event.pk}",
    )
