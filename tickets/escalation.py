"""What a missed promise sets off on its ticket: the timeline event and the notice to
the role the property's policy names (R2.16-R2.18, R5.2). The promise sweep
(``promises.services.sweep``) calls it for every batch of new breaches."""

from __future__ import annotations

import datetime

from notify.models import Notification
from people.access import staff_at
from people.models import User
from promises.models import Deadline
from promises.policy import limits_for
from promises.services import breach_note, on_breach
from tickets.models import TicketEvent


def breaches_escalate(deadlines: list[Deadline], now: datetime.datetime) -> None:
    """For each newly breached clock: a timeline event on its ticket and a notification
    to the role the property's policy names (R2.16-R2.18)."""
    limits: dict[tuple[int, str], dict] = {}
    recipients: dict[tuple[int, str], list[User]] = {}
    events: list[TicketEvent] = []
    notes: list[Notification] = []
    for d in deadlines:
        ticket = d.ticket
        role = d.escalate_to
        if not role:  # a row started before clocks carried their escalation
            key = (ticket.property_id, ticket.kind)
            if key not in limits:
                limits[key] = limits_for(*key)
            role = limits[key][d.clock].escalate_to
        if (ticket.property_id, role) not in recipients:
            recipients[(ticket.property_id, role)] = list(staff_at(ticket.property_id, role))
        note = breach_note(d)
        events.append(
            TicketEvent(
                ticket=ticket,
                property_id=ticket.property_id,
                at=now,
                action="breach",
                note=note,
                data={"clock": d.clock, "due_at": d.due_at.isoformat(), "escalated_to": role},
            )
        )
        notes.extend(
            Notification(
                property_id=ticket.property_id,
                recipient=u,
                ticket=ticket,
                kind=Notification.Kind.BREACH,
                message=f"{ticket.number}: {note}",
                created_at=now,
            )
            for u in recipients[(ticket.property_id, role)]
        )
    TicketEvent.objects.bulk_create(events)
    Notification.objects.bulk_create(notes)


on_breach(breaches_escalate)
