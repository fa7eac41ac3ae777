"""The quarterly review, corrective actions and archiving (R6.6, R6.7)."""

from __future__ import annotations

import datetime

import pytest

from base.errors import Conflict, Forbidden, IllegalTransition, InvalidInput
from conftest import T0, login, recorded, repair_draft
from estates.models import Property
from followups.models import CorrectiveAction, FollowUp, ReviewDecision
from followups.review import corrective_action_progress, finding_decide, quarter_bounds, quarterly_findings
from tickets.archive import tickets_archive
from tickets.models import Ticket

DAY = datetime.timedelta(days=1)


@pytest.fixture
def ygjy(clock):
    return Property.objects.get(code="YGJY")


def repairs(api, n: int, **over) -> list[str]:
    return [recorded(api("ygjy-agent"), repair_draft(**over)) for _ in range(n)]


def complaints(api, n: int, department: str = "cleaning", unit: str = "3-1202") -> list[str]:
    body = {"kind": "complaint", "property": "YGJY", "unit": unit, "description": "楼道脏"}
    return [recorded(api("ygjy-agent"), body | {"complaint": {"department": department}}) for _ in range(n)]


def test_quarters_run_from_the_first_local_day_to_the_next_quarter(estate):
    """R6.6: 2026Q4 is 1 October to 1 January in the property's time zone; bad names are refused."""
    start, end = quarter_bounds("2026Q4", "Asia/Shanghai")
    assert (start.isoformat(), end.isoformat()) == ("2026-10-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00")
    with pytest.raises(InvalidInput):
        quarter_bounds("2026Q5", "Asia/Shanghai")


def test_the_same_repair_three_times_and_the_same_complaint_twice_are_found_with_their_tickets(ygjy, api):
    """R6.6: three repairs of one category at one unit in the quarter, and two complaints about
    one department from one place, are findings listing the tickets behind them; two repairs,
    another category or another unit are not."""
    three = repairs(api, 3, unit="2-301", category="plumbing")
    repairs(api, 2, unit="2-302", category="plumbing")
    repairs(api, 1, unit="2-301", category="electrical")
    two = complaints(api, 2)
    complaints(api, 1, department="security")
    found = {f.finding: f for f in quarterly_findings(ygjy, "2026Q4")}
    assert set(found) == {"repeat_repair", "repeat_complaint"}
    assert [t.number for t in found["repeat_repair"].tickets] == three
    assert [t.number for t in found["repeat_complaint"].tickets] == two
    assert quarterly_findings(ygjy, "2026Q3") == []  # another quarter


def test_an_unsatisfactory_follow_up_of_the_quarter_is_a_finding(ygjy, api, persona):
    """R6.6: statistics of unsatisfactory follow-ups: each is a finding with its ticket."""
    [number] = repairs(api, 1)
    ticket = Ticket.objects.get(number=number)
    FollowUp.objects.create(
        property=ygjy,
        ticket=ticket,
        service="repair",
        status="done",
        satisfaction=2,
        shortcomings="又漏了",
        due_from=T0,
        due_by=T0 + DAY,
        next_try_at=T0,
        planned_at=T0,
        done_at=T0,
    )
    [finding] = quarterly_findings(ygjy, "2026Q4")
    assert finding.finding == "unsatisfied" and finding.tickets == [ticket] and "又漏了" in finding.label


