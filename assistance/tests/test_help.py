"""Help requests (求助): the 5-minute reply clock (R5.2), the checklists of medical,
security and disaster help (R5.3, R5.4), the quick-response directory beside them
(R1.7), linked repairs and complaints raised from a help request, and scoping."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from assistance.checklists import STEPS
from assistance.models import ContingencyPlan, HelpCategory, HelpRequest
from assistance.services import help_checklist
from conftest import T0, help_draft, login, recorded
from estates.models import Property
from notify.models import Notification
from promises.models import Deadline
from promises.services import sweep
from tickets.models import Ticket, TicketEvent

MIN = datetime.timedelta(minutes=1)


# --- Helpers ------------------------------------------------------------------------------


def new_help(api, category: str = "medical", unit: str = "3-1201", **over) -> str:
    return recorded(api("ygjy-agent"), help_draft(category, unit) | over)


def reply_clock(number: str) -> Deadline:
    return Deadline.objects.get(ticket__number=number, clock="reply")


def tick(desk, number: str, step: str, **body):
    return desk.act(number, "check_step", {"step": step, **body})


def tick_all(desk, number: str, steps: list[str], clock=None) -> None:
    for step in steps:
        if clock is not None:
            clock.shift(60)
        body = {"option": "ambulance"} if step == "decide" else {}
        r = tick(desk, number, step, **body)
        assert r.status_code == 200, (step, r.content)


def ticked(number: str) -> list[str]:
    return [e.data["step"] for e in TicketEvent.objects.filter(ticket__number=number, action="check_step")]


def required(number: str) -> list[str]:
    return [s["code"] for s in help_checklist(Ticket.objects.get(number=number)) if s["required"]]


def label(category: str, step: str) -> str:
    with translation.override("en"):
        return str(STEPS[HelpCategory(category)][step])


# --- R5.2: reply within 5 minutes -------------------------------------------------------------


def test_reply_clock_is_due_five_minutes_after_recording(clock, api):
    """R5.2: a help request is answered within 5 minutes of being recorded."""
    number = new_help(api)
    d = reply_clock(number)
    assert (d.status, d.started_at, d.due_at) == ("open", T0, T0 + 5 * MIN)
    assert d.escalate_to == "service_supervisor"
    assert Ticket.objects.get(number=number).next_due_at == T0 + 5 * MIN


def test_reply_within_five_minutes_meets_the_clock(clock, api):
    """R5.2: the desk's reply meets the reply clock, on time."""
    number = new_help(api)
    clock.shift(4 * 60)
    r = api("ygjy-agent").act(number, "reply", {"note": "已派保安上门"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "in_hand"
    d = reply_clock(number)
    assert d.status == "met" and d.met_at == T0 + 4 * MIN and d.on_time and d.breached_at is None
    assert Ticket.objects.get(number=number).next_due_at is None


def test_the_first_ticked_step_is_the_reply(clock, api):
    """R5.2: working the checklist is answering the caller: the first tick meets the clock."""
    number = new_help(api)
    desk = api("ygjy-agent")
    clock.shift(3 * 60)
    assert tick(desk, number, "address_phone").status_code == 200
    clock.shift(5 * 60)
    assert tick(desk, number, "decide", option="care").status_code == 200
    d = reply_clock(number)
    assert d.status == "met" and d.met_at == T0 + 3 * MIN and d.on_time
    assert Ticket.objects.get(number=number).status == "in_hand"


def test_no_reply_is_breached_once_and_escalated_to_the_supervisor(clock, api, persona):
    """R5.2: not answered in 5 minutes: the sweep records one breach and tells the supervisor."""
    number = new_help(api)
    clock.shift(4 * 60)
    assert sweep() == 0
    clock.shift(2 * 60)
    assert sweep() == 1
    assert sweep() == 0  # exactly once
    d = reply_clock(number)
    assert d.status == "open" and d.breached_at == T0 + 6 * MIN
    breach = TicketEvent.objects.get(ticket__number=number, action="breach")
    assert breach.data["clock"] == "reply" and breach.data["escalated_to"] == "service_supervisor"
    notes = Notification.objects.filter(ticket__number=number, kind="breach")
    assert [n.recipient for n in notes] == [persona("ygjy-supervisor")]  # not wlbg's supervisor
    # A late reply meets the clock, late, and keeps the first breach time.
    clock.shift(60)
    api("ygjy-agent").act(number, "reply")
    d = reply_clock(number)
    assert d.status == "met" and d.on_time is False and d.breached_at == T0 + 6 * MIN


def test_the_sweep_at_the_due_instant_is_not_yet_a_breach(clock, api):
    """R5.2: 'within 5 minutes' includes the fifth minute; a reply then is on time, not a breach."""
    number = new_help(api)
    clock.shift(5 * 60)
    assert sweep() == 0
    api("ygjy-agent").act(number, "reply")
    d = reply_clock(number)
    assert d.on_time and d.breached_at is None


# --- R5.3: medical emergency ------------------------------------------------------------------


def test_help_checklist_lists_every_step_with_required_and_event(clock, api, persona):
    """R5.3: the checklist shows every step of the kind, which are required, and who ticked when."""
    number = new_help(api)
    rows = help_checklist(Ticket.objects.get(number=number))
    assert [r["code"] for r in rows] == list(STEPS[HelpCategory.MEDICAL])
    assert all({"code", "label", "required", "event"} <= set(r) for r in rows)
    assert [str(r["label"]) for r in rows] == [str(label) for label in STEPS[HelpCategory.MEDICAL].values()]
    assert [r["code"] for r in rows if r["required"]] == ["address_phone", "decide", "reported_back"]
    assert all(r["event"] is None for r in rows)
    clock.shift(60)
    tick(api("ygjy-security"), number, "address_phone")
    first = help_checklist(Ticket.objects.get(number=number))[0]
    assert first["event"].at == T0 + MIN and first["event"].actor == persona("ygjy-security")


def test_decide_needs_the_course(clock, api):
    """R5.3: asking hospital, 120 or care must record the answer: without one, 422 and nothing ticked."""
    number = new_help(api)
    r = tick(api("ygjy-agent"), number, "decide")
    assert r.status_code == 422, r.content
    assert r.json()["errors"][0]["field"] == "option"
    assert ticked(number) == [] and HelpRequest.objects.get(ticket__number=number).option == ""
    assert reply_clock(number).status == "open"


@pytest.mark.parametrize(
    ("option", "steps", "not_needed"),
    [
        ("ambulance", ["called_120", "gate_told", "ambulance_met"], ["security_sent", "family_along", "never_alone"]),
        ("hospital", ["security_sent", "family_along"], ["called_120", "gate_told", "ambulance_met", "never_alone"]),
        ("care", ["security_sent", "never_alone"], ["called_120", "family_along"]),
    ],
)
def test_the_course_chosen_decides_the_required_steps(clock, api, option, steps, not_needed):
    """R5.3: hospital needs security and a family member; 120 needs the call, the gate and
    a guard meeting the ambulance; resolve is refused until every required step is ticked."""
    number = new_help(api)
    desk = api("ygjy-agent", lang="en")
    tick(desk, number, "address_phone")
    assert tick(desk, number, "decide", option=option).status_code == 200
    assert HelpRequest.objects.get(ticket__number=number).option == option
    assert required(number) == ["address_phone", "decide", *steps, "reported_back"]

    r = desk.act(number, "resolve", {"result": "已送医"})
    assert r.status_code == 409 and r.json()["code"] == "checklist_incomplete"
    for step in [*steps, "reported_back"]:
        assert label("medical", step) in r.json()["detail"]
    for step in not_needed:
        assert label("medical", step) not in r.json()["detail"]

    for step in steps:
        tick(desk, number, step)
    r = desk.act(number, "resolve", {"result": "已送医"})
    assert r.status_code == 409 and r.json()["detail"].count(";") == 0  # only the report back left
    assert label("medical", "reported_back") in r.json()["detail"]
    tick(desk, number, "reported_back")
    r = desk.act(number, "resolve", {"result": "家属陪同送医，已回报"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "done" and r.json()["closed_at"] is not None


def test_each_ticked_step_is_an_event_at_its_own_time(clock, api, persona):
    """R5.3: the record of the emergency: every step is a timeline event with the time it was done."""
    number = new_help(api)
    desk = api("ygjy-agent")
    plan = ["address_phone", "decide", "called_120", "gate_told", "ambulance_met", "reported_back"]
    tick_all(desk, number, plan, clock)
    events = list(TicketEvent.objects.filter(ticket__number=number, action="check_step").order_by("at", "id"))
    assert [e.data["step"] for e in events] == plan
    assert [e.at for e in events] == [T0 + n * MIN for n in range(1, len(plan) + 1)]
    assert all(e.actor == persona("ygjy-agent") for e in events)
    assert events[1].data["option"] == "ambulance"
    clock.shift(60)
    assert desk.act(number, "resolve", {"result": "120已接走"}).status_code == 200
    resolve = TicketEvent.objects.get(ticket__number=number, action="resolve")
    assert resolve.at == T0 + 7 * MIN and Ticket.objects.get(number=number).closed_at == T0 + 7 * MIN
    # A closed request takes no more ticks.
    assert tick(desk, number, "never_alone").status_code == 409


def test_ticking_a_step_twice_is_refused(clock, api):
    """R5.3: a step is done once; the record keeps its first time."""
    number = new_help(api)
    desk = api("ygjy-agent")
    tick(desk, number, "address_phone")
    clock.shift(60)
    r = tick(desk, number, "address_phone")
    assert r.status_code == 409 and r.json()["code"] == "already_ticked"
    assert "09:00" in r.json()["detail"]
    assert ticked(number) == ["address_phone"]


def test_a_step_of_another_checklist_is_refused(clock, api):
    """R5.3/R5.4: each kind of help has its own checklist."""
    number = new_help(api, category="security")
    r = tick(api("ygjy-agent"), number, "called_120")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "step"
    assert ticked(number) == []


# --- R5.4: security and disaster ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "steps"),
    [
        ("security", ["plan_opened", "security_sent", "manager_told", "reported_back"]),
        ("disaster", ["plan_opened", "residents_warned", "teams_sent", "manager_told", "reported_back"]),
    ],
)
def test_security_and_disaster_follow_their_plans_checklist(clock, api, category, steps):
    """R5.4: security incidents and fire or flooding each have their checklist; it must be done to close."""
    number = new_help(api, category=category, description="楼道有人打架" if category == "security" else "地下车库进水")
    assert required(number) == steps
    desk = api("ygjy-security", lang="en")
    assert desk.act(number, "reply", {"note": "保安已出发"}).status_code == 200
    for n, step in enumerate(steps):
        r = desk.act(number, "resolve", {"result": "处理完毕"})
        assert r.status_code == 409 and r.json()["code"] == "checklist_incomplete"
        assert all(label(category, s) in r.json()["detail"] for s in steps[n:])
        assert tick(desk, number, step).status_code == 200
    assert desk.act(number, "resolve", {"result": "处理完毕"}).status_code == 200
    assert Ticket.objects.get(number=number).status == "done"


def test_the_help_page_links_the_plan_of_its_kind_and_the_directory(clock, api):
    """R5.4 and R1.7: the page of a security incident links the security plan (not the fire
    plan), and the quick-response directory is at hand."""
    for category, title in (("security", "治安事件应急预案"), ("disaster", "火灾应急预案")):
        ContingencyPlan.objects.create(
            property=Property.objects.get(code="YGJY"),
            category=category,
            title=title,
            file=f"plans/2026/{category}.pdf",
            content_type="application/pdf",
            uploaded_at=T0,
        )
    number = new_help(api, category="security", description="楼道有人打架")
    page = login("ygjy-agent").get(f"/t/{number}/").content.decode()
    assert "治安事件应急预案" in page and "火灾应急预案" not in page
    assert 'data-step="plan_opened"' in page and 'data-step="called_120"' not in page
    assert "急救中心" in page and 'href="tel:120"' in page and 'href="tel:110"' in page


# --- Raising a repair or a complaint from a help request -----------------------------------------


def test_spawn_raises_a_repair_at_the_same_unit_linked_both_ways(clock, api):
    """R5.1: help that needs a repair raises a repair ticket, linked to the help request."""
    number = new_help(api, category="other", description="家里水管爆了求助")
    r = api("ygjy-agent").act(
        number, "spawn", {"kind": "repair", "category": "plumbing", "description": "厨房水管爆裂"}
    )
    assert r.status_code == 200, r.content
    help_ticket = Ticket.objects.get(number=number)
    child = help_ticket.spawned.get()
    assert (child.kind, child.status, child.origin) == ("repair", "new", help_ticket)
    assert ((child.unit and child.unit.label), child.reporter_phone) == ("3-1201", help_ticket.reporter_phone)
    assert child.category is not None and child.category.code == "plumbing" and hasattr(child, "work_order")
    spawn = TicketEvent.objects.get(ticket=help_ticket, action="spawn")
    assert spawn.data == {"ticket": child.number, "kind": "repair"}
    assert TicketEvent.objects.get(ticket=child, action="create").data == {"origin": number}
    assert help_ticket.status == "new"  # raising a ticket is not the reply


def test_spawn_raises_a_complaint_with_its_department(clock, api):
    """R5.1: a complaint made while asking for help is its own ticket, with the department."""
    number = new_help(api, category="other", description="保安不让快递进门")
    desk = api("ygjy-agent")
    r = desk.act(number, "spawn", {"kind": "complaint", "description": "门岗态度差"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "department"
    assert not Ticket.objects.filter(origin__number=number).exists()
    r = desk.act(number, "spawn", {"kind": "complaint", "description": "门岗态度差", "department": "security"})
    assert r.status_code == 200, r.content
    child = Ticket.objects.get(origin__number=number)
    assert child.kind == "complaint" and child.complaint.department == "security"
    assert (child.unit and child.unit.label) == "3-1201"
    assert TicketEvent.objects.get(ticket__number=number, action="spawn").data["ticket"] == child.number
    # The page of the complaint links back to the help request.
    page = login("ygjy-agent").get(f"/t/{child.number}/").content.decode()
    assert f'href="/t/{number}/"' in page


def test_staff_of_another_property_cannot_see_a_help_request(clock, api):
    """R1.1 scoping: a help request of YGJY is not found for WLBG's desk."""
    number = new_help(api)
    other = api("wlbg-agent")
    assert other.get(f"/tickets/{number}").status_code == 404
    assert tick(other, number, "address_phone").status_code == 404
    assert login("wlbg-agent").get(f"/t/{number}/").status_code == 404
    assert ticked(number) == []
