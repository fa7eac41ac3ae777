"""The repair's dispatch and field rules pinned exactly (R2.4-R2.17, R2.22): who a job
may go to and each refusal's message and field, the arrival clock (the property's limit,
emergencies, a promised or requested time), what accepting, arriving, deferring,
resuming, escalating, returning, cancelling, closing and reworking write, and who is
told what. Times read on the property's clock use a property in Asia/Tokyo, so that
they differ from the process's Asia/Shanghai."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from django.utils.translation import gettext as _

from base.errors import IllegalTransition, InvalidInput
from conftest import T0, repair_draft
from estates.models import Property
from notify.models import Notification
from people.models import Team, User
from promises.models import Clock, Deadline, PromisePolicy
from promises.services import deadline_start
from repairs import notices, routing
from repairs import services as work
from repairs.models import Referral, WorkOrder
from repairs.schemas import ItemIn
from tickets.choices import Urgency
from tickets.kinds import draft_from
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_create

MIN = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)
TOKYO = ZoneInfo("Asia/Tokyo")


# --- Helpers ------------------------------------------------------------------------


@pytest.fixture
def ticking(estate) -> Iterator[None]:
    """Time runs from T0: a service that read the clock twice would write two moments."""
    with time_machine.travel(T0, tick=True):
        yield


@pytest.fixture
def tokyo(estate) -> None:
    Property.objects.filter(code="YGJY").update(time_zone="Asia/Tokyo")


def who(username: str) -> User:
    return User.objects.get(username=username)


def new(**over) -> Ticket:  # type: ignore[no-untyped-def]
    return ticket_create(by=who("ygjy-agent"), draft=draft_from(repair_draft(**over)))


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def order(ticket: Ticket) -> WorkOrder:
    return WorkOrder.objects.get(ticket_id=ticket.pk)


def last(ticket: Ticket, action: str) -> TicketEvent:
    return TicketEvent.objects.filter(ticket_id=ticket.pk, action=action).latest("id")


def clocks(ticket: Ticket, clock: str) -> list[Deadline]:
    return list(Deadline.objects.filter(ticket_id=ticket.pk, clock=clock).order_by("id"))


def told(event: TicketEvent, part: str = "") -> dict[str, str]:
    """The bell's rows a step wrote, by recipient: {username: message}."""
    rows = Notification.objects.filter(key__startswith=f"event:{event.pk}{part}:user:").select_related("recipient")
    return {n.recipient.username: n.message for n in rows if n.recipient}


def refused(error: pytest.ExceptionInfo, message: str, field: str | None) -> None:
    assert (error.value.message, error.value.field) == (message, field)


def too_long(length: int, limit: int) -> str:
    return _("Too long: %(length)d characters, at most %(max)d.") % {"length": length, "max": limit}


def what(ticket: Ticket) -> dict[str, str]:
    return {
        "number": ticket.number,
        "place": ticket.location_label,
        "category": ticket.category.name if ticket.category else "",
    }


def at_tokyo(moment: datetime.datetime) -> str:
    return moment.astimezone(TOKYO).strftime("%H:%M")


def dispatch(ticket: Ticket, assignee: str | None = "ygjy-tech1", **kw) -> Ticket:  # type: ignore[no-untyped-def]
    work.work_order_dispatch(ticket=fresh(ticket), by=who(kw.pop("by", "ygjy-agent")), assignee=assignee, **kw)
    return fresh(ticket)


def accept(ticket: Ticket, by: str = "ygjy-tech1", **note: str) -> Ticket:
    """Accepted; a note only when one is given (the step's own default is none)."""
    work.work_order_accept(ticket=fresh(ticket), by=who(by), **note)
    return fresh(ticket)


def arrive(ticket: Ticket, by: str = "ygjy-tech1", **kw) -> Ticket:  # type: ignore[no-untyped-def]
    work.work_order_arrive(ticket=fresh(ticket), by=who(by), **kw)
    return fresh(ticket)


def defer(ticket: Ticket, promised: datetime.datetime, reason: str = "等配件", by: str = "ygjy-tech1", **note: str):  # type: ignore[no-untyped-def]
    """Deferred; a note only when one is given (the step's own default is none)."""
    work.work_order_defer(ticket=fresh(ticket), by=who(by), reason=reason, promised_at=promised, **note)
    return fresh(ticket)


def items(*codes: str) -> list[ItemIn]:
    return [ItemIn.model_validate({"item": code}) for code in codes]


