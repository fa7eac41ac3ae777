"""Complaints (投诉, RULES §4): the record (R4.2), routing by severity (R4.3), the
handling form's way through the department (R4.4), the time limits and who may
extend them (R4.5), the follow-up call (R4.6), invalid complaints and ongoing damage
(R4.7), and the change of severity, by hand and after a month unresolved (R4.1).

Every clock runs on frozen time, moved on explicitly; nothing sleeps."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from complaints.models import Complaint
from conftest import SHANGHAI, T0
from followups.models import FollowUp
from followups.services import followup_record
from notify.models import Notification
from promises.models import Deadline
from promises.services import sweep
from tickets.models import Ticket, TicketEvent

MIN = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
MONTH = 30 * DAY


# --- Helpers -------------------------------------------------------------------------


def complaint_draft(severity: str = "minor", *, details: dict[str, Any] | None = None, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "complaint",
        "property": "YGJY",
        "unit": "3-1202",
        "description": "门岗保安不让快递进小区，态度恶劣",
        "complaint": {
            "severity": severity,
            "department": "security",
            "person": "",
            "event_at": None,
            "event_place": "",
            "demand": "",
            "damage_ongoing": False,
            **(details or {}),
        },
    }
    body.update(over)
    return body


def create(api, severity: str = "minor", *, by: str = "ygjy-agent", **over: Any) -> str:
    r = api(by).post("/tickets", complaint_draft(severity, **over))
    assert r.status_code == 201, r.content
    return r.json()["number"]


def act(api, who: str, number: str, action: str, body: dict[str, Any] | None = None):
    r = api(who).act(number, action, body)
    assert r.status_code == 200, r.content
    return r


def running(number: str) -> dict[str, Deadline]:
    """The open clocks of a ticket, by clock."""
    return {d.clock: d for d in Deadline.objects.filter(ticket__number=number, status="open")}


def latest(number: str, clock: str) -> Deadline:
    return Deadline.objects.filter(ticket__number=number, clock=clock).latest("id")


def notified(number: str, kind: str = "escalation") -> list[tuple[str, str]]:
    """(username, role) of everyone notified about the ticket with ``kind``."""
    rows = Notification.objects.filter(ticket__number=number, kind=kind).values_list(
        "recipient__username", "recipient__role"
    )
    return sorted(rows)


def severity(number: str) -> str:
    return Complaint.objects.get(ticket__number=number).severity


def events(number: str, action: str) -> list[TicketEvent]:
    return list(TicketEvent.objects.filter(ticket__number=number, action=action).order_by("id"))


def error_fields(r) -> list[str]:
    return [e["field"] for e in r.json().get("errors") or []]


def through_the_department(api, number: str) -> None:
    """R4.4: forward, sign for, handle and return the form."""
    act(api, "ygjy-agent", number, "forward")
    act(api, "ygjy-security", number, "acknowledge")
    act(api, "ygjy-security", number, "handle", {"handling": "已约谈当班保安并道歉"})


# --- R4.2 The record ----------------------------------------------------------------------


def test_record_keeps_event_time_place_person_department_and_demand(clock, api):
    """R4.2: the record keeps when and where it happened, who it is about, what the customer asks."""
    happened = T0 - 2 * HOUR
    number = create(
        api,
        details={
            "department": "security",
            "person": "3号门岗保安",
            "event_at": happened.isoformat(),
            "event_place": "北门岗亭",
            "demand": "要求当面道歉",
        },
    )
    c = Complaint.objects.get(ticket__number=number)
    assert (c.department, c.person, c.event_at, c.event_place, c.demand) == (
        "security",
        "3号门岗保安",
        happened,
        "北门岗亭",
        "要求当面道歉",
    )
    assert c.ticket.description == "门岗保安不让快递进小区，态度恶劣"
    assert (c.ticket.kind, c.ticket.status, c.severity) == ("complaint", "new", "minor")


def test_complaint_without_its_details_is_refused_and_nothing_is_recorded(clock, api):
    """R4.2: a complaint without its details (department complained about) is 422 on "complaint"; nothing is created."""
    before = (Ticket.objects.count(), Complaint.objects.count(), Deadline.objects.count())
    body = complaint_draft()
    del body["complaint"]
    r = api("ygjy-agent").post("/tickets", body)
    assert r.status_code == 422, r.content
    assert error_fields(r) == ["complaint"]
    assert (Ticket.objects.count(), Complaint.objects.count(), Deadline.objects.count()) == before
    assert not Notification.objects.exists()


def test_complaint_without_the_department_or_with_a_future_event_is_refused(clock, api):
    """R4.2: the department complained about is required and the event cannot lie in the future."""
    before = Ticket.objects.count()
    body = complaint_draft()
    del body["complaint"]["department"]
    r = api("ygjy-agent").post("/tickets", body)
    assert r.status_code == 422 and error_fields(r) == ["complaint.department"]
    r = api("ygjy-agent").post("/tickets", complaint_draft(details={"event_at": (T0 + DAY).isoformat()}))
    assert r.status_code == 422 and error_fields(r) == ["complaint.event_at"]
    assert Ticket.objects.count() == before


# --- R4.3 Routing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "owner"),
    [
        ("minor", [("ygjy-supervisor", "service_supervisor")]),
        ("important", [("ygjy-manager", "manager")]),
        ("major", [("leader", "executive")]),
    ],
)
def test_routing_at_creation_notifies_the_owner_of_the_severity(clock, api, level, owner):
    """R4.3: minor -> service supervisor, important -> property manager, major -> company leadership;
    the other property's staff are not told."""
    number = create(api, level)
    assert notified(number) == owner
    assert all(n.created_at == T0 for n in Notification.objects.filter(ticket__number=number))


