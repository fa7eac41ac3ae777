"""The key register (R7.3-R7.4): keys lent against the borrower's signature with a time
due back, returned with who received them; a key late back shows once on the desk and
tells the desk supervisors once; items handed to a resident against their signature;
bad input refused with nothing written (docs/records.md)."""

from __future__ import annotations

import base64
import datetime
import io

import pytest
from PIL import Image

from conftest import T0, login
from notify.models import Notification
from records.models import Handover, Key, KeyLoan
from records.tasks import key_loans_overdue

HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def signature() -> str:
    out = io.BytesIO()
    Image.new("RGB", (60, 30), "white").save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def a_key(api, code: str = "K-3-1202") -> int:
    r = api("ygjy-agent").post(
        "/keys",
        {
            "property": "YGJY",
            "code": code,
            "name": "3栋1202室入户门",
            "purpose": "renovation",
            "kept_at": "客服中心钥匙柜A",
            "unit": "3-1202",
        },
    )
    assert r.status_code == 201, r.content
    return r.json()["id"]


def lend(api, key_id: int, who: str = "ygjy-agent", **over):
    body = {
        "borrower_kind": "contractor",
        "borrower_name": "李师傅",
        "borrower_phone": "13912345678",
        "purpose": "装修进场",
        "due_at": (T0 + 8 * HOUR).isoformat(),
        "signature": signature(),
    }
    body.update(over)
    return api(who).post(f"/keys/{key_id}/lend", body)


def test_a_key_is_lent_against_a_signature_and_returned(api, clock, persona):
    """R7.4: key, borrower, purpose, time out, due back, signature; time back and who
    received it; the key is out once at a time and a retried lend lends once."""
    key_id = a_key(api)
    r = lend(api, key_id, **{})
    assert r.status_code == 201
    loan = KeyLoan.objects.get()
    assert (loan.borrower_name, loan.purpose, loan.out_at, loan.due_at) == ("李师傅", "装修进场", T0, T0 + 8 * HOUR)
    assert loan.signature.read()[:8] == b"\x89PNG\r\n\x1a\n"
    assert lend(api, key_id).status_code == 409  # out already
    register = api("ygjy-agent").get("/keys", property="YGJY").json()
    assert register[0]["loan"]["borrower_name"] == "李师傅"
    clock.shift(3600)
    back = api("ygjy-supervisor").post(f"/keys/{key_id}/return")
    assert back.status_code == 200 and back.json()["received_by"] == str(persona("ygjy-supervisor"))
    assert KeyLoan.objects.get().returned_at == T0 + HOUR
    again = api("ygjy-agent").post(f"/keys/{key_id}/return")
    assert again.status_code == 409 and "没有借出" in again.json()["detail"]
    # A retry under one Idempotency-Key lends once.
    first = api("ygjy-agent").post(
        f"/keys/{key_id}/lend",
        {
            "borrower_kind": "staff",
            "borrower_name": "张工",
            "purpose": "检修",
            "due_at": (T0 + 5 * HOUR).isoformat(),
            "signature": signature(),
        },
        **{"Idempotency-Key": "lend-1"},
    )
    agent = api("ygjy-agent")
    second = agent.client.post(
        f"/api/v1/keys/{key_id}/lend",
        {
            "borrower_kind": "staff",
            "borrower_name": "张工",
            "purpose": "检修",
            "due_at": (T0 + 5 * HOUR).isoformat(),
            "signature": signature(),
        },
        content_type="application/json",
        headers={"Idempotency-Key": "lend-1"},
    )
    assert first.status_code == 201 and second.status_code == 409 or second.json()["id"] == first.json()["id"]
    assert KeyLoan.objects.count() == 2
    assert [x["borrower_name"] for x in api("ygjy-agent").get("/key-loans", property="YGJY").json()] == [
        "张工",
        "李师傅",
    ]


def test_bad_loans_are_refused_and_nothing_is_written(api, clock):
    """R7.4: a due time in the past or beyond 90 days, no signature, a picture that is not
    one, no borrower; another department lending; clear messages, no loan."""
    key_id = a_key(api)
    cases = [
        ({"due_at": (T0 - 24 * HOUR).isoformat()}, "due_at", "已过"),
        ({"due_at": (T0 + 100 * 24 * HOUR).isoformat()}, "due_at", "90"),
        ({"signature": ""}, "signature", "签名"),
        ({"signature": "data:image/png;base64," + base64.b64encode(b"not a png").decode()}, "signature", ""),
        ({"borrower_name": " "}, "borrower_name", ""),
        ({"borrower_kind": "thief"}, "borrower_kind", ""),
        ({"borrower_phone": "12"}, "borrower_phone", ""),
    ]
    for over, field, words in cases:
        r = lend(api, key_id, **over)
        assert r.status_code == 422, over
        assert r.json()["errors"][0]["field"] == field and words in r.json()["detail"], over
    for who in ("ygjy-tech1", "ygjy-engineer", "ygjy-finance"):
        assert lend(api, key_id, who=who).status_code == 403
    assert lend(api, key_id, who="wlbg-agent").status_code == 404
    assert not KeyLoan.objects.exists()
    assert api("ygjy-agent").post("/keys/999999/return").status_code == 404
    dup = api("ygjy-agent").post(
        "/keys", {"property": "YGJY", "code": "K-3-1202", "name": "x", "purpose": "other", "kept_at": "x"}
    )
    assert dup.status_code == 409
    bad = api("ygjy-agent").post(
        "/keys", {"property": "YGJY", "code": "K2", "name": "x", "purpose": "other", "kept_at": "x", "unit": "99-9"}
    )
    assert bad.status_code == 422 and Key.objects.count() == 1