def to_work(ticket: Ticket, *codes: str) -> Ticket:
    """Dispatched to tech1, accepted, on site, the items confirmed (consented if paid)."""
    arrive(accept(dispatch(ticket)))
    work.work_order_confirm(ticket=fresh(ticket), by=who("ygjy-tech1"), items=items(*codes))
    if fresh(ticket).status == "awaiting_consent":
        work.work_order_consent(ticket=fresh(ticket), by=who("ygjy-tech1"))
    return fresh(ticket)


def signed_off(ticket: Ticket, *codes: str) -> Ticket:
    to_work(ticket, *codes)
    work.work_order_complete(ticket=fresh(ticket), by=who("ygjy-tech1"))
    work.work_order_sign_off(ticket=fresh(ticket), by=who("ygjy-tech1"), satisfaction=5)
    return fresh(ticket)


def lobby(**over) -> Ticket:  # type: ignore[no-untyped-def]
    return new(**{"unit": None, "common_area": "3栋大堂", "category": "public", "description": "大堂灯不亮", **over})


# --- R2.4, R2.5: to whom a job may go -----------------------------------------------


def test_a_job_goes_only_to_a_technician_or_team_of_its_property(clock):
    """R2.4, R2.5: a technician (active, of this property) or a team of this property,
    the technician a member of the team; each refusal says what and where, and writes nothing."""
    ticket = new()
    water = Team.objects.get(property__code="YGJY", name="水电班")
    general = Team.objects.get(property__code="YGJY", name="综合班")
    elsewhere = Team.objects.get(property__code="WLBG", name="水电班")
    User.objects.filter(username="ygjy-tech3").update(is_active=False)
    stranger = "师傅" * 20  # 40 characters; the message keeps 30

    def refusal(assignee: str | None, team: int | None) -> pytest.ExceptionInfo:
        with pytest.raises(InvalidInput) as error:
            dispatch(ticket, assignee, team=team)
        return error

    refused(refusal(None, None), _("Choose a technician or a team."), "assignee")
    for name in (stranger, "ygjy-agent", "wlbg-tech1", "ygjy-tech3"):
        refused(
            refusal(name, None),
            _("“%(name)s” is not a technician at this property.") % {"name": name[:30]},
            "assignee",
        )
    for team in (elsewhere.pk, Team.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1):
        refused(refusal(None, team), _("There is no such team at this property."), "team")
    tech1 = who("ygjy-tech1")
    refused(
        refusal("ygjy-tech1", general.pk),
        _("%(name)s is not a member of %(team)s.") % {"name": tech1, "team": general},
        "team",
    )
    assert fresh(ticket).status == "new" and not TicketEvent.objects.filter(ticket=ticket, action="dispatch").exists()
    assert order(ticket).dispatched_at is None
    # The technician with their own team is dispatched.
    t = dispatch(ticket, "ygjy-tech1", team=water.pk)
    assert (t.status, t.assignee_id, t.team_id) == ("dispatched", tech1.pk, water.pk)


def test_dispatch_writes_the_job_its_clocks_and_tells_the_technician(ticking, tokyo):
    """R2.4, R2.16, R2.17: dispatching meets the notify clock and starts the arrival clock
    on the property's own limit, all at one moment; the technician (not the rest of the
    team) is told when to arrive, on the property's clock. Accepting and arriving record
    their moments and notes, and arriving meets the arrival clock."""
    PromisePolicy.objects.filter(property__code="YGJY", kind="repair", clock="arrive").update(minutes=20)
    ticket = new()
    water = Team.objects.get(property__code="YGJY", name="水电班")
    t = dispatch(ticket, "ygjy-tech1", team=water.pk, note="带上扳手")
    event = last(t, "dispatch")
    wo = order(t)
    assert T0 <= event.at < T0 + MIN
    assert (event.actor, event.note, event.from_status, event.to_status) == (
        who("ygjy-agent"),
        "带上扳手",
        "new",
        "dispatched",
    )
    assert event.data == {"assignee": "ygjy-tech1", "team": "水电班"}
    assert (t.assignee, t.team, t.updated_at) == (who("ygjy-tech1"), water, event.at)
    assert (wo.dispatched_at, wo.accepted_at) == (event.at, None)
    [notify] = clocks(t, "notify")
    assert (notify.status, notify.met_at) == ("met", event.at)
    [arrival] = clocks(t, "arrive")
    assert (arrival.status, arrival.started_at, arrival.due_at) == ("open", event.at, event.at + 20 * MIN)
    assert t.next_due_at == arrival.due_at
    message = _("New job %(number)s: %(category)s at %(place)s, %(urgency)s; arrive by %(due)s.") % {
        **what(t),
        "urgency": str(Urgency.ROUTINE.label),
        "due": at_tokyo(arrival.due_at),
    }
    assert told(event) == {"ygjy-tech1": message}  # tech2, of the same team, is not told

    t = accept(t, note="马上到")
    accepted = last(t, "accept")
    assert (accepted.actor, accepted.note, accepted.to_status) == (who("ygjy-tech1"), "马上到", "accepted")
    assert order(t).accepted_at == accepted.at and accepted.at > event.at
    assert t.assignee == who("ygjy-tech1")

    t = arrive(t, note="已到楼下", checklist=["uniform"])
    arrived = last(t, "arrive")
    assert (arrived.note, arrived.data, arrived.to_status) == ("已到楼下", {"checklist": ["uniform"]}, "on_site")
    assert order(t).arrived_at == arrived.at and arrived.at > accepted.at
    [arrival] = clocks(t, "arrive")
    assert (arrival.status, arrival.met_at, arrival.breached_at) == ("met", arrived.at, None)


