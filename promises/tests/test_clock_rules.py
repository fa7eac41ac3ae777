"""The promise clocks' machinery at its edges (R2.16-R2.18, R4.3, R4.5 and the sweep of
DESIGN): the clocks a ticket opens with, at their exact instants, emergencies and the
property's own day; starting, meeting and cancelling only the ticket's own clocks; a
sweep of more breaches than one batch; what the breach handlers are handed; the note
a breach leaves."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from conftest import T0
from estates.models import Property
from promises import services
from promises.models import Clock, Deadline, PromisePolicy
from promises.policy import END_OF_DAY, Limit
from promises.services import (
    BREACH_HANDLERS,
    breach_note,
    clock_label,
    deadline_build,
    deadline_meet,
    deadline_start,
    deadlines_cancel,
    on_breach,
    opening_deadlines,
    sweep,
)
from tickets.models import Ticket

MIN = datetime.timedelta(minutes=1)
MICRO = datetime.timedelta(microseconds=1)


@pytest.fixture
def ticket(clock, api, draft) -> Ticket:
    r = api("ygjy-agent").post("/tickets", draft())
    assert r.status_code == 201, r.content
    return Ticket.objects.select_related("property").get(number=r.json()["number"])


@pytest.fixture
def two(clock, api, draft) -> tuple[Ticket, Ticket]:
    desk = api("ygjy-agent")
    numbers = [desk.post("/tickets", draft()).json()["number"] for _ in range(2)]
    first, second = (Ticket.objects.select_related("property").get(number=n) for n in numbers)
    return first, second


def test_a_ticket_opens_with_its_clocks_from_the_call_and_from_the_recording(ticket):
    """R2.16: the recording clock runs from the call, is met by the recording and is held
    by the ticket's assignee; every other clock runs from the recording."""
    ticket.reported_at = T0 - 2 * MIN
    ticket.assignee_id = 4242
    limits: dict[str, Limit] = {
        Clock.RECORD: Limit(2, None, "service_supervisor"),
        Clock.NOTIFY: Limit(2, None, "service_supervisor"),
    }
    record, notify = opening_deadlines(
        ticket=ticket, clocks=[Clock.RECORD, Clock.NOTIFY, Clock.ARRIVE], limits=limits, now=T0
    )
    assert (record.clock, record.started_at, record.due_at, record.met_at) == (Clock.RECORD, T0 - 2 * MIN, T0, T0)
    assert (record.status, record.assignee_id, record.breached_at) == (Deadline.Status.MET, 4242, None)
    assert (notify.clock, notify.started_at, notify.due_at, notify.status) == (Clock.NOTIFY, T0, T0 + 2 * MIN, "open")
    assert notify.met_at is None and notify.assignee_id is None
    assert record.ticket is ticket and record.property_id == ticket.property_id
    assert (record.escalate_to, notify.escalate_to) == ("service_supervisor", "service_supervisor")


def test_recording_at_the_due_instant_is_on_time_and_a_microsecond_later_is_late(ticket):
    """R2.16: recorded exactly two minutes after the call keeps the promise."""
    limits: dict[str, Limit] = {Clock.RECORD: Limit(2, None, "")}
    ticket.reported_at = T0 - 2 * MIN
    (on_time,) = opening_deadlines(ticket=ticket, clocks=[Clock.RECORD], limits=limits, now=T0)
    assert on_time.breached_at is None
    (late,) = opening_deadlines(ticket=ticket, clocks=[Clock.RECORD], limits=limits, now=T0 + MICRO)
    assert late.breached_at == T0 + MICRO


@pytest.mark.parametrize(("urgency", "minutes"), [("emergency", 5), ("normal", 15)])
def test_an_emergency_opens_with_its_shorter_limit(ticket, urgency, minutes):
    """R2.17: 5 minutes on site for an emergency, 15 otherwise, when a clock opens or starts."""
    ticket.urgency = urgency
    limits: dict[str, Limit] = {Clock.ARRIVE: Limit(15, 5, "")}
    (arrive,) = opening_deadlines(ticket=ticket, clocks=[Clock.ARRIVE], limits=limits, now=T0)
    assert arrive.due_at == T0 + minutes * MIN
    started = deadline_start(ticket=ticket, clock=Clock.ARRIVE, start=T0)
    assert started.due_at == T0 + minutes * MIN


def test_a_same_day_clock_ends_at_the_end_of_the_property_s_own_day(ticket):
    """R4.3: "the same day" is the property's local day, wherever it is."""
    Property.objects.filter(pk=ticket.property_id).update(time_zone="Europe/London")
    ticket.property.refresh_from_db()
    limits: dict[str, Limit] = {Clock.TAKE_UP: Limit(END_OF_DAY, None, "executive")}
    (take_up,) = opening_deadlines(ticket=ticket, clocks=[Clock.TAKE_UP], limits=limits, now=T0)
    london_end = datetime.datetime(2026, 11, 23, 23, 59, 59, tzinfo=datetime.UTC)  # London is on UTC in November
    assert take_up.due_at == london_end
    started = deadline_start(ticket=ticket, clock=Clock.TAKE_UP, start=T0, policy="complaint:major")
    assert started.due_at == london_end and started.escalate_to


