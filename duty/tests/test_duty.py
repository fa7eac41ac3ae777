"""The duty log (值班记录) and the post on duty (R1.4, R1.6; docs/records.md): which post
takes the phone at the office-hours boundaries on the property's clock, whose queue
lights up and whom the desk's notices reach after hours, a shift started, written,
handed over and received by the next person, the calls and tickets of a shift's time,
and every refusal (who may, bad input) writing nothing."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import SHANGHAI, T0, login, repair_draft
from contacts.models import Contact
from duty.models import Entry, Shift
from estates.hours import Post, post_on_duty
from estates.models import Property
from notify.models import Notification

MIN = datetime.timedelta(minutes=1)


def at(hour: int, minute: int, second: int = 0, zone: ZoneInfo = SHANGHAI) -> datetime.datetime:
    return datetime.datetime(2026, 11, 23, hour, minute, second, tzinfo=zone)


@pytest.fixture
def ygjy(estate) -> Property:
    """阳光嘉园 with its office open 08:30-18:00."""
    prop = Property.objects.get(code="YGJY")
    prop.office_opens, prop.office_closes = datetime.time(8, 30), datetime.time(18, 0)
    prop.save()
    return prop


def started(api, who: str = "ygjy-agent", post: str = "service_desk", **body) -> dict:
    r = api(who).post("/duty/shifts", {"property": "YGJY", "post": post, **body})
    assert r.status_code == 201, r.content
    return r.json()


def counts() -> tuple[int, int]:
    return Shift.objects.count(), Entry.objects.count()


# --- R1.4: the post on duty ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "post"),
    [
        (at(8, 29, 59), Post.MONITORING_ROOM),
        (at(8, 30), Post.SERVICE_DESK),
        (at(17, 59, 59), Post.SERVICE_DESK),
        (at(18, 0), Post.MONITORING_ROOM),
    ],
)
def test_r1_4_the_post_on_duty_at_the_office_hours_boundaries(ygjy, moment, post):
    """R1.4: from the instant the office opens to the instant before it closes the
    service desk; before and from the closing instant the monitoring room."""
    assert post_on_duty(ygjy, moment) == post


def test_r1_4_the_office_hours_are_read_on_the_property_s_clock(ygjy):
    """R1.4: the same instant is 08:30 in Shanghai but 06:30 in Urumqi: a property there
    is still with its monitoring room; the API answers from the property's clock."""
    assert post_on_duty(ygjy, at(8, 30)) == Post.SERVICE_DESK
    ygjy.time_zone = "Asia/Urumqi"
    assert post_on_duty(ygjy, at(8, 30)) == Post.MONITORING_ROOM
    assert post_on_duty(ygjy, at(8, 30, zone=ZoneInfo("Asia/Urumqi"))) == Post.SERVICE_DESK


@pytest.mark.parametrize(("moment", "post"), [(at(8, 29, 59), "monitoring_room"), (at(8, 30), "service_desk")])
def test_r1_4_the_api_says_which_post_is_on_duty(ygjy, api, moment, post):
    with time_machine.travel(moment, tick=False):
        r = api("ygjy-supervisor").get("/duty/on-duty", property="YGJY")
    assert r.status_code == 200, r.content
    assert r.json()["post"] == post and r.json()["office_closes"] == "18:00"


def _queue_lit(username: str) -> bool:
    body = login(username).get("/desk/YGJY/new/").content.decode()
    return 'class="lit"' in body


def test_r1_4_after_hours_a_new_matter_lights_up_the_night_duty_s_queue_not_the_agents(ygjy, api):
    """R1.4: a matter reported online at 20:00 lights up the monitoring room's queue;
    the agents' queue does not light up. At 10:00 the reverse."""
    with time_machine.travel(at(20, 0), tick=False):
        r = api("resident").post("/tickets", repair_draft(reporter_phone="", reporter_name=""))
        assert r.status_code == 201, r.content
        assert _queue_lit("ygjy-night") and not _queue_lit("ygjy-agent")
        assert "监控室" in login("ygjy-agent").get("/desk/YGJY/new/").content.decode()
    with time_machine.travel(at(10, 0) + datetime.timedelta(days=1), tick=False):
        assert _queue_lit("ygjy-agent") and not _queue_lit("ygjy-night")


