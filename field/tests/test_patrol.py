"""R1.3: a defect the technician finds on patrol is reported from the phone and lands
in the service desk's queue as a repair with channel "patrol"; a double tap records
once; bad input is told on the form and writes nothing."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from conftest import login
from estates.models import CommonArea, Unit
from tickets.models import Attachment, Ticket

URL = "/field/patrol/"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def photo(name: str = "crack.jpg") -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), "gray").save(out, "JPEG")
    out.seek(0)
    out.name = name
    return out


def key_of(page: str) -> str:
    found = re.search(r'name="key" value="([0-9a-f]{32})"', page)
    assert found, "the form carries a one-time key"
    return found.group(1)


def lobby() -> CommonArea:
    return CommonArea.objects.get(property__code="YGJY", name="3栋大堂")


def test_the_form_offers_the_places_of_the_technicians_own_property(estate):
    c = login("ygjy-tech1")
    page = c.get(URL).content.decode()
    assert "/field/patrol/" in c.get("/field/").content.decode()  # a tap away from my jobs
    assert f'value="area:{lobby().pk}"' in page
    assert f'value="unit:{Unit.objects.get(property__code="YGJY", label="3-1202").pk}"' in page
    other = Unit.objects.filter(property__code="WLBG").first()
    assert other is not None and f'value="unit:{other.pk}"' not in page
    assert 'value="plumbing"' in page and key_of(page)


def test_a_defect_is_recorded_as_a_patrol_repair_with_its_photos(estate):
    c = login("ygjy-tech1")
    key = key_of(c.get(URL).content.decode())
    r = c.post(
        URL,
        {
            "key": key,
            "place": f"area:{lobby().pk}",
            "category": "public",
            "description": "大堂吊灯不亮，灯罩有裂纹",
            "photos": [photo("a.jpg"), photo("b.jpg")],
        },
    )
    assert r.status_code == 302
    ticket = Ticket.objects.get(channel="patrol")
    assert r["Location"] == f"{URL}?done={ticket.number}"
    assert ticket.kind == "repair" and ticket.status == "new" and ticket.property.code == "YGJY"
    assert ticket.common_area == lobby() and Ticket.objects.filter(pk=ticket.pk, category__code="public").exists()
    assert ticket.urgency == "routine" and ticket.description == "大堂吊灯不亮，灯罩有裂纹"
    assert ticket.created_by is not None and ticket.created_by.username == "ygjy-tech1"
    photos = Attachment.objects.filter(ticket=ticket, kind="photo")
    assert photos.count() == 2 and set(photos.values_list("event__action", flat=True)) == {"create"}
    assert ticket.number in c.get(r["Location"]).content.decode()  # the number is shown
    # It waits for dispatch at the service desk like a call (R1.3).
    assert login("ygjy-agent").get(f"/t/{ticket.number}/").status_code == 200


def test_a_defect_in_a_unit_as_an_emergency(estate):
    c = login("ygjy-tech1")
    unit = Unit.objects.get(property__code="YGJY", label="3-1202")
    r = c.post(
        URL,
        {
            "key": key_of(c.get(URL).content.decode()),
            "place": f"unit:{unit.pk}",
            "category": "plumbing",
            "description": "楼上渗水到3-1202外墙",
            "emergency": "on",
        },
    )
    assert r.status_code == 302
    ticket = Ticket.objects.get(channel="patrol")
    assert ticket.unit == unit and ticket.urgency == "emergency"


def test_a_double_tap_records_once(estate):
    c = login("ygjy-tech1")
    form = {
        "key": key_of(c.get(URL).content.decode()),
        "place": f"area:{lobby().pk}",
        "category": "public",
        "description": "消防通道堆放杂物",
    }
    first, second = c.post(URL, form), c.post(URL, form)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Ticket.objects.filter(channel="patrol").count() == 1
    # A fresh form is another defect.
    form["key"] = key_of(c.get(URL).content.decode())
    assert c.post(URL, form).status_code == 302 and Ticket.objects.filter(channel="patrol").count() == 2


def test_a_form_changed_after_it_was_recorded_is_told_plainly_and_gets_a_new_key(estate):
    c = login("ygjy-tech1", "en")
    key = key_of(c.get(URL).content.decode())
    form = {"key": key, "place": f"area:{lobby().pk}", "category": "public", "description": "井盖松动"}
    assert c.post(URL, form).status_code == 302
    r = c.post(URL, form | {"description": "井盖松动，有异响"})  # the browser's back button, then changed
    page = r.content.decode()
    assert r.status_code == 409 and "This form was sent already" in page and key_of(page) != key
    assert Ticket.objects.filter(channel="patrol").count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"description": "  "}, "description", "Describe the defect."),
        ({"place": ""}, "place", "Pick the unit or the common area where the defect is."),
        ({"category": ""}, "category", "Pick the category of the repair."),
        ({"category": "nonsense"}, "category", "Unknown category “nonsense”."),
    ],
)
def test_bad_input_is_told_on_the_form_and_writes_nothing(estate, change, field, message):
    c = login("ygjy-tech1", "en")
    key = key_of(c.get(URL).content.decode())
    form = {"key": key, "place": f"area:{lobby().pk}", "category": "public", "description": "路灯不亮"} | change
    r = c.post(URL, form)
    page = r.content.decode()
    assert r.status_code == 422 and message in page
    assert f'id="{field}-error"' in page and f'aria-describedby="{field}-error"' in page
    assert key_of(page) == key  # nothing was written: the same form may be sent again
    assert not Ticket.objects.filter(channel="patrol").exists() and not Attachment.objects.exists()


def test_every_field_left_out_is_marked_at_once(estate):
    c = login("ygjy-tech1", "en")
    r = c.post(URL, {"key": key_of(c.get(URL).content.decode()), "place": "", "category": "", "description": ""})
    page = r.content.decode()
    assert r.status_code == 422 and "Check the fields marked below." in page
    for field in ("place", "category", "description"):
        assert f'id="{field}-error"' in page, field
    assert not Ticket.objects.filter(channel="patrol").exists()


def test_a_place_of_another_property_is_refused(estate):
    c = login("ygjy-tech1", "en")
    other = CommonArea.objects.filter(property__code="WLBG").first()
    assert other is not None
    r = c.post(
        URL,
        {
            "key": key_of(c.get(URL).content.decode()),
            "place": f"area:{other.pk}",
            "category": "public",
            "description": "x",
        },
    )
    assert r.status_code == 422 and "Pick a unit or a common area of your property." in r.content.decode()
    assert not Ticket.objects.filter(channel="patrol").exists()


def test_a_file_that_is_not_a_photo_is_refused_and_writes_nothing(estate):
    c = login("ygjy-tech1", "en")
    fake = io.BytesIO(b"%PDF-1.4 not a photo")
    fake.name = "crack.jpg"
    r = c.post(
        URL,
        {
            "key": key_of(c.get(URL).content.decode()),
            "place": f"area:{lobby().pk}",
            "category": "public",
            "description": "墙面裂缝",
            "photos": [photo(), fake],
        },
    )
    page = r.content.decode()
    assert r.status_code == 422 and "JPEG" in page and 'id="photos-error"' in page
    assert not Ticket.objects.filter(channel="patrol").exists() and not Attachment.objects.exists()


def test_the_patrol_page_is_for_technicians(estate):
    assert login("ygjy-agent").get(URL).status_code == 403
    assert login("resident").get(URL).status_code == 403