# --- R4.5 The clocks ---------------------------------------------------------------------


def test_minor_complaint_is_resolved_within_two_days_and_has_no_take_up_clock(clock, api):
    """R4.5: minor within 2 days; R4.3: no one-hour take-up clock for a minor complaint."""
    number = create(api, "minor")
    clocks = running(number)
    assert clocks["resolve"].due_at == T0 + 2 * DAY
    assert clocks["resolve"].escalate_to == "manager"
    assert "take_up" not in clocks and "answer" not in clocks
    assert clocks["month"].due_at == T0 + MONTH
    assert Ticket.objects.get(number=number).next_due_at == T0 + 2 * DAY


def test_minor_complaint_with_the_customers_deadline_is_due_then(clock, api):
    """R4.5: a minor complaint is resolved by the customer's deadline when one is given."""
    deadline = T0 + 5 * HOUR
    number = create(api, "minor", appointment_at=deadline.isoformat())
    assert running(number)["resolve"].due_at == deadline
    assert Ticket.objects.get(number=number).next_due_at == deadline
    later = T0 + 4 * DAY
    other = create(api, "minor", unit="3-1201", appointment_at=later.isoformat())
    assert running(other)["resolve"].due_at == later


def test_important_complaint_is_taken_up_within_an_hour_and_resolved_within_three_days(clock, api):
    """R4.3, R4.5: important: the property manager within 1 hour; resolved within 3 days."""
    number = create(api, "important")
    clocks = running(number)
    assert clocks["take_up"].due_at == T0 + HOUR
    assert clocks["resolve"].due_at == T0 + 3 * DAY
    assert clocks["month"].due_at == T0 + MONTH
    assert "answer" not in clocks
    assert Ticket.objects.get(number=number).next_due_at == T0 + HOUR


def test_major_complaint_reaches_leadership_the_same_day_answer_two_days_resolve_ten(clock, api):
    """R4.3, R4.5: major: leadership by the end of the local day, a clear answer within 2 days,
    resolved within 10 days."""
    number = create(api, "major")
    clocks = running(number)
    assert clocks["take_up"].due_at == datetime.datetime(2026, 11, 23, 23, 59, 59, tzinfo=SHANGHAI)
    assert clocks["answer"].due_at == T0 + 2 * DAY
    assert clocks["resolve"].due_at == T0 + 10 * DAY
    assert {d.escalate_to for d in clocks.values()} == {"executive"}


@pytest.mark.parametrize(
    ("recorded", "end_of_day"),
    [
        (datetime.datetime(2026, 11, 23, 23, 30, tzinfo=SHANGHAI), datetime.datetime(2026, 11, 23, 23, 59, 59)),
        # 00:30 in Shanghai is still the day before in UTC.
        (datetime.datetime(2026, 11, 24, 0, 30, tzinfo=SHANGHAI), datetime.datetime(2026, 11, 24, 23, 59, 59)),
    ],
)
def test_major_complaint_same_day_is_the_propertys_local_day(clock, api, recorded, end_of_day):
    """R4.3: "the same day" is the property's local day (Asia/Shanghai), not UTC's."""
    clock.move_to(recorded)
    number = create(api, "major")
    assert running(number)["take_up"].due_at == end_of_day.replace(tzinfo=SHANGHAI)


