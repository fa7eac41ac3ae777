"""The contact log over the API (R1.6, R2.25)."""

from __future__ import annotations

from contacts.models import Contact
from tickets.models import Ticket


def test_a_contact_and_the_complaint_it_raises_are_logged_once_and_read_back(api):
    """R1.6: the call is logged with the ticket it raised; a retry with the same key logs once."""
    desk = api("ygjy-agent")
    body = {
        "contact": {"property": "YGJY", "caller_name": "王芳", "phone": "13800138000", "unit": "3-1202"},
        "ticket": {
            "kind": "complaint",
            "property": "YGJY",
            "unit": "3-1202",
            "description": "垃圾站异味严重",
            "route": "GT",
            "complaint": {"department": "cleaning"},
        },
    }
    first = desk.post("/contacts", body, **{"Idempotency-Key": "call-1"})
    second = desk.post("/contacts", body, **{"Idempotency-Key": "call-1"})
    assert first.status_code == second.status_code == 201, first.content
    assert first.json() == second.json()
    assert Contact.objects.count() == 1 and Ticket.objects.count() == 1
    log = desk.get("/contacts", property="YGJY").json()
    assert [i["raised"] for i in log["items"]] == [first.json()["ticket"]]
    assert log["items"][0]["summary"] == "垃圾站异味严重"  # defaults to the ticket's description
    assert {s["code"]: s["count"] for s in log["by_tag"]}["GT"] == 1
    assert {s["code"]: s["count"] for s in log["by_kind"]}["complaint"] == 1


def test_the_log_is_for_the_desk_of_the_property(api):
    assert api("wlbg-agent").get("/contacts", property="YGJY").status_code == 404
    assert api("ygjy-tech1").get("/contacts", property="YGJY").status_code == 403
    assert api("resident").get("/contacts", property="YGJY").status_code == 404


def test_a_bad_ticket_draft_logs_nothing(api):
    """Nothing half-written: a refused ticket leaves no contact either."""
    r = api("ygjy-agent").post(
        "/contacts",
        {"contact": {"property": "YGJY"}, "ticket": {"kind": "complaint", "property": "YGJY", "description": "x"}},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "complaint"
    assert Contact.objects.count() == 0 and Ticket.objects.count() == 0
