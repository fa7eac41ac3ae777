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


def test_the_roster_read_for_ranking_is_the_propertys_active_technicians_with_team_trades_and_open_jobs(api, persona):
    """technicians_at reads the accounts of staff_at by hand: what it returns is checked
    against the ORM's own reading of the same rows."""
    from django.utils import timezone

    from estates.models import Property
    from people.access import staff_at
    from people.models import Role
    from repairs.dispatch import technicians_at
    from tickets.models import Ticket

    desk = api("ygjy-agent")
    jobs = [new(desk) for _ in range(3)]
    for number in jobs:
        desk.act(number, "dispatch", {"assignee": "ygjy-tech1"})
    Ticket.objects.filter(number=jobs[0]).update(closed_at=timezone.now())  # a closed job is no load
    tech4 = persona("ygjy-tech4")
    User.objects.filter(pk=tech4.pk).update(is_active=False)  # deactivated: not offered
    User.objects.filter(username="ygjy-tech1").update(phone="13900000001")
    ygjy = Property.objects.get(code="YGJY")
    roster = technicians_at(ygjy.pk)

    expected = staff_at(ygjy.pk, Role.TECHNICIAN).select_related("team").prefetch_related("trades").order_by("id")
    assert [t.user.pk for t in roster] == [u.pk for u in expected]
    assert {t.user.username for t in roster} == {"ygjy-tech1", "ygjy-tech2", "ygjy-tech3"}
    for t, u in zip(roster, expected, strict=True):
        assert (str(t.user), t.on_duty, t.user.on_duty) == (str(u), u.on_duty, u.on_duty)
        assert isinstance(t.user.on_duty, bool)  # as the ORM gives it, on SQLite too
        assert (t.user.team.name if t.user.team else None) == (u.team.name if u.team else None)
        assert t.trade_names == {d.pk: d.name for d in u.trades.all()} and t.trade_ids == set(t.trade_names)
    loads = {t.user.username: t.open_load for t in roster}
    assert loads == {"ygjy-tech1": 2, "ygjy-tech2": 0, "ygjy-tech3": 0}
    tech1 = next(t.user for t in roster if t.user.username == "ygjy-tech1")
    assert tech1.team is not None and tech1.team.name
    assert tech1.phone == "13900000001"  # a field the read left out is read when asked for