def test_r1_4_after_hours_the_desk_s_reminder_reaches_the_night_duty_not_the_agents(ygjy, api):
    """R1.4: a repair reported online and deferred at 20:00: the reminder to tell the
    customer goes to the monitoring room on duty, not to the agents."""
    with time_machine.travel(at(19, 0), tick=False) as clock:
        r = api("resident").post("/tickets", repair_draft(reporter_phone="", reporter_name=""))
        number = r.json()["number"]
        for who, action, body in (
            ("ygjy-night", "dispatch", {"assignee": "ygjy-tech1"}),
            ("ygjy-tech1", "accept", {}),
            ("ygjy-tech1", "arrive", {}),
        ):
            assert api(who).act(number, action, body).status_code == 200
        clock.move_to(at(20, 0))
        later = (at(20, 0) + datetime.timedelta(days=1)).isoformat()
        assert api("ygjy-tech1").act(number, "defer", {"reason": "等配件", "promised_at": later}).status_code == 200
    told = Notification.objects.filter(ticket__number=number, kind="tell_customer")
    assert set(told.values_list("recipient__username", flat=True)) == {"ygjy-night"}


# --- Shifts, entries, handover ------------------------------------------------------------------


def test_a_handover_is_received_by_the_next_person_who_starts_the_next_shift(ygjy, api, persona):
    """The outgoing agent writes what is handed over; the next agent receives it: who
    and when are on the old shift, which ends, and the new shift starts with them."""
    with time_machine.travel(T0, tick=False) as clock:
        first = started(api)
        r = api("ygjy-agent").post(f"/duty/shifts/{first['id']}/entries", {"kind": "patrol", "text": "巡查大堂，正常"})
        assert r.status_code == 201, r.content
        clock.shift(4 * 3600)
        r = api("ygjy-agent").post(
            f"/duty/shifts/{first['id']}/handover", {"note": "3栋漏水已派工", "open_items": ["2-801 待回访", " "]}
        )
        assert r.status_code == 200 and r.json()["open_items"] == ["2-801 待回访"]
        clock.shift(120)
        r = api("ygjy-agent2").post(f"/duty/shifts/{first['id']}/receive", {})
        assert r.status_code == 201, r.content
        second = r.json()
    old = Shift.objects.get(pk=first["id"])
    assert old.ended_at == old.received_at == T0 + datetime.timedelta(seconds=4 * 3600 + 120)
    assert old.received_by == persona("ygjy-agent2") and old.handed_over_by == persona("ygjy-agent")
    assert second["staff"] == ["ygjy-agent2"] and second["previous_id"] == old.pk and second["ended_at"] is None
    page = login("ygjy-agent2").get("/desk/YGJY/duty/").content.decode()
    assert "3栋漏水已派工" in page and "2-801 待回访" in page


def test_one_s_own_handover_is_refused_and_nothing_is_written(ygjy, api):
    first = started(api, staff=["ygjy-agent2"])
    assert api("ygjy-agent").post(f"/duty/shifts/{first['id']}/receive").status_code == 409  # not handed over yet
    assert api("ygjy-agent").post(f"/duty/shifts/{first['id']}/handover", {"note": "交班"}).status_code == 200
    before = counts()
    for who in ("ygjy-agent", "ygjy-agent2"):  # the one handing over, and their partner on the shift
        r = api(who).post(f"/duty/shifts/{first['id']}/receive")
        assert r.status_code == 409 and "下一班" in r.json()["detail"]
    assert counts() == before and Shift.objects.get(pk=first["id"]).ended_at is None


def test_a_second_open_shift_on_a_post_is_refused_the_other_post_starts(ygjy, api):
    started(api)
    before = counts()
    r = api("ygjy-agent2").post("/duty/shifts", {"property": "YGJY", "post": "service_desk"})
    assert r.status_code == 409 and "交接" in r.json()["detail"]
    assert counts() == before
    started(api, "ygjy-night", post="monitoring_room")


