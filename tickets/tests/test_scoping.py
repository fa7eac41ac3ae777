"""Scoping through the real API, one persona at a time (people/access.py):

- a resident sees only the tickets of their own household;
- staff see only the properties they work at; the executive sees every property of
  the company;
- a technician acts only on orders assigned to them or to their team;
- each role takes only the actions its row of the workflow table allows
  (repairs/workflow.py), and ``GET /tickets/{number}/actions`` lists exactly those.

Every refusal is also checked to have changed nothing: the ticket's status, assignee
and timeline length are read back by someone allowed to see them.
"""

from __future__ import annotations

from typing import Any

import pytest

from people.models import Team

pytestmark = pytest.mark.django_db

WLBG_STAFF = ["wlbg-agent", "wlbg-supervisor", "wlbg-engineer", "wlbg-manager", "wlbg-night", "wlbg-tech1"]
DESK_ACTIONS = {"dispatch", "reassign", "cancel", "close", "rework"}


# --- helpers -------------------------------------------------------------------------


def created(client, body: dict[str, Any]) -> str:
    r = client.post("/tickets", body)
    assert r.status_code == 201, r.content
    return r.json()["number"]


def numbers(client, **params: Any) -> set[str]:
    r = client.get("/tickets", limit=200, **params)
    assert r.status_code == 200, r.content
    return {t["number"] for t in r.json()["items"]}


def state(client, number: str) -> tuple[str, int, str | None, str | None]:
    """(status, timeline length, assignee, team) as seen by an allowed user."""
    r = client.get(f"/tickets/{number}")
    assert r.status_code == 200, r.content
    t = r.json()
    return t["status"], len(t["timeline"]), (t["assignee"] or {}).get("username"), t["team"]


def action_names(client, number: str) -> set[str]:
    r = client.get(f"/tickets/{number}/actions")
    assert r.status_code == 200, r.content
    return {a["action"] for a in r.json()}


def refused(r, *statuses: int) -> None:
    """A refusal: one of the expected statuses and the uniform error body with a message."""
    assert r.status_code in statuses, (r.status_code, r.content)
    body = r.json()
    assert body["detail"].strip()
    assert body["code"]


def team_id(prop: str, name: str) -> int:
    return Team.objects.get(property__code=prop, name=name).pk


@pytest.fixture
def desk(api):
    return api("ygjy-agent")


@pytest.fixture
def ygjy_ticket(desk, draft):
    """A new repair at the resident's home (3-1202), recorded by the YGJY desk."""
    return created(desk, draft())


@pytest.fixture
def wlbg_ticket(api, draft):
    return created(api("wlbg-agent"), draft(property="WLBG", unit="A-101", description="空调不制冷", category="hvac"))


# --- residents -----------------------------------------------------------------------


def test_resident_sees_own_household_tickets_only(api, ygjy_ticket):
    """Scoping rule (residents see their household's tickets only), R7.2: the resident of
    3-1202 sees the desk's ticket for their home; the neighbour at 3-1201 neither reads
    it (404, not 403: its existence is not disclosed) nor finds it in any list."""
    resident, neighbour = api("resident"), api("neighbour")

    r = resident.get(f"/tickets/{ygjy_ticket}")
    assert r.status_code == 200, r.content
    assert r.json()["unit"] == "3-1202"
    assert ygjy_ticket in numbers(resident)

    refused(neighbour.get(f"/tickets/{ygjy_ticket}"), 404)
    refused(neighbour.get(f"/tickets/{ygjy_ticket}/actions"), 404)
    assert ygjy_ticket not in numbers(neighbour)
    assert ygjy_ticket not in numbers(neighbour, unit="3-1202")
    assert ygjy_ticket not in numbers(neighbour, q=ygjy_ticket)
    assert ygjy_ticket not in numbers(neighbour, property="YGJY")
    # The office tenant of the other property does not see it either.
    refused(api("tenant").get(f"/tickets/{ygjy_ticket}"), 404)
    assert ygjy_ticket not in numbers(api("tenant"))


def test_resident_own_report_is_visible_to_them_not_to_neighbour(api, draft):
    """Scoping rule (household), R1.2 online channel: a resident's own report is theirs to
    follow and stays hidden from the neighbour."""
    resident, neighbour = api("resident"), api("neighbour")
    number = created(resident, draft(reporter_name=None, reporter_phone=None, channel="online"))
    assert number in numbers(resident)
    assert number not in numbers(neighbour)
    refused(neighbour.get(f"/tickets/{number}"), 404)