def test_a_team_job_is_told_to_every_member_and_a_supervisor_accepting_does_not_take_it(ticking):
    """R2.4, R2.5: a job for a team goes to each active member; the engineering supervisor
    may acknowledge it for the team without becoming its technician."""
    ticket = new()
    general = Team.objects.get(property__code="YGJY", name="综合班")
    t = dispatch(ticket, None, team=general.pk)
    event = last(t, "dispatch")
    assert (event.note, event.data) == ("", {"assignee": None, "team": "综合班"})
    assert (t.assignee, t.team) == (None, general)
    [arrival] = clocks(t, "arrive")
    message = _("New job %(number)s: %(category)s at %(place)s, %(urgency)s; arrive by %(due)s.") % {
        **what(t),
        "urgency": str(Urgency.ROUTINE.label),
        "due": timezone.localtime(arrival.due_at).strftime("%H:%M"),
    }
    assert told(event) == {"ygjy-tech3": message, "ygjy-tech4": message}
    t = accept(t, by="ygjy-engineer")
    accepted = last(t, "accept")
    assert (accepted.actor, accepted.note, accepted.to_status) == (who("ygjy-engineer"), "", "accepted")
    assert (t.assignee, t.team, order(t).accepted_at) == (None, general, accepted.at)


def test_an_emergency_is_to_be_reached_within_5_minutes(clock):
    """R2.17: emergencies within 5 minutes of notification, routine within 15."""
    emergency, routine = new(urgency="emergency"), new()
    dispatch(emergency)
    dispatch(routine)
    assert [(d.started_at, d.due_at) for d in clocks(emergency, "arrive")] == [(T0, T0 + 5 * MIN)]
    assert [(d.started_at, d.due_at) for d in clocks(routine, "arrive")] == [(T0, T0 + 15 * MIN)]


