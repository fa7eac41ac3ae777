"""The promise clocks at their edges: a step done at the exact instant it is due is on
time, the sweep breaches a clock only after its instant, the limits are the manuals'
own figures, and a breach reaches only the rules of its own clock."""

from __future__ import annotations

import datetime

import pytest

from complaints.models import Complaint
from conftest import T0
from estates.models import Property
from promises.models import Clock, Deadline
from promises.policy import DAY, DEFAULTS, limits_for
from promises.services import sweep
from tickets.models import TicketEvent

MIN = datetime.timedelta(minutes=1)
SECOND = datetime.timedelta(seconds=1)


def recorded(api, draft) -> str:
    r = api("ygjy-agent").post("/tickets", draft())
    assert r.status_code == 201, r.content
    return r.json()["number"]


def clock_of(number: str, clock: str) -> Deadline:
    return Deadline.objects.get(ticket__number=number, clock=clock)


def test_a_step_done_at_the_exact_instant_it_is_due_is_on_time(clock, api, draft):
    """R2.16: the team notified exactly two minutes after recording keeps the promise."""
    number = recorded(api, draft)
    assert clock_of(number, "notify").due_at == T0 + 2 * MIN
    clock.move_to(T0 + 2 * MIN)
    assert api("ygjy-agent").act(number, "dispatch", {"assignee": "ygjy-tech1"}).status_code == 200
    notify = clock_of(number, "notify")
    assert (notify.status, notify.met_at, notify.breached_at, notify.on_time) == ("met", T0 + 2 * MIN, None, True)


def test_a_step_done_a_second_late_is_a_breach(clock, api, draft):
    """R2.16: one second after the instant, the same step breaks the promise."""
    number = recorded(api, draft)
    clock.move_to(T0 + 2 * MIN + SECOND)
    assert api("ygjy-agent").act(number, "dispatch", {"assignee": "ygjy-tech1"}).status_code == 200
    notify = clock_of(number, "notify")
    assert notify.breached_at == T0 + 2 * MIN + SECOND and notify.on_time is False


def test_the_sweep_breaches_a_clock_only_once_its_instant_has_passed(clock, api, draft):
    """R2.16: at the due instant the promise still stands; a second later it is missed."""
    number = recorded(api, draft)
    assert sweep(T0 + 2 * MIN) == 0
    assert clock_of(number, "notify").breached_at is None
    assert sweep(T0 + 2 * MIN + SECOND) == 1
    assert clock_of(number, "notify").breached_at == T0 + 2 * MIN + SECOND


# The manuals' limits, in minutes: (policy key, clock) -> (limit, emergency limit).
MANUAL = {
    ("repair", Clock.RECORD): (2, None),  # R2.16
    ("repair", Clock.NOTIFY): (2, None),  # R2.16
    ("repair", Clock.ARRIVE): (15, 5),  # R2.17
    ("repair", Clock.REPORT_BACK): (20, None),  # R2.18
    ("repair", Clock.PARTY_ARRIVE): (24 * 60, None),  # R3.3: on site within 24 hours
    ("repair", Clock.PARTY_FIX): (15 * 24 * 60, None),  # R3.3: fixed within 15 days
    ("complaint:minor", Clock.RESOLVE): (2 * 24 * 60, None),  # R4.5
    ("complaint:important", Clock.RESOLVE): (3 * 24 * 60, None),  # R4.5
    ("complaint:major", Clock.ANSWER): (2 * 24 * 60, None),  # R4.5
    ("complaint:major", Clock.RESOLVE): (10 * 24 * 60, None),  # R4.5
    ("complaint:important", Clock.MONTH): (30 * 24 * 60, None),  # R4.1
    ("help", Clock.REPLY): (5, None),  # R5.2
    ("consultation:oral", Clock.REPLY): (5, None),  # R5.2, R5.5
    ("consultation:written", Clock.REPLY): (2 * 24 * 60, None),  # R5.5
}


@pytest.mark.parametrize(("key", "clock_name"), list(MANUAL))
def test_each_limit_is_the_manuals_own_figure(estate, key, clock_name):
    """R2.16-R2.18, R3.3, R4.1, R4.5, R5.2, R5.5: the default and a property's limit."""
    minutes, emergency = MANUAL[(key, clock_name)]
    default = DEFAULTS[(key, clock_name)]
    assert (default.minutes, default.emergency_minutes) == (minutes, emergency)
    at_the_estate = limits_for(Property.objects.get(code="YGJY").pk, key)[clock_name]
    assert (at_the_estate.minutes, at_the_estate.emergency_minutes) == (minutes, emergency)


def test_a_day_is_twenty_four_hours_of_the_clock(estate):
    """R3.3: "within 15 days" runs fifteen whole days from the notice."""
    assert DAY == 24 * 60
    limit = DEFAULTS[("repair", Clock.PARTY_FIX)]
    start = T0 + 3 * MIN
    assert limit.due(start, emergency=False, time_zone="Asia/Shanghai") == start + datetime.timedelta(days=15)


def test_a_breach_reaches_only_the_rules_of_its_own_clock(clock, api):
    """R4.1 wiring: a missed take-up of an important complaint is escalated as a missed
    take-up; it does not set off the one-month rule that makes a complaint major."""
    r = api("ygjy-agent").post(
        "/tickets",
        {
            "kind": "complaint",
            "property": "YGJY",
            "unit": "3-1202",
            "description": "物业费账单重复收取，多次反映无人处理",
            "complaint": {"severity": "important", "department": "finance", "damage_ongoing": False},
        },
    )
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    clock.move_to(T0 + 61 * MIN)
    assert sweep() == 1
    assert clock_of(number, "take_up").breached_at == T0 + 61 * MIN
    assert Complaint.objects.get(ticket__number=number).severity == "important"
    assert not TicketEvent.objects.filter(ticket__number=number, action="auto_major").exists()