def test_resident_cannot_report_for_another_unit(api, draft, desk):
    """Scoping rule (household) on intake: a resident reports only for their own home
    (or common areas): 3-1201 is the neighbour's unit, so 403 and no ticket is made."""
    resident = api("resident", lang="en")
    before = numbers(desk)
    r = resident.post("/tickets", draft(unit="3-1201"))
    refused(r, 403)
    assert "own" in r.json()["detail"].lower()
    assert numbers(desk) == before


def test_resident_cannot_report_at_another_property(api, draft):
    """Scoping rule (household) on intake: the YGJY resident cannot raise a matter at WLBG."""
    from tickets.models import Ticket

    count = Ticket.objects.count()
    refused(api("resident").post("/tickets", draft(property="WLBG", unit="A-101")), 403)
    assert Ticket.objects.count() == count


# --- staff of one property -----------------------------------------------------------


@pytest.mark.parametrize("username", WLBG_STAFF)
def test_staff_of_other_property_cannot_read_ticket(api, ygjy_ticket, username):
    """Scoping rule (staff see the properties they work at): WLBG staff get 404 on a YGJY
    ticket, on its action list and on its actions."""
    other = api(username)
    refused(other.get(f"/tickets/{ygjy_ticket}"), 404)
    refused(other.get(f"/tickets/{ygjy_ticket}/actions"), 404)
    refused(other.get(f"/tickets/{ygjy_ticket}/candidates"), 404)


@pytest.mark.parametrize("username", WLBG_STAFF + ["wlbg-finance", "wlbg-security", "wlbg-equipment"])
def test_staff_list_never_includes_other_property(api, ygjy_ticket, wlbg_ticket, username):
    """Scoping rule (staff): the list, filtered or not, never shows YGJY tickets to WLBG
    staff, even when they ask for YGJY explicitly or search its number."""
    other = api(username)
    for params in ({}, {"property": "YGJY"}, {"q": ygjy_ticket}, {"unit": "3-1202"}, {"open": "true"}):
        assert ygjy_ticket not in numbers(other, **params), params
    for params in ({}, {"ordering": "due", "open": "true"}, {"kind": "repair"}, {"status": "new"}):
        r = other.get("/tickets", limit=200, **params)
        assert r.status_code == 200, r.content
        assert {t["property"] for t in r.json()["items"]} <= {"WLBG"}, params


def test_staff_list_shows_own_property(api, ygjy_ticket, wlbg_ticket):
    """Scoping rule (staff): the desk of each property sees its own tickets (the filter
    above is not simply hiding everything)."""
    assert ygjy_ticket in numbers(api("ygjy-agent"))
    assert wlbg_ticket not in numbers(api("ygjy-agent"))
    assert wlbg_ticket in numbers(api("wlbg-agent"))


def test_staff_cannot_act_on_other_property(api, ygjy_ticket, desk):
    """Scoping rule (staff): the WLBG desk cannot dispatch or cancel a YGJY ticket (404)
    and nothing changes."""
    before = state(desk, ygjy_ticket)
    other = api("wlbg-agent")
    refused(other.act(ygjy_ticket, "dispatch", {"assignee": "wlbg-tech1"}), 404)
    refused(other.act(ygjy_ticket, "cancel", {"reason": "重复报修"}), 404)
    assert state(desk, ygjy_ticket) == before


def test_staff_cannot_create_at_other_property(api, draft):
    """Scoping rule (staff) on intake, R1.3: any staff member raises matters, but only at
    a property they work at: the WLBG desk gets 403 at YGJY and no ticket is made."""
    from tickets.models import Ticket, TicketEvent

    counts = Ticket.objects.count(), TicketEvent.objects.count()
    r = api("wlbg-agent", lang="en").post("/tickets", draft())
    refused(r, 403)
    assert "work" in r.json()["detail"].lower()
    assert (Ticket.objects.count(), TicketEvent.objects.count()) == counts


def test_executive_sees_both_properties(api, ygjy_ticket, wlbg_ticket):
    """Scoping rule (company leadership sees every property of its company)."""
    leader = api("leader")
    assert leader.get(f"/tickets/{ygjy_ticket}").status_code == 200
    assert leader.get(f"/tickets/{wlbg_ticket}").status_code == 200
    assert {ygjy_ticket, wlbg_ticket} <= numbers(leader)
    assert ygjy_ticket in numbers(leader, property="YGJY")
    assert wlbg_ticket not in numbers(leader, property="YGJY")
    assert wlbg_ticket in numbers(leader, property="WLBG")


# --- technicians ---------------------------------------------------------------------


