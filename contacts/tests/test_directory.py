"""The quick-response directory (R1.7), kept by supervisors and managers on the console and
through the API with the same rules; every change is in the admin's history."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import ADDITION, DELETION, LogEntry

from conftest import login
from contacts.models import DirectoryEntry


def entries(code: str = "YGJY") -> list[str]:
    return list(DirectoryEntry.objects.filter(property__code=code).values_list("name", flat=True))


def test_a_supervisor_adds_an_entry_and_it_is_in_the_history(estate):
    page = login("ygjy-supervisor")
    r = page.post("/desk/YGJY/directory/", {"group": "supplier", "name": "恒通水暖", "phone": "0731-88001122"})
    assert r.status_code == 302
    entry = DirectoryEntry.objects.get(name="恒通水暖")
    assert (entry.property.code, entry.group, entry.phone) == ("YGJY", "supplier", "0731-88001122")
    log = LogEntry.objects.get(object_id=str(entry.pk), content_type__model="directoryentry")
    assert (log.user.username, log.action_flag) == ("ygjy-supervisor", ADDITION)
    assert "恒通水暖" in page.get("/desk/YGJY/directory/").content.decode()


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"group": "supplier", "name": "", "phone": "0731-88001122"}, "name"),
        ({"group": "supplier", "name": "恒通水暖", "phone": "找老王"}, "phone"),
        ({"group": "nobody", "name": "恒通水暖", "phone": "0731-88001122"}, "group"),
    ],
)
def test_a_bad_entry_is_refused_with_the_typed_values_kept(estate, form, field):
    before = entries()
    r = login("ygjy-supervisor").post("/desk/YGJY/directory/", form)
    assert r.status_code == 422
    body = r.content.decode()
    assert 'role="alert"' in body
    if form["name"]:
        assert f'value="{form["name"]}"' in body
    assert entries() == before


def test_removing_is_recorded_and_a_forged_or_foreign_entry_is_not_found(estate):
    page = login("ygjy-manager")
    ours = DirectoryEntry.objects.filter(property__code="YGJY").first()
    theirs = DirectoryEntry.objects.filter(property__code="WLBG").first()
    assert ours and theirs
    assert page.post("/desk/YGJY/directory/", {"delete": "abc"}).status_code == 404
    assert page.post("/desk/YGJY/directory/", {"delete": str(theirs.pk)}).status_code == 404
    assert DirectoryEntry.objects.filter(pk=theirs.pk).exists()
    assert page.post("/desk/YGJY/directory/", {"delete": str(ours.pk)}).status_code == 302
    assert not DirectoryEntry.objects.filter(pk=ours.pk).exists()
    log = LogEntry.objects.get(object_id=str(ours.pk), content_type__model="directoryentry")
    assert (log.action_flag, log.object_repr) == (DELETION, str(ours))


def test_the_desk_reads_the_directory_but_only_supervisors_change_it(estate):
    before = entries()
    agent = login("ygjy-agent")
    assert agent.get("/desk/YGJY/directory/").status_code == 200
    assert agent.post("/desk/YGJY/directory/", {"group": "public", "name": "x", "phone": "110"}).status_code == 403
    assert agent.post("/desk/YGJY/directory/", {"delete": DirectoryEntry.objects.first().pk}).status_code == 403  # type: ignore[union-attr]
    assert entries() == before


def test_the_api_keeps_the_directory_with_the_same_rules(api):
    supervisor = api("ygjy-supervisor")
    r = supervisor.post(
        "/contacts/directory", {"property": "YGJY", "group": "public", "name": "社区卫生站", "phone": "0731-88990000"}
    )
    assert r.status_code == 201, r.content
    entry_id = r.json()["id"]
    assert "社区卫生站" in [e["name"] for e in api("ygjy-agent").get("/contacts/directory", property="YGJY").json()]
    bad = supervisor.post("/contacts/directory", {"property": "YGJY", "group": "public", "name": "x", "phone": "abc"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "phone"
    assert (
        api("ygjy-agent")
        .post("/contacts/directory", {"property": "YGJY", "group": "public", "name": "x", "phone": "110"})
        .status_code
        == 403
    )
    # Residents' emergency contacts are in it: finance and security are refused, as on the console.
    assert api("ygjy-finance").get("/contacts/directory", property="YGJY").status_code == 403
    assert login("ygjy-finance").get("/desk/YGJY/directory/").status_code == 403
    assert api("wlbg-supervisor").get("/contacts/directory", property="YGJY").status_code == 404
    assert supervisor.client.delete(f"/api/v1/contacts/directory/{entry_id}?property=YGJY").status_code == 204
    assert "社区卫生站" not in entries()
