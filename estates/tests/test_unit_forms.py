"""One form of a unit number everywhere: 3-1202, 3-01202, 3 1202, 3栋1202 and 3-1202室
find the same unit at intake, in the API's filters, at the resident's sign-up and in the
imports; an unknown unit is refused with an error naming what was typed."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import intake_post, login, raised_number, recorded, repair_draft
from estates.models import Property
from estates.selectors import places_search, unit_at, units_said
from residents.models import JoinRequest
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

FORMS = ["3-1202", "3-01202", "3 1202", "3栋1202", "3-1202室", "3幢1202号", " 3号楼 1202 "]


@pytest.mark.parametrize("typed", FORMS)
def test_every_form_names_the_same_unit(estate, typed):
    """R1.2: the unit a caller names is found whichever way it is written."""
    ygjy = Property.objects.get(code="YGJY")
    unit = unit_at(ygjy, typed)
    assert unit is not None and unit.label == "3-1202"
    assert list(units_said([ygjy.pk], typed).values_list("label", flat=True)) == ["3-1202"]


def test_a_unit_of_another_property_or_an_unknown_one_is_not_found(estate):
    ygjy = Property.objects.get(code="YGJY")
    assert unit_at(ygjy, "A-1201") is None and unit_at(ygjy, "3-9999") is None and unit_at(ygjy, "") is None
    assert [h.unit for h in places_search(ygjy, "3栋1202室")] == ["3-1202"]


def test_the_desk_intake_takes_a_unit_as_the_caller_says_it(clock):
    """R1.2: typed at the console's intake as 3栋1202室, the matter is at 3-1202."""
    number = raised_number(intake_post(login("ygjy-agent"), kind="repair", category="plumbing", place="3栋1202室"))
    assert Ticket.objects.get(number=number).unit.label == "3-1202"  # type: ignore[union-attr]


def test_an_unknown_unit_at_intake_is_refused_naming_what_was_typed(clock):
    page = intake_post(login("ygjy-agent"), place="9栋999室")
    assert page.status_code == 422 and "9栋999室" in page.content.decode()


@pytest.mark.parametrize("typed", ["a-101", "A座101", "a座0101室", "A 101"])
def test_a_building_code_in_either_case_and_a_room_with_zeros_name_the_same_unit(estate, typed):
    """R1.2: 五凌办公楼's tower A is A or a; 0101 is 101."""
    wlbg = Property.objects.get(code="WLBG")
    unit = unit_at(wlbg, typed)
    assert unit is not None and unit.label == "A-101" and unit.building.code == "A"
    assert list(units_said([wlbg.pk], typed).values_list("label", flat=True)) == ["A-101"]
    assert unit_at(wlbg, "A-10") is None and unit_at(wlbg, "B-101") is None  # a part of a room, another building
    assert unit_at(Property.objects.get(code="YGJY"), typed) is None


def test_the_api_records_and_filters_by_any_form(clock, api):
    """The API takes the unit in any form when recording and when filtering the list."""
    desk = api("ygjy-agent")
    number = recorded(desk, repair_draft(unit="3 1202"))
    assert Ticket.objects.get(number=number).unit.label == "3-1202"  # type: ignore[union-attr]
    for typed in ("3-1202", "3栋1202室", "3-01202"):
        listed = desk.get("/tickets", unit=typed)
        assert listed.status_code == 200 and number in [t["number"] for t in listed.json()["items"]], typed
    refused = desk.get("/tickets", unit="9栋999")
    assert refused.status_code == 422 and "9栋999" in refused.content.decode()
    # Another property's unit filters the account's own tickets down to none.
    theirs = api("wlbg-agent").get("/tickets", unit="3栋1202室")
    assert theirs.status_code == 200 and theirs.json()["items"] == []


def test_a_bad_unit_through_the_api_is_refused_in_english_too(clock, api):
    r = api("ygjy-agent", lang="en").post("/tickets", repair_draft(unit="3-99x"))
    assert r.status_code == 422 and "There is no unit “3-99x”" in r.content.decode()
    assert not Ticket.objects.filter(description="厨房水龙头漏水").exists()


def test_the_residents_sign_up_takes_a_unit_as_they_write_it(clock):
    """A new person asking to join writes 3栋1202室; the request is for 3-1202."""
    from residents.tests.test_sign_in import code_sent_to

    c = Client()
    form = {"property": "YGJY", "unit": "3栋1202室", "name": "王小明", "role": "family", "phone": "13711112222"}
    assert c.post("/my/join/", form).status_code == 200
    assert c.post("/my/join/", {**form, "code": code_sent_to("13711112222")}).status_code == 302
    assert JoinRequest.objects.get(phone="13711112222").unit.label == "3-1202"
    wrong = Client().post("/my/join/", {**form, "unit": "3栋9999", "phone": "13711113333"})
    assert "3栋9999" in wrong.content.decode()
