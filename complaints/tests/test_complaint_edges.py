"""Complaints at their edges (R4.1-R4.5, R4.7): the record's fields at their longest and
one character more, the receiver's name likewise, a longer deadline at the current one's
exact instant and a microsecond later, and the one-month rule leaving a closed or already
major complaint alone."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from complaints.models import Complaint
from complaints.services import complaints_month_overdue
from conftest import T0
from notify.models import Notification
from people.models import User
from promises.models import Clock, Deadline, PromisePolicy
from promises.services import sweep
from tickets.models import Ticket, TicketEvent

from .test_complaints import act, complaint_draft, create, error_fields, running, through_the_department

MICRO = datetime.timedelta(microseconds=1)
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


@pytest.mark.parametrize(("field", "size"), [("person", 50), ("event_place", 100), ("demand", 2000)])
def test_a_complaint_s_details_are_taken_at_their_longest_and_refused_one_longer(clock, api, field, size):
    """R4.2: the person, the place and the demand are kept whole up to their limit; one
    character more is refused on that field and nothing is recorded."""
    desk = api("ygjy-agent")
    r = desk.post("/tickets", complaint_draft(details={field: "投" * size}))
    assert r.status_code == 201, r.content
    stored = Complaint.objects.get(ticket__number=r.json()["number"])
    assert getattr(stored, field) == "投" * size
    before = Ticket.objects.count()
    r = desk.post("/tickets", complaint_draft(details={field: "投" * (size + 1)}))
    assert r.status_code == 422 and error_fields(r) == [f"complaint.{field}"], r.content
    assert Ticket.objects.count() == before


def test_the_receiver_s_name_is_kept_at_fifty_characters_and_refused_at_fifty_one(clock, api):
    """R4.4: the department signs for the form with the receiver's name."""
    number = create(api, "minor")
    act(api, "ygjy-agent", number, "forward")
    r = api("ygjy-security").act(number, "acknowledge", {"receiver": "李" * 51})
    assert r.status_code == 422 and error_fields(r) == ["receiver"], r.content
    act(api, "ygjy-security", number, "acknowledge", {"receiver": "李" * 50})
    assert Complaint.objects.get(ticket__number=number).receiver == "李" * 50


def test_a_longer_deadline_must_be_later_than_the_current_one_by_any_amount(clock, api):
    """R4.5: extending to the current deadline's own instant is refused; a microsecond
    later is a longer deadline."""
    number = create(api, "minor")
    due = Deadline.objects.get(ticket__number=number, clock=Clock.RESOLVE, status="open").due_at
    r = api("ygjy-manager").act(number, "extend", {"resolve_by": due.isoformat(), "reason": "等配件"})
    assert r.status_code == 422 and error_fields(r) == ["resolve_by"], r.content
    later = due + MICRO
    act(api, "ygjy-manager", number, "extend", {"resolve_by": later.isoformat(), "reason": "等配件"})
    assert Deadline.objects.get(ticket__number=number, clock=Clock.RESOLVE, status="open").due_at == later


def test_the_one_month_rule_leaves_a_closed_or_already_major_complaint_alone(clock, api):
    """R4.1: only a complaint still open and not yet major becomes major after a month;
    the ones before it in the sweep's batch do not stop it."""
    closed = create(api, "minor")
    through_the_department(api, closed)
    act(api, "ygjy-agent", closed, "close", {"result": "已解决"})
    major = create(api, "major")
    important = create(api, "important", unit="3-1201")
    month = [Deadline(ticket=Ticket.objects.get(number=n), clock=Clock.MONTH, due_at=T0) for n in (closed, major)]
    month.append(Deadline.objects.get(ticket__number=important, clock=Clock.MONTH))
    at = T0 + 30 * DAY
    complaints_month_overdue(month, at)
    assert Complaint.objects.get(ticket__number=closed).severity == "minor"
    assert Complaint.objects.get(ticket__number=important).severity == "major"
    [event] = TicketEvent.objects.filter(action="auto_major", ticket__number__in=[closed, major, important])
    assert (event.ticket.number, event.at, event.data) == (important, at, {"from": "important", "to": "major"})


def test_a_new_severity_s_clocks_follow_the_property_s_policy(clock, api):
    """R4.5 per property: the clocks of the new severity are the property's own limits."""
    PromisePolicy.objects.filter(property__code="YGJY", kind="complaint:important", clock=Clock.RESOLVE).update(
        minutes=5 * 24 * 60
    )
    number = create(api, "minor")
    act(api, "ygjy-supervisor", number, "classify", {"severity": "important", "reason": "服务过失"})
    assert running(number)["resolve"].due_at == T0 + 5 * DAY


