"""Rows read by hand-written statements into the ORM's caches (base.reads): a ticket
read in full by ``tickets.selectors.ticket_detail`` holds what the ORM's
``select_related`` and ``prefetch_related`` of the same relations hold, reads nothing
more when its templates and services walk it, and a filter on one of its managers
still asks the database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext

from base.reads import related_read
from conftest import recorded, repair_draft
from people.models import User
from repairs.models import WorkOrder, WorkOrderItem
from tickets.models import Ticket, TicketEvent
from tickets.selectors import ticket_detail, with_labels


def _repair_with_items_and_rework(api) -> tuple[str, str]:
    """A repair done with three items and signed off, then reworked: (first, rework)."""
    desk, tech = api("ygjy-agent"), api("ygjy-tech1")
    number = recorded(desk, repair_draft())
    assert desk.act(number, "dispatch", {"assignee": "ygjy-tech1"}).status_code == 200
    assert tech.act(number, "accept").status_code == 200
    assert tech.act(number, "arrive").status_code == 200
    items = [{"item": code} for code in ("PL-01", "PL-03", "PB-01")]
    assert tech.act(number, "confirm", {"items": items}).status_code == 200
    rework = recorded(desk, repair_draft(description="又漏了"))
    first, second = WorkOrder.objects.get(ticket__number=number), WorkOrder.objects.get(ticket__number=rework)
    WorkOrder.objects.filter(pk=second.pk).update(rework_of=first)
    return number, rework


def _walk(ticket: Ticket) -> dict:
    """Everything a ticket's page and the API read of a repair, as plain values."""
    order = ticket.work_order  # type: ignore[attr-defined]
    return {
        "ticket": (ticket.number, ticket.property.code, ticket.category.code if ticket.category else None),
        "labels": (ticket.unit_label, ticket.assignee_username, ticket.team_name),  # type: ignore[attr-defined]
        "items": [(i.pk, i.service_item.code if i.service_item else None, i.order.pk) for i in order.items.all()],
        "quotes": [(q.pk, q.version, q.total) for q in order.quotes.all()],
        "checks": [c.pk for c in order.material_checks.all()],
        "reworks": [(w.pk, w.ticket.number) for w in order.reworks.all()],
        "rework_of": order.rework_of.ticket.number if order.rework_of else None,
        "deadlines": [(d.clock, d.status, d.due_at) for d in ticket.deadlines.all()],
        "timeline": [(e.pk, e.action, e.at, [a.pk for a in e.attachments.all()]) for e in ticket.timeline],  # type: ignore[attr-defined]
        "others": [hasattr(ticket, name) for name in ("complaint", "help_request", "answer")],
    }


def test_a_ticket_read_by_hand_holds_what_the_orm_reads_and_walks_without_a_query(api):
    first, rework = _repair_with_items_and_rework(api)
    agent = User.objects.get(username="ygjy-agent")
    for number in (first, rework):
        orm = (
            Ticket.objects.filter(number=number)
            .select_related("property", "category", "work_order__rework_of__ticket")
            .prefetch_related(
                "deadlines",
                Prefetch("events", queryset=TicketEvent.objects.prefetch_related("attachments"), to_attr="timeline"),
                Prefetch("work_order__items", queryset=WorkOrderItem.objects.select_related("service_item")),
                "work_order__quotes",
                "work_order__material_checks",
                Prefetch("work_order__reworks", queryset=WorkOrder.objects.select_related("ticket")),
            )
            .get()
        )
        labelled = with_labels(Ticket.objects.filter(pk=orm.pk)).get()
        for name in ("unit_label", "assignee_username", "team_name"):
            setattr(orm, name, getattr(labelled, name))
        read = ticket_detail(agent, number)
        with CaptureQueriesContext(connection) as walked:
            mine = _walk(read)
        assert walked.captured_queries == []
        assert mine == _walk(orm)
    assert _walk(ticket_detail(agent, first))["reworks"] and _walk(ticket_detail(agent, rework))["rework_of"] == first
    assert len(_walk(ticket_detail(agent, first))["items"]) == 3


def test_a_filter_on_a_read_relation_still_asks_the_database(api):
    first, _rework = _repair_with_items_and_rework(api)
    ticket = ticket_detail(User.objects.get(username="ygjy-agent"), first)
    order = ticket.work_order  # type: ignore[attr-defined]
    kept = [i.pk for i in order.items.all()]
    WorkOrderItem.objects.filter(pk=kept[0]).delete()
    assert [i.pk for i in order.items.all()] == kept  # as read
    assert list(order.items.values_list("pk", flat=True).order_by("id")) == kept[1:]  # asked again


def test_a_path_through_a_relation_read_before_goes_on_from_its_rows(api):
    first, _rework = _repair_with_items_and_rework(api)
    ticket = Ticket.objects.get(number=first)
    related_read([ticket], "work_order__items")
    with CaptureQueriesContext(connection) as again:
        related_read([ticket], "work_order__items__service_item")
    assert len(again.captured_queries) == 1  # only the service items
    with CaptureQueriesContext(connection) as walked:
        codes = [i.service_item.code for i in ticket.work_order.items.all()]  # type: ignore[attr-defined,union-attr]
    assert walked.captured_queries == [] and codes == ["PL-01", "PL-03", "PB-01"]


def test_a_many_to_many_path_is_refused_by_name(estate):
    """A many-to-many relation has no foreign key on either side to follow: asking for
    one says so instead of reading something else."""
    technician = User.objects.get(username="ygjy-tech1")
    with pytest.raises(TypeError, match="trades: a many-to-many relation"):
        related_read([technician], "trades")
