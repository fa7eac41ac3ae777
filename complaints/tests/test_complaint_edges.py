"""Complaints at their edges (R4.1-R4.5, R4.7): the record's fields at their longest and
one character more, the receiver's name likewise, a longer deadline at the current one's
exact instant and a microsecond later, and the one-month rule leaving a closed or already
major complaint alone."""

from __future__ import annotations

import datetime

import pytest

from complaints.models import Complaint
from complaints.services import complaints_month_overdue
from conftest import T0
from promises.models import Clock, Deadline
from tickets.models import Ticket, TicketEvent

from .test_complaints import act, complaint_draft, create, error_fields, through_the_department

MICRO = datetime.timedelta(microseconds=1)
DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(("field", "size"), [("person", 50), ("event_place", 100), ("demand", 2000)])
def test_a_complaint_s_details_are_taken_at_their_longest_and_refused_one_longer(clock, api, field, size):
    """R4.2: the person, the place and the demand are kept whole up to their limit; one
    character more is refused on that field and nothing is recorded."""
    desk = api("ygjy-agent")
    r = desk.post("/tickets", complaint_draft(details={field: "投" * size}))
    assert r.status_code == 201, r.content
    stored = Complaint.objects.get(ticket__number=r.json()["number"])
    assert getattr(stored, field) == "投" * size
    before = Ticket.objects.count()
    r = desk.post("/tickets", complaint_draft(details={field: "投" * (size + 1)}))
    assert r.status_code == 422 and error_fields(r) == [f"complaint.{field}"], r.content
    assert Ticket.objects.count() == before


def test_the_receiver_s_name_is_kept_at_fifty_characters_and_refused_at_fifty_one(clock, api):
    """R4.4: the department signs for the form with the receiver's name."""
    number = create(api, "minor")
    act(api, "ygjy-agent", number, "forward")
    r = api("ygjy-security").act(number, "acknowledge", {"receiver": "李" * 51})
    assert r.status_code == 422 and error_fields(r) == ["receiver"], r.content
    act(api, "ygjy-security", number, "acknowledge", {"receiver": "李" * 50})
    assert Complaint.objects.get(ticket__number=number).receiver == "李" * 50


def test_a_longer_deadline_must_be_later_than_the_current_one_by_any_amount(clock, api):
    """R4.5: extending to the current deadline's own instant is refused; a microsecond
    later is a longer deadline."""
    number = create(api, "minor")
    due = Deadline.objects.get(ticket__number=number, clock=Clock.RESOLVE, status="open").due_at
    r = api("ygjy-manager").act(number, "extend", {"resolve_by": due.isoformat(), "reason": "等配件"})
    assert r.status_code == 422 and error_fields(r) == ["resolve_by"], r.content
    later = due + MICRO
    act(api, "ygjy-manager", number, "extend", {"resolve_by": later.isoformat(), "reason": "等配件"})
    assert Deadline.objects.get(ticket__number=number, clock=Clock.RESOLVE, status="open").due_at == later


def test_the_one_month_rule_leaves_a_closed_or_already_major_complaint_alone(clock, api):
    """R4.1: only a complaint still open and not yet major becomes major after a month."""
    closed = create(api, "minor")
    through_the_department(api, closed)
    act(api, "ygjy-agent", closed, "close", {"result": "已解决"})
    major = create(api, "major")
    month = [Deadline(ticket=Ticket.objects.get(number=n), clock=Clock.MONTH, due_at=T0) for n in (closed, major)]
    complaints_month_overdue(month, T0 + 30 * DAY)
    assert Complaint.objects.get(ticket__number=closed).severity == "minor"
    assert not TicketEvent.objects.filter(ticket__number__in=[closed, major], action="auto_major").exists()
