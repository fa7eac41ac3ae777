"""The 12-month trend reads the kept counts of ended months (``reports.tallies``): counted
once, kept, and forgotten when a matter is recorded late into an ended month (R8.1)."""

from __future__ import annotations

import datetime

from conftest import SHANGHAI, recorded, repair_draft
from estates.models import Property
from reports.models import TicketMonth
from reports.selectors import monthly_pack


def at(year: int, month: int, day: int, hour: int = 10) -> str:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI).isoformat()


def trend_of(code: str | None, month: str = "2026-11") -> dict[str, list[int]]:
    props = Property.objects.filter(code=code) if code else Property.objects.all()
    pack = monthly_pack(property_ids=[p.pk for p in props], scope="x", month=month)
    return {row[0]: row[1:] for row in pack.table("trend").rows}


def kept(code: str) -> dict[str, dict[str, int]]:
    return {t.month: t.counts for t in TicketMonth.objects.filter(property__code=code)}


def test_ended_months_are_counted_once_and_kept(clock, api):
    """R8.1: October is counted and kept on the first view; the month in progress is not kept."""
    agent = api("ygjy-agent")
    recorded(agent, repair_draft(reported_at=at(2026, 10, 31, 23)))
    recorded(agent, repair_draft(reported_at=at(2026, 10, 1, 0)))
    recorded(agent, repair_draft(reported_at=at(2026, 9, 30, 23)))
    recorded(agent, repair_draft())
    trend = trend_of("YGJY")
    assert trend["2026-09"][0] == 1 and trend["2026-10"][0] == 2 and trend["2026-11"][0] == 1
    assert kept("YGJY")["2026-10"] == {"repair": 2}
    assert kept("YGJY")["2026-09"] == {"repair": 1}
    assert kept("YGJY")["2025-12"] == {}  # an ended month with nothing in it is kept too
    assert "2026-11" not in kept("YGJY")


def test_the_trend_reads_the_kept_count(clock, api):
    """R8.1: once kept, an ended month's figure comes from its row, not from the tickets."""
    recorded(api("ygjy-agent"), repair_draft(reported_at=at(2026, 10, 5)))
    assert trend_of("YGJY")["2026-10"][0] == 1
    TicketMonth.objects.filter(property__code="YGJY", month="2026-10").update(counts={"repair": 7})
    assert trend_of("YGJY")["2026-10"][0] == 7


def test_a_late_entry_forgets_its_month_and_is_counted(clock, api):
    """R8.1: a call of October 5 recorded on November 23 counts in October's trend."""
    agent = api("ygjy-agent")
    recorded(agent, repair_draft(reported_at=at(2026, 10, 5)))
    assert trend_of("YGJY")["2026-10"][0] == 1
    recorded(agent, repair_draft(reported_at=at(2026, 10, 6)))
    assert "2026-10" not in kept("YGJY")
    assert trend_of("YGJY")["2026-10"][0] == 2
    assert kept("YGJY")["2026-10"] == {"repair": 2}


def test_an_entry_in_the_month_in_progress_keeps_the_ended_months(clock, api):
    """R8.1: recording today forgets nothing."""
    agent = api("ygjy-agent")
    recorded(agent, repair_draft(reported_at=at(2026, 10, 5)))
    trend_of("YGJY")
    recorded(agent, repair_draft())
    assert kept("YGJY")["2026-10"] == {"repair": 1}


def test_months_not_yet_ended_are_counted_live_and_not_kept(clock, api):
    """R8.1: the pack of a later month shows November as it stands, and keeps nothing of it."""
    recorded(api("ygjy-agent"), repair_draft())
    assert trend_of("YGJY", "2026-12")["2026-11"][0] == 1
    assert "2026-11" not in kept("YGJY")


def test_the_company_trend_adds_up_its_properties(clock, api):
    """R8.1: company-wide, each property's kept months are summed."""
    recorded(api("ygjy-agent"), repair_draft(reported_at=at(2026, 10, 5)))
    recorded(api("wlbg-agent"), repair_draft(property="WLBG", unit="A-101", reported_at=at(2026, 10, 6)))
    assert trend_of(None)["2026-10"][0] == 2
    assert kept("YGJY")["2026-10"] == {"repair": 1} and kept("WLBG")["2026-10"] == {"repair": 1}
