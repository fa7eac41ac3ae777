"""Who is told what, and when (docs/notifications.md): the technician of a job, the
supervisors of a missed promise or an escalation, the desk that must tell the customer
(with a step that records the telling), and the resident who reported, each once and in
the reader's own language; quiet hours hold a resident's routine notices only."""

from __future__ import annotations

import datetime

from conftest import T0, repair_draft
from notify import outbox
from notify.models import Delivery, NoticePreference, Notification
from notify.services import notice_reporter, preference_set
from people.models import User
from promises.services import sweep
from tickets.models import Ticket

MIN = datetime.timedelta(minutes=1)


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()


def record(api, who: str = "ygjy-agent", **over) -> str:
    r = api(who).post("/tickets", repair_draft(**over))
    assert r.status_code == 201, r.content
    return r.json()["number"]


def notices(number: str, username: str) -> list[Notification]:
    return list(Notification.objects.filter(ticket__number=number, recipient__username=username).order_by("id"))


def sms_to(number: str, phone: str) -> list[Delivery]:
    return list(Delivery.objects.filter(ticket__number=number, channel="sms", address=phone).order_by("id"))


def test_r1_5_the_resident_gets_the_number_at_once_on_their_account_and_a_caller_by_sms(clock, api, persona):
    """R1.5: recorded, with its number: on the bell of a resident who reported online,
    by SMS to the mobile number a caller without an account gave; a landline gets none."""
    mine = record(api, "resident", reporter_phone="", reporter_name="")
    told = notices(mine, "resident")
    assert len(told) == 1 and mine in told[0].message and told[0].kind == "update"
    assert told[0].link == f"/my/m/{mine}/"

    called = record(api, unit="1-1001", reporter_phone="13912345678")
    sms = sms_to(called, "13912345678")
    assert len(sms) == 1 and called in sms[0].text and len(sms[0].text) <= 70
    assert sms[0].recipient is None and sms[0].recipient_name == "王芳"

    landline = record(api, unit="1-1001", reporter_phone="02188886666")
    assert not Delivery.objects.filter(ticket__number=landline).exists()


def test_r2_4_the_technician_is_told_of_the_job_with_place_category_urgency_promise_and_link(clock, api, persona):
    """R2.4, R2.16: dispatched: the technician's bell and SMS, never held; reassigned: the
    new one is told too; the resident hears who comes and by when."""
    number = record(api, "resident", reporter_phone="", reporter_name="")
    ok(api("ygjy-agent").act(number, "dispatch", {"assignee": "ygjy-tech1"}))
    (job,) = notices(number, "ygjy-tech1")
    assert job.kind == "job" and job.link == f"/field/j/{number}/"
    assert number in job.message and "3-1202" in job.message and "水" in job.message
    assert "09:" in job.message  # the promised arrival on the property's clock
    tech = persona("ygjy-tech1")
    (sms,) = sms_to(number, tech.phone)
    assert sms.urgent and sms.status == "pending" and sms.next_attempt_at == T0 and len(sms.text) <= 70

    resident_news = [n.message for n in notices(number, "resident")]
    assert len(resident_news) == 2 and str(tech) in resident_news[1]

    ok(api("ygjy-agent").act(number, "reassign", {"assignee": "ygjy-tech2", "reason": "换人"}))
    assert len(notices(number, "ygjy-tech2")) == 1
    assert len(notices(number, "ygjy-tech1")) == 1  # not told twice of the first dispatch


def test_a_job_returned_or_cancelled_is_told_to_the_technician_who_held_it(clock, api):
    number = record(api)
    ok(api("ygjy-agent").act(number, "dispatch", {"assignee": "ygjy-tech1"}))
    ok(api("ygjy-agent").act(number, "cancel", {"reason": "业主自行修好"}))
    last = notices(number, "ygjy-tech1")[-1]
    assert "业主自行修好" in last.message and last.kind == "job"


def test_r2_16_a_missed_promise_is_one_notice_of_one_kind_to_the_policys_role_never_held(clock, api, persona):
    """R2.16-R2.18, R5.2: the role the policy names hears of it once, urgently."""
    number = record(api)
    clock.shift(4 * 60)
    sweep()
    sweep()
    (missed,) = notices(number, "ygjy-supervisor")
    assert missed.kind == Notification.Kind.BREACH and (missed.key or "").startswith("breach:")
    assert not Notification.objects.filter(ticket__number=number, kind="escalation").exists()
    assert set(Notification.Kind.values) == {
        "breach",
        "escalation",
        "review",
        "tell_customer",
        "job",
        "update",
        "announcement",
    }


