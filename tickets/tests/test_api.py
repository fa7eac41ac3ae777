"""The API contract: OpenAPI document and offline docs, tokens, list filters and keyset
pagination, a constant number of queries per request, and the caller's language."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import repair_draft
from people.services import account_deactivate


def make(desk, n: int, **over) -> list[str]:
    numbers = []
    for i in range(n):
        r = desk.post("/tickets", repair_draft(description=f"测试报修 {i}", **over))
        assert r.status_code == 201, r.content
        numbers.append(r.json()["number"])
    return numbers


def test_openapi_document_is_3_1_and_lists_the_ticket_endpoints(db):
    r = Client().get("/api/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.1")
    paths = doc["paths"]
    for path in (
        "/api/v1/tickets",
        "/api/v1/tickets/{number}",
        "/api/v1/tickets/{number}/actions",
        "/api/v1/tickets/{number}/actions/{action}",
        "/api/v1/auth/token",
    ):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/tickets"]["post"]["parameters"]}
    assert "Idempotency-Key" in params


def test_docs_are_served_without_a_cdn(db):
    r = Client().get("/api/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert "swagger-ui-bundle.js" in html and "cdn." not in html and "://" not in html.split("<body")[0]


def test_token_from_username_and_password(persona):
    c = Client()
    r = c.post(
        "/api/v1/auth/token",
        {"username": "ygjy-agent", "password": "demo-2026", "name": "desk pc"},
        content_type="application/json",
    )
    assert r.status_code == 201
    token = r.json()["token"]
    me = c.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert (me["username"], me["role"], me["properties"]) == ("ygjy-agent", "agent", ["YGJY"])
    bad = c.post("/api/v1/auth/token", {"username": "ygjy-agent", "password": "nope"}, content_type="application/json")
    assert bad.status_code == 401
    assert c.get("/api/v1/tickets", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert c.get("/api/v1/tickets").status_code == 401


def test_deactivated_account_token_stops_working(api, persona):
    desk = api("ygjy-agent")
    assert desk.get("/tickets").status_code == 200
    account_deactivate(user=persona("ygjy-agent"), by=persona("ygjy-manager"))
    assert desk.get("/tickets").status_code == 401  # at once, in the process that deactivated it


def test_keyset_pagination_walks_every_ticket_once(api):
    desk = api("ygjy-agent")
    numbers = make(desk, 7)
    for ordering in ("-reported", "due"):
        seen, cursor, pages = [], None, 0
        while True:
            params = {"limit": 3, "ordering": ordering, **({"cursor": cursor} if cursor else {})}
            body = desk.get("/tickets", **params).json()
            seen += [t["number"] for t in body["items"]]
            pages += 1
            cursor = body["next_cursor"]
            if not cursor:
                break
        assert sorted(seen) == sorted(numbers) and len(seen) == 7 and pages == 3, ordering
    assert desk.get("/tickets", cursor="garbage").status_code == 422


def test_queue_is_sorted_by_the_next_due_promise(api):
    desk = api("ygjy-agent")
    first, second = make(desk, 2)
    desk.act(first, "dispatch", {"assignee": "ygjy-tech1"})  # now due later: arrival in 15 min
    items = desk.get("/tickets", property="YGJY", kind="repair", open="true", ordering="due").json()["items"]
    assert [t["number"] for t in items] == [second, first]


def test_filters(api, persona):
    desk = api("ygjy-agent")
    a, b, c = make(desk, 3)
    desk.post("/tickets", repair_draft(unit="3-1201", urgency="emergency", description="水管爆裂"))
    desk.act(a, "dispatch", {"assignee": "ygjy-tech1"})
    desk.act(b, "cancel", {"reason": "重复"})

    def numbers(**params):
        r = desk.get("/tickets", **params)
        assert r.status_code == 200, r.content
        return {t["number"] for t in r.json()["items"]}

    assert numbers(status="dispatched") == {a}
    assert numbers(status="dispatched,cancelled") == {a, b}
    assert numbers(open="false") == {b}
    assert numbers(assignee="ygjy-tech1") == {a}
    assert len(numbers(unit="3-1201")) == 1
    assert numbers(q=c) == {c}
    assert len(numbers(q="爆裂")) == 1
    assert len(numbers(q="13800138000")) == 4
    assert len(numbers(kind="repair", property="YGJY")) == 4
    assert numbers(property="WLBG") == set()
    building = persona("ygjy-agent").properties.get().buildings.get(code="3")
    assert len(numbers(building=building.pk)) == 4
    today = datetime.date.today()
    assert len(numbers(reported_from=today.isoformat(), reported_to=today.isoformat())) == 4
    assert numbers(reported_to=(today - datetime.timedelta(days=2)).isoformat()) == set()


@pytest.mark.parametrize("path", ["list", "queue", "detail"])
def test_queries_per_request_do_not_grow_with_the_data(api, path):
    """No N+1: the same number of SQL queries with 2 tickets and with 12."""
    desk = api("ygjy-agent")

    def count() -> int:
        numbers = list(Ticket_numbers())
        url = {
            "list": ("/tickets", {}),
            "queue": ("/tickets", {"property": "YGJY", "kind": "repair", "open": "true", "ordering": "due"}),
            "detail": (f"/tickets/{numbers[0]}", {}),
        }[path]
        with CaptureQueriesContext(connection) as ctx:
            assert desk.get(url[0], **url[1]).status_code == 200
        return len(ctx.captured_queries)

    first = make(desk, 2)
    desk.act(first[0], "dispatch", {"assignee": "ygjy-tech1"})
    small = count()
    more = make(desk, 10)
    for n in more[:5]:
        desk.act(n, "dispatch", {"assignee": "ygjy-tech1"})
    assert count() == small


def Ticket_numbers():  # noqa: N802 - helper reading the newest first
    from tickets.models import Ticket

    return Ticket.objects.order_by("id").values_list("number", flat=True)


def test_messages_follow_the_callers_language(api):
    zh = api("ygjy-agent")
    en = api("ygjy-agent", lang="en")
    number = make(zh, 1)[0]
    r_en = en.act(number, "close")
    r_zh = zh.act(number, "close")
    assert r_en.status_code == r_zh.status_code == 409
    assert "Cannot close" in r_en.json()["detail"]
    assert "无法" in r_zh.json()["detail"] and number in r_zh.json()["detail"]
    bad_en = en.post("/tickets", repair_draft(reporter_phone="12345")).json()
    bad_zh = zh.post("/tickets", repair_draft(reporter_phone="12345")).json()
    assert "phone" in bad_en["detail"] and "电话" in bad_zh["detail"]
    missing = zh.post("/tickets", {"kind": "repair", "property": "YGJY", "unit": 5}).json()
    assert missing["code"] == "invalid_input" and any(e["field"] == "unit" for e in missing["errors"])


def test_create_answers_with_the_summary_and_points_at_the_full_record(api):
    """R2.16: the record clock is met by the recording, the notify clock runs, and the
    ticket's next due time is the notify clock's."""
    desk = api("ygjy-agent")
    r = desk.post("/tickets", repair_draft())
    assert r.status_code == 201, r.content
    body = r.json()
    assert r["Location"] == f"/api/v1/tickets/{body['number']}"
    full = desk.get(f"/tickets/{body['number']}").json()
    assert {d["clock"]: d["status"] for d in full["deadlines"]} == {"record": "met", "notify": "open"}
    notify = next(d for d in full["deadlines"] if d["clock"] == "notify")
    assert body["next_due_at"] == full["next_due_at"] == notify["due_at"]
    assert [e["action"] for e in full["timeline"]] == ["create"]
    # The answer is built from the ticket in hand, and says what a fresh read says.
    assert body == {k: full[k] for k in body}
    area = desk.post("/tickets", repair_draft(unit=None, common_area="1栋大堂")).json()
    assert area == {k: desk.get(f"/tickets/{area['number']}").json()[k] for k in area} and area["common_area"]


def test_create_runs_the_same_queries_whatever_the_data_size(api):
    desk = api("ygjy-agent")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert (
                desk.post("/tickets", repair_draft(), **{"Idempotency-Key": f"k{Ticket_numbers().count()}"}).status_code
                == 201
            )
        return len(ctx.captured_queries)

    count()  # the token's first use of the day is written once
    small = count()
    make(desk, 10)
    assert count() == small


def test_detail_queries_do_not_grow_with_the_work_order_items(api):
    """No N+1 inside a ticket: one catalogue item or three, the same queries."""
    desk, tech = api("ygjy-agent"), api("ygjy-tech1")

    def on_site_with(items: list[str]) -> int:
        number = make(desk, 1)[0]
        desk.act(number, "dispatch", {"assignee": "ygjy-tech1"})
        tech.act(number, "accept")
        tech.act(number, "arrive")
        r = tech.act(number, "confirm", {"items": [{"item": code} for code in items]})
        assert r.status_code == 200, r.content
        with CaptureQueriesContext(connection) as ctx:
            assert len(desk.get(f"/tickets/{number}").json()["work_order"]["items"]) == len(items)
        return len(ctx.captured_queries)

    assert on_site_with(["PL-01"]) == on_site_with(["PL-01", "PL-03", "PB-01"])


def test_chinese_text_is_sent_as_utf8_not_escaped(api):
    desk = api("ygjy-agent")
    r = desk.post("/tickets", repair_draft(description="厨房水龙头漏水"))
    assert "厨房水龙头漏水".encode() in r.content and b"\\u" not in r.content
    assert r["Content-Type"] == "application/json; charset=utf-8"