def test_a_key_due_back_yesterday_is_overdue_on_the_desk_once_with_one_notice(api, clock, persona):
    """R7.4: late back, the loan shows once on the desk (its own list, with its countdown,
    and the queues' header) and the desk supervisor is told once, however often the
    worker runs."""
    key_id = a_key(api)
    assert lend(api, key_id, due_at=(T0 + HOUR).isoformat()).status_code == 201
    assert key_loans_overdue.call_local() == 0  # not late yet
    clock.shift(25 * 3600)  # due back yesterday
    assert key_loans_overdue.call_local() == 1
    assert key_loans_overdue.call_local() == 0
    notes = Notification.objects.filter(key__startswith="keyloan:")
    assert [n.recipient.username for n in notes if n.recipient] == ["ygjy-supervisor"]
    assert "K-3-1202" in notes[0].message and notes[0].link == "/desk/YGJY/keys/"
    page = login("ygjy-agent").get("/desk/YGJY/keys/").content.decode()
    late = page.split('id="late"')[1].split("</table>")[0]
    register = page.split('id="register"')[1].split("</table>")[0]
    assert late.count("K-3-1202") == 1 and "K-3-1202" not in register
    assert 'class="due"' in late
    queue = login("ygjy-agent").get("/desk/YGJY/new/").content.decode()
    assert queue.count("把钥匙逾期未还") == 1 or queue.count("逾期未还") == 1
    assert [x["key_code"] for x in api("ygjy-agent").get("/key-loans", property="YGJY", overdue="true").json()] == [
        "K-3-1202"
    ]
    # Returned, it is late no more.
    api("ygjy-agent").post(f"/keys/{key_id}/return")
    assert "逾期未还" not in login("ygjy-agent").get("/desk/YGJY/new/").content.decode()


def test_items_are_handed_to_a_resident_against_their_signature(api, clock):
    """R7.3: keys, cards and the manual handed over, signed by the resident on the screen;
    no signature or no item is refused; a retry records once."""
    body = {
        "property": "YGJY",
        "unit": "3-1202",
        "items": ["keys", "manual"],
        "detail": "2把钥匙",
        "received_by_name": "王芳",
        "signature": signature(),
    }
    desk = api("ygjy-agent")
    r = desk.post("/handovers", body, **{"Idempotency-Key": "h1"})
    assert r.status_code == 201 and r.json()["items"] == ["keys", "manual"]
    assert desk.post("/handovers", body, **{"Idempotency-Key": "h1"}).json()["id"] == r.json()["id"]
    assert desk.post("/handovers", {**body, "signature": ""}).status_code == 422
    assert desk.post("/handovers", {**body, "items": []}).status_code == 422
    assert desk.post("/handovers", {**body, "items": ["car"]}).status_code == 422
    assert desk.post("/handovers", {**body, "unit": "99-1"}).status_code == 422
    assert api("ygjy-security").post("/handovers", body).status_code == 403
    assert Handover.objects.count() == 1
    assert desk.get("/handovers", property="YGJY").json()[0]["received_by_name"] == "王芳"
    # The page records one too.
    c = login("ygjy-agent")
    form = {
        "do": "handover",
        "unit": "3-1202",
        "items": ["access_card"],
        "received_by_name": "王芳",
        "signature": signature(),
        "form_key": "p1",
    }
    assert c.post("/desk/YGJY/keys/", form).status_code == 302
    assert c.post("/desk/YGJY/keys/", {**form, "signature": "", "form_key": "p2"}).status_code == 422
    assert Handover.objects.count() == 2 and "门禁卡" in c.get("/desk/YGJY/keys/").content.decode()


def test_the_keys_page_lends_returns_and_adds(api, clock):
    """R7.4 on the desk's page: add a key, lend it with the signature, take it back; a bad
    form says why and writes nothing; only the desk opens the page."""
    c = login("ygjy-agent")
    assert (
        c.post(
            "/desk/YGJY/keys/",
            {"do": "add", "code": "E-1", "name": "水泵房", "purpose": "emergency", "kept_at": "监控室"},
        ).status_code
        == 302
    )
    k = Key.objects.get(code="E-1")
    form = {
        "do": "lend",
        "key": k.pk,
        "borrower_kind": "staff",
        "borrower_name": "赵工",
        "purpose": "巡检",
        "due_at": "2026-11-23T12:00",
        "signature": signature(),
        "form_key": "f1",
    }
    assert c.post("/desk/YGJY/keys/", {**form, "due_at": "2026-11-22T12:00", "form_key": "f0"}).status_code == 422
    assert not KeyLoan.objects.exists()
    assert c.post("/desk/YGJY/keys/", form).status_code == 302
    assert c.post("/desk/YGJY/keys/", form).status_code == 302  # the same form again lends once
    assert KeyLoan.objects.get().due_at == T0 + 3 * HOUR
    assert c.post("/desk/YGJY/keys/", {"do": "return", "key": k.pk}).status_code == 302
    assert c.post("/desk/YGJY/keys/", {"do": "return", "key": k.pk}).status_code == 409
    assert c.post("/desk/YGJY/keys/", {"do": "nothing"}).status_code == 422
    assert login("ygjy-tech1").get("/desk/YGJY/keys/").status_code == 403