def test_arrival_is_due_at_the_latest_of_limit_requested_and_promised_time(clock):
    """R2.1, R2.13, R2.17: the arrival clock runs to the customer's requested time or the
    time promised to them (the open promise of this job only) when later than the limit;
    reassigning keeps the promise running and clears the acceptance."""
    other = new(unit="1-101")
    dispatch(other, "ygjy-tech3")
    defer(other, T0 + 10 * HOUR, by="ygjy-tech3")  # another job's promise, later than all below
    requested = new(unit="1-102", appointment_at=(T0 + 3 * HOUR).isoformat())
    dispatch(requested)
    assert [d.due_at for d in clocks(requested, "arrive")] == [T0 + 3 * HOUR]

    ticket = accept(dispatch(new()))
    assert order(ticket).accepted_at == T0
    defer(ticket, T0 + 5 * HOUR)
    ticket = defer(ticket, T0 + 2 * HOUR, reason="配件未到")  # renewed: the 5-hour promise is cancelled
    water = Team.objects.get(property__code="YGJY", name="水电班")
    work.work_order_reassign(ticket=ticket, by=who("ygjy-agent"), assignee="ygjy-tech2", team=water.pk, note="换人")
    t = fresh(ticket)
    event = last(t, "reassign")
    assert (t.status, t.assignee, t.team) == ("dispatched", who("ygjy-tech2"), water)
    assert (event.actor, event.note, event.from_status, event.data) == (
        who("ygjy-agent"),
        "换人",
        "deferred",
        {"assignee": "ygjy-tech2", "team": "水电班"},
    )
    assert (order(t).dispatched_at, order(t).accepted_at) == (T0, None)
    assert [(d.status, d.due_at) for d in clocks(t, "promise")] == [
        ("cancelled", T0 + 5 * HOUR),
        ("open", T0 + 2 * HOUR),
    ]
    assert [(d.status, d.due_at) for d in clocks(t, "arrive")] == [
        ("cancelled", T0 + 15 * MIN),
        ("open", T0 + 2 * HOUR),
    ]
    assert set(told(event)) == {"ygjy-tech2"}
    # Reassigned again without a note: the new arrival clock replaces the open one.
    work.work_order_reassign(ticket=fresh(ticket), by=who("ygjy-agent"), assignee="ygjy-tech1")
    t = fresh(ticket)
    event = last(t, "reassign")
    assert (event.note, event.data, t.assignee, t.team) == (
        "",
        {"assignee": "ygjy-tech1", "team": None},
        who("ygjy-tech1"),
        None,
    )
    assert [d.status for d in clocks(t, "arrive")] == ["cancelled", "cancelled", "open"]


# --- R2.10: the visit's conduct points ------------------------------------------------


def test_arrival_refuses_an_unknown_conduct_point_and_records_no_note_by_default(clock):
    """R2.10: an unknown checklist point is named (30 characters of it) and nothing is written."""
    ticket = accept(dispatch(new()))
    code = "x" * 40
    with pytest.raises(InvalidInput) as error:
        arrive(ticket, checklist=["uniform", code])
    refused(error, _("Unknown checklist point “%(code)s”.") % {"code": code[:30]}, "checklist")
    assert fresh(ticket).status == "accepted" and order(ticket).arrived_at is None
    t = arrive(ticket, checklist=["shoe_covers"])
    event = last(t, "arrive")
    assert (event.note, event.data, event.at, order(t).arrived_at) == ("", {"checklist": ["shoe_covers"]}, T0, T0)


# --- R2.13: deferral, renewal, resuming -----------------------------------------------


def test_a_deferral_takes_a_reason_of_at_most_500_and_a_time_at_most_90_days_ahead(clock):
    """R2.13: the reason is required and at most 500 characters; the promised time is from
    now on and at most 90 days ahead, exactly 90 days included."""
    ticket = accept(dispatch(new()))
    cases = [
        ("长" * 501, T0 + DAY, too_long(501, 500), "reason"),
        ("", T0 + DAY, _("This field cannot be empty."), "reason"),
        ("等配件", T0 - HOUR, _("This time is in the past; give a time from now on."), "promised_at"),
        ("等配件", T0 + 90 * DAY + SECOND, _("A promised time is at most 90 days ahead."), "promised_at"),
    ]
    for reason, promised, message, field in cases:
        with pytest.raises(InvalidInput) as error:
            defer(ticket, promised, reason=reason)
        refused(error, message, field)
    assert fresh(ticket).status == "accepted" and clocks(ticket, "promise") == []
    reason = "长" * 500
    t = defer(ticket, T0 + 90 * DAY, reason=reason)
    event = last(t, "defer")
    assert (t.status, event.note, event.data) == (
        "deferred",
        reason,
        {"promised_at": (T0 + 90 * DAY).isoformat(), "renewal": False},
    )
    assert (order(t).deferred_reason, order(t).promised_at) == (reason, T0 + 90 * DAY)
    assert [(d.status, d.started_at, d.due_at) for d in clocks(t, "promise")] == [("open", T0, T0 + 90 * DAY)]


