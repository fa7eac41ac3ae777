"""The company administrator sets a property up: its clock and phones (R1.4), time
limits and follow-up windows with a way back to the defaults, teams and trades, notice
channels and units in bulk. Each change is kept with who made it and when; nobody else
may make it, and an administrator only at its own company's properties."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from conftest import login
from estates.models import Company, Property, Unit
from estates.selectors import unit_at
from followups.models import FollowUpPolicy
from followups.policy import window_for
from notify.models import ChannelRoute
from onboarding.selectors import setup_history
from people.models import Role, Team, User
from promises.models import PromisePolicy

pytestmark = pytest.mark.django_db

SETTINGS = {
    "time_zone": "Asia/Shanghai",
    "office_opens": "08:00",
    "office_closes": "18:00",
    "after_hours_phone": "0731-88880000",
    "desk_phone": "0731-88881234",
}


def ygjy() -> Property:
    return Property.objects.get(code="YGJY")


def test_the_administrator_lands_on_the_setup_page_and_works_at_every_property_of_its_company(estate):
    c = login("admin")
    assert c.get("/")["Location"] == "/desk/WLBG/setup/"  # the first by code
    page = c.get("/desk/WLBG/setup/").content.decode()
    assert "五凌办公楼" in page and "水电班" in page and "监控室" in page


def test_the_clock_and_the_after_hours_phone_are_saved_with_who_and_when(estate):
    """R1.4: the after-hours phone (monitoring room) and the office hours are the property's own."""
    c = login("admin")
    r = c.post("/desk/YGJY/setup/", {"part": "settings", **SETTINGS})
    assert r.status_code == 302
    prop = ygjy()
    assert (prop.office_opens, prop.office_closes) == (datetime.time(8), datetime.time(18))
    assert prop.after_hours_phone == "0731-88880000"
    last = setup_history(prop)[0]
    assert last.user.username == "admin" and "0731-88880000" in last.change_message
    page = c.get("/desk/YGJY/setup/").content.decode()
    assert "0731-88880000" in page and "设置已保存" in page
    # Saving the same again is no change and no new history.
    c.post("/desk/YGJY/setup/", {"part": "settings", **SETTINGS})
    assert len(setup_history(prop)) == 1


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("time_zone", "Mars/Olympus", "没有时区"),
        ("office_closes", "07:00", "下班时间"),
        ("office_opens", "8点", "08:30"),
        ("after_hours_phone", "12345", "电话"),
    ],
)
def test_bad_settings_change_nothing_and_say_why(estate, field, value, said):
    c = login("admin")
    r = c.post("/desk/YGJY/setup/", {"part": "settings", **SETTINGS, field: value})
    assert r.status_code == 422 and said in r.content.decode()
    assert ygjy().office_opens == datetime.time(8, 30) and not setup_history(ygjy())


def test_time_limits_change_and_go_back_to_the_defaults(estate):
    """R2.16: the promise's time limits are the property's; reset puts the defaults back."""
    c = login("admin")
    row = PromisePolicy.objects.filter(property=ygjy()).order_by("id").first()
    assert row is not None
    default = row.minutes
    c.post("/desk/YGJY/setup/", {"part": "limit", "policy": row.pk, "minutes": default + 15, "emergency_minutes": ""})
    row.refresh_from_db()
    assert row.minutes == default + 15 and row.emergency_minutes is None
    bad = c.post("/desk/YGJY/setup/", {"part": "limit", "policy": row.pk, "minutes": "0"})
    assert bad.status_code == 422
    c.post("/desk/YGJY/setup/", {"part": "limits_reset"})
    row.refresh_from_db()
    assert row.minutes == default
    said = [e.change_message for e in setup_history(ygjy())]
    assert len(said) == 2 and "默认" in said[0]


def test_follow_up_windows_change_and_go_back_to_the_defaults(estate):
    """R6.1-R6.2: the follow-up window and coverage of a service are the property's own."""
    c = login("admin")
    c.post(
        "/desk/YGJY/setup/",
        {"part": "window", "service": "repair", "window_from_days": 20, "window_to_days": 50, "coverage_percent": 90},
    )
    prop = ygjy()
    assert window_for(prop.pk, "repair").coverage == 90
    bad = c.post(
        "/desk/YGJY/setup/",
        {"part": "window", "service": "repair", "window_from_days": 20, "window_to_days": 10, "coverage_percent": 90},
    )
    assert bad.status_code == 422 and window_for(prop.pk, "repair").to_days == 50
    c.post("/desk/YGJY/setup/", {"part": "windows_reset"})
    assert not FollowUpPolicy.objects.filter(property=prop).exists() and window_for(prop.pk, "repair").coverage == 80


