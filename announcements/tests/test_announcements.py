"""Announcements (公告): the desk publishes to the residents of a property or of some of
its buildings, each resident with an account living there now is told once (the bell
and an SMS by default), reading it counts on the desk's board, withdrawing hides it from
residents; bad input changes nothing, and no one outside the desk publishes or reads
another property's (docs/announcements.md).

No rule of RULES.md is about announcements themselves; the notices follow "each once" and
"in the reader's language" of docs/notifications.md, which the tests below check."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from announcements.models import Announcement
from conftest import T0, login
from estates.models import Building, Household, Resident
from notify.models import Delivery, Notification
from people.models import Role, User

HOUR = datetime.timedelta(hours=1)


def body(**over) -> dict:
    """An announcement as the API takes it: tomorrow's water cut at the whole of YGJY."""
    data = {
        "property": "YGJY",
        "kind": "outage",
        "title": "3栋明日停水",
        "body": "因管道检修，明日9:00至17:00停水，请提前储水。",
        "starts_at": (T0 + 24 * HOUR).isoformat(),
        "ends_at": (T0 + 32 * HOUR).isoformat(),
    }
    data.update(over)
    return data


def building(code: str, prop: str = "YGJY") -> Building:
    return Building.objects.get(property__code=prop, code=code)


def resident_at(label: str, username: str, *, moved_out: bool = False) -> User:
    """Another resident account at YGJY, in the household of ``label`` (moved out if asked)."""
    household = Household.objects.filter(unit__label=label, unit__property__code="YGJY").first()
    assert household is not None
    if moved_out:
        household.moved_out_on = datetime.date(2026, 10, 1)
        household.save(update_fields=["moved_out_on"])
    user = User.objects.create(username=username, role=Role.RESIDENT, phone="13911112222")
    Resident.objects.create(property=household.property, household=household, user=user, name=username, phone="")
    return user


def published(api, who: str = "ygjy-agent", **over) -> Announcement:
    r = api(who).post("/announcements", body(**over))
    assert r.status_code == 201, r.content
    return Announcement.objects.get(pk=r.json()["id"])


def told(a: Announcement) -> set[str]:
    return set(
        Notification.objects.filter(key__startswith=f"announcement:{a.pk}:").values_list(
            "recipient__username", flat=True
        )
    )