def test_major_complaint_answer_clock_is_met_by_a_clear_answer(clock, api):
    """R4.5: a major complaint gets a clear answer within 2 days; the answer action meets the clock
    and leaves the 10-day resolve clock running."""
    number = create(api, "major")
    clock.shift(DAY.total_seconds())
    r = api("ygjy-agent").act(number, "answer", {"answer": ""})
    assert r.status_code == 422 and error_fields(r) == ["answer"]
    act(api, "ygjy-manager", number, "answer", {"answer": "公司已成立专项小组，10日内给出处理结果"})
    answer = latest(number, "answer")
    assert answer.status == "met" and answer.met_at == T0 + DAY and answer.on_time
    assert Complaint.objects.get(ticket__number=number).answer == "公司已成立专项小组，10日内给出处理结果"
    assert running(number)["resolve"].due_at == T0 + 10 * DAY


@pytest.mark.parametrize(
    ("level", "clock_name", "due", "escalate_to", "recipient"),
    [
        ("minor", "resolve", 2 * DAY, "manager", "ygjy-manager"),
        ("important", "take_up", HOUR, "executive", "leader"),
    ],
)
def test_sweep_breaches_a_missed_complaint_clock_once_and_escalates(
    clock, api, level, clock_name, due, escalate_to, recipient
):
    """R4.5: a missed time limit is breached exactly once and escalated to the policy's role."""
    number = create(api, level)
    clock.shift((due - MIN).total_seconds())
    assert sweep() == 0
    clock.shift(2 * 60)
    assert sweep() == 1
    d = latest(number, clock_name)
    assert d.status == "open" and d.breached_at == T0 + due + MIN
    assert notified(number, "breach") == [(recipient, escalate_to)]
    [event] = events(number, "breach")
    assert event.data["clock"] == clock_name and event.data["escalated_to"] == escalate_to
    assert sweep() == 0  # a second sweep adds nothing
    assert len(notified(number, "breach")) == 1 and len(events(number, "breach")) == 1
    assert latest(number, clock_name).breached_at == T0 + due + MIN


# --- Taking up (R4.3) ---------------------------------------------------------------------


def test_important_complaint_is_taken_up_by_the_manager_not_the_service_supervisor(clock, api):
    """R4.3: an important complaint goes to the property manager; the service supervisor may not take it."""
    number = create(api, "important")
    r = api("ygjy-supervisor").act(number, "take_up")
    assert r.status_code == 403, r.content
    assert latest(number, "take_up").status == "open" and events(number, "take_up") == []
    clock.shift(40 * 60)
    act(api, "ygjy-manager", number, "take_up", {"note": "已联系业主"})
    take_up = latest(number, "take_up")
    assert take_up.status == "met" and take_up.met_at == T0 + 40 * MIN and take_up.on_time
    assert take_up.breached_at is None
    assert [e.actor.username for e in events(number, "take_up") if e.actor] == ["ygjy-manager"]


def test_major_complaint_is_taken_up_by_leadership_not_the_property_manager(clock, api):
    """R4.3: a major complaint goes to company leadership the same day."""
    number = create(api, "major")
    r = api("ygjy-manager").act(number, "take_up")
    assert r.status_code == 403, r.content
    clock.move_to(datetime.datetime(2026, 11, 23, 18, 0, tzinfo=SHANGHAI))
    act(api, "leader", number, "take_up")
    take_up = latest(number, "take_up")
    assert take_up.status == "met" and take_up.on_time and take_up.breached_at is None


# --- R4.4 and R4.6 The handling form and the follow-up ----------------------------------


