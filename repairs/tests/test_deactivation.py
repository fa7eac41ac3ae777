"""A staff account is deactivated, never deleted (the review's M5): a technician's open
jobs go back to dispatch with an event and a notice, their kept promises stay theirs in
the figures, and the admin offers deactivation instead of the delete."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry

from conftest import login, recorded, repair_draft
from notify.models import Notification
from people.models import ApiToken, User
from people.services import account_deactivate
from people.tokens import token_create
from promises.models import Deadline
from tickets.models import Ticket, TicketEvent


@pytest.fixture
def jobs(api, clock) -> dict[str, str]:
    """ygjy-tech1's jobs: one dispatched, one accepted, one on site; one closed earlier."""
    desk, tech = api("ygjy-agent"), api("ygjy-tech1")
    numbers = {}
    for state, unit in (("dispatched", "3-1202"), ("accepted", "3-1201"), ("on_site", "1-101")):
        number = recorded(desk, repair_draft(unit=unit))
        desk.act(number, "dispatch", {"assignee": "ygjy-tech1"})
        if state != "dispatched":
            tech.act(number, "accept")
        if state == "on_site":
            assert tech.act(number, "arrive").status_code == 200
        numbers[state] = number
    return numbers


def test_deactivating_a_technician_returns_each_open_job_to_dispatch(jobs, persona):
    tech, manager = persona("ygjy-tech1"), persona("ygjy-manager")
    token_create(user=tech, name="phone")
    kept = Deadline.objects.filter(assignee=tech).count()  # the promises met while the jobs were theirs
    assert kept >= 1
    assert account_deactivate(user=tech, by=manager) == 3
    for number in jobs.values():
        ticket = Ticket.objects.get(number=number)
        assert (ticket.status, ticket.assignee_id) == ("new", None)
        event = TicketEvent.objects.filter(ticket=ticket).latest("id")
        assert event.action == "release" and str(tech) in event.note and event.data["held_by"] == str(tech)
        assert Deadline.objects.filter(ticket=ticket, clock="notify", status=Deadline.Status.OPEN).exists()
        assert not Deadline.objects.filter(ticket=ticket, clock="arrive", status=Deadline.Status.OPEN).exists()
    told = Notification.objects.filter(recipient__username="ygjy-supervisor", ticket__number__in=jobs.values())
    assert told.count() == 3
    tech.refresh_from_db()
    assert not tech.is_active and not ApiToken.objects.filter(user=tech).exists()
    assert Deadline.objects.filter(assignee=tech).count() == kept  # the on-time record stays theirs
    assert LogEntry.objects.filter(object_id=str(tech.pk), user=manager).exists()
    assert account_deactivate(user=tech, by=manager) == 0  # once
    # The desk dispatches them again to someone who works.
    assert "ygjy-tech1" not in login("ygjy-agent").get(f"/t/{jobs['accepted']}/").content.decode()


def test_the_admin_refuses_to_delete_an_account_and_deactivates_instead(jobs, persona):
    root = persona("leader")
    root.is_superuser = root.is_staff = True
    root.save()
    admin = login("leader")
    tech = persona("ygjy-tech1")
    assert admin.get(f"/admin/people/user/{tech.pk}/delete/").status_code == 403
    r = admin.post("/admin/people/user/", {"action": "deactivate", "_selected_action": [tech.pk]})
    assert r.status_code == 302
    assert not User.objects.get(pk=tech.pk).is_active
    assert Ticket.objects.filter(number__in=jobs.values(), status="new", assignee__isnull=True).count() == 3


def test_unticking_active_in_the_admin_hands_the_jobs_back_too(jobs, persona):
    root = persona("leader")
    root.is_superuser = root.is_staff = True
    root.save()
    tech = persona("ygjy-tech1")
    page = login("leader").get(f"/admin/people/user/{tech.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "username": tech.username,
            "date_joined_0": tech.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": tech.date_joined.strftime("%H:%M:%S"),
            "properties": [p.pk for p in tech.properties.all()],
            "trades": [t.pk for t in tech.trades.all()],
            "role": tech.role,
            "on_duty": "on",
        }
    )
    data.pop("is_active", None)
    data.pop("last_login", None)
    r = login("leader").post(f"/admin/people/user/{tech.pk}/change/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    assert not User.objects.get(pk=tech.pk).is_active
    assert Ticket.objects.filter(number__in=jobs.values(), status="new").count() == 3


def test_the_desk_returns_a_job_to_dispatch_through_the_api(jobs, api):
    r = api("ygjy-agent").act(jobs["accepted"], "release", {"reason": "师傅病假"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "new" and r.json()["assignee"] is None
    assert api("ygjy-tech1").act(jobs["dispatched"], "release", {"reason": "x"}).status_code == 403