def test_a_started_clock_follows_the_property_s_own_policy_row(ticket):
    """Per-property policies: a clock started without a due time takes the property's
    limit and escalation, not the default."""
    PromisePolicy.objects.filter(property_id=ticket.property_id, kind="repair", clock=Clock.ARRIVE).update(
        minutes=40, escalate_to="manager"
    )
    started = deadline_start(ticket=ticket, clock=Clock.ARRIVE, start=T0)
    stored = Deadline.objects.get(pk=started.pk)
    assert (stored.started_at, stored.due_at, stored.escalate_to) == (T0, T0 + 40 * MIN, "manager")
    assert (stored.ticket_id, stored.property_id, stored.clock) == (ticket.pk, ticket.property_id, Clock.ARRIVE)


def test_a_built_clock_escalates_to_no_one_unless_told(ticket):
    built = deadline_build(ticket=ticket, clock=Clock.PROMISE, start=T0, due=T0 + MIN)
    assert (built.ticket, built.escalate_to, built.due_at) == (ticket, "", T0 + MIN)


def test_meeting_a_clock_meets_only_that_ticket_s_clock_and_is_stored(two):
    """R2.16: a step done on one ticket keeps that ticket's promise only."""
    first, second = two
    deadline_meet(ticket=first, clock=Clock.NOTIFY, at=T0 + MIN)
    met = Deadline.objects.get(ticket=first, clock=Clock.NOTIFY)
    assert (met.status, met.met_at, met.breached_at) == ("met", T0 + MIN, None)
    assert Deadline.objects.get(ticket=second, clock=Clock.NOTIFY).status == "open"


def test_cancelling_clocks_cancels_only_the_ticket_s_running_ones(two):
    """A ticket's running clocks are cancelled; another ticket's and a met one stay."""
    first, second = two
    deadline_meet(ticket=first, clock=Clock.NOTIFY, at=T0 + MIN)
    deadline_start(ticket=first, clock=Clock.ARRIVE, start=T0)
    deadlines_cancel(ticket=first)
    assert dict(Deadline.objects.filter(ticket=first).values_list("clock", "status")) == {
        Clock.RECORD: "met",
        Clock.NOTIFY: "met",
        Clock.ARRIVE: "cancelled",
    }
    assert Deadline.objects.get(ticket=second, clock=Clock.NOTIFY).status == "open"


def test_the_sweep_goes_on_past_a_full_batch_and_counts_every_breach(two, monkeypatch):
    """The sweep marks every missed clock, however many batches it takes."""
    monkeypatch.setattr(services, "SWEEP_BATCH", 2)
    first, second = two
    deadline_start(ticket=first, clock=Clock.ARRIVE, start=T0, due=T0 + MIN)
    deadline_start(ticket=second, clock=Clock.ARRIVE, start=T0, due=T0 + MIN)
    # Two notify clocks and two arrive clocks are missed, then a fifth one.
    deadline_start(ticket=second, clock=Clock.PROMISE, start=T0, due=T0 + MIN)
    assert sweep(T0 + 10 * MIN) == 5
    assert Deadline.objects.filter(ticket__in=two, breached_at=T0 + 10 * MIN).count() == 5
    assert sweep(T0 + 11 * MIN) == 0


def test_a_breach_handler_registered_for_a_clock_gets_only_that_clock_s_breaches_once(ticket):
    """R4.1 wiring: a handler for one clock is handed only its clock's new breaches, with
    the instant of the breach; registering it twice calls it once."""
    seen: list[tuple[str, datetime.datetime | None, datetime.datetime]] = []

    def handler(deadlines: list[Deadline], now: datetime.datetime) -> None:
        seen.extend((d.clock, d.breached_at, now) for d in deadlines)

    deadline_start(ticket=ticket, clock=Clock.PROMISE, start=T0, due=T0 + MIN)
    before = list(BREACH_HANDLERS)
    on_breach(handler, clock=Clock.PROMISE)
    on_breach(handler, clock=Clock.PROMISE)
    try:
        assert BREACH_HANDLERS.count((Clock.PROMISE, handler)) == 1
        assert sweep(T0 + 5 * MIN) == 2  # notify and promise
    finally:
        BREACH_HANDLERS[:] = before
    assert seen == [(Clock.PROMISE, T0 + 5 * MIN, T0 + 5 * MIN)]


def test_a_breach_note_names_the_clock_and_its_local_due_time(ticket):
    """R2.16: the timeline says which promise was missed and when it was due."""
    notify = Deadline.objects.get(ticket=ticket, clock=Clock.NOTIFY)
    with translation.override("en"):
        assert breach_note(notify) == "Promise missed: notify the team (due 2026-11-23 09:02)."
        assert clock_label(Clock.ARRIVE) == "arrive on site"
    assert clock_label("no-such-clock") == "no-such-clock"
