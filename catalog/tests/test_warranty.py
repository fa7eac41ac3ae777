"""The builder's warranty (保修): periods counted from the completion-acceptance date
(R3.1), and the intake proposing the builder (Z) while a category is in warranty (R3.2)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.test import Client

from catalog.models import Category
from catalog.warranty import months_after, warranty_for
from conftest import SHANGHAI, login
from estates.models import Building, Unit
from people.models import Trade

D = datetime.date


# --- Helpers ------------------------------------------------------------------------------


def unit(label: str) -> Unit:
    return Unit.objects.select_related("building__builder").get(property__code="YGJY", label=label)


def category(code: str) -> Category:
    return Category.objects.select_related("warranty_term").get(code=code)


def warranty(label: str, code: str, on: datetime.date):
    return warranty_for(unit=unit(label), building=None, category=category(code), on=on)


def route_fragment(client: Client, **params: str) -> str:
    r = client.get("/desk/YGJY/intake/route/", params)
    assert r.status_code == 200
    return r.content.decode()


def checked_route(html: str) -> list[str]:
    return re.findall(r'<input type="radio" name="route" value="([^"]*)" checked>', html)


def selected_builder(html: str) -> list[str]:
    select = re.search(r'<select id="f-party-z".*?</select>', html, re.S)
    assert select
    return re.findall(r'<option value="([^"]+)" selected>', select.group(0))


# --- R3.1: months_after --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 15), 24, D(2027, 1, 15)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),  # 31 Jan + 1 month: the end of February
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # ... in a leap year, the 29th
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # 29 Feb + 1 year: 28 Feb
        (D(2024, 2, 29), 48, D(2028, 2, 29)),  # 29 Feb + 4 years: 29 Feb again
        (D(2025, 3, 31), 1, D(2025, 4, 30)),  # a 30-day month
        (D(2025, 12, 31), 1, D(2026, 1, 31)),  # over the year end
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2019, 6, 28), 60, D(2024, 6, 28)),
        (D(2025, 1, 15), 0, D(2025, 1, 15)),
    ],
)
def test_months_after(day, months, expected):
    """R3.1: periods in months and years from the acceptance date, clamped to the month's end."""
    assert months_after(day, months) == expected


# --- R3.1: warranty_for ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "covered"),
    [
        (D(2025, 1, 14), False),  # the day before acceptance
        (D(2025, 1, 15), True),  # the acceptance day
        (D(2027, 1, 13), True),  # the day before the last day
        (D(2027, 1, 14), True),  # the last day covered
        (D(2027, 1, 15), False),  # the day after expiry
    ],
)
def test_two_year_term_runs_to_the_day_before_the_anniversary(estate, on, covered):
    """R3.1: water supply and drainage: 2 years from acceptance (building 3: 2025-01-15),
    so the last day covered is 2027-01-14."""
    w = warranty("3-1202", "plumbing", on)
    assert w is not None
    assert (w.covered, w.until, w.builder.code) == (covered, D(2027, 1, 14), "ZJ-YG")
    assert w.routes_to_builder is covered


def test_five_year_waterproofing_term(estate):
    """R3.1: roof and wet-room waterproofing: 5 years (building 1: accepted 2019-06-28)."""
    assert warranty("1-101", "waterproofing", D(2024, 6, 27)).covered
    late = warranty("1-101", "waterproofing", D(2024, 6, 28))
    assert (late.covered, late.until) == (False, D(2024, 6, 27))
    assert warranty("3-1202", "waterproofing", D(2029, 12, 31)).covered  # building 3 until 2030-01-14


def test_the_units_own_acceptance_date_overrides_the_buildings(estate):
    """R3.1: periods run from the acceptance of the building *or unit*: a unit accepted later has its own."""
    Unit.objects.filter(property__code="YGJY", label="1-101").update(completion_date=D(2026, 6, 1))
    w = warranty("1-101", "plumbing", D(2027, 1, 15))
    assert (w.covered, w.until) == (True, D(2028, 5, 31))
    assert not warranty("1-102", "plumbing", D(2027, 1, 15)).covered  # its neighbour follows building 1
    # Without a unit, the building's date is used.
    building = Building.objects.get(property__code="YGJY", code="1")
    w = warranty_for(unit=None, building=building, category=category("plumbing"), on=D(2027, 1, 15))
    assert w is not None and (w.covered, w.until) == (False, D(2021, 6, 27))