def test_a_deferral_and_its_renewal_are_recorded_and_the_desk_is_asked_to_call(ticking, tokyo):
    """R2.13: the reason (with the note), the promised time on its own clock, the arrival
    clock stopped; the desk is asked to call, with an apology when the promise is renewed.
    Resuming a job not yet started goes back to arrival; arriving meets the promise."""
    ticket = accept(dispatch(new()))
    t = defer(ticket, T0 + 3 * HOUR, reason="等配件", note="已告知业主")
    first = last(t, "defer")
    assert T0 < first.at < T0 + MIN
    assert (first.note, first.data) == (
        "等配件 已告知业主",
        {"promised_at": (T0 + 3 * HOUR).isoformat(), "renewal": False},
    )
    [promise] = clocks(t, "promise")
    assert (promise.status, promise.started_at, promise.due_at) == ("open", first.at, T0 + 3 * HOUR)
    assert [d.status for d in clocks(t, "arrive")] == ["cancelled"]
    assert t.next_due_at == T0 + 3 * HOUR
    assert told(first, ":desk") == {
        "ygjy-agent": _("%(number)s is deferred until %(time)s: call the customer with the reason.")
        % {**what(t), "time": at_tokyo(T0 + 3 * HOUR)}
    }

    t = defer(t, T0 + 4 * HOUR, reason="配件未到")
    renewal = last(t, "defer")
    assert (renewal.note, renewal.data) == ("配件未到", {"promised_at": (T0 + 4 * HOUR).isoformat(), "renewal": True})
    assert [(d.status, d.due_at) for d in clocks(t, "promise")] == [
        ("cancelled", T0 + 3 * HOUR),
        ("open", T0 + 4 * HOUR),
    ]
    assert (order(t).deferred_reason, order(t).promised_at) == ("配件未到", T0 + 4 * HOUR)
    assert told(renewal, ":desk") == {
        "ygjy-agent": _("%(number)s: the promised time is renewed to %(time)s; call the customer with an apology.")
        % {**what(t), "time": at_tokyo(T0 + 4 * HOUR)}
    }

    work.work_order_resume(ticket=t, by=who("ygjy-tech1"))
    t = fresh(t)
    resumed = last(t, "resume")
    assert (t.status, resumed.note, resumed.to_status) == ("accepted", "", "accepted")
    assert [d.status for d in clocks(t, "promise")] == ["cancelled", "open"]  # kept until arrival
    t = arrive(t)
    arrived = last(t, "arrive")
    assert [(d.status, d.met_at) for d in clocks(t, "promise")] == [("cancelled", None), ("met", arrived.at)]
    assert arrived.at > resumed.at


def test_resuming_returns_to_dispatch_or_to_the_work_in_hand(ticking):
    """R2.13: a job deferred before acceptance goes back to dispatched; one whose work had
    started goes back to work, and the promise is met then."""
    waiting = dispatch(new())
    waiting = defer(waiting, T0 + HOUR, by="ygjy-agent")
    work.work_order_resume(ticket=waiting, by=who("ygjy-agent"))
    assert fresh(waiting).status == "dispatched"
    assert [d.status for d in clocks(waiting, "promise")] == ["open"]

    started = to_work(lobby(), "PB-01")
    assert started.status == "in_progress"
    started = defer(started, T0 + HOUR)
    work.work_order_resume(ticket=started, by=who("ygjy-tech1"), note="配件到了")
    t = fresh(started)
    event = last(t, "resume")
    assert (t.status, event.note) == ("in_progress", "配件到了")
    assert T0 < event.at < T0 + MIN
    assert [(d.status, d.met_at) for d in clocks(t, "promise")] == [("met", event.at)]
    assert t.next_due_at is None


# --- R2.14: escalation ----------------------------------------------------------------


def test_an_escalation_says_why_and_reaches_the_equipment_supervisor(ticking):
    """R2.14: the note is required; the job stays where it is, the moment is recorded."""
    ticket = arrive(accept(dispatch(new())))
    with pytest.raises(InvalidInput) as error:
        work.work_order_escalate(ticket=ticket, by=who("ygjy-tech1"), note="  ")
    refused(error, _("This field cannot be empty."), "note")
    assert order(ticket).escalated_at is None
    work.work_order_escalate(ticket=fresh(ticket), by=who("ygjy-tech1"), note="主管道问题")
    t = fresh(ticket)
    event = last(t, "escalate")
    assert (t.status, event.from_status, event.to_status, event.note) == ("on_site", "on_site", "on_site", "主管道问题")
    assert T0 < event.at < T0 + MIN and order(t).escalated_at == event.at
    assert told(event) == {"ygjy-equipment": _("%(number)s escalated: %(note)s") % {**what(t), "note": "主管道问题"}}


# --- R2.11, R2.26: striking the job off -----------------------------------------------


def reported(ticket: Ticket) -> Ticket:
    to_work(ticket, "PB-01")
    work.work_order_complete(ticket=fresh(ticket), by=who("ygjy-tech1"))
    work.work_order_report_back(ticket=fresh(ticket), by=who("ygjy-tech1"))
    return fresh(ticket)