def test_a_complaint_made_major_by_the_month_rule_never_gets_a_month_clock_again(clock, api):
    """R4.1: once the month has fired, a later change of severity starts no month clock."""
    number = create(api, "important")
    clock.move_to(T0 + 30 * DAY + datetime.timedelta(minutes=1))
    sweep()
    assert Complaint.objects.get(ticket__number=number).severity == "major"
    act(api, "leader", number, "classify", {"severity": "important", "reason": "复核为重要投诉"})
    assert "month" not in running(number)
    other = create(api, "minor", unit="3-1201")
    act(api, "ygjy-supervisor", other, "classify", {"severity": "important", "reason": "服务过失"})
    assert "month" in running(other)


def test_the_customer_s_deadline_sets_only_the_resolve_clock_of_that_complaint(clock, api):
    """R4.5: a minor complaint's own deadline replaces its 2 days to resolve, not its other
    clocks, and not another complaint's."""
    other = create(api, "minor", unit="3-1201")
    others_due = running(other)["resolve"].due_at
    deadline = T0 + 5 * HOUR
    number = create(api, "minor", appointment_at=deadline.isoformat())
    clocks = running(number)
    assert clocks["resolve"].due_at == deadline
    assert all(d.due_at != deadline for name, d in clocks.items() if name != "resolve")
    assert running(other)["resolve"].due_at == others_due
    act(api, "ygjy-supervisor", number, "classify", {"severity": "important", "reason": "服务过失"})
    act(api, "ygjy-manager", number, "classify", {"severity": "minor", "reason": "复核为服务局限"})
    clocks = running(number)
    assert clocks["resolve"].due_at == deadline
    assert all(d.due_at != deadline for name, d in clocks.items() if name != "resolve")


def test_the_owner_is_told_of_a_new_complaint_in_words_that_name_it(clock, api):
    """R4.3: the manager hears of an important complaint, urgently, with its severity,
    number and what it is about; the SMS is the short form."""
    with translation.override("en"):
        number = create(api, "important")
    notice = Notification.objects.get(ticket__number=number, recipient__username="ygjy-manager", kind="escalation")
    assert notice.created_at == T0
    assert number in notice.message and "门岗保安不让快递进小区" in notice.message


def test_refusals_of_a_complaint_step_say_why(clock, api):
    """R4.3, R4.5, R4.7: who takes up, who approves a longer deadline, and stopping the
    damage first, each refused with its reason in the user's language."""
    number = create(api, "important")
    r = api("ygjy-supervisor", lang="en").act(number, "take_up")
    assert r.status_code == 403
    assert r.json()["detail"] == "A important complaint is taken up by the property manager."
    r = api("ygjy-manager", lang="en").act(number, "extend", {"resolve_by": (T0 + 9 * DAY).isoformat(), "reason": "x"})
    assert r.status_code == 403
    assert r.json()["detail"] == "Extending a important complaint needs the approval of the company leadership."
    damaged = create(api, "minor", unit="3-1201", details={"damage_ongoing": True})
    r = api("ygjy-agent", lang="en").act(damaged, "forward")
    assert r.status_code == 409
    assert r.json()["detail"] == "Damage is still going on: stop it first, then handle the complaint."
    r = api("ygjy-agent", lang="en").post("/tickets", {k: v for k, v in complaint_draft().items() if k != "complaint"})
    assert r.json()["errors"][0]["message"] == "Give the complaint's details: at least the department complained about."