def test_teams_trades_and_channels(estate):
    c = login("admin")
    c.post("/desk/YGJY/setup/", {"part": "trade", "code": "pest_control", "trade_name": "消杀"})
    c.post("/desk/YGJY/setup/", {"part": "team", "name": "消杀班", "trades": ["pest_control", "civil"]})
    team = Team.objects.get(property=ygjy(), name="消杀班")
    assert sorted(t.code for t in team.trades.all()) == ["civil", "pest_control"]
    again = c.post("/desk/YGJY/setup/", {"part": "team", "name": "消杀班", "trades": []})
    assert again.status_code == 422 and "已有" in again.content.decode()
    unknown = c.post("/desk/YGJY/setup/", {"part": "team", "name": "新班", "trades": ["nope"]})
    assert unknown.status_code == 422 and "nope" in unknown.content.decode()
    c.post("/desk/YGJY/setup/", {"part": "team", "team": team.pk, "name": "消杀组", "trades": ["pest_control"]})
    team.refresh_from_db()
    assert team.name == "消杀组" and [t.code for t in team.trades.all()] == ["pest_control"]

    bad = c.post("/desk/YGJY/setup/", {"part": "channel", "channel_name": "工程群", "url": "ftp://x", "team": team.pk})
    assert bad.status_code == 422 and not ChannelRoute.objects.exists()
    c.post(
        "/desk/YGJY/setup/", {"part": "channel", "channel_name": "工程群", "url": "wecombot://KEY1", "team": team.pk}
    )
    route = ChannelRoute.objects.get(name="工程群")
    c.post("/desk/YGJY/setup/", {"part": "channel_active", "channel": route.pk, "active": "0"})
    route.refresh_from_db()
    assert not route.active
    assert len(setup_history(ygjy())) == 5


def test_units_are_made_in_bulk_skipping_floors(estate):
    """A building of 18 floors, 4 a floor, without floors 4, 13 and 14: 60 units, numbered 9-1202."""
    c = login("admin")
    form = {
        "part": "units",
        "building_code": "9",
        "building_name": "9栋",
        "floor_from": 1,
        "floor_to": 18,
        "per_floor": 4,
        "skip_floors": "4、13，14",
    }
    assert c.post("/desk/YGJY/setup/", form).status_code == 302
    units = Unit.objects.filter(property=ygjy(), building__code="9")
    assert units.count() == 15 * 4
    assert not units.filter(floor__in=[4, 13, 14]).exists()
    assert unit_at(ygjy(), "9栋1202室").label == "9-1202"  # type: ignore[union-attr]
    c.post("/desk/YGJY/setup/", form)  # again: nothing new
    assert units.count() == 60
    bad = c.post("/desk/YGJY/setup/", {**form, "building_code": "10", "skip_floors": "四楼"})
    assert bad.status_code == 422 and "四楼" in bad.content.decode()
    assert not Unit.objects.filter(building__code="10").exists()


@pytest.mark.parametrize("username", ["ygjy-manager", "ygjy-agent", "leader", "resident"])
def test_only_the_administrator_sets_a_property_up(estate, username):
    r = login(username).post("/desk/YGJY/setup/", {"part": "settings", **SETTINGS})
    assert r.status_code in (302, 403) and not setup_history(ygjy())
    assert login(username).get("/desk/YGJY/setup/").status_code in (302, 403)


def test_an_administrator_of_another_company_does_not_see_the_property(estate):
    other = Company.objects.create(name="另一家物业")
    User.objects.create_user("other-admin", password="x" * 12, role=Role.ADMINISTRATOR, company=other)
    from django.test import Client

    c = Client()
    c.login(username="other-admin", password="x" * 12)
    assert c.get("/desk/YGJY/setup/").status_code == 404
    assert c.post("/desk/YGJY/setup/", {"part": "settings", **SETTINGS}).status_code == 404


