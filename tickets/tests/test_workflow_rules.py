"""The workflow machinery's own rules (R8.4 and the workflow tables of docs/workflow.md):
each refusal with its reason, a step's record read back from the database, the hooks a
step and a closing set off (only those, once), the closing instant kept, and a target
outside the row refused."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone, translation

from base.errors import Conflict, Forbidden, IllegalTransition
from conftest import T0, repair_draft
from people.models import User
from tickets import workflow
from tickets.models import Ticket, TicketEvent
from tickets.workflow import allowed_actions, check, is_assigned_to, on_close, on_step, ticket_transition, workflow_for

MIN = datetime.timedelta(minutes=1)


@pytest.fixture
def ticket(clock, api, draft) -> Ticket:
    r = api("ygjy-agent").post("/tickets", draft())
    assert r.status_code == 201, r.content
    return Ticket.objects.get(number=r.json()["number"])


@pytest.fixture
def hooks():
    """Hooks registered for the test only; each records (hook, ticket number, instant)."""
    calls: list[tuple[str, str, datetime.datetime]] = []
    close_before, step_before = list(workflow._CLOSE_HOOKS), {k: list(v) for k, v in workflow._STEP_HOOKS.items()}

    def closed(ticket: Ticket, now: datetime.datetime) -> None:
        calls.append(("close", ticket.number, now))

    def dispatched(ticket: Ticket, now: datetime.datetime) -> None:
        calls.append(("dispatch", ticket.number, now))

    for _ in range(2):  # registering twice still calls once
        on_close(closed)
        on_step("repair", "dispatch", dispatched)
    yield calls
    workflow._CLOSE_HOOKS[:] = close_before
    workflow._STEP_HOOKS.clear()
    workflow._STEP_HOOKS.update(step_before)


def user(username: str) -> User:
    return User.objects.get(username=username)


def step(ticket: Ticket, action: str, by: str, **kw) -> TicketEvent:
    with transaction.atomic():
        return ticket_transition(ticket=ticket, action=action, by=user(by), **kw)


def test_a_step_is_recorded_and_read_back_whole(ticket):
    """R8.4: every step is on the timeline with who, when, from and to, note and data."""
    at = T0 + 3 * MIN
    event = step(ticket, "dispatch", "ygjy-agent", at=at, note="快去", data={"x": 1}, changes={"assignee": None})
    stored = TicketEvent.objects.get(pk=event.pk)
    agent = user("ygjy-agent")
    assert (stored.ticket_id, stored.property_id, stored.action) == (ticket.pk, ticket.property_id, "dispatch")
    assert (stored.at, stored.actor_id, stored.actor_name) == (at, agent.pk, str(agent))
    assert (stored.from_status, stored.to_status, stored.note, stored.data) == ("new", "dispatched", "快去", {"x": 1})
    row = Ticket.objects.get(pk=ticket.pk)
    assert (row.status, row.updated_at, row.closed_at, row.version) == ("dispatched", at, None, ticket.version)


def test_a_step_without_an_instant_or_data_is_recorded_now_with_empty_data(ticket):
    """R8.4: the step's instant is the clock's now when none is given."""
    event = step(ticket, "dispatch", "ygjy-agent")
    stored = TicketEvent.objects.get(pk=event.pk)
    assert (stored.at, stored.data, stored.note) == (timezone.now(), {}, "")
    system = TicketEvent.objects.get(pk=workflow.event_append(ticket=ticket, action="breach", by=None).pk)
    assert (system.actor_id, system.actor_name, system.at) == (None, "", timezone.now())
    assert (system.from_status, system.to_status, system.note, system.data) == ("", "", "", {})


def test_a_step_hook_runs_for_its_kind_and_action_and_a_close_hook_only_on_closing(ticket, hooks, clock):
    """Hooks of other apps (followups: R2.19 the same-day call, R6 the follow-up on
    closing) run once, for their step, and the close hook only when a ticket closes."""
    step(ticket, "dispatch", "ygjy-agent")
    assert hooks == [("dispatch", ticket.number, T0)]
    step(ticket, "reassign", "ygjy-agent")  # to the same open state
    assert hooks == [("dispatch", ticket.number, T0)]
    clock.shift(60)
    step(ticket, "cancel", "ygjy-agent")
    closed_at = T0 + MIN
    assert hooks == [("dispatch", ticket.number, T0), ("close", ticket.number, closed_at)]
    assert Ticket.objects.get(pk=ticket.pk).closed_at == closed_at


def test_a_step_from_closed_to_closed_neither_closes_again_nor_moves_the_closing_instant(ticket, hooks, clock):
    """R2.21 rework on a closed job: the ticket stays closed as of when it closed."""
    Ticket.objects.filter(pk=ticket.pk).update(status="closed", closed_at=T0)
    ticket.refresh_from_db()
    clock.shift(60)
    step(ticket, "rework", "ygjy-agent", to="closed")
    assert hooks == []
    assert Ticket.objects.get(pk=ticket.pk).closed_at == T0


def test_a_step_to_a_state_outside_its_row_is_refused(ticket):
    """The workflow table is the one list of moves: dispatch leads to dispatched only."""
    with pytest.raises(ValueError, match="dispatch cannot lead to closed"):
        step(ticket, "dispatch", "ygjy-agent", to="closed")
    assert Ticket.objects.get(pk=ticket.pk).status == "new"
    assert not TicketEvent.objects.filter(ticket=ticket, action="dispatch").exists()


def test_each_refusal_names_its_reason(ticket):
    """The workflow table's refusals: an unknown action, a role the row does not name, a
    job not assigned to the technician or their team, a step from the wrong state, and
    any step on an archived ticket."""
    with pytest.raises(IllegalTransition) as unknown:
        check(ticket, "fly", user("ygjy-agent"))
    assert unknown.value.code == "unknown_action"
    with pytest.raises(Forbidden) as role:
        check(ticket, "dispatch", user("ygjy-finance"))
    assert role.value.code == "role_not_allowed"
    with translation.override("en"), pytest.raises(IllegalTransition) as state:
        check(ticket, "close", user("ygjy-agent"))
    assert state.value.message == f"Cannot close: ticket {ticket.number} is recorded."
    step(ticket, "dispatch", "ygjy-agent", changes={"assignee_id": user("ygjy-tech1").pk, "team_id": None})
    with pytest.raises(Forbidden) as mine:
        check(ticket, "accept", user("ygjy-tech2"))
    assert mine.value.code == "not_assigned"
    assert check(ticket, "accept", user("ygjy-tech1")).action == "accept"
    ticket.archived_at = T0
    with pytest.raises(IllegalTransition) as archived:
        check(ticket, "accept", user("ygjy-tech1"))
    assert archived.value.code == "archived"
    assert allowed_actions(ticket, user("ygjy-tech1")) == []


def test_a_job_is_a_technician_s_when_assigned_to_them_or_to_their_team(ticket):
    """R2.5: the assignee or a member of the assigned team; no team matches no team."""
    tech1, tech2 = user("ygjy-tech1"), user("ygjy-tech2")
    ticket.assignee_id, ticket.team_id = tech1.pk, None
    assert is_assigned_to(ticket, tech1) and not is_assigned_to(ticket, tech2)
    ticket.team_id = tech2.team_id
    assert is_assigned_to(ticket, tech2)
    ticket.team_id = None
    tech2.team_id = None
    assert not is_assigned_to(ticket, tech2)


def test_the_timeline_names_unknown_steps_and_states_as_they_are():
    """docs/workflow.md: a step or a state the table does not know is shown by its code."""
    wf = workflow_for("repair")
    with translation.override("en"):
        assert wf.action_label("dispatch") == "dispatch"
        assert wf.action_label("breach") == "promise missed"
        assert wf.action_label("something") == "something"
        assert wf.state_label("dispatched") == "dispatched"
        assert wf.state_label("elsewhere") == "elsewhere"


def test_a_row_of_the_table_keeps_what_it_was_given_and_assigned_roles_may_act_too():
    """docs/workflow.md: a row's action, label, states and roles; roles that act only on
    their own orders are among the roles that may."""
    row = workflow.transition("go", "go on", ["a", "b"], ["c"], ["agent"], assigned=["technician"])
    assert (row.action, row.label) == ("go", "go on")
    assert (row.sources, row.targets) == (frozenset({"a", "b"}), frozenset({"c"}))
    assert (row.roles, row.assigned_roles) == (frozenset({"agent", "technician"}), frozenset({"technician"}))
    assert row.target == "c"
    plain = workflow.transition("stay", "stay", ["a"], ["a", "b"], ["agent"])
    assert (plain.roles, plain.assigned_roles, plain.target) == (frozenset({"agent"}), frozenset(), None)


def test_the_refusals_say_why_in_the_user_s_language(ticket):
    """Bad steps get a clear error in the user's language: no such action, a role the row
    does not name, not assigned, archived, and a change from a stale copy."""
    with translation.override("en"):
        with pytest.raises(IllegalTransition) as unknown:
            check(ticket, "fly", user("ygjy-agent"))
        assert unknown.value.message == "There is no action “fly” for this kind of ticket."
        with pytest.raises(Forbidden) as role:
            check(ticket, "dispatch", user("ygjy-finance"))
        assert role.value.message == "Your role (finance) may not dispatch."
        step(ticket, "dispatch", "ygjy-agent", changes={"assignee_id": user("ygjy-tech1").pk, "team_id": None})
        with pytest.raises(Forbidden) as mine:
            check(ticket, "accept", user("ygjy-tech2"))
        assert mine.value.message == f"Ticket {ticket.number} is not assigned to you or your team."
        stale = Ticket.objects.get(pk=ticket.pk)
        step(ticket, "reassign", "ygjy-agent")
        with pytest.raises(Conflict) as conflict, transaction.atomic():
            ticket_transition(ticket=stale, action="reassign", by=user("ygjy-agent"))
        assert conflict.value.message == (
            f"Ticket {ticket.number} was changed by someone else just now; reload it and try again."
        )
        ticket.archived_at = T0
        with pytest.raises(IllegalTransition) as archived:
            check(ticket, "reassign", user("ygjy-agent"))
        assert archived.value.message == f"Ticket {ticket.number} is archived: it is kept read-only."


def test_a_kind_s_own_guard_decides_with_the_ticket_the_step_and_the_user(clock, api):
    """R4.3 through the kind's guard: the property manager takes up an important
    complaint, the service supervisor may not; R2.6: a repair's "told the customer" step
    only while there is something to tell."""
    r = api("ygjy-agent").post(
        "/tickets",
        {
            "kind": "complaint",
            "property": "YGJY",
            "unit": "3-1202",
            "description": "物业费账单重复收取",
            "complaint": {"severity": "important", "department": "finance"},
        },
    )
    complaint = Ticket.objects.get(number=r.json()["number"])
    assert check(complaint, "take_up", user("ygjy-manager")).action == "take_up"
    with pytest.raises(Forbidden):
        check(complaint, "take_up", user("ygjy-supervisor"))
    repair = Ticket.objects.get(number=api("ygjy-agent").post("/tickets", repair_draft()).json()["number"])
    with pytest.raises(IllegalTransition) as nothing:
        check(repair, "tell_customer", user("ygjy-agent"))
    assert nothing.value.code == "nothing_to_tell"


def test_the_timeline_names_the_steps_every_kind_shares_and_a_kind_s_own_events():
    """docs/workflow.md: shared steps and a kind's own events have their names."""
    repair, complaint = workflow_for("repair"), workflow_for("complaint")
    with translation.override("en"):
        assert [repair.action_label(a) for a in ("create", "follow_up", "follow_up_review", "spawned", "contact")] == [
            "record",
            "follow-up",
            "follow-up reviewed",
            "raised a linked ticket",
            "contact logged",
        ]
        assert complaint.action_label("auto_major") == "became major: unresolved after one month"
        assert repair.action_label("auto_major") == "auto_major"