def test_a_retried_start_starts_once(ygjy, api):
    body = {"property": "YGJY", "post": "service_desk"}
    a = api("ygjy-agent").post("/duty/shifts", body, **{"Idempotency-Key": "k1"})
    b = api("ygjy-agent").post("/duty/shifts", body, **{"Idempotency-Key": "k1"})
    assert a.status_code == b.status_code == 201 and a.json()["id"] == b.json()["id"] and Shift.objects.count() == 1


def test_ending_a_shift_not_open_is_refused(ygjy, api):
    shift = started(api)
    assert api("ygjy-agent").post(f"/duty/shifts/{shift['id']}/end").status_code == 200
    before = Shift.objects.get(pk=shift["id"]).ended_at
    r = api("ygjy-agent").post(f"/duty/shifts/{shift['id']}/end")
    assert r.status_code == 409 and "已结束" in r.json()["detail"]
    assert Shift.objects.get(pk=shift["id"]).ended_at == before
    r = api("ygjy-agent").post(f"/duty/shifts/{shift['id']}/entries", {"text": "晚到的记录"})
    assert r.status_code == 409 and not Entry.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "巡查", "kind": "party"}, "kind"),
        ({"text": "巡查", "at": "2026-11-23T07:00:00+08:00"}, "at"),  # before the shift
        ({"text": "巡查", "at": "2026-11-23T12:00:00+08:00"}, "at"),  # in the future
    ],
)
def test_bad_entries_are_refused_and_nothing_is_written(clock, ygjy, api, body, field):
    shift = started(api)
    r = api("ygjy-agent").post(f"/duty/shifts/{shift['id']}/entries", body)
    assert r.status_code == 422, r.content
    assert r.json()["errors"][0]["field"] == field and not Entry.objects.exists()


def test_an_entry_for_a_shift_of_another_property_is_refused(ygjy, api, persona):
    """A desk member working at both properties names 五凌办公楼 for 阳光嘉园's shift (the
    API), or posts it from 五凌办公楼's duty page: refused, nothing written."""
    agent = persona("ygjy-agent")
    agent.properties.add(Property.objects.get(code="WLBG"))
    shift = started(api)
    r = api("ygjy-agent").post(f"/duty/shifts/{shift['id']}/entries", {"text": "巡查", "property": "WLBG"})
    assert r.status_code == 422 and "另一个项目" in r.json()["detail"]
    page = login("ygjy-agent").post("/desk/WLBG/duty/", {"do": "entry", "shift": shift["id"], "text": "巡查"})
    assert page.status_code == 404 and 'id="duty-error"' in page.content.decode()
    assert not Entry.objects.exists()


# --- R1.6: the calls and tickets of a shift ---------------------------------------------------------


def test_r1_6_a_shift_lists_the_calls_and_tickets_of_its_time_and_not_others(clock, ygjy, api):
    """R1.6: the contacts and tickets logged at the property between the shift's start
    and end: not those before or after it, nor another property's of the same time."""

    def call(summary: str, property: str = "YGJY", ticket: bool = False) -> None:
        body: dict = {"contact": {"property": property, "caller_name": "王芳", "summary": summary}}
        if ticket:
            unit = "3-1202" if property == "YGJY" else "A-101"
            body["ticket"] = repair_draft(property=property, unit=unit, description=summary)
        r = api("ygjy-agent" if property == "YGJY" else "wlbg-agent").post("/contacts", body)
        assert r.status_code == 201, r.content

    call("班前咨询停水", ticket=True)
    clock.shift(600)
    shift = started(api, "ygjy-agent2")
    clock.shift(600)
    call("班内报修：厨房漏水", ticket=True)
    call("班内咨询物业费")
    call("别的项目同时来电", property="WLBG", ticket=True)
    clock.shift(600)
    assert api("ygjy-agent2").post(f"/duty/shifts/{shift['id']}/end").status_code == 200
    clock.shift(600)
    call("班后来电", ticket=True)

    r = api("ygjy-supervisor").get(f"/duty/shifts/{shift['id']}")
    assert r.status_code == 200, r.content
    calls, tickets = r.json()["calls"], r.json()["tickets"]
    assert [c["summary"] for c in calls] == ["班内报修：厨房漏水", "班内咨询物业费"]
    inside = Contact.objects.get(summary="班内报修：厨房漏水").tickets.get().number
    assert calls[0]["tickets"] == [inside] and [t["number"] for t in tickets] == [inside]
    page = login("ygjy-supervisor").get(f"/desk/YGJY/duty/?day=2026-11-23&shift={shift['id']}").content.decode()
    assert inside in page and "班内咨询物业费" in page
    assert "班前咨询停水" not in page and "班后来电" not in page and "别的项目同时来电" not in page


