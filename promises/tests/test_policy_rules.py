"""The promise policy's own rules: how a limit is said, when a clock falls due by
default, the defaults a property gets as its rows and getting them back (R2.16 and
the per-property policies of DESIGN)."""

from __future__ import annotations

import datetime

from django.utils import translation

from conftest import SHANGHAI, T0
from estates.models import Property
from promises.models import Clock, PromisePolicy
from promises.policy import (
    DAY,
    DEFAULTS,
    END_OF_DAY,
    Limit,
    defaults_add,
    defaults_remove,
    limit_text,
    limits_for,
    policies_reset,
    policies_seed,
)

MIN = datetime.timedelta(minutes=1)


def test_limit_text_says_days_hours_minutes_and_the_same_day_in_english():
    """R2.16 policy pages: a limit is said the way people say it, singular and plural."""
    with translation.override("en"):
        assert limit_text(Limit(END_OF_DAY, None, "")) == "the same day"
        assert limit_text(Limit(DAY, None, "")) == "within 1 day"
        assert limit_text(Limit(15 * DAY, None, "")) == "within 15 days"
        assert limit_text(Limit(60, None, "")) == "within 1 hour"
        assert limit_text(Limit(3 * 60, None, "")) == "within 3 hours"
        assert limit_text(Limit(1, None, "")) == "within 1 minute"
        assert limit_text(Limit(20, None, "")) == "within 20 minutes"
        assert limit_text(Limit(90, None, "")) == "within 90 minutes"


def test_a_clock_is_not_an_emergency_unless_told_and_counts_in_shanghai_by_default():
    """R2.17: without the emergency flag the arrival limit is the normal 15 minutes; the
    same-day limit ends at the Shanghai day's last second when no zone is given."""
    arrive = Limit(15, 5, "")
    assert arrive.due(T0) == T0 + 15 * MIN
    assert arrive.due(T0, emergency=True) == T0 + 5 * MIN
    same_day = Limit(END_OF_DAY, None, "")
    assert same_day.due(T0) == datetime.datetime(2026, 11, 23, 23, 59, 59, tzinfo=SHANGHAI)


def test_a_kind_adds_and_removes_only_its_own_default_limits(estate):
    """Per-property policies: a kind registers its limits and removing it leaves the others."""
    before = dict(DEFAULTS)
    limit = Limit(7, None, "supervisor")
    defaults_add("test-kind", {Clock.REPLY: limit})
    try:
        assert DEFAULTS[("test-kind", Clock.REPLY)] is limit
    finally:
        defaults_remove("test-kind")
    assert DEFAULTS == before


def test_a_new_property_gets_every_default_limit_as_its_own_rows(estate):
    """Per-property policies: the defaults written as editable rows of that property."""
    prop = Property.objects.get(code="YGJY")
    PromisePolicy.objects.filter(property=prop).delete()
    policies_seed(prop.pk)
    rows = {
        (r.kind, r.clock): (r.minutes, r.emergency_minutes, r.escalate_to)
        for r in PromisePolicy.objects.filter(property=prop)
    }
    assert rows == {k: (v.minutes, v.emergency_minutes, v.escalate_to) for k, v in DEFAULTS.items()}
    other = Property.objects.get(code="WLBG")
    assert PromisePolicy.objects.filter(property=other).count() == len(DEFAULTS)


def test_putting_the_defaults_back_counts_the_rows_it_changed(estate):
    """Per-property policies: policies_reset restores changed rows and says how many."""
    prop = Property.objects.get(code="YGJY")
    assert policies_reset(prop.pk) == 0
    PromisePolicy.objects.filter(property=prop, kind="repair", clock=Clock.ARRIVE).update(minutes=30)
    PromisePolicy.objects.filter(property=prop, kind="help", clock=Clock.REPLY).update(escalate_to="manager")
    assert policies_reset(prop.pk) == 2
    arrive = PromisePolicy.objects.get(property=prop, kind="repair", clock=Clock.ARRIVE)
    assert arrive.minutes == DEFAULTS[("repair", Clock.ARRIVE)].minutes
    reply = PromisePolicy.objects.get(property=prop, kind="help", clock=Clock.REPLY)
    assert reply.escalate_to == DEFAULTS[("help", Clock.REPLY)].escalate_to


DAY_MIN = 24 * 60
# Every default limit of every kind: (minutes, emergency minutes, escalated to).
EVERY_LIMIT = {
    ("repair", Clock.RECORD): (2, None, "service_supervisor"),  # R2.16
    ("repair", Clock.NOTIFY): (2, None, "service_supervisor"),  # R2.16
    ("repair", Clock.ARRIVE): (15, 5, "engineering_supervisor"),  # R2.17
    ("repair", Clock.REPORT_BACK): (20, None, "engineering_supervisor"),  # R2.18
    ("repair", Clock.PROMISE): (END_OF_DAY, None, "service_supervisor"),  # R2.13: due at the promised time itself
    ("repair", Clock.PARTY_ARRIVE): (DAY_MIN, None, "service_supervisor"),  # R3.3
    ("repair", Clock.PARTY_FIX): (15 * DAY_MIN, None, "service_supervisor"),  # R3.3
    ("complaint:minor", Clock.RESOLVE): (2 * DAY_MIN, None, "manager"),  # R4.5
    ("complaint:minor", Clock.MONTH): (30 * DAY_MIN, None, "executive"),  # R4.1
    ("complaint:important", Clock.TAKE_UP): (60, None, "executive"),  # R4.3: within the hour
    ("complaint:important", Clock.RESOLVE): (3 * DAY_MIN, None, "executive"),  # R4.5
    ("complaint:important", Clock.MONTH): (30 * DAY_MIN, None, "executive"),  # R4.1
    ("complaint:major", Clock.TAKE_UP): (END_OF_DAY, None, "executive"),  # R4.3: the same day
    ("complaint:major", Clock.ANSWER): (2 * DAY_MIN, None, "executive"),  # R4.5
    ("complaint:major", Clock.RESOLVE): (10 * DAY_MIN, None, "executive"),  # R4.5
    ("help", Clock.REPLY): (5, None, "service_supervisor"),  # R5.2
    ("consultation:oral", Clock.REPLY): (5, None, "service_supervisor"),  # R5.5
    ("consultation:written", Clock.REPLY): (2 * DAY_MIN, None, "manager"),  # R5.5
    ("suggestion", Clock.REPLY): (2 * DAY_MIN, None, "manager"),  # answered in writing, as R5.5
}


def test_every_default_limit_of_every_kind_is_pinned_with_whom_it_escalates_to(estate):
    """R2.16-R2.18, R3.3, R4.1, R4.3, R4.5, R5.2, R5.5: the defaults are exactly these (a
    new limit must be added here with its figure), and a property starts with them."""
    got = {k: (v.minutes, v.emergency_minutes, v.escalate_to) for k, v in DEFAULTS.items()}
    assert got == EVERY_LIMIT
    prop = Property.objects.get(code="YGJY").pk
    for (key, clock_name), expected in EVERY_LIMIT.items():
        limit = limits_for(prop, key)[clock_name]
        assert (limit.minutes, limit.emergency_minutes, limit.escalate_to) == expected, (key, clock_name)
