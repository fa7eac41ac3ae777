"""Creating notifications: escalations of missed promises and requests to act."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone

from notify.models import Notification
from people.access import staff_at
from people.models import User
from tickets.models import TicketEvent

if TYPE_CHECKING:
    from promises.models import Deadline
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


def escalate_breaches(deadlines: Iterable[Deadline], *, now: datetime.datetime) -> None:
    """For each newly breached clock: a timeline event on its ticket and a notification
    to the role the property's policy names (R2.16-R2.18)."""
    from promises.policy import limits_for
    from promises.services import breach_note

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