def form_key(client, code: str = "YGJY") -> str:
    page = client.get(f"/desk/{code}/announcements/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    return page.content.decode().split('name="key" value="')[1].split('"')[0]


def form(**over) -> dict:
    """The desk's form as a browser posts it (times on the property's clock)."""
    data = {
        "key": uuid.uuid4().hex,
        "kind": "outage",
        "title": "3栋明日停水",
        "body": "因管道检修，明日9:00至17:00停水。",
        "starts_at": "2026-11-24T09:00",
        "ends_at": "2026-11-24T17:00",
    }
    data.update(over)
    return data


# --- Who is told ------------------------------------------------------------------------------


def test_the_whole_property_is_told_once_each_and_the_other_property_not_at_all(clock, api, persona):
    """Every resident account living at YGJY now gets a notice and an SMS (residents get
    SMS by default); the office tenant at WLBG and a household that moved out get none."""
    elsewhere = resident_at("1-101", "building-1")
    gone = resident_at("1-102", "moved-away", moved_out=True)
    a = published(api)
    assert told(a) == {"resident", "neighbour", "building-1"}
    row = Notification.objects.get(key=f"announcement:{a.pk}:user:{persona('resident').pk}")
    assert row.kind == "announcement" and row.link == f"/my/news/{a.pk}/" and row.property_id == a.property_id
    assert "3栋明日停水" in row.message and "11-24 09:00–17:00" in row.message
    sms = Delivery.objects.filter(key__startswith=f"announcement:{a.pk}:", channel="sms")
    assert {d.address for d in sms} == {persona("resident").phone, persona("neighbour").phone, elsewhere.phone}
    assert all("3栋明日停水" in d.text for d in sms)
    assert not Notification.objects.filter(recipient__in=[persona("tenant"), gone]).exists()


def test_building_3_only_reaches_the_residents_of_building_3(clock, api):
    resident_at("1-101", "building-1")
    a = published(api, building_ids=[building("3").pk])
    assert told(a) == {"resident", "neighbour"}
    assert list(a.buildings.values_list("code", flat=True)) == ["3"]


def test_each_resident_is_told_in_their_own_language(clock, api, persona):
    User.objects.filter(username="neighbour").update(language="en")
    a = published(api)
    english = Notification.objects.get(key=f"announcement:{a.pk}:user:{persona('neighbour').pk}")
    assert english.message.startswith("water or power cut: 3栋明日停水")


# --- Once -----------------------------------------------------------------------------------


def test_the_form_submitted_twice_publishes_once(clock, estate):
    c = login("ygjy-agent")
    post = form(key=form_key(c))
    first, second = c.post("/desk/YGJY/announcements/", post), c.post("/desk/YGJY/announcements/", post)
    assert first.status_code == second.status_code == 302
    a = Announcement.objects.get()
    assert first["Location"] == second["Location"] == f"/desk/YGJY/announcements/#a{a.pk}"
    assert Notification.objects.filter(kind="announcement").count() == 2  # resident and neighbour, once each


def test_the_api_with_the_same_idempotency_key_publishes_once_and_refuses_another_body(clock, api):
    agent = api("ygjy-agent")
    first = agent.post("/announcements", body(), **{"Idempotency-Key": "notice-1"})
    again = agent.post("/announcements", body(), **{"Idempotency-Key": "notice-1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and again["Idempotent-Replayed"] == "true"
    other = agent.post("/announcements", body(title="另一条"), **{"Idempotency-Key": "notice-1"})
    assert other.status_code == 409 and other.json()["code"] == "key_reused"
    assert Announcement.objects.count() == 1
    assert Notification.objects.filter(kind="announcement").count() == 2


# --- Bad input ------------------------------------------------------------------------------------

BAD = {
    "empty title": ({"title": "  "}, "title", "This field cannot be empty."),
    "body too long": ({"body": "水" * 10_000}, "body", "Too long: 10000 characters, at most 2000."),
    "ends before it starts": ({"ends_at": "2026-11-24T08:00"}, "ends_at", "The end must be after the start."),
    "no such kind": ({"kind": "party"}, "kind", "Choose one of"),
    "not a time": ({"starts_at": "tomorrow"}, "starts_at", "Give a date and time"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_on_the_form_is_said_by_its_field_and_publishes_nothing(clock, estate, case):
    over, field, message = BAD[case]
    c = login("ygjy-agent", "en")
    r = c.post("/desk/YGJY/announcements/", form(**over))
    assert r.status_code == 422
    page = r.content.decode()
    assert message in page and "Nothing was published." in page
    assert f'id="{field}-error"' in page and page.count('aria-invalid="true"') == 1
    assert not Announcement.objects.exists() and not Notification.objects.filter(kind="announcement").exists()


def test_a_building_of_another_property_is_refused_on_the_form_and_the_api(clock, api, estate):
    tower = building("A", "WLBG")
    c = login("ygjy-agent", "en")
    r = c.post("/desk/YGJY/announcements/", form(building_ids=[str(building("3").pk), str(tower.pk)]))
    assert r.status_code == 422
    page = r.content.decode()
    assert 'id="building_ids-error"' in page and "Choose buildings of" in page
    # The corrected form comes back with building 3 still ticked and a fresh key.
    assert f'value="{building("3").pk}" checked' in page
    for forged in (["abc"], ["99999999999999999999999"]):
        assert c.post("/desk/YGJY/announcements/", form(building_ids=forged)).status_code == 422
    r = api("ygjy-agent", "en").post("/announcements", body(building_ids=[tower.pk]))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "building_ids"
    assert not Announcement.objects.exists() and not Notification.objects.filter(kind="announcement").exists()


def test_bad_input_through_the_api_is_refused_by_field(clock, api):
    agent = api("ygjy-agent", "en")
    for over, field in (
        ({"title": ""}, "title"),
        ({"body": "x" * 10_000}, "body"),
        ({"ends_at": (T0 + 20 * HOUR).isoformat()}, "ends_at"),
        ({"starts_at": None, "ends_at": (T0 - HOUR).isoformat()}, "ends_at"),  # already over
    ):
        r = agent.post("/announcements", body(**over))
        assert r.status_code == 422, (over, r.content)
        assert r.json()["errors"][0]["field"] == field
    assert not Announcement.objects.exists()


# --- Who may --------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["ygjy-tech1", "ygjy-finance", "resident"])
def test_only_the_desk_publishes_on_the_page_and_the_api(clock, api, username):
    c = login(username)
    assert c.get("/desk/YGJY/announcements/").status_code == 403
    assert c.post("/desk/YGJY/announcements/", form()).status_code == 403
    assert api(username).post("/announcements", body()).status_code == 403
    a = published(api)
    assert c.post(f"/desk/YGJY/announcements/{a.pk}/", {"withdraw": a.pk}).status_code == 403
    assert api(username).post(f"/announcements/{a.pk}/withdraw").status_code == 403
    assert Announcement.objects.get().withdrawn_at is None and Announcement.objects.count() == 1


def test_the_desk_of_another_property_neither_publishes_nor_sees_ours(clock, api):
    a = published(api)
    wlbg = api("wlbg-agent")
    assert wlbg.post("/announcements", body()).status_code == 404
    assert wlbg.get(f"/announcements/{a.pk}").status_code == 404
    assert wlbg.get("/announcements", property="YGJY").status_code == 404
    assert login("wlbg-agent").get(f"/desk/WLBG/announcements/{a.pk}/").status_code == 404
    assert Announcement.objects.count() == 1


def test_a_resident_of_another_property_or_building_gets_404_as_for_a_missing_one(clock, api):
    ygjy = published(api)
    building_1 = published(api, title="1栋电梯维保", kind="maintenance", building_ids=[building("1").pk])
    tenant = api("tenant", "en")
    for pk in (ygjy.pk, 999999, 2**70):
        r = tenant.get(f"/announcements/{pk}")
        assert r.status_code == 404 and r.json()["detail"].startswith("There is no such announcement for you")
        assert login("tenant").get(f"/my/news/{pk}/").status_code == 404
    assert tenant.get("/announcements").json() == []
    # resident lives in building 3: building 1's is not theirs, the whole property's is.
    assert login("resident").get(f"/my/news/{building_1.pk}/").status_code == 404
    assert api("resident").get(f"/announcements/{building_1.pk}").status_code == 404
    assert [x["id"] for x in api("resident").get("/announcements").json()] == [ygjy.pk]


def test_staff_do_not_use_the_residents_page(clock, api):
    a = published(api)
    assert login("ygjy-agent").get(f"/my/news/{a.pk}/").status_code == 403


# --- Reading and the receipts -------------------------------------------------------------------------


def test_reading_marks_it_read_and_the_desks_counts_follow(clock, api, persona):
    a = published(api)
    desk = api("ygjy-agent")

    def receipts() -> dict:
        (row,) = desk.get("/announcements", property="YGJY").json()
        return row["receipts"]

    assert receipts() == {"told": 2, "read": 0, "sent": 0, "kept": 0, "failed": 0, "waiting": 2}

    page = login("resident").get(f"/my/news/{a.pk}/")
    assert page.status_code == 200 and "因管道检修" in page.content.decode()
    assert receipts()["read"] == 1
    assert api("neighbour").get(f"/announcements/{a.pk}").json()["unread"] is False
    assert receipts()["read"] == 2
    login("resident").get(f"/my/news/{a.pk}/")  # again: still one reader
    assert receipts()["read"] == 2

    # The worker's outcomes show as they happen: one kept in the local outbox, one failed.
    sms = list(Delivery.objects.filter(key__startswith=f"announcement:{a.pk}:").order_by("id"))
    Delivery.objects.filter(pk=sms[0].pk).update(status=Delivery.Status.KEPT)
    Delivery.objects.filter(pk=sms[1].pk).update(status=Delivery.Status.FAILED)
    assert receipts() == {"told": 2, "read": 2, "sent": 0, "kept": 1, "failed": 1, "waiting": 0}

    detail = login("ygjy-agent", "en").get(f"/desk/YGJY/announcements/{a.pk}/").content.decode()
    assert "2 residents" in detail and "0 sent, 1 kept in the local outbox, 1 failed, 0 waiting" in detail
    board = login("ygjy-agent").get("/desk/YGJY/announcements/").content.decode()
    assert f'id="a{a.pk}"' in board and '<td data-count="read">2</td>' in board


def test_the_residents_home_page_lists_their_current_announcements(clock, api):
    a = published(api)
    old = published(api, title="上月停电", starts_at=(T0 - 40 * 24 * HOUR).isoformat(), ends_at=None)
    Announcement.objects.filter(pk=old.pk).update(published_at=T0 - 40 * 24 * HOUR)
    home = login("resident").get("/my/")
    page = home.content.decode()
    assert f'href="/my/news/{a.pk}/"' in page and "<strong>3栋明日停水</strong>" in page  # unread
    assert "11-24 09:00–17:00" in page
    assert "上月停电" not in page  # a month old and without an end: off the home page
    assert login("resident").get(f"/my/news/{old.pk}/").status_code == 200  # still opens from its notice
    assert login("resident").get(f"/my/news/{a.pk}/").status_code == 200
    assert "<strong>3栋明日停水</strong>" not in login("resident").get("/my/").content.decode()  # read now


def test_a_residents_list_is_their_homes_buildings_and_property_current_and_not_withdrawn(clock, api, persona):
    """What a resident's list holds, on the home page and the API alike: the whole
    property's and their building's, not another building's; an end a day back still,
    two days back not; without an end, published in the last month; not withdrawn; a
    household they moved out of no longer counts, a second home does. The API reads
    the buildings of any number of announcements in one query."""
    at: dict[str, Any] = {"starts_at": None}
    whole = published(api, title="全体", **at, ends_at=(T0 + 2 * HOUR).isoformat())
    mine = published(api, title="三栋", building_ids=[building("3").pk], **at, ends_at=None)
    other = published(api, title="一栋", building_ids=[building("1").pk], **at, ends_at=None)
    ended = published(api, title="昨天", **at, ends_at=(T0 + HOUR).isoformat())
    Announcement.objects.filter(pk=ended.pk).update(ends_at=T0 - 20 * HOUR)
    long_ended = published(api, title="前天", **at, ends_at=(T0 + HOUR).isoformat())
    Announcement.objects.filter(pk=long_ended.pk).update(ends_at=T0 - 50 * HOUR)
    undated_old = published(api, title="旧", **at, ends_at=None)
    Announcement.objects.filter(pk=undated_old.pk).update(published_at=T0 - 31 * 24 * HOUR)
    withdrawn = published(api, title="撤回", **at, ends_at=None)
    assert api("ygjy-agent").post(f"/announcements/{withdrawn.pk}/withdraw").status_code == 200
    Announcement.objects.filter(pk__in=[whole.pk, mine.pk, other.pk, ended.pk]).update(
        published_at=T0 - HOUR
    )  # the same moment: the newest first by id
    newest_first = [ended.pk, other.pk, mine.pk, whole.pk]

    def listed(username: str) -> list[int]:
        return [x["id"] for x in api(username).get("/announcements").json()]

    assert listed("resident") == [pk for pk in newest_first if pk != other.pk]
    page = login("resident").get("/my/").content.decode()
    assert all(f"/my/news/{pk}/" in page for pk in (whole.pk, mine.pk, ended.pk))
    assert not any(f"/my/news/{pk}/" in page for pk in (other.pk, long_ended.pk, undated_old.pk, withdrawn.pk))

    moved = resident_at("1-102", "moved-from-1", moved_out=True)
    assert listed("moved-from-1") == []
    from conftest import second_home

    second_home(moved, "1-101")
    assert listed("moved-from-1") == [pk for pk in newest_first if pk != mine.pk]
    with CaptureQueriesContext(connection) as one:
        listed("resident")
    published(api, title="又一栋", building_ids=[building("3").pk, building("1").pk], **at, ends_at=None)
    with CaptureQueriesContext(connection) as more:
        assert len(listed("resident")) == 4
    assert len(more.captured_queries) == len(one.captured_queries)


def test_withdrawn_ones_disappear_for_residents_and_stay_for_the_desk(clock, api):
    a = published(api)
    login("resident").get(f"/my/news/{a.pk}/")
    c = login("ygjy-agent")
    r = c.post("/desk/YGJY/announcements/", {"withdraw": a.pk})
    assert r.status_code == 302 and r["Location"] == "/desk/YGJY/announcements/"
    a.refresh_from_db()
    assert a.withdrawn_at == T0 and a.withdrawn_by_name
    assert "3栋明日停水" not in login("resident").get("/my/").content.decode()
    assert login("resident").get(f"/my/news/{a.pk}/").status_code == 404
    assert api("resident").get("/announcements").json() == []
    assert api("resident").get(f"/announcements/{a.pk}").status_code == 404
    # The desk keeps it with its counts; withdrawing again changes nothing.
    (row,) = api("ygjy-agent").get("/announcements", property="YGJY").json()
    assert row["withdrawn_at"] is not None and row["receipts"]["read"] == 1
    again = api("ygjy-agent").post(f"/announcements/{a.pk}/withdraw")
    assert again.status_code == 200 and again.json()["withdrawn_at"] == row["withdrawn_at"]
    assert 'data-withdrawn="1"' in c.get("/desk/YGJY/announcements/").content.decode()


def test_the_board_reads_in_the_same_number_of_queries_however_many_announcements(clock, api):
    c = login("ygjy-agent")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/desk/YGJY/announcements/").status_code == 200
        return len(ctx.captured_queries)

    published(api)
    small = count()
    for i in range(5):
        published(api, title=f"通知{i}", building_ids=[building(str(1 + i % 3)).pk])
    assert count() == small


def test_the_admin_shows_each_staff_member_their_propertys_announcements_read_only(clock, api, persona):
    from django.contrib.auth.models import Permission

    a = published(api)
    see = Permission.objects.get(codename="view_announcement")
    for username in ("ygjy-manager", "wlbg-manager"):
        user = persona(username)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.user_permissions.add(see)
    ours = login("ygjy-manager").get("/admin/announcements/announcement/")
    assert ours.status_code == 200 and "3栋明日停水" in ours.content.decode()
    theirs = login("wlbg-manager").get("/admin/announcements/announcement/")
    assert theirs.status_code == 200 and "3栋明日停水" not in theirs.content.decode()
    assert login("wlbg-manager").get(f"/admin/announcements/announcement/{a.pk}/change/").status_code in (302, 404)
    page = login("ygjy-manager").get(f"/admin/announcements/announcement/{a.pk}/change/")
    assert page.status_code == 200 and 'name="title"' not in page.content.decode()  # shown, not editable


def test_r6_2_a_community_event_is_followed_up_with_a_fifth_of_the_households(clock, api):
    """R6.1-R6.2: newsletters and events: within a month, 20 % of the households."""
    import math

    from estates.models import Household
    from followups.models import FollowUp

    desk = api("ygjy-agent")
    r = desk.post(
        "/announcements",
        {"property": "YGJY", "title": "中秋游园会", "body": "周六晚七点，中心花园", "kind": "event"},
    )
    assert r.status_code == 201, r.content
    planned = FollowUp.objects.filter(service="event")
    households = Household.objects.filter(property__code="YGJY", moved_out_on__isnull=True).count()
    assert planned.count() == math.ceil(households * 0.2)
    first = planned.first()
    assert first is not None and "中秋游园会" in first.note
    assert (first.due_by - first.due_from).days == 30
    desk.post("/announcements", {"property": "YGJY", "title": "3栋停水", "body": "周二", "kind": "outage"})
    assert FollowUp.objects.filter(service="event").count() == planned.count()  # a water cut is no event