def test_every_step_of_a_complaint_is_written_and_read_back_at_its_instant(clock, api):
    """R4.2-R4.5, R4.7: each step's write, read back from the database at the instant it
    was taken: damage stopped, the form sent, signed for by the person who signed (or the
    account), handled and returned, the answer given, the deadline extended, taken up and
    closed, with the clocks met or restarted then."""
    MIN = datetime.timedelta(minutes=1)
    number = create(api, "major", details={"damage_ongoing": True})

    def complaint() -> Complaint:
        return Complaint.objects.get(ticket__number=number)

    def event(action: str) -> TicketEvent:
        return TicketEvent.objects.get(ticket__number=number, action=action)

    clock.move_to(T0 + 1 * MIN)
    act(api, "ygjy-agent", number, "stop_damage", {"measures": "关闭总阀"})
    assert (complaint().damage_stopped_at, event("stop_damage").note) == (T0 + MIN, "关闭总阀")
    clock.move_to(T0 + 2 * MIN)
    act(api, "leader", number, "take_up", {"note": "公司领导接手"})
    take_up = Deadline.objects.get(ticket__number=number, clock=Clock.TAKE_UP)
    assert (take_up.status, take_up.met_at, event("take_up").note) == ("met", T0 + 2 * MIN, "公司领导接手")
    clock.move_to(T0 + 3 * MIN)
    act(api, "ygjy-agent", number, "forward", {"department": "engineering", "note": "转工程部"})
    assert (complaint().department, event("forward").note) == ("engineering", "转工程部")
    assert event("forward").data == {"department": "engineering"}
    clock.move_to(T0 + 4 * MIN)
    act(api, "ygjy-engineer", number, "acknowledge")
    engineer = str(User.objects.get(username="ygjy-engineer"))
    assert (complaint().receiver, complaint().acknowledged_at) == (engineer, T0 + 4 * MIN)
    clock.move_to(T0 + 5 * MIN)
    act(api, "ygjy-engineer", number, "handle", {"handling": "已更换阀门"})
    assert (complaint().handling, complaint().returned_at, event("handle").note) == (
        "已更换阀门",
        T0 + 5 * MIN,
        "已更换阀门",
    )
    clock.move_to(T0 + 6 * MIN)
    act(api, "ygjy-agent", number, "answer", {"answer": "明日上午回访"})
    answer = Deadline.objects.get(ticket__number=number, clock=Clock.ANSWER)
    assert (complaint().answer, answer.status, answer.met_at) == ("明日上午回访", "met", T0 + 6 * MIN)
    clock.move_to(T0 + 7 * MIN)
    old_due = Deadline.objects.get(ticket__number=number, clock=Clock.RESOLVE, status="open").due_at
    new_due = old_due + DAY
    act(api, "leader", number, "extend", {"resolve_by": new_due.isoformat(), "reason": "等厂家配件"})
    assert event("extend").data == {"from": old_due.isoformat(), "to": new_due.isoformat(), "approved_by": "leader"}
    resolve = Deadline.objects.get(ticket__number=number, clock=Clock.RESOLVE, status="open")
    assert (resolve.started_at, resolve.due_at, event("extend").note) == (T0 + 7 * MIN, new_due, "等厂家配件")
    clock.move_to(T0 + 8 * MIN)
    act(api, "ygjy-agent", number, "close", {"result": "已解决并告知业主"})
    resolve.refresh_from_db()
    assert (resolve.status, resolve.met_at, event("close").note) == ("met", T0 + 8 * MIN, "已解决并告知业主")
    assert not Deadline.objects.filter(ticket__number=number, status="open").exists()


def test_an_invalid_complaint_is_answered_and_its_resolve_clock_cancelled(clock, api):
    """R4.7: not a valid complaint, helped all the same: answered now, nothing left to resolve."""
    number = create(api, "major")
    clock.move_to(T0 + datetime.timedelta(minutes=9))
    act(api, "ygjy-agent", number, "invalidate", {"help_given": "已告知物业费构成"})
    clocks = {d.clock: d for d in Deadline.objects.filter(ticket__number=number)}
    assert (clocks[Clock.ANSWER].status, clocks[Clock.ANSWER].met_at) == ("met", T0 + datetime.timedelta(minutes=9))
    assert clocks[Clock.RESOLVE].status == "cancelled"
    assert TicketEvent.objects.get(ticket__number=number, action="invalidate").note == "已告知物业费构成"
    assert not Deadline.objects.filter(ticket__number=number, status="open").exists()


def test_each_complaint_step_refuses_empty_words_on_its_own_field_and_says_why(clock, api):
    """R4.4, R4.5, R4.1: handling, closing and extending need their words, refused on
    that field; the same severity and an earlier deadline are refused with their reason."""
    number = create(api, "minor")
    act(api, "ygjy-agent", number, "forward")
    act(api, "ygjy-security", number, "acknowledge")
    r = api("ygjy-security").act(number, "handle", {"handling": " "})
    assert r.status_code == 422 and error_fields(r) == ["handling"], r.content
    act(api, "ygjy-security", number, "handle", {"handling": "已道歉"})
    r = api("ygjy-manager").act(number, "extend", {"resolve_by": (T0 + 9 * DAY).isoformat(), "reason": " "})
    assert r.status_code == 422 and error_fields(r) == ["reason"], r.content
    due = Deadline.objects.get(ticket__number=number, clock=Clock.RESOLVE, status="open").due_at
    r = api("ygjy-manager", lang="en").act(number, "extend", {"resolve_by": due.isoformat(), "reason": "等"})
    assert r.json()["errors"][0]["message"] == "The new deadline must be later than the current one."
    r = api("ygjy-manager", lang="en").act(number, "classify", {"severity": "minor", "reason": "复核"})
    assert r.json()["errors"][0]["message"] == "The complaint is already minor."
    r = api("ygjy-agent").act(number, "close", {"result": " "})
    assert r.status_code == 422 and error_fields(r) == ["result"], r.content
    assert Ticket.objects.get(number=number).status == "handled"


def test_the_month_rule_says_why_the_complaint_became_major(clock, api):
    """R4.1: the timeline says the complaint became major for being unresolved a month."""
    number = create(api, "important")
    at = T0 + 30 * DAY
    with translation.override("en"):
        complaints_month_overdue([Deadline.objects.get(ticket__number=number, clock=Clock.MONTH)], at)
    event = TicketEvent.objects.get(ticket__number=number, action="auto_major")
    assert event.note == "Unresolved one month after it was recorded: now a major complaint."
    leader = Notification.objects.get(ticket__number=number, recipient__username="leader", kind="breach")
    assert leader.created_at == at
