"""The demo's year of history (demo.history) is what the services would have written:
each row consistent with the rules, and the reports of the last month full."""

from __future__ import annotations

import re

import pytest
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from complaints.models import Complaint
from conftest import login
from demo.history import seed_history
from demo.seed import COMPANY
from duty.models import Entry, Shift
from estates.models import Company, Property
from followups.models import CorrectiveAction, FollowUp
from promises.models import Deadline
from repairs.models import MaterialCheck, WorkOrder
from reports.services import pack_for, previous_month
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def _numbers(table) -> list[float]:  # type: ignore[no-untyped-def]
    return [v for row in table.rows for v in row if isinstance(v, int | float) and not isinstance(v, bool)]


def test_a_year_of_history_is_consistent_and_fills_the_reports(estate):
    """R2.11, R2.16, R4.1, R6.1: the history is made through the services as the clock moves,
    so every closed matter has its closing event and no running clock, every ticket's next
    due time is its earliest open deadline, signed-off jobs have their sign-off, missed
    promises were swept, closed complaints are followed up, and the last month's pack,
    dashboard, quarterly review and follow-up workbench show real figures."""
    seed_history()
    tickets = Ticket.objects.all()
    assert tickets.count() > 200
    kinds = dict(tickets.values_list("kind").annotate(n=Count("id")))
    assert set(kinds) == {"repair", "complaint", "help", "consultation", "suggestion"}
    assert tickets.filter(kind="repair").values("category").distinct().count() >= 9
    assert TicketEvent.objects.filter(action="rework_opened").exists()
    assert tickets.filter(route="Z").exists()
    # Customer-supplied material checked on site (R2.8), passed and failed.
    assert {m.passed for m in MaterialCheck.objects.all()} == {True, False}
    assert TicketEvent.objects.filter(action="check_material").count() == MaterialCheck.objects.count()
    # The quarterly review's corrective actions (R6.6): one verified, one still open, per property.
    for prop in Property.objects.filter(code__in=("YGJY", "WLBG")):
        actions = CorrectiveAction.objects.filter(property=prop)
        assert {a.status for a in actions} == {"closed", "open"}, prop.code
        assert all(a.events.filter(action="open").exists() for a in actions)
    severities = set(Complaint.objects.values_list("severity", flat=True))
    assert severities == {"minor", "important", "major"}

    # The duty log of the last days (R1.4): each day's desk shift handed over at noon and
    # received by the next agent; the monitoring room kept at night with its patrols.
    received = Shift.objects.filter(received_by__isnull=False)
    assert received.count() == 2 * 3
    assert all(s.received_by_id != s.handed_over_by_id and s.next.started_at == s.ended_at for s in received)
    assert Shift.objects.filter(post="monitoring_room", handed_over_at__isnull=False).exists()
    assert Entry.objects.filter(kind="patrol", shift__post="monitoring_room").exists()

    numbers = list(tickets.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))

    closed = tickets.filter(closed_at__isnull=False)
    assert closed.count() > 0.8 * tickets.count()
    for t in closed.annotate(open_clocks=Count("deadlines", filter=Q(deadlines__status=Deadline.Status.OPEN))):
        assert t.open_clocks == 0, t.number
        assert t.next_due_at is None, t.number
        assert t.events.filter(to_status=t.status).exists(), t.number
    running = tickets.filter(closed_at__isnull=True).annotate(
        first=Min("deadlines__due_at", filter=Q(deadlines__status=Deadline.Status.OPEN))
    )
    for number, next_due, first in running.values_list("number", "next_due_at", "first"):
        assert next_due == first, number

    signed = WorkOrder.objects.filter(signed_off_at__isnull=False)
    assert signed.count() > 100
    without_event = signed.exclude(ticket__events__action__in=("sign_off", "party_update"))
    assert not without_event.exists()
    assert WorkOrder.objects.filter(satisfaction__isnull=False).exists()

    swept = Deadline.objects.filter(breached_at__isnull=False)
    share = swept.count() / Deadline.objects.count()
    assert 0.03 < share < 0.3  # a realistic share of missed promises
    assert not swept.filter(breached_at__lt=F("due_at")).exists()  # recorded after it fell due
    assert (
        TicketEvent.objects.filter(action="breach").exists()
        or TicketEvent.objects.filter(action__icontains="escalat").exists()
    )

    for c in Complaint.objects.filter(ticket__status="closed"):
        assert FollowUp.objects.filter(ticket_id=c.ticket_id).exists(), c.ticket.number
    assert FollowUp.objects.filter(status=FollowUp.Status.DONE).count() > 100

    month = previous_month(timezone.localdate())
    company = Company.objects.get(name=COMPANY)
    for prop in company.properties.all():
        pack = pack_for(company, prop, month)
        assert sum(_numbers(pack.table("by_category"))) > 0, prop.code
        assert sum(_numbers(pack.table("on_time"))) > 0, prop.code
        assert sum(_numbers(pack.table("follow_up"))) > 0, prop.code

    manager = login("ygjy-manager")
    page = manager.get(f"/reports/YGJY/{month}/").content.decode()
    assert re.search(r'<script id="pack-charts" type="application/json">(.+?)</script>', page, re.S)
    assert manager.get("/desk/YGJY/review/").status_code == 200
    assert manager.get("/desk/YGJY/followups/").status_code == 200
