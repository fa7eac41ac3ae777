"""Follow-up calls and visits (回访, 走访, RULES §6 and R3.5): the window each closed
service is called in (R6.1), which are always called and how the rest are sampled to
exactly the coverage target (R6.2), who calls (R6.3), what the record holds (R6.4), the
supervisor's review that turns an unsatisfied result into a complaint (R6.5), the repair
desk's quick call the day of the report-back (S0 §3.4), the builder's warranty visits
(R3.5) and the follow-up workbench in the console.

Every window runs on frozen time (T0, a Monday 09:00 in Shanghai), moved explicitly."""

from __future__ import annotations

import datetime
import math
from typing import Any

import pytest
from django.utils import timezone

from base.errors import Forbidden, IllegalTransition, InvalidInput
from complaints.models import Complaint
from conftest import SHANGHAI, T0, help_draft, login, recorded, repair_draft
from estates.models import Building, Property
from followups.models import FollowUp, FollowUpPolicy
from followups.selectors import calls_today
from followups.services import (
    followup_record,
    followup_review,
    followups_sample,
    followups_sample_due,
    warranty_visits_plan,
)
from notify.models import Notification
from people.models import User
from repairs.models import WorkOrder
from tickets.models import Ticket, TicketEvent

MIN = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
WORKBENCH = "/desk/YGJY/followups/"


# --- Helpers -------------------------------------------------------------------------------


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    return response.json()


def shift(clock: Any, delta: datetime.timedelta) -> None:
    clock.shift(delta.total_seconds())


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def ygjy() -> Property:
    return Property.objects.get(code="YGJY")


def repair_to_report_back(api: Any, clock: Any, *, by: str = "ygjy-agent", satisfaction: int = 5, **over: Any) -> str:
    """A free common-area repair through the API: dispatch, accept, arrive, confirm, complete
    an hour later, sign off an hour after that, report back 10 minutes later."""
    desk, tech = api(by), api("ygjy-tech1")
    fields: dict[str, Any] = {
        "unit": None,
        "common_area": "3栋大堂",
        "category": "public",
        "description": "大堂灯不亮",
    }
    number = recorded(desk, repair_draft(**(fields | over)))
    ok(desk.act(number, "dispatch", {"assignee": "ygjy-tech1"}))
    ok(tech.act(number, "accept"))
    ok(tech.act(number, "arrive"))
    ok(tech.act(number, "confirm", {"items": [{"item": "PB-01"}]}))
    shift(clock, HOUR)
    ok(tech.act(number, "complete", {"result_note": "已更换灯管"}))
    shift(clock, HOUR)
    sign: dict[str, Any] = {"satisfaction": satisfaction, "signed_by": "王芳"}
    if satisfaction <= 2:
        sign |= {"satisfied": False, "comment": "灯还是闪"}
    ok(tech.act(number, "sign_off", sign))
    shift(clock, 10 * MIN)
    ok(tech.act(number, "report_back", {"materials_used": "T8灯管 1支"}))
    return number


def closed_repair(api: Any, clock: Any, *, by: str = "ygjy-agent", satisfaction: int = 5, **over: Any) -> str:
    """The repair above, closed by the desk a day after the report-back."""
    number = repair_to_report_back(api, clock, by=by, satisfaction=satisfaction, **over)
    shift(clock, DAY)
    ok(api(by).act(number, "close", {"note": "已销项"}))
    return number


def closed_complaint(
    api: Any, *, severity: str = "minor", department: str = "security", by: str = "ygjy-agent", unit: str = "3-1202"
) -> str:
    """A complaint sent to the department, signed for, handled and closed (R4.4)."""
    desk = api(by)
    body = {
        "kind": "complaint",
        "property": "WLBG" if unit.startswith("A-") else "YGJY",
        "unit": unit,
        "reporter_name": "王芳",
        "reporter_phone": "13800138000",
        "description": "门岗保安不让快递进小区，态度恶劣",
        "complaint": {"severity": severity, "department": department},
    }
    number = recorded(desk, body)
    ok(desk.act(number, "forward"))
    ok(desk.act(number, "acknowledge"))
    ok(desk.act(number, "handle", {"handling": "已约谈当事人并道歉"}))
    ok(desk.act(number, "close", {"result": "已告知业主处理结果"}))
    return number


def closed_help(api: Any, unit: str = "3-1201") -> str:
    """A medical emergency: the checklist ticked for an ambulance, then resolved (R5.3)."""
    desk = api("ygjy-agent")
    number = recorded(desk, help_draft("medical", unit))
    for step in ("address_phone", "decide", "called_120", "gate_told", "ambulance_met", "reported_back"):
        extra = {"option": "ambulance"} if step == "decide" else {}
        ok(desk.act(number, "check_step", {"step": step, **extra}))
    ok(desk.act(number, "resolve", {"result": "120已接走，家属陪同"}))
    return number


def clock_day() -> datetime.date:
    return timezone.now().astimezone(SHANGHAI).date()


def followup_of(number: str, purpose: str = FollowUp.Purpose.SERVICE) -> FollowUp:
    return FollowUp.objects.get(ticket__number=number, purpose=purpose)


def closed_at(number: str) -> datetime.datetime:
    at = Ticket.objects.get(number=number).closed_at
    assert at is not None
    return at