# --- Who may ----------------------------------------------------------------------------------


def test_a_technician_is_refused_the_duty_log(ygjy, api):
    before = counts()
    assert api("ygjy-tech1").post("/duty/shifts", {"property": "YGJY", "post": "service_desk"}).status_code == 403
    assert api("ygjy-tech1").get("/duty/shifts", property="YGJY").status_code == 403
    assert login("ygjy-tech1").get("/desk/YGJY/duty/").status_code == 403
    assert counts() == before


def test_another_property_s_desk_is_refused_as_not_found(ygjy, api):
    shift = started(api)
    assert api("wlbg-agent").post("/duty/shifts", {"property": "YGJY", "post": "monitoring_room"}).status_code == 404
    assert api("wlbg-agent").post(f"/duty/shifts/{shift['id']}/entries", {"text": "x"}).status_code == 404
    assert api("wlbg-agent").get(f"/duty/shifts/{shift['id']}").status_code == 404
    assert login("wlbg-agent").get("/desk/YGJY/duty/").status_code == 404
    assert not Entry.objects.exists() and Shift.objects.count() == 1


def test_an_inactive_account_is_refused(ygjy, api, persona):
    client = api("ygjy-agent")
    browser = login("ygjy-agent")
    agent = persona("ygjy-agent")
    agent.is_active = False
    agent.save()
    assert client.post("/duty/shifts", {"property": "YGJY", "post": "service_desk"}).status_code in (401, 403)
    assert browser.get("/desk/YGJY/duty/").status_code in (302, 403)
    assert not Shift.objects.exists()


def test_supervisors_and_managers_read_but_do_not_write(ygjy, api):
    shift = started(api)
    for who in ("ygjy-supervisor", "ygjy-manager"):
        assert api(who).get(f"/duty/shifts/{shift['id']}").status_code == 200
        assert login(who).get("/desk/YGJY/duty/").status_code == 200
    r = api("ygjy-manager").post(f"/duty/shifts/{shift['id']}/entries", {"text": "经理巡查"})
    assert r.status_code == 403 and not Entry.objects.exists()
    assert "Start my shift" not in login("ygjy-manager", "en").get("/desk/YGJY/duty/").content.decode()


# --- The page ---------------------------------------------------------------------------------


def test_the_desk_starts_writes_hands_over_and_the_next_receives_on_the_page(clock, ygjy):
    agent, agent2 = login("ygjy-agent"), login("ygjy-agent2")
    assert agent.post("/desk/YGJY/duty/", {"do": "start", "post": "service_desk", "form_key": "a"}).status_code == 302
    shift = Shift.objects.get()
    r = agent.post("/desk/YGJY/duty/", {"do": "entry", "shift": shift.pk, "kind": "incident", "text": ""})
    assert r.status_code == 422 and not Entry.objects.exists()
    agent.post("/desk/YGJY/duty/", {"do": "entry", "shift": shift.pk, "kind": "incident", "text": "电梯困人"})
    agent.post(
        "/desk/YGJY/duty/", {"do": "handover", "shift": shift.pk, "handover_note": "电梯已解困", "open_items": "a\nb"}
    )
    r = agent.post("/desk/YGJY/duty/", {"do": "receive", "shift": shift.pk})
    assert r.status_code == 409 and Shift.objects.count() == 1
    assert agent2.post("/desk/YGJY/duty/", {"do": "receive", "shift": shift.pk}).status_code == 302
    shift.refresh_from_db()
    assert shift.open_items == ["a", "b"] and shift.received_by_name and Shift.objects.count() == 2
    r = agent2.post("/desk/YGJY/duty/", {"do": "end", "shift": shift.pk})
    assert r.status_code == 409