def test_the_desk_strikes_off_only_a_signed_off_job(clock):
    """R2.11, R2.26: not before the customer's sign-off (said so, with its code); then
    closed with the desk's note, or none, and no clock left running."""
    ticket = reported(lobby())
    with pytest.raises(IllegalTransition) as error:
        work.work_order_close(ticket=ticket, by=who("ygjy-agent"), note="回访")
    assert (error.value.message, error.value.code) == (
        _("The customer has not signed off yet; record the sign-off first."),
        "not_signed_off",
    )
    assert fresh(ticket).status == "reported"
    work.work_order_sign_off(ticket=fresh(ticket), by=who("ygjy-tech1"), satisfaction=5)
    work.work_order_close(ticket=fresh(ticket), by=who("ygjy-agent"), note="回访客户，已恢复")
    t = fresh(ticket)
    event = last(t, "close")
    assert (t.status, t.closed_at, event.note, event.actor) == ("closed", T0, "回访客户，已恢复", who("ygjy-agent"))
    assert not Deadline.objects.filter(ticket=t, status="open").exists() and t.next_due_at is None

    # A deferred job sent to the builder (R2.13, R3.3): the builder's clocks replace the
    # office's promised time at once; reported fixed and signed for, striking it off stops
    # whatever clock still runs.
    referred = defer(dispatch(new(unit="1-101")), T0 + HOUR, by="ygjy-agent")
    routing.work_order_refer(ticket=referred, by=who("ygjy-agent"), route="Z", party="ZJ-YG")
    assert [d.status for d in clocks(referred, "promise")] == ["cancelled"]
    routing.work_order_party_update(ticket=fresh(referred), by=who("ygjy-agent"), update="done", signed_by="王芳")
    deadline_start(ticket=fresh(referred), clock=Clock.REPORT_BACK, start=T0, due=T0 + HOUR)
    work.work_order_close(ticket=fresh(referred), by=who("ygjy-agent"))
    t = fresh(referred)
    assert (t.status, last(t, "close").note) == ("closed", "")
    assert [d.status for d in clocks(t, "report_back")] == ["cancelled"] and t.next_due_at is None


# --- R2.16: back to dispatch; cancelled -------------------------------------------------


def test_a_job_returned_to_dispatch_restarts_the_notify_clock_and_tells_who_held_it(ticking):
    """R2.16: the reason (at most 500 characters), who held it on the timeline, the arrival
    and promised-time clocks stopped, the team to be told again within 2 minutes; the
    service supervisor and the technician who held it are told."""
    ticket = defer(accept(dispatch(new())), T0 + HOUR)
    with pytest.raises(InvalidInput) as error:
        work.work_order_release(ticket=ticket, by=who("ygjy-agent"), reason="病" * 501)
    refused(error, too_long(501, 500), "reason")
    assert fresh(ticket).status == "deferred"
    reason = "病" * 500
    work.work_order_release(ticket=fresh(ticket), by=who("ygjy-agent"), reason=reason)
    t = fresh(ticket)
    event = last(t, "release")
    tech1 = who("ygjy-tech1")
    assert (t.status, t.assignee, t.team) == ("new", None, None)
    assert (event.note, event.data, event.actor) == (reason, {"held_by": str(tech1)}, who("ygjy-agent"))
    assert T0 < event.at < T0 + MIN
    notify = clocks(t, "notify")[-1]
    assert (notify.status, notify.started_at, notify.due_at) == ("open", event.at, event.at + 2 * MIN)
    assert [d.status for d in clocks(t, "promise")] == ["cancelled"]
    assert [d.status for d in clocks(t, "arrive")] == ["cancelled"]
    assert told(event) == {
        "ygjy-supervisor": _("%(number)s is back to be dispatched: %(reason)s") % {**what(t), "reason": reason[:200]}
    }
    assert told(event, ":technician") == {
        "ygjy-tech1": _("%(number)s is no longer yours: %(reason)s") % {**what(t), "reason": reason[:200]}
    }