def test_the_manager_decides_no_action_or_opens_a_corrective_action_tracked_to_closure(ygjy, api, persona, clock):
    """R6.6: per finding the manager records no action, or a corrective and preventive action
    (owner, root cause, action, due date) linked to the tickets, then done, verified and closed
    with events; a finding is decided once; only the manager decides and verifies."""
    three = repairs(api, 3, unit="2-301", category="plumbing")
    complaints(api, 2)
    found = {f.finding: f for f in quarterly_findings(ygjy, "2026Q4")}
    manager, agent = persona("ygjy-manager"), persona("ygjy-agent")
    repeat = found["repeat_repair"]
    with pytest.raises(Forbidden):
        finding_decide(prop=ygjy, quarter="2026Q4", finding=repeat.finding, key=repeat.key, by=agent)
    with pytest.raises(InvalidInput):  # an action needs its owner
        finding_decide(
            prop=ygjy, quarter="2026Q4", finding=repeat.finding, key=repeat.key, by=manager, open_action=True
        )
    decision = finding_decide(
        prop=ygjy,
        quarter="2026Q4",
        finding=repeat.finding,
        key=repeat.key,
        by=manager,
        open_action=True,
        owner="ygjy-engineer",
        root_cause="立管老化",
        action="更换2单元给水立管",
        due_on=datetime.date(2026, 12, 31),
    )
    ca = decision.action
    assert ca is not None and ca.status == "open" and ca.owner.username == "ygjy-engineer"
    assert sorted(t.number for t in ca.tickets.all()) == sorted(three)
    with pytest.raises(Conflict):
        finding_decide(prop=ygjy, quarter="2026Q4", finding=repeat.finding, key=repeat.key, by=manager)
    other = found["repeat_complaint"]
    none = finding_decide(prop=ygjy, quarter="2026Q4", finding=other.finding, key=other.key, by=manager, note="已整改")
    assert none.action is None and ReviewDecision.objects.count() == 2
    assert {f.finding: f.decision for f in quarterly_findings(ygjy, "2026Q4")}["repeat_complaint"] == none

    engineer = persona("ygjy-engineer")
    with pytest.raises(Forbidden):
        corrective_action_progress(ca=ca, by=agent, step="done")  # neither owner nor manager
    corrective_action_progress(ca=ca, by=engineer, step="note", note="已订购管材")
    corrective_action_progress(ca=ca, by=engineer, step="done")
    with pytest.raises(Forbidden):
        corrective_action_progress(ca=ca, by=engineer, step="verify", note="自己验证")
    with pytest.raises(InvalidInput):
        corrective_action_progress(ca=ca, by=manager, step="verify")  # the verification is written down
    clock.shift(DAY.total_seconds())
    corrective_action_progress(ca=ca, by=manager, step="verify", note="一个月内无再报修")
    ca.refresh_from_db()
    assert (ca.status, ca.verification, ca.closed_at) == ("closed", "一个月内无再报修", T0 + DAY)
    assert [e.action for e in ca.events.all()] == ["open", "note", "done", "verify"]
    with pytest.raises(IllegalTransition):
        corrective_action_progress(ca=ca, by=manager, step="done")


def test_the_review_page_shows_findings_and_the_manager_opens_an_action_there(ygjy, api):
    """R6.6 on the console: the manager opens a corrective action from the quarterly review."""
    repairs(api, 3, unit="2-301", category="plumbing")
    [finding] = quarterly_findings(ygjy, "2026Q4")
    manager = login("ygjy-manager")
    page = manager.get("/desk/YGJY/review/", {"quarter": "2026Q4"}).content.decode()
    assert all(t.number in page for t in finding.tickets)
    form = {
        "quarter": "2026Q4",
        "finding": finding.finding,
        "key": finding.key,
        "decision": "action",
        "owner": "ygjy-engineer",
        "root_cause": "立管老化",
        "action": "更换立管",
        "due_on": "2026-12-31",
    }
    assert manager.post("/desk/YGJY/review/decide/", form).status_code == 302
    ca = CorrectiveAction.objects.get()
    assert ca.title == finding.label
    assert "更换立管" in manager.get(f"/desk/YGJY/actions/{ca.pk}/").content.decode()
    agent_page = login("ygjy-agent").get("/desk/YGJY/review/", {"quarter": "2026Q4"}).content.decode()
    assert "review/decide" not in agent_page  # the desk sees the findings, the manager decides


def test_tickets_closed_over_two_years_ago_are_archived_read_only_and_left_out_of_lists(ygjy, api, clock):
    """R6.7: records are kept for two years in the working lists; then archived, read-only,
    out of the lists unless asked for, and never deleted."""
    desk = api("ygjy-agent")
    [number] = repairs(api, 1)
    assert desk.act(number, "cancel", {"reason": "业主自行修好"}).status_code == 200
    clock.shift((2 * 365 * DAY - DAY).total_seconds())
    assert tickets_archive() == 0
    clock.shift((2 * DAY).total_seconds())
    assert tickets_archive() == 1 and tickets_archive() == 0
    assert Ticket.objects.filter(number=number, archived_at__isnull=False).exists()
    listed = [t["number"] for t in desk.get("/tickets", property="YGJY").json()["items"]]
    assert number not in listed
    archived = [t["number"] for t in desk.get("/tickets", property="YGJY", archived="true").json()["items"]]
    assert number in archived
    assert desk.get(f"/tickets/{number}").status_code == 200  # still readable
    assert desk.act(number, "rework", {"reason": "x"}).json()["code"] == "archived"