def test_form_goes_to_the_department_is_signed_for_handled_closed_and_followed_up(clock, api, persona):
    """R4.4: forward, sign for (receiver recorded), handle and return, close; R4.6: closing
    plans the follow-up call within 3 days, and recording it puts it on the timeline."""
    number = create(api, "minor", details={"department": "engineering"})
    desk, engineer = "ygjy-agent", "ygjy-engineer"

    clock.shift(10 * 60)
    r = act(api, desk, number, "forward")
    assert r.json()["status"] == "forwarded"
    assert events(number, "forward")[0].data == {"department": "engineering"}

    clock.shift(20 * 60)
    act(api, engineer, number, "acknowledge", {"receiver": "工程部李工"})
    c = Complaint.objects.get(ticket__number=number)
    assert (c.receiver, c.acknowledged_at) == ("工程部李工", T0 + 30 * MIN)
    assert events(number, "acknowledge")[0].data == {"receiver": "工程部李工"}

    clock.shift(HOUR.total_seconds())
    r = act(api, engineer, number, "handle", {"handling": "已更换损坏的单元门闭门器"})
    assert r.json()["status"] == "handled"
    c.refresh_from_db()
    assert (c.handling, c.returned_at) == ("已更换损坏的单元门闭门器", T0 + 90 * MIN)

    clock.shift(HOUR.total_seconds())
    closed_at = T0 + 150 * MIN
    r = act(api, desk, number, "close", {"result": "已告知业主处理结果"})
    assert r.json()["status"] == "closed"
    ticket = Ticket.objects.get(number=number)
    assert ticket.closed_at == closed_at
    resolve = latest(number, "resolve")
    assert resolve.status == "met" and resolve.met_at == closed_at and resolve.on_time
    assert latest(number, "month").status == "cancelled"
    assert running(number) == {} and ticket.next_due_at is None
    follow_up = FollowUp.objects.get(ticket=ticket)
    assert (follow_up.status, follow_up.reason) == ("planned", "required")
    assert (follow_up.due_from, follow_up.due_by) == (closed_at, closed_at + 3 * DAY)

    clock.shift(DAY.total_seconds())
    followup_record(followup=follow_up, by=persona(desk), reached=True, method="phone", satisfaction=5)
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.done_at) == ("done", closed_at + DAY)
    assert events(number, "follow_up")[0].data["satisfaction"] == 5


def test_receiver_defaults_to_whoever_signs_for_the_form(clock, api, persona):
    """R4.4: the receiver who signs for the form is recorded, by default the account signing."""
    number = create(api, "minor")
    act(api, "ygjy-agent", number, "forward")
    act(api, "ygjy-security", number, "acknowledge")
    assert Complaint.objects.get(ticket__number=number).receiver == str(persona("ygjy-security"))


def test_a_complaint_cannot_be_closed_before_the_form_is_returned(clock, api):
    """R4.4: the desk closes the complaint only after the department returned the form."""
    number = create(api, "minor")
    act(api, "ygjy-agent", number, "forward")
    r = api("ygjy-agent").act(number, "close", {"result": "已处理"})
    assert r.status_code == 409, r.content
    assert Ticket.objects.get(number=number).closed_at is None
    assert latest(number, "resolve").status == "open"


def test_every_closed_complaint_gets_a_follow_up_that_is_overdue_after_three_days(clock, api):
    """R4.6, R6.2: every complaint is followed up within 3 days of closing; past that it is overdue."""
    number = create(api, "minor")
    through_the_department(api, number)
    act(api, "ygjy-agent", number, "close", {"result": "已告知业主"})
    follow_up = FollowUp.objects.get(ticket__number=number)
    assert follow_up.status == "planned" and not follow_up.overdue(T0 + 3 * DAY)
    assert follow_up.overdue(T0 + 3 * DAY + MIN)


# --- R4.7 Ongoing damage and invalid complaints ------------------------------------------


def test_ongoing_damage_must_be_stopped_before_the_form_is_forwarded(clock, api):
    """R4.7: where damage is ongoing, forwarding is refused (409 damage_ongoing) until it is stopped."""
    number = create(api, "important", details={"damage_ongoing": True, "department": "engineering"})
    r = api("ygjy-agent").act(number, "forward")
    assert r.status_code == 409 and r.json()["code"] == "damage_ongoing"
    assert Ticket.objects.get(number=number).status == "new" and events(number, "forward") == []

    r = api("ygjy-engineer").act(number, "stop_damage", {"measures": ""})
    assert r.status_code == 422 and error_fields(r) == ["measures"]
    clock.shift(15 * 60)
    act(api, "ygjy-engineer", number, "stop_damage", {"measures": "已关闭楼层总阀"})
    assert Complaint.objects.get(ticket__number=number).damage_stopped_at == T0 + 15 * MIN
    assert events(number, "stop_damage")[0].note == "已关闭楼层总阀"

    r = act(api, "ygjy-agent", number, "forward")
    assert r.json()["status"] == "forwarded"