def test_technician_of_other_team_cannot_accept(api, ygjy_ticket, desk):
    """Scoping rule (a technician acts only on orders assigned to them or their team),
    R2.4: dispatched to ygjy-tech1 (水电班), the order is invisible to ygjy-tech3 (综合班):
    accepting is refused and the ticket is unchanged."""
    r = desk.act(ygjy_ticket, "dispatch", {"assignee": "ygjy-tech1"})
    assert r.status_code == 200, r.content
    before = state(desk, ygjy_ticket)
    assert before[0] == "dispatched" and before[2] == "ygjy-tech1"

    tech3 = api("ygjy-tech3")
    refused(tech3.act(ygjy_ticket, "accept"), 403, 404)
    refused(tech3.get(f"/tickets/{ygjy_ticket}"), 404)
    assert ygjy_ticket not in numbers(tech3)
    assert state(desk, ygjy_ticket) == before

    # The assignee may, which proves the refusal above was about scope, not state.
    assert ygjy_ticket in numbers(api("ygjy-tech1"))
    r = api("ygjy-tech1").act(ygjy_ticket, "accept")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "accepted"


def test_technician_of_same_team_cannot_take_a_personal_assignment(api, ygjy_ticket, desk):
    """Scoping rule (technicians): an order dispatched to ygjy-tech1 alone (no team) is
    not ygjy-tech2's, though they share 水电班."""
    assert desk.act(ygjy_ticket, "dispatch", {"assignee": "ygjy-tech1"}).status_code == 200
    before = state(desk, ygjy_ticket)
    refused(api("ygjy-tech2").act(ygjy_ticket, "accept"), 403, 404)
    assert state(desk, ygjy_ticket) == before


def test_team_dispatch_lets_a_team_member_accept(api, ygjy_ticket, desk):
    """Scoping rule (orders assigned to their team), R2.4: dispatched to 水电班, ygjy-tech2
    sees and accepts it and becomes the receiver; 综合班's ygjy-tech3 does not."""
    water = team_id("YGJY", "水电班")
    r = desk.act(ygjy_ticket, "dispatch", {"team": water})
    assert r.status_code == 200, r.content
    assert r.json()["team"] == "水电班"
    before = state(desk, ygjy_ticket)

    refused(api("ygjy-tech3").act(ygjy_ticket, "accept"), 403, 404)
    assert state(desk, ygjy_ticket) == before

    tech2 = api("ygjy-tech2")
    assert ygjy_ticket in numbers(tech2)
    assert "accept" in action_names(tech2, ygjy_ticket)
    r = tech2.act(ygjy_ticket, "accept")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "accepted"
    assert r.json()["assignee"]["username"] == "ygjy-tech2"
    assert len(r.json()["timeline"]) == before[1] + 1


@pytest.mark.parametrize("username", ["wlbg-tech1", "wlbg-tech2", "wlbg-tech3"])
def test_technician_of_other_property_is_refused(api, ygjy_ticket, desk, username):
    """Scoping rule (technicians, and staff by property): a WLBG technician, even one of
    a team with the same name (水电班), cannot see or accept a YGJY team order."""
    assert desk.act(ygjy_ticket, "dispatch", {"team": team_id("YGJY", "水电班")}).status_code == 200
    before = state(desk, ygjy_ticket)
    other = api(username)
    refused(other.act(ygjy_ticket, "accept"), 403, 404)
    refused(other.get(f"/tickets/{ygjy_ticket}"), 404)
    assert ygjy_ticket not in numbers(other)
    assert state(desk, ygjy_ticket) == before


def test_cannot_dispatch_to_technician_or_team_of_other_property(api, ygjy_ticket, desk):
    """Scoping rule (staff by property), R2.5: a YGJY order cannot go to a WLBG
    technician or team (422 naming the field) and stays new."""
    before = state(desk, ygjy_ticket)
    r = desk.act(ygjy_ticket, "dispatch", {"assignee": "wlbg-tech1"})
    refused(r, 422)
    assert r.json()["errors"][0]["field"] == "assignee"
    r = desk.act(ygjy_ticket, "dispatch", {"team": team_id("WLBG", "水电班")})
    refused(r, 422)
    assert r.json()["errors"][0]["field"] == "team"
    assert state(desk, ygjy_ticket) == before


# --- roles ---------------------------------------------------------------------------


def test_resident_cannot_dispatch(api, ygjy_ticket, desk):
    """Workflow table (dispatch is the desk's and supervisors', R1.1, R2.4): the resident
    sees their ticket but dispatching it is 403 and changes nothing."""
    before = state(desk, ygjy_ticket)
    r = api("resident").act(ygjy_ticket, "dispatch", {"assignee": "ygjy-tech1"})
    refused(r, 403)
    assert r.json()["code"] == "role_not_allowed"
    assert state(desk, ygjy_ticket) == before


