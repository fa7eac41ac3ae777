"""Edges of the records' rules (R7.1-R7.4): the answers a page or the API gives to input
no form sends by itself, and the guards behind the forms."""

from __future__ import annotations

import base64
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from base.errors import Conflict, InvalidInput, NotFound
from conftest import T0, login
from estates.models import Household
from records import archive, keys
from records.models import ArchiveDocument, CallRequest, Handover, Key, KeyLoan

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def signature() -> str:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def home(prop: str = "YGJY", label: str = "3-1202") -> Household:
    found = Household.objects.filter(property__code=prop, unit__label=label, moved_out_on__isnull=True).first()
    assert found is not None
    return found


def test_a_document_needs_a_file_and_a_date(persona):
    """R7.1: no file, no date or a date that is no date are refused; nothing is filed."""
    agent = persona("ygjy-agent")
    base = {"by": agent, "household": home(), "type": "covenant", "title": "业主规约", "supplied_by": "builder"}
    with pytest.raises(InvalidInput, match="选择文件"):
        archive.document_add(**base, supplied_on=datetime.date(2026, 1, 1), upload=archive.Upload("", b"", 0))
    with pytest.raises(InvalidInput) as e:
        archive.document_add(**base, supplied_on=None, upload=archive.Upload("a.pdf", PDF, len(PDF)))
    assert e.value.field == "supplied_on"
    c = login("ygjy-agent")
    form = {"type": "covenant", "title": "x", "supplied_by": "builder", "supplied_on": "2026-02-30"}
    r = c.post(f"/desk/YGJY/archive/{home().pk}/documents/", {**form, "file": SimpleUploadedFile("a.pdf", PDF)})
    assert r.status_code == 422 and "年月日" in r.content.decode()
    r = c.post(f"/desk/YGJY/archive/{home().pk}/documents/", {**form, "supplied_on": ""})
    assert r.status_code == 422
    assert not ArchiveDocument.objects.exists()


def test_another_propertys_document_and_household_are_not_found(persona):
    """R7.2: the desk of one property reaches nothing of another's by changing an id."""
    doc = archive.document_add(
        by=persona("wlbg-agent"),
        household=Household.objects.filter(property__code="WLBG").first(),  # type: ignore[arg-type]
        type="other",
        title="租赁合同",
        supplied_by="resident",
        supplied_on=datetime.date(2026, 1, 1),
        upload=archive.Upload("a.pdf", PDF, len(PDF)),
    )
    c = login("ygjy-agent")
    assert c.post(f"/desk/YGJY/archive/documents/{doc.pk}/", {"reason": "x"}).status_code == 404
    assert c.post(f"/desk/YGJY/archive/{doc.household_id}/", {"reason": "x"}).status_code == 404
    with pytest.raises(NotFound):
        archive.call_request_create(by=persona("ygjy-finance"), household=doc.household, message="请回电")


def test_asking_by_unit_on_the_page_and_answering_an_unknown_request(persona):
    """R7.2: a department asks by unit; a unit with nobody living there is refused; the
    desk answering a request that is not there is told so."""
    c = login("ygjy-finance")
    assert c.get("/desk/YGJY/calls/ask/").status_code == 200
    r = c.post("/desk/YGJY/calls/ask/", {"unit": "99-9", "message": "请缴费", "key": "a"})
    assert r.status_code == 422 and "3-1202" in r.content.decode()
    r = c.post("/desk/YGJY/calls/ask/", {"unit": "3-1202", "message": "请缴费", "key": "b"})
    assert r.status_code == 302 and r["Location"] == "/desk/YGJY/calls/ask/"
    assert CallRequest.objects.get().household == home()
    r = login("ygjy-agent").post("/desk/YGJY/calls/", {"request": "999999", "reached": "yes", "outcome": "x"})
    assert r.status_code == 422


def test_the_key_rules_refuse_what_the_forms_never_send(persona, clock):
    """R7.4: an unknown purpose, area or unit; a retired key; no due time; a handover to a
    household that moved out."""
    agent = persona("ygjy-agent")
    prop = home().property
    with pytest.raises(InvalidInput):
        keys.key_add(by=agent, property=prop, code="A", name="x", purpose="party", kept_at="柜")
    with pytest.raises(InvalidInput):
        keys.key_add(by=agent, property=prop, code="A", name="x", purpose="common", kept_at="柜", area="月球")
    lobby = keys.key_add(
        by=agent, property=prop, code="A", name="大堂门", purpose="common", kept_at="柜", area="3栋大堂"
    )
    assert lobby.common_area is not None and lobby.common_area.name == "3栋大堂"
    with pytest.raises(InvalidInput):
        keys.key_lend(
            by=agent,
            key=lobby,
            borrower_kind="staff",
            borrower_name="赵",
            purpose="巡",
            due_at=None,
            signature=signature(),
        )
    Key.objects.filter(pk=lobby.pk).update(retired_at=T0)
    lobby.refresh_from_db()
    with pytest.raises(Conflict):
        keys.key_lend(
            by=agent,
            key=lobby,
            borrower_kind="staff",
            borrower_name="赵",
            purpose="巡",
            due_at=T0 + datetime.timedelta(hours=1),
            signature=signature(),
        )
    assert not KeyLoan.objects.exists()
    gone = home()
    gone.moved_out_on = datetime.date(2026, 10, 1)
    gone.save(update_fields=["moved_out_on"])
    with pytest.raises(InvalidInput):
        keys.handover_record(by=agent, household=gone, items=["keys"], received_by_name="王", signature=signature())
    assert not Handover.objects.exists()


def test_a_common_area_key_through_the_api(api):
    r = api("ygjy-agent").post(
        "/keys",
        {
            "property": "YGJY",
            "code": "P-1",
            "name": "泵房",
            "purpose": "emergency",
            "kept_at": "监控室",
            "area": "3栋大堂",
        },
    )
    assert r.status_code == 201 and r.json()["common_area"] == "3栋大堂" and r.json()["unit"] is None
    assert api("ygjy-agent").get("/keys", property="YGJY").json()[0]["common_area"] == "3栋大堂"
    assert api("ygjy-agent").get("/handovers", property="YGJY").json() == []


def test_a_key_and_a_household_are_found_by_the_unit_in_any_form(persona):
    """R7.4 with the one reading of a typed unit: 3栋1202室 is 3-1202; an unknown unit is
    named in the error."""
    from records.selectors import households_at

    agent = persona("ygjy-agent")
    prop = home().property
    key = keys.key_add(
        by=agent, property=prop, code="K1", name="入户门", purpose="renovation", kept_at="柜", unit="3栋1202室"
    )
    assert key.unit is not None and key.unit.label == "3-1202"
    assert [h.unit.label for h in households_at(prop, "3 1202")] == [home().unit.label]
    with pytest.raises(InvalidInput, match="9栋9999"):
        keys.key_add(by=agent, property=prop, code="K2", name="x", purpose="renovation", kept_at="柜", unit="9栋9999")