def test_a_team_job_returned_to_dispatch_names_the_team_or_nobody(clock):
    """R2.16: a job held by a team names the team; one whose team was dissolved names nobody."""
    general = Team.objects.get(property__code="YGJY", name="综合班")
    team_job = dispatch(new(), None, team=general.pk)
    work.work_order_release(ticket=team_job, by=who("ygjy-agent"), reason="班组调整")
    event = last(team_job, "release")
    assert event.data == {"held_by": "综合班"} and told(event, ":technician") == {}
    orphan = dispatch(new(unit="1-101"), None, team=general.pk)
    User.objects.filter(team=general).update(team=None)
    general.delete()
    work.work_order_release(ticket=fresh(orphan), by=who("ygjy-agent"), reason="班组撤销")
    assert last(orphan, "release").data == {"held_by": ""}


def test_a_deactivated_technician_hands_back_only_their_own_open_jobs(clock):
    """R2.16 (deactivation): each open job of theirs goes back to dispatch with the reason;
    another technician's job stays; the count is returned."""
    mine = [dispatch(new()), accept(dispatch(new(unit="1-101")))]
    theirs = dispatch(new(unit="1-102"), "ygjy-tech2")
    tech1 = who("ygjy-tech1")
    assert work.work_orders_release_of(tech1, who("ygjy-manager")) == 2
    reason = _("%(name)s can no longer take jobs (account deactivated).") % {"name": tech1}
    for ticket in mine:
        event = last(ticket, "release")
        assert (fresh(ticket).status, event.note, event.actor) == ("new", reason, who("ygjy-manager"))
    assert (fresh(theirs).status, fresh(theirs).assignee) == ("dispatched", who("ygjy-tech2"))
    assert work.work_orders_release_of(tech1, None) == 0


def test_a_cancelled_job_says_why_and_tells_its_technician(clock):
    """The reason is required, at most 500 characters; every clock stops and whoever held
    the job is told."""
    ticket = accept(dispatch(new()))
    with pytest.raises(InvalidInput) as error:
        work.work_order_cancel(ticket=ticket, by=who("ygjy-agent"), reason="修" * 501)
    refused(error, too_long(501, 500), "reason")
    with pytest.raises(InvalidInput) as error:
        work.work_order_cancel(ticket=ticket, by=who("ygjy-agent"), reason=" ")
    refused(error, _("This field cannot be empty."), "reason")
    reason = "修" * 500
    work.work_order_cancel(ticket=fresh(ticket), by=who("ygjy-agent"), reason=reason)
    t = fresh(ticket)
    event = last(t, "cancel")
    assert (t.status, t.closed_at, event.note) == ("cancelled", T0, reason)
    assert not Deadline.objects.filter(ticket=t, status="open").exists() and t.next_due_at is None
    assert told(event, ":technician") == {
        "ygjy-tech1": _("%(number)s is cancelled: %(reason)s") % {**what(t), "reason": reason[:200]}
    }


# --- R2.6, R2.13, R2.23: telling the customer -----------------------------------------


def test_the_desk_records_telling_the_customer_only_what_is_waiting(ticking):
    """R2.13: recording that the customer was told is refused while nothing waits (said
    so, with its code); it lists each reminder told, clears them from the bell at that
    moment, and only reminders written since count next time."""
    ticket = dispatch(new())
    with pytest.raises(IllegalTransition) as error:
        work.work_order_tell_customer(ticket=ticket, by=who("ygjy-agent"))
    assert (error.value.message, error.value.code) == (
        _("Nothing is waiting to be told to the customer of %(number)s.") % {"number": ticket.number},
        "nothing_to_tell",
    )
    assert not notices.waiting_to_tell(ticket) and not notices.to_tell(ticket).exists()
    ticket = defer(defer(ticket, T0 + HOUR), T0 + 2 * HOUR, reason="配件未到")
    assert notices.waiting_to_tell(ticket) and notices.to_tell(ticket).count() == 2
    reminders = list(Notification.objects.filter(ticket=ticket, kind="tell_customer").order_by("id"))
    assert len(reminders) == 2 and {n.recipient_id for n in reminders} == {who("ygjy-agent").pk}
    work.work_order_tell_customer(ticket=ticket, by=who("ygjy-agent"))
    t = fresh(ticket)
    event = last(t, "tell_customer")
    assert (t.status, event.actor, event.note) == ("deferred", who("ygjy-agent"), "")
    assert event.data == {"told": sorted(n.message for n in reminders)}
    assert T0 < event.at < T0 + MIN
    assert [n.read_at for n in Notification.objects.filter(pk__in=[n.pk for n in reminders])] == [event.at, event.at]
    with pytest.raises(IllegalTransition):
        work.work_order_tell_customer(ticket=t, by=who("ygjy-agent"))
    assert not notices.waiting_to_tell(t) and not notices.to_tell(t).exists()

    t = defer(t, T0 + 3 * HOUR, reason="厂家缺货")
    third = Notification.objects.filter(ticket=t, kind="tell_customer").latest("id")
    work.work_order_tell_customer(ticket=t, by=who("ygjy-agent"), note="已致电业主")
    event = last(t, "tell_customer")
    assert (event.note, event.data) == ("已致电业主", {"told": [third.message]})
    third.refresh_from_db()
    assert third.read_at == event.at


