"""Starting, meeting and cancelling promise clocks, and the sweep that marks breaches.

A clock is met when the step it waits for happens; if that is after ``due_at`` the
breach is recorded then (for the statistics) without an escalation, because the step
is already done. A clock still running past ``due_at`` is found by the sweep, which
records the breach exactly once and escalates it.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from promises.models import Clock, Deadline
from promises.policy import Limit, limits_for

if TYPE_CHECKING:
    from tickets.models import Ticket

log = logging.getLogger(__name__)

SWEEP_BATCH = 500


def deadline_build(
    *, ticket: Ticket, clock: str, start: datetime.datetime, due: datetime.datetime, escalate_to: str = ""
) -> Deadline:
    return Deadline(
        ticket=ticket,
        property_id=ticket.property_id,
        clock=clock,
        started_at=start,
        due_at=due,
        escalate_to=escalate_to,
    )


def opening_deadlines(
    *, ticket: Ticket, clocks: Iterable[str], limits: dict[str, Limit], now: datetime.datetime
) -> list[Deadline]:
    """The clocks a new ticket starts with, unsaved (``ticket_create`` writes them with the
    ticket, whose ``next_due_at`` it sets from them). ``Clock.RECORD`` runs from the call
    and is met by the recording itself, breached if that came late (R2.16); every other
    clock runs from the recording. A clock the policy has no limit for is not started
    (a minor complaint has no take-up clock, R4.3)."""
    emergency = ticket.urgency == "emergency"
    out = []
    for clock in clocks:
        if clock not in limits:
            continue
        start = ticket.reported_at if clock == Clock.RECORD else now
        limit = limits[clock]
        deadline = deadline_build(
            ticket=ticket,
            clock=clock,
            start=start,
            due=limit.due(start, emergency=emergency, time_zone=ticket.property.time_zone),
            escalate_to=limit.escalate_to,
        )
        if clock == Clock.RECORD:
            deadline.status, deadline.met_at = Deadline.Status.MET, now
            deadline.assignee_id = ticket.assignee_id
            if now > deadline.due_at:
                deadline.breached_at = now
        out.append(deadline)
    return out


def deadline_start(
    *,
    ticket: Ticket,
    clock: str,
    start: datetime.datetime,
    due: datetime.datetime | None = None,
    policy: str | None = None,
) -> Deadline:
    """Start ``clock`` for ``ticket``; its due time comes from the property's policy
    (``policy`` names the key when it is not the ticket's kind, e.g. complaint:major)
    unless given (a promised time, an appointment, a provider's own promise)."""
    limit = limits_for(ticket.property_id, policy or ticket.kind)[clock]
    if due is None:
        due = limit.due(start, emergency=ticket.urgency == "emergency", time_zone=ticket.property.time_zone)
    return Deadline.objects.create(
        ticket=ticket,
        property_id=ticket.property_id,
        clock=clock,
        started_at=start,
        due_at=due,
        escalate_to=limit.escalate_to,
    )


def deadline_meet(*, ticket: Ticket, clock: str, at: datetime.datetime) -> None:
    for deadline in Deadline.objects.filter(ticket=ticket, clock=clock, status=Deadline.Status.OPEN):
        deadline.status = Deadline.Status.MET
        if deadline.breached_at is None:  # a missed promise stays with whoever held it then
            deadline.assignee_id = ticket.assignee_id
        deadline.met_at = at
        if at > deadline.due_at and deadline.breached_at is None:
            deadline.breached_at = at
        deadline.save(update_fields=["status", "met_at", "breached_at", "assignee"])


def deadlines_cancel(*, ticket: Ticket, clocks: Sequence[str] | None = None) -> None:
    qs = Deadline.objects.filter(ticket=ticket, status=Deadline.Status.OPEN)
    if clocks is not None:
        qs = qs.filter(clock__in=clocks)
    qs.update(status=Deadline.Status.CANCELLED)


def sweep(now: datetime.datetime | None = None) -> int:
    """Record every missed, still-running clock as breached, once, and escalate it.
    Safe to run from several processes at once. Returns the number of new breaches."""
    now = now or timezone.now()
    total = 0
    while True:
        found = _sweep_batch(now)
        total += found
        if found < SWEEP_BATCH:
            return total


def _sweep_batch(now: datetime.datetime) -> int:
    with transaction.atomic():
        due = Deadline.objects.filter(status=Deadline.Status.OPEN, breached_at__isnull=True, due_at__lt=now).order_by(
            "due_at"
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        batch = list(due.select_related("ticket")[:SWEEP_BATCH])
        if not batch:
            return 0
        ids = [d.pk for d in batch]
        # Conditional on "not yet breached": with row locks held this is exactly once.
        held_by = Deadline.objects.filter(pk=OuterRef("pk")).values("ticket__assignee_id")[:1]
        marked = Deadline.objects.filter(pk__in=ids, breached_at__isnull=True).update(
            breached_at=now, assignee=Subquery(held_by)
        )
        if marked != len(ids):  # pragma: no cover - guarded by the row locks above
            log.warning("sweep: %s of %s rows were breached concurrently", len(ids) - marked, len(ids))
        for d in batch:
            d.breached_at = now
        for clock, handler in BREACH_HANDLERS:
            mine = [d for d in batch if clock is None or d.clock == clock]
            if mine:
                handler(mine, now)
        return len(batch)


# What a breach sets off, registered by the app that owns the rule: the timeline event
# and the escalation to the role the policy names, for every clock (tickets), and e.g. a
# complaint unresolved after a month becoming major (R4.1, complaints). Called inside the
# sweep's transaction, once per newly breached row, in the order registered.
BreachHandler = Callable[[list[Deadline], datetime.datetime], None]
BREACH_HANDLERS: list[tuple[str | None, BreachHandler]] = []


def on_breach(handler: BreachHandler, *, clock: str | None = None) -> None:
    """Call ``handler`` with each batch of new breaches (of ``clock`` only, if given)."""
    if (clock, handler) not in BREACH_HANDLERS:
        BREACH_HANDLERS.append((clock, handler))


def clock_label(clock: str) -> str:
    try:
        return str(Clock(clock).label)
    except ValueError:
        return clock


def breach_note(deadline: Deadline) -> str:
    return _("Promise missed: %(clock)s (due %(due)s).") % {
        "clock": clock_label(deadline.clock),
        "due": timezone.localtime(deadline.due_at).strftime("%Y-%m-%d %H:%M"),
    }