def test_the_api_has_the_same_setup(api):
    admin = api("admin")
    got = admin.get("/setup/YGJY").json()
    assert got["office_opens"] == "08:30" and got["limits"] and got["teams"]
    r = admin.client.put("/api/v1/setup/YGJY/settings", SETTINGS, content_type="application/json")
    assert r.status_code == 200 and r.json()["after_hours_phone"] == "0731-88880000"
    assert r.json()["history"][0]["by"] == "admin"
    bad = admin.client.put(
        "/api/v1/setup/YGJY/settings", {**SETTINGS, "time_zone": "Nowhere"}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "time_zone"
    made = admin.post("/setup/YGJY/units", {"building_code": "B", "floor_to": 3, "per_floor": 2})
    assert made.status_code == 201 and made.json() == {"changed": 6}
    assert admin.post("/setup/YGJY/units", {"building_code": "B", "floor_to": 3, "per_floor": 2}).json() == {
        "changed": 0
    }
    team = admin.post("/setup/YGJY/teams", {"name": "绿化班", "trades": ["civil"]})
    assert team.status_code == 201
    assert admin.post("/setup/YGJY/limits/reset").json()["changed"] == 0
    assert admin.post("/setup/YGJY/followups/reset").status_code == 200
    assert api("ygjy-manager").get("/setup/YGJY").status_code == 403
    assert api("ygjy-agent").post("/setup/YGJY/limits/reset").status_code == 403


def test_the_administrator_adds_a_property_of_its_company(estate, api):
    c = login("admin")
    r = c.post(
        "/desk/YGJY/setup/",
        {"part": "property_add", "property_name": "新华苑", "property_code": "xhy", "kind": "residential"},
    )
    assert r.status_code == 302 and r["Location"] == "/desk/XHY/setup/"
    prop = Property.objects.get(code="XHY")
    assert prop.company.name == ygjy().company.name and PromisePolicy.objects.filter(property=prop).exists()
    assert setup_history(prop)[0].user.username == "admin"
    taken = c.post(
        "/desk/YGJY/setup/",
        {"part": "property_add", "property_name": "另一个", "property_code": "XHY", "kind": "office"},
    )
    assert taken.status_code == 422 and "XHY" in taken.content.decode()
    made = api("admin").post("/setup", {"name": "东方大厦", "code": "DFDS", "kind": "office"})
    assert made.status_code == 201 and made.json()["property"] == "DFDS"
    assert api("admin").post("/setup", {"name": "x", "code": "!", "kind": "office"}).status_code == 422
    assert api("leader").post("/setup", {"name": "东方", "code": "DF", "kind": "office"}).status_code == 403


def test_the_admin_opens_to_the_administrator_scoped_to_its_company(estate):
    from catalog.models import Category, ServiceItem

    other = Company.objects.create(name="另一家物业")
    theirs = Property.objects.create(company=other, name="别家小区", code="BJ", kind="residential")
    ServiceItem.objects.create(
        company=other, code="ZZ-99", name="别家的项目", category=Category.objects.get(code="plumbing")
    )
    c = login("admin")
    assert c.get("/admin/").status_code == 200
    units = c.get("/admin/estates/unit/?q=3-1202").content.decode()
    assert "3-1202" in units
    properties = c.get("/admin/estates/property/").content.decode()
    assert "阳光嘉园小区" in properties and theirs.name not in properties
    items = c.get("/admin/catalog/serviceitem/").content.decode()
    assert "ZZ-99" not in items and c.get("/admin/catalog/serviceitem/add/").status_code == 200
    assert c.get("/admin/catalog/category/").status_code == 200  # shared: read only
    assert c.get("/admin/catalog/category/add/").status_code == 403
    me = User.objects.get(username="admin")
    page = c.get(f"/admin/people/user/{me.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page and 'name="groups"' not in page
    assert login("ygjy-manager").get("/admin/").status_code == 302  # not staff: the admin's login


def test_every_part_of_the_setup_through_the_api(api):
    admin = api("admin").client
    got = admin.get("/api/v1/setup/YGJY").json()
    limit = got["limits"][0]

    def put(path: str, body: dict) -> Any:
        return admin.put(f"/api/v1/setup/YGJY{path}", body, content_type="application/json")

    assert put(f"/limits/{limit['id']}", {"minutes": limit["minutes"] + 5}).status_code == 200
    assert put("/limits/999999", {"minutes": 5}).status_code == 404
    w = put("/followups/repair", {"window_from_days": 10, "window_to_days": 40, "coverage_percent": 70})
    assert (
        w.status_code == 200
        and {"service": "repair", "from_days": 10, "to_days": 40, "coverage": 70, "default": False}
        in w.json()["windows"]
    )
    assert (
        put("/followups/nothing", {"window_from_days": 1, "window_to_days": 2, "coverage_percent": 3}).status_code
        == 422
    )
    assert (
        admin.post(
            "/api/v1/setup/YGJY/trades", {"code": "pest_control", "name": "消杀"}, content_type="application/json"
        ).status_code
        == 201
    )
    assert (
        admin.post(
            "/api/v1/setup/YGJY/trades", {"code": "Pest Control", "name": "消杀"}, content_type="application/json"
        ).status_code
        == 422
    )
    team = got["teams"][0]
    changed = put(f"/teams/{team['id']}", {"name": team["name"], "trades": ["pest_control"]})
    assert changed.status_code == 200 and changed.json()["trades"] == ["pest_control"]
    assert put("/teams/999999", {"name": "x"}).status_code == 404
    made = admin.post(
        "/api/v1/setup/YGJY/channels",
        {"name": "值班群", "url": "dingtalk://TOKEN/", "role": "night_duty"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["active"]
    assert (
        admin.post(
            "/api/v1/setup/YGJY/channels",
            {"name": "x", "url": "wecombot://K", "role": "cook"},
            content_type="application/json",
        ).status_code
        == 422
    )
    assert (
        admin.post(
            "/api/v1/setup/YGJY/channels",
            {"name": "x", "url": "wecombot://K", "team": 999999},
            content_type="application/json",
        ).status_code
        == 422
    )
    off = put(f"/channels/{made.json()['id']}", {"active": False})
    assert off.status_code == 200 and not off.json()["active"]
    assert put("/channels/999999", {"active": False}).status_code == 404
    export = admin.get("/api/v1/setup/YGJY/sheets/units?format=csv").content.decode("utf-8-sig")
    assert "3,1202" in export
    history = admin.get("/api/v1/setup/YGJY").json()["history"]
    assert len(history) == 6 and all(h["by"] == "admin" for h in history)


def test_an_unknown_part_of_the_setup_page_is_refused(estate):
    r = login("admin").post("/desk/YGJY/setup/", {"part": "everything"})
    assert r.status_code == 400 and not setup_history(ygjy())
