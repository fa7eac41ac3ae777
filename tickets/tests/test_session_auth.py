"""Pages use the browser session: reads work, writes need the CSRF token."""

from django.test import Client

from conftest import repair_draft


def test_session_reads_and_csrf_protected_writes(persona):
    c = Client(enforce_csrf_checks=True)
    assert c.login(username="ygjy-agent", password="demo-2026")
    assert c.get("/api/v1/tickets").status_code == 200
    refused = c.post("/api/v1/tickets", repair_draft(), content_type="application/json")
    assert refused.status_code in (401, 403)
    c.get("/admin/login/")  # sets the csrftoken cookie
    token = c.cookies["csrftoken"].value
    r = c.post("/api/v1/tickets", repair_draft(), content_type="application/json", headers={"X-CSRFToken": token})
    assert r.status_code == 201, r.content
