"""The desk's queues are read by hand-written statements (tickets.selectors): what each
queue lists and counts, the overdue queue by the clock, and whose tickets a technician
sees there."""

from __future__ import annotations

import datetime

from django.utils import timezone

from conftest import login, recorded, repair_draft
from tickets.models import Ticket

HOUR = datetime.timedelta(hours=1)


def test_r2_5_the_overdue_queue_lists_and_counts_only_what_is_past_its_promise(api, clock):
    """R2.5: a ticket past its next promise is in the overdue queue and its count; one due
    later, one closed and one of another kind are not; in time the next one joins them."""
    desk = api("ygjy-agent")
    late, soon, done = (recorded(desk, repair_draft(unit="1-101")) for _ in range(3))
    now = timezone.now()
    Ticket.objects.filter(number=late).update(next_due_at=now - HOUR)
    Ticket.objects.filter(number=soon).update(next_due_at=now + HOUR)
    Ticket.objects.filter(number=done).update(next_due_at=now - HOUR, closed_at=now)
    page = login("ygjy-agent").get("/desk/YGJY/repair/overdue/").content.decode()
    assert late in page and soon not in page and done not in page
    assert 'data-queue="overdue">1<' in page
    assert 'data-queue="overdue">0<' in login("ygjy-agent").get("/desk/YGJY/complaint/new/").content.decode()
    clock.shift(2 * 3600)
    page = login("ygjy-agent").get("/desk/YGJY/repair/overdue/").content.decode()
    assert late in page and soon in page and 'data-queue="overdue">2<' in page
    # Earliest promise first.
    assert page.index(late) < page.index(soon)


def test_r2_5_a_technician_on_the_console_sees_and_counts_only_their_own_jobs(api, persona):
    """Whoever opens a queue sees in it what they may see anywhere: a technician their
    own jobs and their team's, counted the same."""
    desk = api("ygjy-agent")
    theirs, other = recorded(desk, repair_draft()), recorded(desk, repair_draft(unit="1-101"))
    Ticket.objects.filter(number=theirs).update(assignee=persona("ygjy-tech1"))
    everyone = login("ygjy-agent").get("/desk/YGJY/new/").content.decode()
    assert theirs in everyone and other in everyone and 'data-queue="new">2<' in everyone
    r = login("ygjy-tech1").get("/desk/YGJY/new/")
    assert r.status_code == 200
    page = r.content.decode()
    assert theirs in page and other not in page and 'data-queue="new">1<' in page