def test_r2_14_a_technical_escalation_reaches_the_equipment_supervisor_at_once(clock, api, persona):
    number = record(api)
    desk, tech = api("ygjy-agent"), api("ygjy-tech1")
    ok(desk.act(number, "dispatch", {"assignee": "ygjy-tech1"}))
    ok(tech.act(number, "accept"))
    ok(tech.act(number, "arrive"))
    ok(tech.act(number, "escalate", {"note": "主管道问题"}))
    (up,) = notices(number, "ygjy-equipment")
    assert up.kind == "escalation" and "主管道问题" in up.message


def test_r2_13_a_deferral_asks_the_desk_to_call_and_tells_the_resident_the_reason_and_new_time(clock, api, persona):
    """R2.13; and the desk's step "customer told" records the telling and clears the reminders."""
    number = record(api, "resident", reporter_phone="", reporter_name="")
    desk, tech = api("ygjy-agent"), api("ygjy-tech1")
    assert desk.act(number, "tell_customer").status_code == 409  # nothing to tell yet
    ok(desk.act(number, "dispatch", {"assignee": "ygjy-tech1"}))
    ok(tech.act(number, "accept"))
    ok(tech.act(number, "arrive"))
    later = T0 + datetime.timedelta(days=2, hours=5)
    ok(tech.act(number, "defer", {"reason": "等配件", "promised_at": later.isoformat()}))

    # The resident reported online, so the property's agents tell them.
    (tell,) = notices(number, "ygjy-agent")
    assert tell.kind == "tell_customer" and "11-25 14:00" in tell.message and tell.read_at is None
    resident = notices(number, "resident")[-1]
    assert "等配件" in resident.message and "11-25 14:00" in resident.message

    t = ok(desk.act(number, "tell_customer", {"note": "已电话告知业主"}))
    event = t["timeline"][-1]
    assert event["action"] == "tell_customer" and event["note"] == "已电话告知业主"
    assert event["data"]["told"] == [tell.message] and event["by"] == str(persona("ygjy-agent"))
    tell.refresh_from_db()
    assert tell.read_at is not None
    assert desk.act(number, "tell_customer").status_code == 409  # told; nothing more waits
    assert api("ygjy-tech1").act(number, "tell_customer").status_code == 403


def test_r2_6_the_review_decided_is_told_to_the_technician_and_the_desk_who_recorded_it(clock, api):
    number = record(api)
    desk, tech, engineer = api("ygjy-agent"), api("ygjy-tech1"), api("ygjy-engineer")
    ok(desk.act(number, "dispatch", {"assignee": "ygjy-tech1"}))
    ok(tech.act(number, "accept"))
    ok(tech.act(number, "arrive"))
    t = ok(tech.act(number, "confirm", {"items": [{"description": "更换整体橱柜", "labour_fee": "300"}]}))
    item = t["work_order"]["items"][0]["id"]
    ok(engineer.act(number, "review", {"decisions": [{"item_id": item, "approve": True, "labour_fee": "100"}]}))
    assert "review" in notices(number, "ygjy-tech1")[-1].message or "审核" in notices(number, "ygjy-tech1")[-1].message
    (tell,) = notices(number, "ygjy-agent")
    assert tell.kind == "tell_customer" and number in tell.message


def test_r2_9_r2_11_a_quote_and_the_work_done_reach_the_resident_each_once(clock, api):
    """R2.9: a quote waiting for consent; R2.11: done, to sign off and rate."""
    number = record(api, "resident", reporter_phone="", reporter_name="")
    desk, tech = api("ygjy-agent"), api("ygjy-tech1")
    ok(desk.act(number, "dispatch", {"assignee": "ygjy-tech1"}))
    ok(tech.act(number, "accept"))
    ok(tech.act(number, "arrive"))
    ok(tech.act(number, "confirm", {"items": [{"item": "PL-01"}]}))
    quote = notices(number, "resident")[-1]
    assert "¥" in quote.message and quote.kind == "update"
    ok(api("resident").act(number, "consent", {"agreed": True}))
    ok(tech.act(number, "complete", {"result_note": "已更换阀芯"}))
    done = notices(number, "resident")[-1]
    assert number in done.message and done.pk != quote.pk
    messages = [n.message for n in notices(number, "resident")]
    assert len(messages) == len(set(messages)) == 4  # recorded, dispatched, quote, done: each once


