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