def test_the_design_life_term_is_always_covered(estate):
    """R3.1: foundation and structure: the design life, with no last day."""
    for on in (D(2019, 6, 28), D(2027, 1, 15), D(2089, 12, 31)):
        w = warranty("1-101", "structure", on)
        assert (w.covered, w.until, w.builder.code) == (True, None, "ZJ-YG")


def test_nothing_to_decide_without_a_term_or_an_acceptance_date(estate):
    """R3.1: no term for the category, or no acceptance date: no warranty decision (None)."""
    on = D(2026, 1, 1)
    loose = Category.objects.create(code="misc", name="其他", trade=Trade.objects.get(code="civil"))
    assert warranty_for(unit=unit("3-1202"), building=None, category=loose, on=on) is None
    assert warranty_for(unit=unit("3-1202"), building=None, category=None, on=on) is None
    assert warranty_for(unit=None, building=None, category=category("plumbing"), on=on) is None
    Building.objects.filter(property__code="YGJY", code="3").update(completion_date=None)
    assert warranty("3-1202", "plumbing", on) is None
    Unit.objects.filter(property__code="YGJY", label="3-1202").update(completion_date=D(2025, 3, 1))
    assert warranty("3-1202", "plumbing", on).until == D(2027, 2, 28)


def test_no_builder_is_never_routed_to_the_builder(estate):
    """R3.2: Z is proposed only when there is a builder to send it to."""
    Building.objects.filter(property__code="YGJY", code="3").update(builder=None)
    w = warranty("3-1202", "plumbing", D(2026, 1, 1))
    assert w.covered and w.builder is None and not w.routes_to_builder


# --- R3.2: the intake proposes Z in warranty ---------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "in_warranty"),
    [
        (datetime.datetime(2027, 1, 13, 12, 0, tzinfo=SHANGHAI), True),
        (datetime.datetime(2027, 1, 14, 23, 59, tzinfo=SHANGHAI), True),
        # 00:01 in Changsha is still the 14th in UTC: the property's local day counts.
        (datetime.datetime(2027, 1, 15, 0, 1, tzinfo=SHANGHAI), False),
        (datetime.datetime(2027, 1, 15, 12, 0, tzinfo=SHANGHAI), False),
    ],
)
def test_the_intake_proposes_the_builder_while_in_warranty(estate, moment, in_warranty):
    """R3.2: a repair still in warranty is proposed to the builder (Z, builder preselected);
    after expiry our own team is proposed and the hint says the warranty ended."""
    with time_machine.travel(moment, tick=False):
        html = route_fragment(login("ygjy-agent", "en"), unit="3-1202", category="plumbing")
    if in_warranty:
        assert checked_route(html) == ["Z"] and selected_builder(html) == ["ZJ-YG"]
        assert "In warranty until 2027-01-14" in html and "0731-88886666" in html
    else:
        assert checked_route(html) == [""] and selected_builder(html) == []
        assert "Warranty ended on 2027-01-14" in html


def test_the_intake_route_for_other_categories_and_units(estate):
    """R3.2: only a category in warranty at that unit is proposed to the builder."""
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI), tick=False):
        desk = login("ygjy-agent", "en")
        assert checked_route(route_fragment(desk, unit="1-101", category="plumbing")) == [""]  # building 1: ended
        structure = route_fragment(desk, unit="1-101", category="structure")
        assert checked_route(structure) == ["Z"] and "design life" in structure
        assert checked_route(route_fragment(desk, unit="3-1202", category="hvac")) == ["Z"]
        # The desk's own choice is kept when it has chosen.
        chosen = route_fragment(desk, unit="3-1202", category="plumbing", route="Q", party="DX-KD")
        assert checked_route(chosen) == ["Q"] and selected_builder(chosen) == []
        # No unit or an unknown category: nothing proposed.
        assert checked_route(route_fragment(desk, unit="", category="plumbing")) == [""]
        assert 'class="hint warranty"' not in route_fragment(desk, unit="3-1202", category="nope")