def test_finance_cannot_dispatch(api, ygjy_ticket, desk):
    """Workflow table (dispatch, R2.4): finance works at YGJY and sees the ticket, but may
    not dispatch it: 403, nothing changes."""
    finance = api("ygjy-finance", lang="en")
    assert finance.get(f"/tickets/{ygjy_ticket}").status_code == 200
    before = state(desk, ygjy_ticket)
    r = finance.act(ygjy_ticket, "dispatch", {"assignee": "ygjy-tech1"})
    refused(r, 403)
    assert r.json()["code"] == "role_not_allowed"
    assert "dispatch" in r.json()["detail"]
    assert state(desk, ygjy_ticket) == before


def test_technician_cannot_close(api, ygjy_ticket, desk):
    """Workflow table (closing, 销项, is the desk's: R2.26, R1.1): the assigned technician
    may not close their own order: 403 and nothing changes."""
    assert desk.act(ygjy_ticket, "dispatch", {"assignee": "ygjy-tech1"}).status_code == 200
    tech1 = api("ygjy-tech1")
    assert tech1.act(ygjy_ticket, "accept").status_code == 200
    before = state(desk, ygjy_ticket)
    r = tech1.act(ygjy_ticket, "close", {"note": "done"})
    refused(r, 403)
    assert r.json()["code"] == "role_not_allowed"
    r = tech1.act(ygjy_ticket, "cancel", {"reason": "不修了"})
    refused(r, 403)
    assert state(desk, ygjy_ticket) == before


def test_technician_cannot_dispatch_to_themselves(api, ygjy_ticket, desk):
    """Workflow table (dispatch) and scoping: a technician cannot grab a new order."""
    before = state(desk, ygjy_ticket)
    refused(api("ygjy-tech1").act(ygjy_ticket, "dispatch", {"assignee": "ygjy-tech1"}), 403, 404)
    assert state(desk, ygjy_ticket) == before


# --- the actions list ----------------------------------------------------------------


def test_actions_list_for_desk_on_new_ticket(desk, ygjy_ticket):
    """Workflow table: on a new repair the desk may dispatch, send it out or cancel, nothing else."""
    assert action_names(desk, ygjy_ticket) == {"dispatch", "refer", "cancel"}


@pytest.mark.parametrize("username", ["resident", "ygjy-finance", "ygjy-security"])
def test_actions_list_empty_for_roles_without_a_move(api, ygjy_ticket, username):
    """Workflow table: roles with no row for a new repair are offered nothing."""
    assert action_names(api(username), ygjy_ticket) == set()


def test_actions_list_for_technician_follows_dispatch(api, ygjy_ticket, desk):
    """Scoping rule (technicians) and the workflow table: ygjy-tech1 is offered nothing
    before the order is theirs; once dispatched to them, accept (and never a desk action);
    after accepting, arrival instead of accept."""
    tech1 = api("ygjy-tech1")
    r = tech1.get(f"/tickets/{ygjy_ticket}/actions")
    assert r.status_code == 404 or (r.status_code == 200 and r.json() == []), r.content

    assert desk.act(ygjy_ticket, "dispatch", {"assignee": "ygjy-tech1"}).status_code == 200
    offered = action_names(tech1, ygjy_ticket)
    assert "accept" in offered
    assert offered <= {"accept", "defer"}, offered
    assert not offered & DESK_ACTIONS
    # Other technicians are still offered nothing.
    r = api("ygjy-tech3").get(f"/tickets/{ygjy_ticket}/actions")
    assert r.status_code == 404 or (r.status_code == 200 and r.json() == []), r.content
    # The desk now may reassign or cancel, no longer dispatch.
    desk_offered = action_names(desk, ygjy_ticket)
    assert "dispatch" not in desk_offered
    assert {"reassign", "cancel"} <= desk_offered

    assert tech1.act(ygjy_ticket, "accept").status_code == 200
    offered = action_names(tech1, ygjy_ticket)
    assert "arrive" in offered and "accept" not in offered
    assert not offered & DESK_ACTIONS


def test_every_listed_action_is_really_allowed(api, ygjy_ticket, desk):
    """The actions list agrees with enforcement: an action not offered is refused (403
    or 409) when tried, and an offered one goes through."""
    tech1 = api("ygjy-tech1")
    assert desk.act(ygjy_ticket, "dispatch", {"assignee": "ygjy-tech1"}).status_code == 200
    offered = action_names(tech1, ygjy_ticket)
    before = state(desk, ygjy_ticket)
    for action in ("arrive", "complete", "close", "dispatch", "reassign", "review"):
        assert action not in offered
        refused(tech1.act(ygjy_ticket, action, {}), 403, 409)
    assert state(desk, ygjy_ticket) == before
    assert tech1.act(ygjy_ticket, "accept").status_code == 200
