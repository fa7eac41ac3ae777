"""Contingency plans (R5.4): uploaded by supervisors and managers on the console or
through the API, checked by what the file is rather than what the browser says."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from assistance import services
from assistance.models import ContingencyPlan
from base import documents
from conftest import login

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(name: str, content: bytes, claimed: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=claimed)


@pytest.mark.parametrize(
    ("name", "content", "stored_as"),
    [("火灾预案.pdf", PDF, documents.PDF), ("急救流程.docx", docx(), documents.DOCX)],
    ids=["pdf", "docx"],
)
def test_a_supervisor_uploads_a_plan_kept_as_what_it_is(estate, media, name, content, stored_as):
    page = login("ygjy-supervisor")
    r = page.post(
        "/desk/YGJY/plans/", {"category": "disaster", "title": name, "file": upload(name, content, "text/plain")}
    )
    assert r.status_code == 302
    plan = ContingencyPlan.objects.get(title=name)
    assert plan.content_type == stored_as
    assert LogEntry.objects.filter(
        object_id=str(plan.pk), action_flag=ADDITION, user__username="ygjy-supervisor"
    ).exists()
    served = page.get(f"/plan/{plan.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == plan.content_type


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (
            {"category": "disaster", "title": "假PDF", "file": upload("x.pdf", b"<html><script>alert(1)</script>")},
            "file",
        ),
        ({"category": "disaster", "title": "", "file": upload("x.pdf", PDF)}, "title"),
        ({"category": "picnic", "title": "野餐", "file": upload("x.pdf", PDF)}, "category"),
        ({"category": "disaster", "title": "没有文件"}, "file"),
    ],
    ids=["html-claiming-pdf", "no-title", "no-such-category", "no-file"],
)
def test_a_bad_plan_is_refused_clearly_and_nothing_is_kept(estate, media, form, field):
    r = login("ygjy-supervisor").post("/desk/YGJY/plans/", form)
    assert r.status_code == 422
    assert 'role="alert"' in r.content.decode()
    assert not ContingencyPlan.objects.exists()
    assert not list(media.rglob("*.*"))


def test_an_oversized_plan_is_refused(estate, media, monkeypatch):
    monkeypatch.setattr(services, "PLAN_MAX", len(PDF) - 1)
    r = login("ygjy-supervisor").post(
        "/desk/YGJY/plans/", {"category": "medical", "title": "大", "file": upload("x.pdf", PDF)}
    )
    assert r.status_code == 422 and not ContingencyPlan.objects.exists()


def test_the_desk_cannot_upload_plans(estate, media):
    r = login("ygjy-agent").post(
        "/desk/YGJY/plans/", {"category": "medical", "title": "x", "file": upload("x.pdf", PDF)}
    )
    assert r.status_code == 403 and not ContingencyPlan.objects.exists()


def test_plans_through_the_api_follow_the_same_rules(api, media):
    manager = api("ygjy-manager")
    form = {"property": "YGJY", "category": "security", "title": "治安预案"}
    r = manager.client.post("/api/v1/plans", {**form, "file": upload("p.pdf", PDF)})
    assert r.status_code == 201, r.content
    assert r.json()["content_type"] == "application/pdf"
    assert [p["title"] for p in api("ygjy-agent").get("/plans", property="YGJY").json()] == ["治安预案"]
    bad = manager.client.post("/api/v1/plans", {**form, "file": upload("p.pdf", b"MZ\x90\x00 not a pdf")})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "file"
    refused = api("ygjy-agent").client.post("/api/v1/plans", {**form, "file": upload("p.pdf", PDF)})
    assert refused.status_code == 403
    assert api("wlbg-manager").get("/plans", property="YGJY").status_code == 404
    assert ContingencyPlan.objects.count() == 1
