"""What a missed promise sets off on its ticket: the timeline event and the notice to
the role the property's policy names (R2.16-R2.18, R5.2). The promise sweep
(``promises.services.sweep``) calls it for every batch of new breaches."""

from __future__ import annotations

import datetime
import functools

from django.utils.translation import gettext as _

from notify.models import Notification
from notify.services import Words, notice_role
from promises.models import Deadline
from promises.policy import limits_for
from promises.services import breach_note, clock_label, on_breach
from tickets.models import TicketEvent


def breach_key(deadline: Deadline) -> str:
    """The one key of the notices about a missed promise, whoever writes them."""
    return f"breach:{deadline.pk}"


def breach_sms(deadline: Deadline) -> str:
    return _("%(number)s overdue: %(clock)s") % {"number": deadline.ticket.number, "clock": clock_label(deadline.clock)}


def breach_words(deadline: Deadline) -> Words:
    return Words(message=f"{deadline.ticket.number}: {breach_note(deadline)}", sms=breach_sms(deadline))


def breaches_escalate(deadlines: list[Deadline], now: datetime.datetime) -> None:
    """For each newly breached clock: a timeline event on its ticket and a notice to the
    role the property's policy names (R2.16-R2.18), never held for quiet hours. The
    notice is keyed by the clock, so another handler of the same breach (a complaint
    made major, R4.1) that tells the same person does not tell them twice."""
    limits: dict[tuple[int, str], dict] = {}
    events: list[TicketEvent] = []
    for d in deadlines:
        ticket = d.ticket
        role = d.escalate_to
        if not role:  # a row started before clocks carried their escalation
            key = (ticket.property_id, ticket.kind)
            if key not in limits:
                limits[key] = limits_for(*key)
            role = limits[key][d.clock].escalate_to
        events.append(
            TicketEvent(
                ticket=ticket,
                property_id=ticket.property_id,
                at=now,
                action="breach",
                note=breach_note(d),
                data={"clock": d.clock, "due_at": d.due_at.isoformat(), "escalated_to": role},
            )
        )
        notice_role(
            ticket=ticket,
            role=role,
            kind=Notification.Kind.BREACH,
            wording=functools.partial(breach_words, d),
            key=breach_key(d),
            urgent=True,
            at=now,
        )
    TicketEvent.objects.bulk_create(events)


on_breach(breaches_escalate)
