"""The household archive (R7.1-R7.2): only the service desk opens it; a head of another
department reads a record only through the desk, which names them; every read writes one
row of an append-only access log the manager reads; bad files are refused by content;
technicians, finance and security see no household phone on a ticket's page, its work
order or the API, and ask the desk to call instead (docs/records.md)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from base.errors import Forbidden
from conftest import login, repair_draft
from estates.models import Household
from records import archive
from records.models import ArchiveAccess, ArchiveDocument, CallRequest

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def home(label: str = "3-1202", prop: str = "YGJY") -> Household:
    found = Household.objects.filter(unit__label=label, property__code=prop, moved_out_on__isnull=True).first()
    assert found is not None
    return found


def filed(persona, household: Household | None = None, content: bytes = PDF) -> ArchiveDocument:
    return archive.document_add(
        by=persona("ygjy-agent"),
        household=household or home(),
        type="covenant",
        title="业主规约",
        supplied_by="builder",
        supplied_on=datetime.date(2026, 1, 5),
        upload=archive.Upload("covenant.pdf", content, len(content)),
    )


def reads() -> int:
    return ArchiveAccess.objects.exclude(what=ArchiveAccess.What.ADDED).count()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), "white").save(out, "PNG")
    return out.getvalue()


def test_the_engineering_head_reading_a_document_directly_is_refused_and_nothing_is_written(api, persona):
    """R7.2: a head of another department cannot open the archive itself, by the API or
    the page; nothing is written to the access log."""
    doc = filed(persona)
    before = reads()
    r = api("ygjy-engineer").post(f"/archive/documents/{doc.pk}/open", {"reason": "查图纸"})
    assert r.status_code == 403 and "客服中心" in r.json()["detail"]
    r = api("ygjy-engineer").post(f"/archive/households/{doc.household_id}/read", {"reason": "查图纸"})
    assert r.status_code == 403
    c = login("ygjy-engineer")
    assert c.post(f"/desk/YGJY/archive/documents/{doc.pk}/", {"reason": "查图纸"}).status_code == 403
    assert c.get("/desk/YGJY/archive/?unit=3-1202").status_code == 403
    for who in ("ygjy-tech1", "ygjy-finance", "ygjy-security", "ygjy-manager", "resident"):
        assert api(who).post(f"/archive/documents/{doc.pk}/open", {"reason": "x"}).status_code in (403, 404)
    assert reads() == before


def test_the_desk_opening_a_document_for_the_engineering_head_writes_one_row_with_both_names(api, persona):
    """R7.2: the desk opens the record for the head; one access row names both, with the
    reason; the file comes in the answer and is not cached."""
    doc = filed(persona)
    before = reads()
    r = api("ygjy-agent").post(
        f"/archive/documents/{doc.pk}/open", {"reason": "装修图纸核对", "for_user": "ygjy-engineer"}
    )
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert r["Content-Type"] == "application/pdf" and r["Cache-Control"] == "no-store"
    assert reads() == before + 1
    row = ArchiveAccess.objects.order_by("-id")[0]
    assert (row.by_name, row.for_name, row.reason, row.document_id, row.what) == (
        str(persona("ygjy-agent")),
        str(persona("ygjy-engineer")),
        "装修图纸核对",
        doc.pk,
        "document",
    )
    # The page does the same.
    r = login("ygjy-agent").post(
        f"/desk/YGJY/archive/documents/{doc.pk}/", {"reason": "复核", "for_user": "ygjy-engineer"}
    )
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    assert reads() == before + 2


def test_a_document_is_opened_only_for_a_head_of_another_department(api, persona):
    """R7.2: naming a technician, finance or an unknown account is refused; nothing written."""
    doc = filed(persona)
    before = reads()
    for name in ("ygjy-tech1", "ygjy-finance", "wlbg-engineer", "nobody"):
        r = api("ygjy-agent").post(f"/archive/documents/{doc.pk}/open", {"reason": "查", "for_user": name})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "for_user", name
    r = api("ygjy-agent").post(f"/archive/documents/{doc.pk}/open", {"reason": "  "})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    assert reads() == before


def test_reading_the_personal_details_writes_one_row_and_shows_the_phones(api, persona):
    """R7.2: the household's residents and phones with the archive's documents, one access
    row per read; the page asks for a reason before it shows anything personal."""
    doc = filed(persona)
    h = home()
    phone = h.residents.all()[0].phone
    before = reads()
    r = api("ygjy-supervisor").post(f"/archive/households/{h.pk}/read", {"reason": "住户来访"})
    assert r.status_code == 200
    data = r.json()
    assert phone in [x["phone"] for x in data["residents"]] and data["documents"][0]["id"] == doc.pk
    assert data["access"]["by"] == str(persona("ygjy-supervisor")) and data["access"]["for_name"] == ""
    assert reads() == before + 1
    c = login("ygjy-agent")
    search = c.get("/desk/YGJY/archive/?unit=3-1202").content.decode()
    assert phone not in search and "请勿复制" in search
    page = c.post(f"/desk/YGJY/archive/{h.pk}/", {"reason": "维修预约"})
    assert page.status_code == 200 and phone in page.content.decode() and page["Cache-Control"] == "no-store"
    assert reads() == before + 2
    assert c.post(f"/desk/YGJY/archive/{h.pk}/", {"reason": ""}).status_code == 422
    assert reads() == before + 2
    # Another property's desk does not reach it.
    assert api("wlbg-agent").post(f"/archive/households/{h.pk}/read", {"reason": "x"}).status_code == 404
    assert reads() == before + 2


def test_the_access_log_is_read_by_the_manager_and_nobody_edits_or_deletes_it(api, persona):
    """R7.2: the manager reads every access; the desk does not; rows cannot change."""
    doc = filed(persona)
    api("ygjy-agent").post(f"/archive/documents/{doc.pk}/open", {"reason": "核对", "for_user": "ygjy-engineer"})
    r = api("ygjy-manager").get("/archive/log", property="YGJY")
    assert r.status_code == 200
    top = r.json()[0]
    assert top["what"] == "document" and top["for_name"] == str(persona("ygjy-engineer"))
    assert api("ygjy-agent").get("/archive/log", property="YGJY").status_code == 403
    page = login("ygjy-manager").get("/desk/YGJY/archive/log/")
    assert page.status_code == 200 and "核对" in page.content.decode()
    assert login("ygjy-agent").get("/desk/YGJY/archive/log/").status_code == 403
    row = ArchiveAccess.objects.order_by("-id")[0]
    row.reason = "改"
    with pytest.raises(Forbidden):
        row.save()
    with pytest.raises(Forbidden):
        row.delete()
    with pytest.raises(Forbidden):
        ArchiveAccess.objects.filter(pk=row.pk).update(reason="改")
    with pytest.raises(Forbidden):
        ArchiveAccess.objects.filter(pk=row.pk).delete()
    assert ArchiveAccess.objects.get(pk=row.pk).reason == "核对"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database's own guard is on PostgreSQL")
def test_the_database_refuses_to_change_the_access_log(persona):
    """R7.2: even a raw UPDATE or DELETE is refused by PostgreSQL's trigger."""
    from django.db import DatabaseError, transaction

    filed(persona)
    for sql in ("UPDATE records_archiveaccess SET reason = 'x'", "DELETE FROM records_archiveaccess"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert ArchiveAccess.objects.exclude(reason="x").exists()


def test_a_document_of_the_wrong_type_or_over_the_limit_is_refused_and_nothing_is_written(api, persona):
    """R7.1: a PDF or a picture told by content, at most 10 MB; clear messages, no row, no read."""
    h = home()
    desk = api("ygjy-agent")

    def send(content: bytes, name: str = "x.pdf", **over) -> Any:
        form = {"type": "covenant", "title": "业主规约", "supplied_by": "builder", "supplied_on": "2026-01-05"}
        form.update(over)
        return desk.client.post(
            f"/api/v1/archive/households/{h.pk}/documents", {**form, "file": SimpleUploadedFile(name, content)}
        )

    r = send(b"MZ\x90\x00 not a pdf at all", name="evil.pdf")
    assert r.status_code == 422 and "PDF" in r.json()["detail"]
    big = b"%PDF-1.4\n" + b"0" * (archive.DOCUMENT_MAX + 10) + b"\n%%EOF\n"
    r = send(big)
    assert r.status_code == 422 and "10 MB" in r.json()["detail"]
    assert send(PDF, type="passport").status_code == 422
    assert send(PDF, supplied_by="someone").status_code == 422
    r = send(PDF, supplied_on="2099-01-01")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "supplied_on"
    assert not ArchiveDocument.objects.exists() and not ArchiveAccess.objects.exists()
    r = send(png(), name="scan.png", type="drawings")
    assert r.status_code == 201 and r.json()["content_type"] == "image/png"
    assert (
        api("ygjy-engineer")
        .client.post(
            f"/api/v1/archive/households/{h.pk}/documents",
            {
                "type": "drawings",
                "title": "x",
                "supplied_by": "engineering",
                "supplied_on": "2026-01-05",
                "file": SimpleUploadedFile("a.pdf", PDF),
            },
        )
        .status_code
        == 403
    )
    # The page files one too, and refuses a bad one with the message.
    c = login("ygjy-agent")
    form = {"type": "move_in", "title": "入伙接楼表", "supplied_by": "service_desk", "supplied_on": "2026-02-01"}
    r = c.post(f"/desk/YGJY/archive/{h.pk}/documents/", {**form, "file": SimpleUploadedFile("a.txt", b"hello")})
    assert r.status_code == 422 and "PDF" in r.content.decode()
    r = c.post(f"/desk/YGJY/archive/{h.pk}/documents/", {**form, "file": SimpleUploadedFile("a.pdf", PDF)})
    assert r.status_code == 302 and ArchiveDocument.objects.filter(type="move_in").count() == 1
    stored = ArchiveDocument.objects.get(type="move_in")
    assert (
        "/media/" not in stored.file.url
        or not login("ygjy-agent").get("/" + stored.file.url.lstrip("/")).status_code == 200
    )


@pytest.mark.parametrize("who", ["ygjy-tech1", "ygjy-finance", "ygjy-security"])
def test_technicians_finance_and_security_see_no_household_phone(api, persona, who):
    """R7.2: a ticket's page, the API's answers and the work order carry the place and the
    job, never the household's phone; the desk sees it."""
    desk = api("ygjy-agent")
    number = desk.post("/tickets", repair_draft()).json()["number"]
    assert desk.act(number, "dispatch", {"assignee": "ygjy-tech1"}).status_code == 200
    phones = {"13800138000", *home().residents.values_list("phone", flat=True)}
    assert desk.get(f"/tickets/{number}").json()["reporter_phone"] == "13800138000"
    reader = api(who)
    one = reader.get(f"/tickets/{number}")
    listed = reader.get("/tickets")
    found = reader.get("/tickets/search", q=number)
    assert one.status_code == 200 and one.json()["reporter_phone"] is None
    for r in (one, listed, found):
        assert not any(p in r.content.decode() for p in phones), who
    c = login(who)
    page = c.get(f"/t/{number}/", follow=True).content.decode()
    assert number in page and not any(p in page for p in phones)
    assert "ask" in page.lower() or "请客服" in page


def test_another_department_asks_the_desk_to_call_and_never_sees_the_number(api, persona):
    """R7.2: a "please call" request lands on the desk's queue with the number; the asker's
    answer carries none; the desk answers once; a retried request asks once."""
    desk = api("ygjy-agent")
    number = desk.post("/tickets", repair_draft()).json()["number"]
    desk.act(number, "dispatch", {"assignee": "ygjy-tech1"})
    tech = api("ygjy-tech1")
    body = {"property": "YGJY", "ticket": number, "message": "请约明早九点上门"}
    r = tech.post("/call-requests", body, **{"Idempotency-Key": "k1"})
    assert r.status_code == 201 and r.json()["phones"] is None
    assert tech.post("/call-requests", body, **{"Idempotency-Key": "k1"}).json()["id"] == r.json()["id"]
    assert CallRequest.objects.count() == 1
    r2 = api("ygjy-finance").post("/call-requests", {"property": "YGJY", "unit": "3-1202", "message": "请缴费"})
    assert r2.status_code == 201
    assert (
        api("ygjy-finance").post("/call-requests", {"property": "YGJY", "unit": "9-9999", "message": "x"}).status_code
        == 422
    )
    assert api("ygjy-tech1").get("/call-requests", property="YGJY").status_code == 403
    queue = desk.get("/call-requests", property="YGJY").json()
    assert [q["message"] for q in queue] == ["请约明早九点上门", "请缴费"]
    assert set(queue[0]["phones"]) == set(home().residents.values_list("phone", flat=True))
    page = login("ygjy-agent").get("/desk/YGJY/calls/").content.decode()
    assert "请约明早九点上门" in page and queue[0]["phones"][0] in page
    cid = r.json()["id"]
    assert desk.post(f"/call-requests/{cid}/answer", {"reached": True}).status_code == 422  # what came of it?
    done = desk.post(f"/call-requests/{cid}/answer", {"reached": True, "outcome": "明早九点在家"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert desk.post(f"/call-requests/{cid}/answer", {"reached": False}).status_code == 409
    assert desk.post("/call-requests/999999/answer", {"reached": False}).status_code == 404
    # The pages: the technician asks from the job page; the desk answers on its queue.
    c = login("ygjy-tech1")
    job = c.get(f"/field/j/{number}/").content.decode()
    assert "请客服" in job and not any(p in job for p in queue[0]["phones"])
    r = c.post(
        "/desk/YGJY/calls/ask/", {"ticket": number, "message": "改约下午", "next": f"/field/j/{number}/", "key": "p1"}
    )
    assert r.status_code == 302 and r["Location"] == f"/field/j/{number}/"
    assert c.post("/desk/YGJY/calls/ask/", {"ticket": number, "message": "", "key": "p2"}).status_code == 422
    row = CallRequest.objects.get(message="改约下午")
    desk_page = login("ygjy-agent")
    r = desk_page.post("/desk/YGJY/calls/", {"request": row.pk, "reached": "no"})
    assert r.status_code == 302 and CallRequest.objects.get(pk=row.pk).status == "unreached"
    assert desk_page.post("/desk/YGJY/calls/", {"request": row.pk, "reached": "no"}).status_code == 409
    assert desk_page.get("/desk/YGJY/calls/ask/?ticket=" + number).status_code == 200


def test_a_phone_number_finds_nothing_for_those_who_may_not_see_it(api):
    """R7.2: searching by the household's phone would tell finance whose number it is;
    it finds the matter for the desk only."""
    desk = api("ygjy-agent")
    number = desk.post("/tickets", repair_draft(reporter_phone="13800138123")).json()["number"]
    assert number in [t["number"] for t in desk.get("/tickets/search", q="13800138123").json()]
    assert number in [t["number"] for t in desk.get("/tickets/search", q="8123").json()]
    assert number in [t["number"] for t in desk.get("/tickets", q="13800138123").json()["items"]]
    for who in ("ygjy-finance", "ygjy-security"):
        assert api(who).get("/tickets/search", q="13800138123").json() == []
        assert api(who).get("/tickets/search", q="8123").json() == []
        assert api(who).get("/tickets", q="13800138123").json()["items"] == []