def username(user: User | None) -> str | None:
    return user.username if user is not None else None


def bulk_closed(
    prop: Property,
    *,
    start: datetime.datetime,
    n: int,
    kind: str,
    service: str,
    prefix: str,
    status: str = FollowUp.Status.PENDING,
    reason: str = "",
    step: datetime.timedelta = datetime.timedelta(seconds=20),
) -> list[int]:
    """``n`` closed tickets with their follow-ups, planned ``step`` apart from ``start``,
    made cheaply with bulk_create; returns the follow-ups' ids."""
    tickets = Ticket.objects.bulk_create(
        Ticket(
            number=f"{prefix}{i:05d}",
            property=prop,
            kind=kind,
            status="closed",
            reporter_name="王芳",
            reporter_phone="13800138000",
            description="批量",
            reported_at=start + i * step,
            created_at=start + i * step,
            updated_at=start + i * step,
            closed_at=start + i * step,
        )
        for i in range(n)
    )
    by_number = dict(Ticket.objects.filter(number__startswith=prefix).values_list("number", "pk"))
    assert len(by_number) == n and all(t.number in by_number for t in tickets)
    FollowUp.objects.bulk_create(
        FollowUp(
            property=prop,
            ticket_id=by_number[f"{prefix}{i:05d}"],
            service=service,
            status=status,
            reason=reason,
            due_from=start + i * step,
            due_by=start + i * step + 3 * DAY,
            next_try_at=start + i * step,
            planned_at=start + i * step,
        )
        for i in range(n)
    )
    return list(FollowUp.objects.filter(ticket__number__startswith=prefix).order_by("id").values_list("id", flat=True))


