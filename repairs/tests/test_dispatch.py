"""Dispatch suggestions by trade, duty and current load (R2.5)."""

from __future__ import annotations

from conftest import repair_draft
from people.models import User


def candidates(desk, number):
    r = desk.get(f"/tickets/{number}/candidates")
    assert r.status_code == 200, r.content
    return r.json()


def new(desk, **over) -> str:
    return desk.post("/tickets", repair_draft(**over)).json()["number"]


def test_routine_job_goes_to_the_right_trade_then_the_lightest_load(api):
    desk = api("ygjy-agent")
    number = new(desk, category="electrical")
    rows = candidates(desk, number)
    assert rows[0]["username"] == "ygjy-tech2" and rows[0]["has_trade"] and rows[0]["suggested"]
    assert [r["suggested"] for r in rows].count(True) == 1
    # tech4 is off duty: last, whatever its trade.
    assert rows[-1]["username"] == "ygjy-tech4" and rows[-1]["on_duty"] is False


def test_load_breaks_ties_between_technicians_of_the_trade(api):
    desk = api("ygjy-agent")
    for _ in range(2):
        desk.act(new(desk), "dispatch", {"assignee": "ygjy-tech1"})  # tech1 (plumbing) now has 2 open jobs
    tech2 = User.objects.get(username="ygjy-tech2")
    tech2.trades.add(*User.objects.get(username="ygjy-tech1").trades.all())  # both plumbers now
    rows = candidates(desk, new(desk, category="plumbing"))
    assert [r["username"] for r in rows[:2]] == ["ygjy-tech2", "ygjy-tech1"]
    assert rows[1]["open_load"] == 2 and rows[0]["open_load"] == 0


def test_emergency_goes_to_whoever_is_free_first(api):
    """R2.5: emergencies go to whoever can arrive first: the free technician on duty."""
    desk = api("ygjy-agent")
    for _ in range(2):
        desk.act(new(desk, category="plumbing"), "dispatch", {"assignee": "ygjy-tech1"})
    desk.act(new(desk), "dispatch", {"assignee": "ygjy-tech2"})
    desk.act(new(desk), "dispatch", {"assignee": "ygjy-tech3"})
    rows = candidates(desk, new(desk, category="plumbing", urgency="emergency"))
    # tech1 has the trade but two jobs; tech2 and tech3 have one each: the free ones come first.
    assert rows[0]["username"] in ("ygjy-tech2", "ygjy-tech3") and rows[0]["open_load"] == 1
    assert [r["username"] for r in rows].index("ygjy-tech1") > 0


def test_only_staff_of_the_property_are_suggested_and_residents_cannot_ask(api):
    desk = api("ygjy-agent")
    number = new(desk)
    assert all(r["username"].startswith("ygjy-") for r in candidates(desk, number))
    assert api("resident").get(f"/tickets/{number}/candidates").status_code in (403, 404)