def test_invalid_complaint_needs_the_help_given_and_closes_as_invalid(clock, api):
    """R4.7: an invalid complaint is still answered helpfully: invalidate needs help_given and
    closes the ticket as "invalid" with that note; the follow-up call still comes (R4.6)."""
    number = create(api, "minor")
    desk = api("ygjy-agent")
    for body in ({}, {"help_given": ""}):
        r = desk.act(number, "invalidate", body)
        assert r.status_code == 422 and error_fields(r) == ["help_given"], r.content
    assert Ticket.objects.get(number=number).status == "new"

    clock.shift(30 * 60)
    help_given = "快递按规定须登记后进入，已帮业主联系快递员送货上门"
    r = act(api, "ygjy-agent", number, "invalidate", {"help_given": help_given})
    assert r.json()["status"] == "invalid"
    ticket = Ticket.objects.get(number=number)
    assert (ticket.status, ticket.closed_at) == ("invalid", T0 + 30 * MIN)
    [event] = events(number, "invalidate")
    assert event.note == help_given and event.to_status == "invalid"
    assert latest(number, "resolve").status == "cancelled"
    assert running(number) == {}
    assert FollowUp.objects.get(ticket=ticket).due_by == T0 + 30 * MIN + 3 * DAY


def test_ongoing_damage_must_be_stopped_before_a_complaint_is_closed_as_invalid(clock, api):
    """R4.7: where damage is ongoing, stop the damage first, then handle the complaint, valid or not."""
    number = create(api, "minor", details={"damage_ongoing": True})
    r = api("ygjy-agent").act(number, "invalidate", {"help_given": "漏水来自楼上住户，已帮业主联系"})
    assert r.status_code == 409 and r.json()["code"] == "damage_ongoing"
    assert Ticket.objects.get(number=number).closed_at is None
    act(api, "ygjy-engineer", number, "stop_damage", {"measures": "已关闭楼上住户进水阀"})
    act(api, "ygjy-agent", number, "invalidate", {"help_given": "漏水来自楼上住户，已帮业主联系"})


# --- R4.1 Changing the severity ----------------------------------------------------------


def test_classify_needs_a_reason(clock, api):
    """R4.1: the severity is changed only with a reason."""
    number = create(api, "minor")
    for body in ({"severity": "important"}, {"severity": "important", "reason": "  "}):
        r = api("ygjy-supervisor").act(number, "classify", body)
        assert r.status_code == 422 and error_fields(r) == ["reason"], r.content
    assert severity(number) == "minor" and events(number, "classify") == []
    assert "take_up" not in running(number)


def test_classify_minor_to_important_reroutes_and_replaces_the_clocks(clock, api):
    """R4.1, R4.3, R4.5: made important, the complaint goes to the property manager, gets the
    one-hour take-up clock from now and the 3-day resolve clock from the recording."""
    number = create(api, "minor")
    minor_resolve = latest(number, "resolve")
    clock.shift(2 * HOUR.total_seconds())
    act(api, "ygjy-supervisor", number, "classify", {"severity": "important", "reason": "保安违规操作，属服务过失"})
    assert severity(number) == "important"
    [event] = events(number, "classify")
    assert event.data == {"from": "minor", "to": "important"} and event.note == "保安违规操作，属服务过失"
    assert ("ygjy-manager", "manager") in notified(number)
    clocks = running(number)
    assert clocks["take_up"].due_at == T0 + 3 * HOUR
    assert clocks["resolve"].due_at == T0 + 3 * DAY
    assert clocks["month"].due_at == T0 + MONTH
    minor_resolve.refresh_from_db()
    assert minor_resolve.status == "cancelled"
    assert Deadline.objects.filter(ticket__number=number, status="open", clock="resolve").count() == 1
    assert Ticket.objects.get(number=number).next_due_at == T0 + 3 * HOUR


def test_a_complaint_classified_back_to_minor_keeps_the_customers_deadline(clock, api):
    """R4.5: a minor complaint is resolved by the customer's deadline, also after a change of severity."""
    deadline = T0 + 5 * HOUR
    number = create(api, "minor", appointment_at=deadline.isoformat())
    act(api, "ygjy-supervisor", number, "classify", {"severity": "important", "reason": "初判为服务过失"})
    assert running(number)["resolve"].due_at == T0 + 3 * DAY
    act(api, "ygjy-manager", number, "classify", {"severity": "minor", "reason": "复核为服务局限"})
    assert running(number)["resolve"].due_at == deadline


