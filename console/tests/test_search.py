"""The desk's one search box: numbers in any case, phones by their last four digits,
units in any common form, names and words; open matters first; only what the user may
see; on the page and in the API."""

from __future__ import annotations

import pytest

from conftest import login, recorded, repair_draft
from estates.selectors import unit_said


@pytest.mark.parametrize("typed", ["5-0301", "5-301", "5 301", "5栋301", "5-301室", "5幢301", "5号楼0301"])
def test_a_unit_in_any_common_form_is_the_same_unit(typed):
    assert unit_said(typed) == ("5", "301")


def test_not_a_unit():
    assert unit_said("漏水") is None and unit_said("13800138000") is None


def test_search_by_number_phone_unit_name_and_words(clock, api):
    desk = api("ygjy-agent")
    leak = recorded(
        desk,
        repair_draft(
            unit="3-1202", reporter_phone="13912345678", reporter_name="欧阳娜娜", description="卫生间天花板漏水"
        ),
    )
    other = recorded(desk, repair_draft(unit="1-101", reporter_phone="13900001111", description="门锁坏了"))
    c = login("ygjy-agent")

    def found(q: str) -> str:
        r = c.get("/desk/search/", {"q": q})
        assert r.status_code == 200
        return r.content.decode()

    assert leak in found(leak.lower()[-6:]) and other not in found(leak.lower()[-6:])
    assert c.get("/desk/search/", {"q": leak.lower()})["Location"] == f"/t/{leak}/"  # a whole number opens it
    page = found("5678")
    assert leak in page and other not in page
    assert leak in found("3栋1202室") and other not in found("3栋1202室")
    assert leak in found("欧阳娜娜") and leak in found("天花板")
    assert other in found("门锁") and leak not in found("门锁")
    assert "没有找到" in found("火箭发射")


def test_open_matters_come_first(clock, api):
    desk = api("ygjy-agent")
    first = recorded(desk, repair_draft(description="阳台漏水一"))
    assert desk.act(first, "cancel", {"reason": "重复"}).status_code == 200
    second = recorded(desk, repair_draft(description="阳台漏水二"))
    numbers = [t["number"] for t in desk.get("/tickets/search", q="阳台漏水").json()]
    assert numbers == [second, first]


def test_search_finds_only_what_the_user_may_see(clock, api):
    mine = recorded(api("ygjy-agent"), repair_draft(description="电梯异响"))
    assert api("wlbg-agent").get("/tickets/search", q="电梯异响").json() == []
    assert mine not in login("wlbg-agent").get("/desk/search/", {"q": "电梯异响"}).content.decode()
    assert login("resident").get("/desk/search/", {"q": "电梯"}).status_code == 403
    assert [t["number"] for t in api("ygjy-agent").get("/tickets/search", q="电梯异响").json()] == [mine]


def test_every_console_page_has_the_box(clock):
    page = login("ygjy-agent").get("/desk/YGJY/new/").content.decode()
    assert 'id="top-search"' in page and "keys.js" in page
