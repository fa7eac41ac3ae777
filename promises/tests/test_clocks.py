"""Service-promise clocks with frozen and moved time, never sleeps (R2.13, R2.16-R2.18)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from conftest import T0
from notify.models import Notification
from people.models import User
from promises.models import Deadline, PromisePolicy
from promises.services import sweep
from tickets.models import Ticket, TicketEvent

MIN = datetime.timedelta(minutes=1)


def deadlines(number: str) -> dict[str, Deadline]:
    return {d.clock: d for d in Deadline.objects.filter(ticket__number=number).order_by("id")}


def new_ticket(api, draft, **over) -> str:
    r = api("ygjy-agent").post("/tickets", draft(**over))
    assert r.status_code == 201, r.content
    return r.json()["number"]


def test_recording_within_two_minutes_of_the_call_is_on_time(clock, api, draft):
    """R2.16: recorded 1 minute after the call: met, on time."""
    number = new_ticket(api, draft, reported_at=(T0 - MIN).isoformat())
    record = deadlines(number)["record"]
    assert record.status == "met" and record.due_at == T0 + MIN and record.on_time
    assert record.breached_at is None


def test_recording_late_is_a_breach_recorded_at_intake(clock, api, draft):
    """R2.16: recorded 3 minutes after the call: the record promise is breached."""
    number = new_ticket(api, draft, reported_at=(T0 - 3 * MIN).isoformat())
    record = deadlines(number)["record"]
    assert record.status == "met" and record.on_time is False and record.breached_at == T0


def test_notify_clock_runs_two_minutes_from_recording(clock, api, draft):
    """R2.16: the team must be notified within 2 minutes; dispatch meets the clock."""
    number = new_ticket(api, draft)
    notify = deadlines(number)["notify"]
    assert (notify.status, notify.due_at) == ("open", T0 + 2 * MIN)
    assert Ticket.objects.get(number=number).next_due_at == T0 + 2 * MIN
    clock.shift(90)
    assert api("ygjy-agent").act(number, "dispatch", {"assignee": "ygjy-tech1"}).status_code == 200
    notify = deadlines(number)["notify"]
    assert notify.status == "met" and notify.on_time and notify.breached_at is None


@pytest.mark.parametrize(("urgency", "minutes"), [("routine", 15), ("emergency", 5)])
def test_arrival_is_due_15_minutes_after_notification_5_for_emergencies(clock, api, draft, urgency, minutes):
    """R2.17."""
    number = new_ticket(api, draft, urgency=urgency)
    clock.shift(60)
    api("ygjy-agent").act(number, "dispatch", {"assignee": "ygjy-tech1"})
    arrive = deadlines(number)["arrive"]
    assert arrive.started_at == T0 + MIN
    assert arrive.due_at == T0 + MIN + minutes * MIN
    tech = api("ygjy-tech1")
    tech.act(number, "accept")
    clock.shift(datetime.timedelta(minutes=minutes + 1))
    tech.act(number, "arrive")
    arrive = deadlines(number)["arrive"]
    assert arrive.status == "met" and arrive.on_time is False and arrive.breached_at is not None


def test_arrival_waits_for_a_later_appointment(clock, api, draft):
    """R2.1: the customer's requested time becomes the arrival promise."""
    appointment = T0 + datetime.timedelta(hours=3)
    number = new_ticket(api, draft, appointment_at=appointment.isoformat())
    api("ygjy-agent").act(number, "dispatch", {"assignee": "ygjy-tech1"})
    assert deadlines(number)["arrive"].due_at == appointment


def test_result_is_reported_within_20_minutes_of_completion(clock, api, draft):
    """R2.18."""
    number = new_ticket(api, draft, unit=None, common_area="3栋大堂", category="public")
    tech = api("ygjy-tech1")
    api("ygjy-agent").act(number, "dispatch", {"assignee": "ygjy-tech1"})
    for action, body in (("accept", {}), ("arrive", {}), ("confirm", {"items": [{"item": "PB-01"}]}), ("complete", {})):
        assert tech.act(number, action, body).status_code == 200
    report = deadlines(number)["report_back"]
    assert report.due_at == T0 + 20 * MIN
    clock.shift(19 * 60)
    tech.act(number, "report_back", {"materials_used": "灯管"})
    report = deadlines(number)["report_back"]
    assert report.status == "met" and report.on_time


def test_sweep_marks_a_breach_exactly_once_and_escalates_to_the_supervisor(clock, api, draft, persona):
    """R2.16: the notify promise missed: one breach, one event, one notification per supervisor."""
    number = new_ticket(api, draft)
    assert sweep() == 0
    clock.shift(3 * 60)
    assert sweep() == 1
    assert sweep() == 0  # exactly once
    notify = deadlines(number)["notify"]
    assert notify.status == "open" and notify.breached_at == T0 + 3 * MIN
    events = TicketEvent.objects.filter(ticket__number=number, action="breach")
    assert events.count() == 1 and events.get().data["clock"] == "notify"
    notes = Notification.objects.filter(ticket__number=number, kind="breach")
    assert [n.recipient for n in notes] == [persona("ygjy-supervisor")]  # not the other property's
    # Meeting it late afterwards keeps the first breach time.
    clock.shift(60)
    api("ygjy-agent").act(number, "dispatch", {"assignee": "ygjy-tech1"})
    assert deadlines(number)["notify"].breached_at == T0 + 3 * MIN