# --- R2.15: rework --------------------------------------------------------------------


def test_a_rework_copies_the_job_and_links_it(clock):
    """R2.15: the reason is at most 500 characters; the rework order has the original's
    place, category, urgency, impact, channel and reporter, says what it reworks, and
    both timelines say so."""
    original = signed_off(
        new(urgency="emergency", impact="building", channel="walk_in", reporter_name="李雷"),
        "PL-01",
    )
    assert original.status == "signed_off"
    with pytest.raises(InvalidInput) as error:
        work.work_order_rework(ticket=original, by=who("ygjy-agent"), reason="漏" * 501)
    refused(error, too_long(501, 500), "reason")
    reason = "一周后又漏了"
    rework = work.work_order_rework(ticket=fresh(original), by=who("ygjy-agent"), reason=reason)
    event = last(original, "rework")
    assert (event.note, event.from_status, event.to_status, fresh(original).status) == (
        reason,
        "signed_off",
        "signed_off",
        "signed_off",
    )
    r = Ticket.objects.get(pk=rework.pk)
    assert (r.kind, r.status, r.property_id, r.unit_id, r.common_area_id, r.category_id) == (
        "repair",
        "new",
        original.property_id,
        original.unit_id,
        None,
        original.category_id,
    )
    assert (r.urgency, r.impact, r.channel, r.reporter_name, r.reporter_phone) == (
        "emergency",
        "building",
        "walk_in",
        "李雷",
        original.reporter_phone,
    )
    assert r.description == _("Rework of %(number)s: %(reason)s") % {"number": original.number, "reason": reason}
    assert order(r).rework_of == order(original)
    opened = last(original, "rework_opened")
    assert (opened.actor, opened.note, opened.data) == (who("ygjy-agent"), reason, {"rework": r.number})


def test_a_rework_of_a_common_area_job_without_category_keeps_2000_characters(clock):
    """R2.15: an unsatisfied sign-off's comment becomes the rework's description, cut at
    the 2000 characters a description holds; a job with no category gives none."""
    ticket = to_work(lobby(category=None), "PB-01")
    work.work_order_complete(ticket=ticket, by=who("ygjy-tech1"))
    comment = "还" * 2000
    rework = work.work_order_sign_off(ticket=fresh(ticket), by=who("ygjy-tech1"), satisfaction=1, comment=comment)
    assert rework is not None
    r = Ticket.objects.get(pk=rework.pk)
    expected = (_("Rework of %(number)s: %(reason)s") % {"number": ticket.number, "reason": comment})[:2000]
    assert len(expected) == 2000 and r.description == expected
    assert (r.unit_id, r.common_area_id, r.category_id) == (None, ticket.common_area_id, None)


# --- R2.9: consent already given --------------------------------------------------------


def test_a_grown_job_needs_new_consent_only_above_the_consented_amount(clock):
    """R2.9: items adding nothing to the consented amount go on; any amount above it waits
    for the customer."""
    ticket = to_work(new(), "PL-01")
    assert ticket.status == "in_progress"
    work.work_order_revise(ticket=ticket, by=who("ygjy-tech1"), items=items("PB-01"))
    assert fresh(ticket).status == "in_progress"
    work.work_order_revise(ticket=fresh(ticket), by=who("ygjy-tech1"), items=items("PL-01"))
    assert fresh(ticket).status == "awaiting_consent"


# --- R2.22: sent to the builder at intake -------------------------------------------------


def test_a_repair_sent_to_the_builder_at_intake_is_sent_when_recorded(ticking):
    """R2.22: the referral is dated with the recording, not a moment later."""
    ticket = new(route="Z", party="ZJ-YG")
    referral = Referral.objects.get(ticket=ticket)
    event = last(ticket, "refer")
    assert T0 < ticket.created_at < T0 + MIN
    assert referral.sent_at == ticket.created_at == event.at
