"""The bell on every face: its count for the page's script, the notices page, opening a
notice (marked read, its page opens), marking all read, and how I am told (channels,
quiet hours, language), with the same checks as the API."""

from __future__ import annotations

import pytest
from django.utils import timezone

from conftest import login
from estates.models import Property
from notify.models import NoticePreference, Notification
from people.models import User


def note(user: User, message: str = "新工单", link: str = "/field/j/BX-1/") -> Notification:
    return Notification.objects.create(
        property=Property.objects.get(code="YGJY"),
        recipient=user,
        kind=Notification.Kind.JOB,
        message=message,
        link=link,
        created_at=timezone.now(),
    )


@pytest.mark.parametrize(("who", "page"), [("ygjy-agent", "/"), ("ygjy-tech1", "/field/"), ("resident", "/my/")])
def test_the_bell_with_its_count_is_on_every_faces_pages(estate, persona, who, page):
    note(persona(who))
    note(persona(who))
    html = login(who, "en").get(page, follow=True).content.decode()
    assert 'class="bell"' in html and "Notices: 2 unread" in html and 'data-every="' in html


def test_the_bell_counts_and_opening_a_notice_marks_it_read_and_opens_its_page(estate, persona):
    tech = persona("ygjy-tech1")
    first, second = note(tech, "一"), note(tech, "二")
    c = login("ygjy-tech1")
    assert c.get("/notices/bell/").json() == {"unread": 2, "latest": second.pk}
    r = c.get(f"/notices/{first.pk}/")
    assert r.status_code == 302 and r["Location"] == "/field/j/BX-1/"
    assert c.get("/notices/bell/").json() == {"unread": 1, "latest": second.pk}
    # Another's notice does not open, and stays unread.
    theirs = note(persona("ygjy-tech2"))
    assert c.get(f"/notices/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_goes_back_only_to_a_page_of_this_site(estate, persona):
    agent = persona("ygjy-agent")
    note(agent), note(agent)
    c = login("ygjy-agent")
    r = c.post("/notices/read/", {"next": "https://evil.example/"})
    assert r["Location"] == "/notices/"
    assert c.get("/notices/bell/").json()["unread"] == 0
    note(agent)
    assert c.post("/notices/read/", {"next": "/desk/YGJY/new/"})["Location"] == "/desk/YGJY/new/"


def test_the_notices_page_lists_mine_newest_first_fifty_a_page(estate, persona):
    agent = persona("ygjy-agent")
    made = [note(agent, f"第{i}条") for i in range(52)]
    note(persona("ygjy-agent2"), "别人的")
    c = login("ygjy-agent", "en")
    html = c.get("/notices/").content.decode()
    assert "第51条" in html and "第2条" in html and "第1条" not in html and "别人的" not in html
    assert html.index("第51条") < html.index("第50条") and f"?before={made[2].pk}" in html
    older = c.get("/notices/", {"before": made[2].pk}).content.decode()
    assert "第1条" in older and "第0条" in older and "第2条" not in older


def test_how_i_am_told_is_checked_and_saved_with_the_language_of_my_notices(estate, persona):
    c = login("resident", "en")
    page = c.get("/notices/preferences/").content.decode()
    assert "Quiet hours" in page and 'value="22:00"' in page  # a resident's default
    r = c.post("/notices/preferences/", {"by_sms": "on", "quiet_from": "23:00", "quiet_to": ""})
    assert r.status_code == 422 and "Give both ends of the quiet hours" in r.content.decode()
    assert not NoticePreference.objects.filter(user__username="resident").exists()
    r = c.post("/notices/preferences/", {"by_sms": "on", "quiet_from": "half past ten"})
    assert r.status_code == 422 and "Give a time such as 22:00." in r.content.decode()
    r = c.post("/notices/preferences/", {"by_sms": "on", "quiet_from": "23:00", "quiet_to": "06:30", "language": "en"})
    assert r.status_code == 302 and r.cookies["django_language"].value == "en"
    saved = NoticePreference.objects.get(user__username="resident")
    assert (saved.by_sms, saved.by_email, str(saved.quiet_from), str(saved.quiet_to)) == (
        True,
        False,
        "23:00:00",
        "06:30:00",
    )
    assert User.objects.get(username="resident").language == "en"
    # Staff have no quiet hours to set: they are told at once.
    assert "Quiet hours" not in login("ygjy-tech1", "en").get("/notices/preferences/").content.decode()


def test_switching_the_pages_language_is_remembered_for_my_notices(estate, persona):
    c = login("ygjy-agent")
    r = c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert r.status_code == 302
    assert User.objects.get(username="ygjy-agent").language == "en"
    c.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert User.objects.get(username="ygjy-agent").language == "en"


def test_the_bell_and_the_notices_need_a_login(estate, client):
    assert client.get("/notices/bell/").status_code == 302
    assert client.get("/notices/").status_code == 302
