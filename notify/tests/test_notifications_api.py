"""My notifications over the API: listed newest first, unread ones alone on asking, and
marked read one by one; another person's notification is never touched."""

from __future__ import annotations

from django.utils import timezone

from estates.models import Property
from notify.models import Notification


def notice(username: str, message: str, persona) -> Notification:
    return Notification.objects.create(
        property=Property.objects.get(code="YGJY"),
        recipient=persona(username),
        kind=Notification.Kind.REVIEW,
        message=message,
        created_at=timezone.now(),
    )


def test_a_person_lists_and_reads_only_their_own_notifications(api, persona):
    mine = notice("ygjy-supervisor", "请审核", persona)
    theirs = notice("ygjy-manager", "请决定", persona)
    supervisor = api("ygjy-supervisor")
    listed = supervisor.get("/notifications").json()
    assert [(n["id"], n["message"], n["read"]) for n in listed] == [(mine.pk, "请审核", False)]

    assert supervisor.post(f"/notifications/{theirs.pk}/read").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None  # another's stays unread

    assert supervisor.post(f"/notifications/{mine.pk}/read").status_code == 204
    assert supervisor.get("/notifications", unread="true").json() == []
    assert supervisor.get("/notifications").json()[0]["read"] is True
