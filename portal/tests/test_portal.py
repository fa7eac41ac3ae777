"""A resident's home: their household's requests and nobody else's."""

from __future__ import annotations

from conftest import login, repair_draft


def test_a_resident_lands_on_their_households_requests_only(api):
    desk = api("ygjy-agent")
    mine = desk.post("/tickets", repair_draft(unit="3-1202")).json()["number"]
    theirs = desk.post("/tickets", repair_draft(unit="3-1201")).json()["number"]
    c = login("resident")
    assert c.get("/")["Location"] == "/my/"
    page = c.get("/my/").content.decode()
    assert mine in page and theirs not in page and "已登记" in page
    assert login("ygjy-agent").get("/my/").status_code == 403


def test_the_home_page_reads_the_same_queries_for_two_matters_or_six(api):
    """The home page's list reads only what it shows: six matters cost the queries two
    cost, each with its number, place and words."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    desk, c = api("ygjy-agent"), login("resident")

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            r = c.get("/my/")
        assert r.status_code == 200
        return len(ctx.captured_queries), r.content.decode()

    numbers = [desk.post("/tickets", repair_draft(unit="3-1202")).json()["number"] for _ in range(2)]
    small, _page = count()
    numbers += [desk.post("/tickets", repair_draft(unit="3-1202")).json()["number"] for _ in range(4)]
    many, page = count()
    assert many == small
    assert all(n in page for n in numbers) and page.count("3-1202") >= 6