def test_classify_to_the_same_severity_is_refused(clock, api):
    """R4.1: a change of severity must change it."""
    number = create(api, "important")
    r = api("ygjy-manager").act(number, "classify", {"severity": "important", "reason": "复核"})
    assert r.status_code == 422 and error_fields(r) == ["severity"]


# --- R4.5 Extending the time limit ------------------------------------------------------


def test_a_service_agent_cannot_extend_a_complaint(clock, api):
    """R4.5: a longer time limit needs approval; the desk cannot give it."""
    number = create(api, "minor")
    r = api("ygjy-agent").act(number, "extend", {"resolve_by": (T0 + 5 * DAY).isoformat(), "reason": "等配件"})
    assert r.status_code == 403, r.content
    assert latest(number, "resolve").due_at == T0 + 2 * DAY and events(number, "extend") == []


def test_the_property_manager_extends_a_minor_complaint(clock, api):
    """R4.5: longer than 2 days for a minor complaint needs the property manager's approval."""
    number = create(api, "minor")
    clock.shift(HOUR.total_seconds())
    new_due = T0 + 5 * DAY
    act(api, "ygjy-manager", number, "extend", {"resolve_by": new_due.isoformat(), "reason": "需等厂家配件"})
    resolve = running(number)["resolve"]
    assert resolve.due_at == new_due and resolve.started_at == T0 + HOUR
    assert Deadline.objects.filter(ticket__number=number, clock="resolve", status="cancelled").count() == 1
    [event] = events(number, "extend")
    assert event.note == "需等厂家配件"
    assert datetime.datetime.fromisoformat(event.data["from"]) == T0 + 2 * DAY
    assert datetime.datetime.fromisoformat(event.data["to"]) == new_due
    assert event.data["approved_by"] == "ygjy-manager"
    # The old limit no longer counts: past it, the sweep finds nothing.
    clock.shift(2 * DAY.total_seconds())
    assert sweep() == 0


def test_the_property_manager_cannot_extend_an_important_complaint_leadership_can(clock, api):
    """R4.5: longer than 3 days for an important complaint needs the company manager (leadership)."""
    number = create(api, "important")
    body = {"resolve_by": (T0 + 6 * DAY).isoformat(), "reason": "涉及外包合同"}
    r = api("ygjy-manager").act(number, "extend", body)
    assert r.status_code == 403 and r.json()["code"] == "approval_needed"
    assert latest(number, "resolve").due_at == T0 + 3 * DAY
    act(api, "leader", number, "extend", body)
    assert running(number)["resolve"].due_at == T0 + 6 * DAY
    assert events(number, "extend")[0].data["approved_by"] == "leader"


def test_an_extension_must_be_later_than_the_current_deadline(clock, api):
    """R4.5: an extension makes the limit longer, never shorter."""
    number = create(api, "minor")
    r = api("ygjy-manager").act(number, "extend", {"resolve_by": (T0 + DAY).isoformat(), "reason": "提前"})
    assert r.status_code == 422 and error_fields(r) == ["resolve_by"]
    assert running(number)["resolve"].due_at == T0 + 2 * DAY and events(number, "extend") == []


# --- R4.1 Automatic escalation after a month -------------------------------------------