def test_breached_ticket_is_overdue_in_the_list(clock, api, draft):
    number = new_ticket(api, draft)
    desk = api("ygjy-agent")
    assert [t["number"] for t in desk.get("/tickets", overdue="true").json()["items"]] == []
    clock.shift(5 * 60)
    listed = desk.get("/tickets", overdue="true").json()["items"]
    assert [t["number"] for t in listed] == [number] and listed[0]["overdue"] is True


def test_missed_promised_time_of_a_deferred_job_shows_up(clock, api, draft, persona):
    """R2.13: a promise not kept is breached and escalated to the service supervisor."""
    number = new_ticket(api, draft)
    desk, tech = api("ygjy-agent"), api("ygjy-tech1")
    desk.act(number, "dispatch", {"assignee": "ygjy-tech1"})
    tech.act(number, "accept")
    r = tech.act(
        number, "defer", {"reason": "等物业审批", "promised_at": (T0 + datetime.timedelta(hours=2)).isoformat()}
    )
    assert r.status_code == 200, r.content
    assert "arrive" not in {d.clock for d in Deadline.objects.filter(ticket__number=number, status="open")}
    clock.shift(datetime.timedelta(hours=2, minutes=1))
    assert sweep() == 1
    promise = deadlines(number)["promise"]
    assert promise.breached_at is not None
    assert Notification.objects.filter(ticket__number=number, recipient=persona("ygjy-supervisor")).exists()
    assert desk.get("/tickets", overdue="true").json()["items"][0]["number"] == number


def test_a_property_policy_overrides_the_default(clock, api, draft):
    """Rules give defaults; each property's policy may change them."""
    PromisePolicy.objects.filter(property__code="YGJY", kind="repair", clock="arrive").update(minutes=30)
    number = new_ticket(api, draft)
    api("ygjy-agent").act(number, "dispatch", {"assignee": "ygjy-tech1"})
    assert deadlines(number)["arrive"].due_at == T0 + 30 * MIN


def test_sweep_command_and_periodic_task(clock, api, draft):
    """The sweep runs from cron (manage.py) and from huey; both record the same breach once."""
    from promises.tasks import sweep_deadlines

    new_ticket(api, draft)
    new_ticket(api, draft, unit="3-1201")
    clock.shift(10 * 60)
    out = io.StringIO()
    call_command("sweep_deadlines", stdout=out)
    assert out.getvalue().strip() == "2 new breaches"
    assert sweep_deadlines.call_local() == 0
    assert Deadline.objects.filter(breached_at__isnull=False).count() == 2


def test_reassigning_a_deferred_job_keeps_the_promised_time_for_arrival(clock, api, draft):
    """R2.13 with R2.17: a new technician must arrive by the promised time, not 15 minutes from now."""
    number = new_ticket(api, draft)
    desk, tech = api("ygjy-agent"), api("ygjy-tech1")
    desk.act(number, "dispatch", {"assignee": "ygjy-tech1"})
    tech.act(number, "accept")
    promised = T0 + datetime.timedelta(days=1)
    assert tech.act(number, "defer", {"reason": "等配件", "promised_at": promised.isoformat()}).status_code == 200
    assert desk.act(number, "reassign", {"assignee": "ygjy-tech2"}).status_code == 200
    arrive = [d for d in Deadline.objects.filter(ticket__number=number, clock="arrive", status="open")]
    assert len(arrive) == 1 and arrive[0].due_at == promised


def test_a_kept_promise_is_credited_to_the_technician_holding_the_job(clock, api, draft):
    """R8.2: the arrival kept on time is recorded against the technician who held the job."""
    number = new_ticket(api, draft)
    api("ygjy-agent").act(number, "dispatch", {"assignee": "ygjy-tech1"})
    tech = api("ygjy-tech1")
    tech.act(number, "accept")
    clock.shift(300)
    assert tech.act(number, "arrive").status_code == 200
    arrive = deadlines(number)["arrive"]
    assert arrive.on_time and arrive.assignee == User.objects.get(username="ygjy-tech1")


def test_a_missed_promise_stays_with_whoever_held_the_job_when_it_was_missed(clock, api, draft):
    """R8.2: an arrival missed while tech1 held the job counts against tech1, even though
    the desk then gave the job to tech2, who arrived."""
    number = new_ticket(api, draft)
    desk = api("ygjy-agent")
    desk.act(number, "dispatch", {"assignee": "ygjy-tech1"})
    clock.shift(datetime.timedelta(minutes=20))
    assert sweep() >= 1
    assert deadlines(number)["arrive"].assignee == User.objects.get(username="ygjy-tech1")
    assert desk.act(number, "reassign", {"assignee": "ygjy-tech2"}).status_code == 200
    tech2 = api("ygjy-tech2")
    tech2.act(number, "accept")
    assert tech2.act(number, "arrive").status_code == 200
    arrive = [d for d in Deadline.objects.filter(ticket__number=number, clock="arrive").order_by("id")]
    assert arrive[0].breached_at is not None and arrive[0].assignee == User.objects.get(username="ygjy-tech1")