def test_every_notice_is_worded_in_its_readers_own_language(clock, api, persona):
    """The technician reads English, the resident Chinese: one event, two languages."""
    tech = persona("ygjy-tech1")
    preference_set(user=tech, by_email=False, by_sms=True, quiet_from=None, quiet_to=None, language="en")
    number = record(api, "resident", reporter_phone="", reporter_name="")
    ok(api("ygjy-agent").act(number, "dispatch", {"assignee": "ygjy-tech1"}))
    (job,) = notices(number, "ygjy-tech1")
    assert job.message.startswith(f"New job {number}")
    assert sms_to(number, tech.phone)[0].text.startswith(f"New job {number}")
    assert "到达" in notices(number, "resident")[-1].message


def test_quiet_hours_hold_a_residents_routine_notice_but_not_an_emergency_or_staff(clock, api, persona):
    """At 23:00 a resident's routine SMS waits until 07:00; an emergency goes now; the
    technician on duty is told at once whatever the hour."""
    resident = persona("resident")
    clock.move_to(T0.replace(hour=23))
    number = record(api, "resident", reporter_phone="", reporter_name="")
    ticket = Ticket.objects.get(number=number)
    (sms,) = Delivery.objects.filter(ticket=ticket, recipient=resident, channel="sms")
    assert sms.status == "held" and sms.next_attempt_at == T0.replace(hour=7) + datetime.timedelta(days=1)
    assert outbox.deliveries_send() == 0 or Delivery.objects.get(pk=sms.pk).status == "held"

    notice_reporter(ticket=ticket, wording=lambda: "水管爆裂，已派人", key="test:urgent", urgent=True)
    urgent = Delivery.objects.get(ticket=ticket, recipient=resident, text="水管爆裂，已派人")
    assert urgent.status == "pending" and urgent.next_attempt_at == T0.replace(hour=23)

    ok(api("ygjy-agent").act(number, "dispatch", {"assignee": "ygjy-tech1"}))
    tech_sms = Delivery.objects.get(ticket=ticket, address=persona("ygjy-tech1").phone)
    assert tech_sms.status == "pending"

    # A resident who wants no quiet hours gets routine news at once.
    preference_set(user=resident, by_email=False, by_sms=True, quiet_from=None, quiet_to=None)
    NoticePreference.objects.get(user=resident)
    clock.shift(60)
    ok(api("ygjy-agent").act(number, "reassign", {"assignee": "ygjy-tech2", "reason": "换人"}))
    newest = Delivery.objects.filter(ticket=ticket, recipient=resident).latest("id")
    assert newest.status == "pending"

    # At 07:00 the held one goes with the next pass.
    clock.move_to(T0.replace(hour=7) + datetime.timedelta(days=1))
    outbox.deliveries_send()
    assert Delivery.objects.get(pk=sms.pk).status == "kept"  # no gateway here: the local outbox


def test_a_deactivated_person_is_not_told_and_a_patrol_defect_tells_no_resident(clock, api, persona):
    tech = persona("ygjy-tech1")
    User.objects.filter(pk=tech.pk).update(is_active=False)
    number = record(api)
    ticket = Ticket.objects.get(number=number)
    from notify.services import notice

    assert notice(to=[User.objects.get(pk=tech.pk)], kind="job", wording=lambda: "x", ticket=ticket) == []
    Ticket.objects.filter(pk=ticket.pk).update(channel="patrol")
    ticket.refresh_from_db()
    before = Delivery.objects.count()
    notice_reporter(ticket=ticket, wording=lambda: "x", key="test:patrol")
    assert Delivery.objects.count() == before


def test_with_notices_switched_off_nothing_is_written(clock, api, settings):
    """NOTIFY_ENABLED=0: a staging copy or a history import that must not message anyone."""
    settings.NOTIFY_ENABLED = False
    number = record(api, "resident", reporter_phone="", reporter_name="")
    ok(api("ygjy-agent").act(number, "dispatch", {"assignee": "ygjy-tech1"}))
    assert not Notification.objects.filter(ticket__number=number).exists()
    assert not Delivery.objects.filter(ticket__number=number).exists()