def test_an_important_complaint_unresolved_for_a_month_becomes_major_once(clock, api):
    """R4.1: a valid complaint unresolved within one month becomes major automatically, once:
    leadership is told and the major clocks run from the escalation."""
    number = create(api, "important")
    clock.move_to(T0 + MONTH - MIN)
    sweep()
    assert severity(number) == "important" and events(number, "auto_major") == []
    assert ("leader", "executive") not in notified(number)

    escalated_at = T0 + MONTH + MIN
    clock.move_to(escalated_at)
    assert sweep() == 1  # the month clock
    assert severity(number) == "major"
    [event] = events(number, "auto_major")
    assert event.data == {"from": "important", "to": "major"} and event.actor is None
    # One notice of the one kind for a missed promise: the leadership hears it once.
    month = latest(number, "month")
    told_of_month = Notification.objects.filter(
        ticket__number=number, recipient__username="leader", created_at=escalated_at
    )
    assert list(told_of_month.values_list("kind", flat=True)) == ["breach"]
    assert ("leader", "executive") not in notified(number)
    assert month.breached_at == escalated_at
    clocks = running(number)
    assert clocks["answer"].started_at == escalated_at and clocks["answer"].due_at == escalated_at + 2 * DAY
    assert clocks["resolve"].due_at == escalated_at + 10 * DAY
    assert clocks["take_up"].due_at == datetime.datetime(2026, 12, 23, 23, 59, 59, tzinfo=SHANGHAI)
    assert "month" not in clocks

    assert sweep() == 0
    clock.move_to(escalated_at + 3 * DAY)
    sweep()
    clock.move_to(escalated_at + MONTH + DAY)
    sweep()
    assert len(events(number, "auto_major")) == 1
    assert severity(number) == "major"
    assert not Deadline.objects.filter(ticket__number=number, clock="month").exclude(pk=month.pk).exists()


def test_a_complaint_closed_within_the_month_never_becomes_major(clock, api):
    """R4.1: only a complaint still unresolved after a month becomes major."""
    number = create(api, "important")
    through_the_department(api, number)
    act(api, "ygjy-agent", number, "close", {"result": "已向业主致歉"})
    clock.move_to(T0 + MONTH + DAY)
    sweep()
    assert severity(number) == "important" and events(number, "auto_major") == []
    assert latest(number, "month").breached_at is None


def test_a_major_complaint_has_no_month_clock(clock, api):
    """R4.1: escalation after a month makes a complaint major; one already major has no such clock."""
    number = create(api, "major")
    assert not Deadline.objects.filter(ticket__number=number, clock="month").exists()
    clock.move_to(T0 + MONTH + DAY)
    sweep()
    assert events(number, "auto_major") == []


def test_a_complaint_made_important_later_still_counts_its_month_from_the_recording(clock, api):
    """R4.1: "unresolved within one month" counts from when the complaint was recorded."""
    number = create(api, "minor")
    clock.move_to(T0 + 10 * DAY)
    act(api, "ygjy-supervisor", number, "classify", {"severity": "important", "reason": "复核为服务过失"})
    assert running(number)["month"].due_at == T0 + MONTH
    clock.move_to(T0 + MONTH + MIN)
    sweep()
    assert severity(number) == "major" and len(events(number, "auto_major")) == 1


# --- Scoping ---------------------------------------------------------------------------


def test_staff_of_another_property_cannot_see_or_act_on_the_complaint(clock, api):
    """R1.1 scoping: a YGJY complaint is not found for WLBG's desk."""
    number = create(api, "minor")
    other = api("wlbg-agent")
    assert other.get(f"/tickets/{number}").status_code == 404
    assert other.act(number, "forward").status_code == 404
    assert Ticket.objects.get(number=number).status == "new"
    assert not Notification.objects.filter(ticket__number=number, recipient__username__startswith="wlbg").exists()


def test_the_actions_offered_are_those_the_severity_allows(clock, api):
    """R4.3, R4.5: the actions list leaves out what the user would be refused: on an
    important complaint the service supervisor is not offered to take charge or extend,
    the property manager may take charge but not extend, leadership may do both."""

    def offered(username: str, number: str) -> set[str]:
        return {a["action"] for a in api(username).get(f"/tickets/{number}/actions").json()}

    number = create(api, "important")
    assert not {"take_up", "extend"} & offered("ygjy-supervisor", number)
    assert "take_up" in offered("ygjy-manager", number) and "extend" not in offered("ygjy-manager", number)
    assert {"take_up", "extend"} <= offered("leader", number)
    minor = create(api, "minor")
    assert {"take_up"} <= offered("ygjy-supervisor", minor) and "extend" in offered("ygjy-manager", minor)


def test_a_complaint_forwarded_to_another_department_is_theirs_from_then_on(clock, api):
    """R4.4: the desk forwards the form to the department it concerns, which may differ
    from the one first named; the complaint is then that department's."""
    number = create(api, "minor", details={"department": "security"})
    r = act(api, "ygjy-agent", number, "forward", {"department": "engineering"})
    assert r.json()["status"] == "forwarded"
    assert Complaint.objects.get(ticket__number=number).department == "engineering"
    assert events(number, "forward")[0].data == {"department": "engineering"}
