"""Follow-up planning at its edges (R6.1, R6.2, R3.5): a coverage of 100 % calls everyone
and 99 % samples; the first periodic warranty visit six months after acceptance; a visit
whose window opens today is planned and one whose window opened yesterday is not."""

from __future__ import annotations

import datetime

import pytest

from estates.models import Building
from followups.models import FollowUp, FollowUpPolicy, Service
from followups.services import warranty_visits_plan

from .test_followups import closed_help, followup_of, ygjy


def every_service_at(coverage: int) -> None:
    for service in Service.values:
        FollowUpPolicy.objects.update_or_create(
            property=ygjy(),
            service=service,
            defaults={"window_from_days": 1, "window_to_days": 3, "coverage_percent": coverage},
        )


def test_a_coverage_of_100_percent_calls_everyone_and_99_percent_waits_to_be_sampled(clock, api):
    """R6.2: at 100 % every closed ticket is called (required); just under, it is sampled."""
    every_service_at(100)
    everyone = followup_of(closed_help(api))
    assert (everyone.status, everyone.reason) == ("planned", "required")
    every_service_at(99)
    sampled = followup_of(closed_help(api, unit="3-1202"))
    assert (sampled.status, sampled.reason) == ("pending", "")


def b3() -> Building:
    building = Building.objects.get(property__code="YGJY", code="3")
    assert building.completion_date == datetime.date(2025, 1, 15)
    return building


def planned(building: Building, purpose: str) -> set[datetime.date]:
    return {
        f.due_from.date() for f in FollowUp.objects.filter(building=building, purpose=purpose) if f.due_from is not None
    }


@pytest.mark.parametrize(
    ("today", "first"),
    [
        (datetime.date(2025, 1, 16), datetime.date(2025, 7, 15)),  # six months after acceptance
        (datetime.date(2025, 7, 15), datetime.date(2025, 7, 15)),  # that very day
        (datetime.date(2025, 7, 16), datetime.date(2026, 1, 15)),  # a day late: the next one
    ],
)
def test_the_first_periodic_warranty_visit_is_six_months_after_acceptance(clock, today, first):
    """R3.5: periodic visits every six months from acceptance, the first at six months."""
    warranty_visits_plan(building=b3(), today=today)
    assert min(planned(b3(), FollowUp.Purpose.WARRANTY_PERIODIC)) == first


@pytest.mark.parametrize(
    ("today", "planned_then"), [(datetime.date(2026, 12, 15), True), (datetime.date(2026, 12, 16), False)]
)
def test_a_visit_before_expiry_is_planned_on_the_day_its_window_opens_and_not_after(clock, today, planned_then):
    """R3.5: the visit in the month before the 24-month terms expire (2027-01-14) opens on
    2026-12-15; planned that day, no longer the day after."""
    warranty_visits_plan(building=b3(), today=today)
    expiry = planned(b3(), FollowUp.Purpose.WARRANTY_EXPIRY)
    assert (datetime.date(2026, 12, 15) in expiry) is planned_then


@pytest.mark.parametrize(
    ("today", "planned_then"), [(datetime.date(2027, 3, 1), True), (datetime.date(2027, 3, 2), False)]
)
def test_a_seasonal_visit_is_planned_on_the_day_its_window_opens_and_not_after(clock, today, planned_then):
    """R3.5: the visit before the rainy season opens on 1 March."""
    warranty_visits_plan(building=b3(), today=today)
    seasonal = planned(b3(), FollowUp.Purpose.WARRANTY_SEASONAL)
    assert (datetime.date(2027, 3, 1) in seasonal) is planned_then