def statuses(ids: list[int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for status in FollowUp.objects.filter(pk__in=ids).values_list("status", flat=True):
        out[status] = out.get(status, 0) + 1
    return out


def planned_ids(ids: list[int]) -> set[int]:
    return set(FollowUp.objects.filter(pk__in=ids, status=FollowUp.Status.PLANNED).values_list("id", flat=True))


def reset_sampling(ids: list[int]) -> None:
    FollowUp.objects.filter(pk__in=ids).exclude(reason="required").update(
        status=FollowUp.Status.PENDING, reason="", assignee=None, with_role=""
    )


# --- R6.1 When: the windows ---------------------------------------------------------------------


def test_closed_complaint_is_called_from_its_closing_until_three_days_later(clock, api):
    """R6.1/R4.6: a complaint is followed up within 3 days after it is closed: the window
    opens at the closing time and ends 3 days later; the call is planned at once."""
    shift(clock, 2 * HOUR)
    number = closed_complaint(api)
    f = followup_of(number)
    assert closed_at(number) == T0 + 2 * HOUR
    assert (f.service, f.purpose, f.status) == ("complaint", "service", "planned")
    assert (f.due_from, f.due_by, f.next_try_at) == (T0 + 2 * HOUR, T0 + 2 * HOUR + 3 * DAY, T0 + 2 * HOUR)
    assert f.planned_at == T0 + 2 * HOUR


def test_repair_window_runs_one_to_two_months_after_completion_not_after_closing(clock, api):
    """R6.1: a repair is followed up between 1 and 2 months after completion: due_from is
    the work order's completed_at + 30 days and due_by + 60 days, whatever day it closed."""
    number = closed_repair(api, clock, urgency="emergency")
    completed = WorkOrder.objects.get(ticket__number=number).completed_at
    assert completed == T0 + HOUR
    closing = closed_at(number)
    assert closing == T0 + 2 * HOUR + 10 * MIN + DAY  # closed a day after the report-back
    f = followup_of(number)
    assert f.service == "repair"
    assert (f.due_from, f.due_by) == (completed + 30 * DAY, completed + 60 * DAY)
    assert f.due_from != closing + 30 * DAY
    assert f.next_try_at == f.due_from and f.planned_at == closing


def test_medical_emergency_is_followed_up_within_a_week(clock, api):
    """R6.1/R5.3: a medical-emergency help request is followed up within one week of closing,
    as the "medical" service (its own window and call script)."""
    shift(clock, 30 * MIN)
    number = closed_help(api)
    f = followup_of(number)
    assert f.service == "medical"
    assert (f.due_from, f.due_by) == (T0 + 30 * MIN, T0 + 30 * MIN + 7 * DAY)


def test_a_consultation_gets_no_follow_up_by_default(clock, api):
    """R6.1/R6.2: other services are followed up at a rate the supervisor sets, none by
    default (coverage 0): an answered consultation plans nothing."""
    desk = api("ygjy-agent")
    body = {
        "kind": "consultation",
        "property": "YGJY",
        "unit": "2-801",
        "reporter_name": "李明",
        "reporter_phone": "13800138000",
        "description": "询问停水通知",
    }
    number = recorded(desk, body)
    ok(desk.act(number, "answer", {"answer": "明天上午9点至12点停水。"}))
    assert Ticket.objects.get(number=number).closed_at is not None
    assert not FollowUp.objects.filter(ticket__number=number).exists()


def test_a_property_policy_row_overrides_the_default_window(clock, api):
    """R6.1 (numbers are per-property policy defaults): a FollowUpPolicy row for the property
    changes the window of its service, and a rate set for "other services" makes an
    answered consultation wait to be sampled."""
    prop = ygjy()
    FollowUpPolicy.objects.create(
        property=prop, service="complaint", window_from_days=1, window_to_days=2, coverage_percent=100
    )
    FollowUpPolicy.objects.create(
        property=prop, service="repair", window_from_days=7, window_to_days=14, coverage_percent=80
    )
    FollowUpPolicy.objects.create(
        property=prop, service="other", window_from_days=0, window_to_days=5, coverage_percent=20
    )
    complaint = closed_complaint(api)
    f = followup_of(complaint)
    assert (f.due_from, f.due_by) == (T0 + DAY, T0 + 2 * DAY)

    repair = closed_repair(api, clock, impact="building")
    completed = WorkOrder.objects.get(ticket__number=repair).completed_at
    assert completed is not None
    f = followup_of(repair)
    assert (f.due_from, f.due_by) == (completed + 7 * DAY, completed + 14 * DAY)

    desk = api("ygjy-agent")
    body = {"kind": "consultation", "property": "YGJY", "unit": "2-801", "reporter_phone": "13800138000"}
    number = recorded(desk, body | {"reporter_name": "李明", "description": "询问停水通知"})
    ok(desk.act(number, "answer", {"answer": "明天上午停水。"}))
    f = followup_of(number)
    assert (f.service, f.status, f.due_by) == ("other", "pending", closed_at(number) + 5 * DAY)

    other = Property.objects.get(code="WLBG")  # the other property keeps the defaults
    wlbg = closed_complaint(api, by="wlbg-agent", unit="A-101")
    f = followup_of(wlbg)
    assert f.property_id == other.pk and f.due_by - f.due_from == 3 * DAY


# --- R6.2 Which are always called ---------------------------------------------------------------


@pytest.mark.parametrize("severity", ["minor", "important"])
def test_every_complaint_is_called(clock, api, severity):
    """R6.2: complaints 100 %: each closed complaint is a planned call, reason "required",
    with someone to make it."""
    number = closed_complaint(api, severity=severity)
    f = followup_of(number)
    assert (f.status, f.reason) == ("planned", "required")
    assert f.assignee is not None


@pytest.mark.parametrize("over", [{"urgency": "emergency"}, {"impact": "building"}])
def test_a_major_repair_is_always_called(clock, api, over):
    """R2.20/R6.2: every major repair is called back: an emergency, or a fault reaching a
    whole building, is planned at closing with reason "major" (not left to sampling)."""
    number = closed_repair(api, clock, **over)
    f = followup_of(number)
    assert (f.status, f.reason) == ("planned", "major")
    assert f.assignee is not None and f.assignee.role == "agent"


def test_a_repair_the_customer_was_unsatisfied_with_is_always_called(clock, api):
    """R6.2 with R2.15: a repair whose customer was not satisfied at sign-off is called,
    reason "unsatisfied"."""
    number = closed_repair(api, clock, satisfaction=2)
    order = WorkOrder.objects.get(ticket__number=number)
    assert (order.satisfied, order.satisfaction) == (False, 2)
    f = followup_of(number)
    assert (f.status, f.reason) == ("planned", "unsatisfied")
    assert f.assignee is not None


def test_an_ordinary_repair_waits_to_be_sampled(clock, api):
    """R6.2: a routine one-household repair the customer was happy with is not called yet:
    it waits for the day's sampling, with no one assigned."""
    number = closed_repair(api, clock, satisfaction=4)
    f = followup_of(number)
    assert (f.status, f.reason, f.assignee) == ("pending", "", None)
    assert not f.overdue(f.due_by + DAY)  # not a call yet, so never overdue


# --- R6.3 Who calls -----------------------------------------------------------------------------


def test_a_major_complaint_is_followed_up_by_the_property_manager(clock, api, persona):
    """R6.3: a major complaint is followed up by the property manager (管理处经理)."""
    number = closed_complaint(api, severity="major", department="engineering")
    f = followup_of(number)
    assert f.assignee == persona("ygjy-manager")
    assert f.reason == "required"


@pytest.mark.parametrize(
    ("department", "with_role"),
    [("engineering", "engineering_supervisor"), ("security", "service_supervisor")],
)
def test_another_complaint_is_called_by_a_specialist_with_the_departments_supervisor(clock, api, department, with_role):
    """R6.3: other complaints: a customer specialist together with the supervisor of the
    department complained about."""
    number = closed_complaint(api, severity="important", department=department)
    f = followup_of(number)
    assert f.assignee is not None and f.assignee.role == "agent"
    assert f.with_role == with_role


def test_repairs_and_help_go_to_the_specialist_with_fewest_calls(clock, api, persona):
    """R6.3: repairs and help requests are called by a customer specialist, the one with
    the fewest open calls: ygjy-agent holds the quick call of the repair it recorded, so
    the repair's follow-up goes to ygjy-agent2; the help calls then alternate."""
    agent, agent2 = persona("ygjy-agent"), persona("ygjy-agent2")
    repair = closed_repair(api, clock, urgency="emergency")
    assert followup_of(repair, FollowUp.Purpose.QUICK_CALL).assignee == agent
    f = followup_of(repair)
    assert f.assignee == agent2 and f.with_role == ""
    helps = [closed_help(api, unit) for unit in ("3-1201", "3-1202")]
    assert all(followup_of(n).status == "pending" for n in helps)
    followups_sample(prop=ygjy(), day=clock_day())
    assigned = [followup_of(n).assignee for n in helps]
    assert sorted(username(u) or "" for u in assigned) == ["ygjy-agent", "ygjy-agent2"]
    loads = {u.username: FollowUp.objects.filter(assignee=u, status="planned").count() for u in (agent, agent2)}
    assert loads == {"ygjy-agent": 2, "ygjy-agent2": 2}


# --- R6.2 Sampling to exactly the coverage ---------------------------------------------------


def test_sampling_plans_exactly_the_coverage_including_the_required_calls(clock):
    """R6.2: of 1,000 repairs closed on a day (37 of them required calls), exactly
    ceil(80 % × 1,000) = 800 are called, every required one among them, the rest marked
    not sampled; help requests 80 % (ceil: 201 of 251); complaints 100 %, all of them."""
    prop = ygjy()
    day = datetime.date(2026, 11, 20)
    start = local(2026, 11, 20, 8)
    required = bulk_closed(
        prop, start=start, n=37, kind="repair", service="repair", prefix="RQ", status="planned", reason="required"
    )
    waiting = bulk_closed(prop, start=start + MIN, n=963, kind="repair", service="repair", prefix="RP")
    helps = bulk_closed(prop, start=start, n=251, kind="help", service="help", prefix="HP", step=MIN)
    complaints = bulk_closed(prop, start=start, n=40, kind="complaint", service="complaint", prefix="CP", step=10 * MIN)
    # One repair closed just after the local day is not part of it.
    later = bulk_closed(prop, start=local(2026, 11, 21), n=1, kind="repair", service="repair", prefix="LT")

    planned = followups_sample(prop=prop, day=day)

    assert planned == {"complaint": 40, "help": 201, "repair": math.ceil(0.8 * 1000)}
    repairs = required + waiting
    assert statuses(repairs) == {"planned": 800, "not_sampled": 200}
    assert statuses(required) == {"planned": 37}
    assert set(FollowUp.objects.filter(pk__in=required).values_list("reason", flat=True)) == {"required"}
    assert FollowUp.objects.filter(pk__in=waiting, status="planned", reason="sample").count() == 763
    assert statuses(helps) == {"planned": 201, "not_sampled": 50}  # ceil(80 % × 251)
    assert statuses(complaints) == {"planned": 40}
    assert statuses(later) == {"pending": 1}
    sampled = FollowUp.objects.filter(pk__in=waiting + helps, reason="sample")
    assert not sampled.filter(assignee__isnull=True).exists()
    assert set(sampled.values_list("assignee__username", flat=True)) == {"ygjy-agent", "ygjy-agent2"}


def test_sampling_is_reproducible_and_seeded_by_the_day(clock):
    """R6.2: the choice is seeded with the property, service and day: sampling the same
    waiting follow-ups again chooses the same tickets; on another day, different ones."""
    prop = ygjy()
    ids = bulk_closed(prop, start=local(2026, 11, 20, 8), n=200, kind="repair", service="repair", prefix="RS")
    assert followups_sample(prop=prop, day=datetime.date(2026, 11, 20)) == {"repair": 160}
    first = planned_ids(ids)
    assert len(first) == 160

    reset_sampling(ids)
    assert statuses(ids) == {"pending": 200}
    assert followups_sample(prop=prop, day=datetime.date(2026, 11, 20)) == {"repair": 160}
    assert planned_ids(ids) == first

    reset_sampling(ids)
    FollowUp.objects.filter(pk__in=ids).update(planned_at=local(2026, 11, 21, 9))
    assert followups_sample(prop=prop, day=datetime.date(2026, 11, 21)) == {"repair": 160}
    second = planned_ids(ids)
    assert len(second) == 160 and second != first


def test_sample_due_samples_only_the_days_that_are_over(clock):
    """R6.2: the hourly task samples each local day once it is over: yesterday's waiting
    follow-ups are decided, today's (from local midnight, though still yesterday in UTC)
    keep waiting until tomorrow."""
    prop = ygjy()
    yesterday = bulk_closed(
        prop, start=local(2026, 11, 22, 21), n=5, kind="repair", service="repair", prefix="YD", step=30 * MIN
    )  # 21:00-23:00 on the 22nd
    midnight = bulk_closed(prop, start=local(2026, 11, 23), n=1, kind="repair", service="repair", prefix="MN")
    today = bulk_closed(prop, start=local(2026, 11, 23, 0, 30), n=3, kind="repair", service="repair", prefix="TD")
    assert followups_sample_due(now=T0) == 1
    assert statuses(yesterday) == {"planned": 4, "not_sampled": 1}  # ceil(0.8 * 5)
    assert statuses(midnight + today) == {"pending": 4}
    assert followups_sample_due(now=T0) == 0  # nothing more to do today
    assert followups_sample_due(now=local(2026, 11, 24, 0, 5)) == 1
    assert statuses(midnight + today) == {"planned": 4}  # ceil(0.8 * 4)
    assert statuses(yesterday) == {"planned": 4, "not_sampled": 1}  # decided once


# --- R6.4 Recording the call ------------------------------------------------------------------


def test_an_unreachable_try_is_counted_and_retried_the_next_day(clock, api, persona):
    """R6.4: the resident not reached: the try is counted, the call stays planned, to be
    tried again a day later, and the try is on the ticket's timeline."""
    number = closed_complaint(api)
    f = followup_of(number)
    shift(clock, 2 * HOUR)
    followup_record(followup=f, by=persona("ygjy-agent"), reached=False)
    f.refresh_from_db()
    assert (f.status, f.attempts, f.next_try_at, f.done_at) == ("planned", 1, T0 + 2 * HOUR + DAY, None)
    [event] = TicketEvent.objects.filter(ticket__number=number, action="follow_up")
    assert event.at == T0 + 2 * HOUR and event.data == {"reached": False, "attempts": 1}
    assert event.actor == persona("ygjy-agent")
    shift(clock, DAY)
    followup_record(followup=f, by=persona("ygjy-agent"), reached=False)
    f.refresh_from_db()
    assert (f.attempts, f.next_try_at) == (2, T0 + 2 * HOUR + 2 * DAY)


def test_a_reached_call_records_the_content_and_needs_a_satisfaction(clock, api, persona):
    """R6.4: the call records quality, effect, satisfaction 1-5, shortcomings, suggestions,
    how the resident was reached and who confirmed it; without a satisfaction it is refused
    (422) and nothing changes; the record is a "follow_up" event; it is recorded once."""
    number = closed_complaint(api)
    f = followup_of(number)
    agent = persona("ygjy-agent")
    shift(clock, DAY)
    for bad in (None, 0, 6):
        with pytest.raises(InvalidInput) as refused:
            followup_record(followup=f, by=agent, reached=True, satisfaction=bad)
        assert refused.value.status == 422 and refused.value.field == "satisfaction"
    with pytest.raises(InvalidInput) as refused:
        followup_record(followup=f, by=agent, reached=True, satisfaction=4, method="telepathy")
    assert refused.value.field == "method"
    f.refresh_from_db()
    assert (f.status, f.satisfaction, f.done_at) == ("planned", None, None)

    followup_record(
        followup=f,
        by=agent,
        reached=True,
        method="face_to_face",
        satisfaction=4,
        quality="保安已道歉",
        effect="快递可以正常进入",
        shortcomings="登记流程慢",
        suggestions="增加快递柜",
        confirmed_by="王芳",
    )
    f.refresh_from_db()
    assert (f.status, f.method, f.satisfaction) == ("done", "face_to_face", 4)
    assert (f.quality, f.effect, f.shortcomings, f.suggestions, f.confirmed_by) == (
        "保安已道歉",
        "快递可以正常进入",
        "登记流程慢",
        "增加快递柜",
        "王芳",
    )
    assert (f.done_at, f.done_by, f.done_by_name) == (T0 + DAY, agent, str(agent))
    [event] = TicketEvent.objects.filter(ticket__number=number, action="follow_up")
    assert event.at == T0 + DAY and event.actor == agent
    assert event.data == {"reached": True, "method": "face_to_face", "satisfaction": 4, "purpose": "service"}
    assert "登记流程慢" in event.note and "增加快递柜" in event.note
    assert not Notification.objects.filter(ticket__number=number, kind="review").exists()  # satisfied

    with pytest.raises(IllegalTransition):
        followup_record(followup=f, by=agent, reached=True, satisfaction=5)
    with pytest.raises(IllegalTransition):
        followup_record(followup=f, by=agent, reached=False)
    f.refresh_from_db()
    assert (f.satisfaction, f.attempts) == (4, 0)
    assert TicketEvent.objects.filter(ticket__number=number, action="follow_up").count() == 1


def test_a_call_past_its_window_is_overdue_and_tagged_on_the_workbench(clock, api):
    """R6.1/R6.4: a planned call not made by due_by is overdue (FollowUp.overdue) and the
    workbench shows it with the overdue tag; one still in its window is not tagged."""
    late = closed_complaint(api)
    shift(clock, 2 * DAY)
    fresh = closed_complaint(api, unit="3-1201")
    f, g = followup_of(late), followup_of(fresh)
    assert not f.overdue(T0 + 3 * DAY)
    assert f.overdue(T0 + 3 * DAY + MIN)
    shift(clock, DAY + MIN)  # T0 + 3 days + 1 minute
    page = login("ygjy-agent", lang="en").get(WORKBENCH)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'class="followup overdue" id="f{f.pk}"' in html
    assert f'class="followup" id="f{g.pk}"' in html
    assert html.count('<span class="tag">overdue</span>') == 1
    f.refresh_from_db()
    assert f.status == "planned" and not g.overdue(T0 + 3 * DAY + MIN)


# --- R6.5 The supervisor's review -------------------------------------------------------------


def test_the_supervisor_reviews_a_satisfied_record_without_a_complaint(clock, api, persona):
    """R6.5: the supervisor (not the agent) reviews each record and adds an opinion; a
    result of 3 (not 1 or 2) is not unsatisfactory and opens no complaint; a record is
    reviewed once."""
    number = closed_complaint(api)
    f = followup_of(number)
    with pytest.raises(IllegalTransition):  # nothing recorded yet
        followup_review(followup=f, by=persona("ygjy-supervisor"), opinion="先回访")
    followup_record(followup=f, by=persona("ygjy-agent"), reached=True, satisfaction=3)
    assert not Notification.objects.filter(ticket__number=number, kind="review").exists()
    with pytest.raises(Forbidden):
        followup_review(followup=f, by=persona("ygjy-agent"), opinion="自己审自己")
    f.refresh_from_db()
    assert f.reviewed_at is None

    tickets_before = Ticket.objects.count()
    shift(clock, HOUR)
    followup_review(followup=f, by=persona("ygjy-supervisor"), opinion="处理得当")
    f.refresh_from_db()
    assert (f.reviewed_at, f.reviewed_by, f.opinion, f.complaint) == (
        T0 + HOUR,
        persona("ygjy-supervisor"),
        "处理得当",
        None,
    )
    assert Ticket.objects.count() == tickets_before
    [event] = TicketEvent.objects.filter(ticket__number=number, action="follow_up_review")
    assert event.note == "处理得当" and event.data == {"complaint": None}
    with pytest.raises(IllegalTransition):
        followup_review(followup=f, by=persona("ygjy-manager"), opinion="再审一次")
    f.refresh_from_db()
    assert f.opinion == "处理得当"


@pytest.mark.parametrize("satisfaction", [1, 2])
def test_an_unsatisfied_result_goes_to_the_manager_as_a_complaint(clock, api, persona, satisfaction):
    """R6.5: recording an unsatisfied call (1 or 2) tells the service supervisor; the review
    opens a complaint (important, so the property manager is told) raised from the ticket
    followed up, linked on the follow-up and noted on the ticket's timeline."""
    number = closed_repair(api, clock, urgency="emergency")
    repair = Ticket.objects.get(number=number)
    f = followup_of(number)
    shift(clock, 30 * DAY)
    followup_record(
        followup=f, by=persona("ygjy-agent2"), reached=True, satisfaction=satisfaction, shortcomings="灯又坏了"
    )
    told = Notification.objects.filter(ticket=repair, kind="review")
    assert [n.recipient for n in told] == [persona("ygjy-supervisor")]
    assert number in told[0].message

    shift(clock, HOUR)
    followup_review(followup=f, by=persona("ygjy-supervisor"), opinion="转投诉处理")
    f.refresh_from_db()
    assert f.complaint is not None
    complaint = Ticket.objects.get(pk=f.complaint.pk)
    assert complaint.kind == "complaint" and complaint.origin == repair
    assert complaint.created_at == f.reviewed_at
    details = Complaint.objects.get(ticket=complaint)
    assert (details.severity, details.department) == ("important", "engineering")
    assert "灯又坏了" in complaint.description and number in complaint.description
    managers = Notification.objects.filter(ticket=complaint, recipient=persona("ygjy-manager"))
    assert managers.exists()
    [event] = TicketEvent.objects.filter(ticket=repair, action="follow_up_review")
    assert event.data == {"complaint": complaint.number}
    with pytest.raises(IllegalTransition):
        followup_review(followup=f, by=persona("ygjy-supervisor"), opinion="再审")
    assert Ticket.objects.filter(origin=repair, kind="complaint").count() == 1


# --- S0 §3.4 The quick call after the report-back -------------------------------------------------


def test_report_back_plans_a_same_day_quick_call_for_the_agent_who_recorded_it(clock, api, persona):
    """S0 §3.4/R6.1: when the technician reports back the desk calls the customer the same
    (local) day: a quick_call follow-up due by 23:59:59 local, assigned to the agent who
    recorded the ticket, separate from the service follow-up planned at closing."""
    desk = api("ygjy-agent2")
    tech = api("ygjy-tech1")
    number = recorded(desk, repair_draft(unit=None, common_area="3栋大堂", category="public", description="大堂灯不亮"))
    ok(desk.act(number, "dispatch", {"assignee": "ygjy-tech1"}))
    ok(tech.act(number, "accept"))
    ok(tech.act(number, "arrive"))
    ok(tech.act(number, "confirm", {"items": [{"item": "PB-01"}]}))
    ok(tech.act(number, "complete"))
    ok(tech.act(number, "sign_off", {"satisfaction": 5}))
    # 07:30 on the 24th in Shanghai is still the 23rd in UTC: the day is the local one.
    clock.move_to(local(2026, 11, 24, 7, 30))
    assert not FollowUp.objects.filter(ticket__number=number).exists()
    ok(tech.act(number, "report_back"))
    q = followup_of(number, FollowUp.Purpose.QUICK_CALL)
    assert (q.status, q.reason, q.service) == ("planned", "required", "repair")
    assert (q.due_from, q.due_by, q.next_try_at) == (
        local(2026, 11, 24, 7, 30),
        local(2026, 11, 24, 23, 59, 59),
        local(2026, 11, 24, 7, 30),
    )
    assert q.assignee == persona("ygjy-agent2")  # the recorder, not the least loaded
    assert calls_today(ygjy(), local(2026, 11, 24, 8))[str(persona("ygjy-agent2"))] == [q]

    shift(clock, HOUR)
    ok(desk.act(number, "close"))
    service = followup_of(number)
    assert service.pk != q.pk and service.status == "pending"
    order = WorkOrder.objects.get(ticket__number=number)
    assert order.completed_at is not None and service.due_from == order.completed_at + 30 * DAY
    assert FollowUp.objects.filter(ticket__number=number).count() == 2


# --- R3.5 Warranty visits ------------------------------------------------------------------------


def visits(building: Building) -> set[tuple[str, datetime.date, datetime.date]]:
    rows = FollowUp.objects.filter(building=building)
    return {(f.purpose, f.due_from.astimezone(SHANGHAI).date(), f.due_by.astimezone(SHANGHAI).date()) for f in rows}


def test_warranty_visits_periodic_and_before_expiry_for_a_building_in_warranty(clock):
    """R3.5: building 3 (accepted 2025-01-15): periodic visits on the 6-month anniversaries
    within the coming year, and one in the month before the 24-month terms expire on
    2027-01-14 (both terms share one visit); running again plans nothing more."""
    b3 = Building.objects.get(property__code="YGJY", code="3")
    assert b3.completion_date == datetime.date(2025, 1, 15)
    made = warranty_visits_plan(building=b3, today=datetime.date(2026, 11, 23))
    planned = visits(b3)
    periodic = {v for v in planned if v[0] == "warranty_periodic"}
    expiry = {v for v in planned if v[0] == "warranty_expiry"}
    assert periodic == {
        ("warranty_periodic", datetime.date(2027, 1, 15), datetime.date(2027, 2, 14)),
        ("warranty_periodic", datetime.date(2027, 7, 15), datetime.date(2027, 8, 14)),
    }
    assert expiry == {("warranty_expiry", datetime.date(2026, 12, 15), datetime.date(2027, 1, 14))}
    assert made == len(planned) == FollowUp.objects.filter(building=b3).count()
    rows = FollowUp.objects.filter(building=b3)
    assert {(f.service, f.status, f.reason) for f in rows} == {("warranty", "planned", "required")}
    assert all(f.assignee is not None and f.assignee.role == "agent" for f in rows)
    first = FollowUp.objects.get(building=b3, purpose="warranty_expiry")
    assert first.due_from == local(2026, 12, 15, 9) and first.due_by == local(2027, 1, 14, 18)

    assert warranty_visits_plan(building=b3, today=datetime.date(2026, 11, 23)) == 0
    assert visits(b3) == planned


def test_seasonal_warranty_visits_start_the_month_before_each_season(clock):
    """R3.5: seasonal visits for roofs and walls (waterproofing, seasonal=True, 60 months)
    in the month before the rainy season (from 2027-03-01, before 2027-04-01) and before
    the typhoon season (from 2027-06-01, before 2027-07-01)."""
    b3 = Building.objects.get(property__code="YGJY", code="3")
    warranty_visits_plan(building=b3, today=datetime.date(2026, 11, 23))
    seasonal = {v for v in visits(b3) if v[0] == "warranty_seasonal"}
    assert seasonal == {
        ("warranty_seasonal", datetime.date(2027, 3, 1), datetime.date(2027, 4, 1)),
        ("warranty_seasonal", datetime.date(2027, 6, 1), datetime.date(2027, 7, 1)),
    }


def test_a_building_whose_terms_all_expired_gets_no_warranty_visits(clock):
    """R3.5: building 1 (accepted 2019-06-28): every term with a length in months ended by
    2024 (the design-life term has none and is left out), so no periodic, seasonal or
    expiry visit is planned."""
    b1 = Building.objects.get(property__code="YGJY", code="1")
    assert b1.completion_date == datetime.date(2019, 6, 28)
    assert warranty_visits_plan(building=b1, today=datetime.date(2026, 11, 23)) == 0
    assert not FollowUp.objects.filter(building=b1).exists()


# --- The workbench (console) ----------------------------------------------------------------------


def test_workbench_lists_todays_calls_per_specialist_with_script_and_history(clock, api, persona):
    """R6.3/R6.4: the workbench lists the calls due today grouped by specialist, each with
    its call script and a link to the ticket's history; calls not yet due (a repair's
    month later) and those waiting for sampling are not listed."""
    first = closed_complaint(api)
    second = closed_complaint(api, unit="3-1201", department="engineering")
    f1, f2 = followup_of(first), followup_of(second)
    assert (username(f1.assignee), username(f2.assignee)) == ("ygjy-agent", "ygjy-agent2")
    repair = closed_repair(api, clock, urgency="emergency")  # its service call is a month away
    ordinary = closed_repair(api, clock)  # waits to be sampled

    page = login("ygjy-agent2", lang="en").get(WORKBENCH)
    assert page.status_code == 200
    groups = dict(page.context["groups"])
    agent, agent2 = str(persona("ygjy-agent")), str(persona("ygjy-agent2"))
    assert [name for name, _rows in page.context["groups"]][0] == agent2  # mine first
    listed = {name: [f.pk for f in rows] for name, rows in groups.items()}
    assert f1.pk in listed[agent] and f2.pk in listed[agent2]
    everything = {pk for rows in listed.values() for pk in rows}
    assert followup_of(repair).pk not in everything and followup_of(ordinary).pk not in everything
    assert followup_of(repair, FollowUp.Purpose.QUICK_CALL).pk in everything  # the same-day quick call

    html = page.content.decode()
    assert f'data-specialist="{agent}"' in html and f'data-specialist="{agent2}"' in html
    assert f'href="/t/{first}/#timeline"' in html and f'href="/t/{second}/#timeline"' in html
    assert "Has the matter you complained about been put right?" in html
    assert "with engineering supervisor" in html  # the department's supervisor goes along


def test_workbench_not_reached_keeps_the_call_for_tomorrow(clock, api):
    """R6.4: "not reached" on the workbench counts the try and keeps the call planned for
    the next day; it leaves today's list; "record" without a satisfaction is refused (422)."""
    number = closed_complaint(api)
    f = followup_of(number)
    desk = login("ygjy-agent", lang="en")
    shift(clock, HOUR)
    r = desk.post(f"{WORKBENCH}{f.pk}/record/", {"reached": "yes", "method": "phone", "satisfaction": ""})
    assert r.status_code == 422
    assert 'role="alert"' in r.content.decode() and f'id="f{f.pk}" open' in r.content.decode()
    f.refresh_from_db()
    assert (f.status, f.attempts) == ("planned", 0)

    r = desk.post(f"{WORKBENCH}{f.pk}/record/", {"reached": "no", "satisfaction": ""})
    assert r.status_code == 302 and r["Location"] == WORKBENCH
    f.refresh_from_db()
    assert (f.status, f.attempts, f.next_try_at) == ("planned", 1, T0 + HOUR + DAY)
    assert TicketEvent.objects.filter(ticket__number=number, action="follow_up").count() == 1
    page = desk.get(WORKBENCH)
    assert f'id="f{f.pk}"' not in page.content.decode()
    assert "1 try unreachable" not in page.content.decode()
    shift(clock, DAY)
    page = desk.get(WORKBENCH)
    assert f'id="f{f.pk}"' in page.content.decode() and "1 try unreachable" in page.content.decode()


def test_workbench_review_of_an_unsatisfied_record_opens_the_complaint(clock, api, persona):
    """R6.5: a call recorded unsatisfied on the workbench waits for the supervisor's review
    (not the agent's); the supervisor's review there opens the complaint."""
    number = closed_complaint(api, department="engineering")
    f = followup_of(number)
    desk = login("ygjy-agent")
    r = desk.post(
        f"{WORKBENCH}{f.pk}/record/",
        {
            "reached": "yes",
            "method": "phone",
            "satisfaction": "1",
            "quality": "处理敷衍",
            "shortcomings": "问题没解决",
            "confirmed_by": "王芳",
        },
    )
    assert r.status_code == 302
    f.refresh_from_db()
    assert (f.status, f.satisfaction, f.shortcomings, f.confirmed_by) == ("done", 1, "问题没解决", "王芳")
    assert f'id="r{f.pk}"' not in desk.get(WORKBENCH).content.decode()  # agents do not review
    r = desk.post(f"{WORKBENCH}{f.pk}/review/", {"opinion": "我来审"})
    assert r.status_code == 403
    f.refresh_from_db()
    assert f.reviewed_at is None

    boss = login("ygjy-supervisor")
    page = boss.get(WORKBENCH).content.decode()
    assert f'<tr id="r{f.pk}" class="emergency">' in page
    r = boss.post(f"{WORKBENCH}{f.pk}/review/", {"opinion": "按投诉处理"})
    assert r.status_code == 302 and r["Location"] == WORKBENCH
    f.refresh_from_db()
    assert f.complaint is not None and f.opinion == "按投诉处理"
    complaint = Ticket.objects.get(pk=f.complaint.pk)
    assert complaint.kind == "complaint" and complaint.origin is not None and complaint.origin.number == number
    assert Complaint.objects.get(ticket=complaint).department == "engineering"
    assert f'id="r{f.pk}"' not in boss.get(WORKBENCH).content.decode()  # reviewed


def test_workbench_is_scoped_to_the_property_and_closed_to_technicians(clock, api):
    """The workbench only reaches the property's own follow-ups (another property's id is
    404, changing nothing) and is for the desk and supervisors: a technician gets 403."""
    theirs = followup_of(closed_complaint(api, by="wlbg-agent", unit="A-101"))
    desk = login("ygjy-agent")
    r = desk.post(f"{WORKBENCH}{theirs.pk}/record/", {"reached": "no"})
    assert r.status_code == 404
    followup_record(followup=theirs, by=User.objects.get(username="wlbg-agent"), reached=True, satisfaction=1)
    r = login("ygjy-supervisor").post(f"{WORKBENCH}{theirs.pk}/review/", {"opinion": "越权"})
    assert r.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.attempts, theirs.reviewed_at, theirs.complaint) == (0, None, None)
    assert desk.get("/desk/WLBG/followups/").status_code == 404
    assert f'id="f{theirs.pk}"' not in desk.get(WORKBENCH).content.decode()

    assert login("ygjy-tech1").get(WORKBENCH).status_code == 403
    assert login("ygjy-tech1").post(f"{WORKBENCH}{theirs.pk}/record/", {"reached": "no"}).status_code == 403
