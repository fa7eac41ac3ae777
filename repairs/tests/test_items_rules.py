"""The repair's items and the steps around them pinned exactly (R2.1, R2.6-R2.9, R2.12,
R2.18, R2.22, R3.4): each refusal's message and field (the place of the bad item in the
list included), the limits at their boundaries, what confirming, reviewing, revising,
checking a material, completing and reporting back write, and who is told what.

The clock ticks (``time_machine.travel(T0, tick=True)``): a step that read the time twice
would write two different moments, so each test asserts that everything one step writes
carries the same moment."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from django.utils.translation import gettext as _

from base.errors import InvalidInput
from catalog.models import ServiceItem
from conftest import T0
from estates.models import Company, Property
from notify.models import Notification
from people.models import User
from promises.models import Clock, Deadline
from repairs import services as work
from repairs.models import MaterialCheck, Quote, WorkOrder, WorkOrderItem
from repairs.schemas import ItemIn, ReviewDecision
from repairs.workflow import RepairStatus
from tickets.kinds import draft_from
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_create

S = RepairStatus
# In the small demo building 1 was accepted in 2019 (plumbing's 24 months are long over),
# building 3 in 2025 (still in warranty on 2026-11-23).
EXPIRED, IN_WARRANTY = "1-101", "3-1202"
PENDING, APPROVED, REJECTED = (
    WorkOrderItem.Review.PENDING,
    WorkOrderItem.Review.APPROVED,
    WorkOrderItem.Review.REJECTED,
)


@pytest.fixture
def ticking(estate):
    with time_machine.travel(T0, tick=True) as traveller:
        yield traveller


def repair(**over: Any) -> dict[str, Any]:
    body = {
        "kind": "repair",
        "property": "YGJY",
        "unit": IN_WARRANTY,
        "category": "plumbing",
        "reporter_name": "王芳",
        "reporter_phone": "13800138000",
        "description": "水龙头坏了",
    }
    body.update(over)
    return body


def on_site(persona, **over: Any) -> tuple[Ticket, User]:
    """A repair recorded by the desk, dispatched to tech1, accepted and checked in on."""
    agent, tech = persona("ygjy-agent"), persona("ygjy-tech1")
    t = ticket_create(by=agent, draft=draft_from(repair(**over)))
    work.work_order_dispatch(ticket=t, by=agent, assignee="ygjy-tech1")
    work.work_order_accept(ticket=t, by=tech)
    work.work_order_arrive(ticket=t, by=tech)
    return t, tech


def in_progress(persona, **over: Any) -> tuple[Ticket, User]:
    """A free common-area job at work (R2.6: the property's own)."""
    t, tech = on_site(persona, **{"unit": None, "common_area": "3栋大堂", "category": "public", **over})
    work.work_order_confirm(ticket=t, by=tech, items=[item(item="PB-01")])
    return t, tech


def item(**fields: Any) -> ItemIn:
    return ItemIn.model_validate(fields)


def decision(**fields: Any) -> ReviewDecision:
    return ReviewDecision.model_validate(fields)


def last(t: Ticket, action: str) -> TicketEvent:
    return TicketEvent.objects.filter(ticket=t, action=action).latest("id")


def refused(call: Callable[..., Any], **kwargs: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as raised:
        call(**kwargs)
    return raised.value


def too_long(length: int, limit: int) -> str:
    return _("Too long: %(length)d characters, at most %(max)d.") % {"length": length, "max": limit}


def rows(t: Ticket) -> list[WorkOrderItem]:
    return list(WorkOrderItem.objects.filter(order__ticket=t).order_by("id"))


def fees(row: WorkOrderItem) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    return row.quantity, row.labour_fee, row.material_fee, row.service_fee


def quote_data(version: int, labour: str, material: str, service: str, fee_basis: str = "") -> dict[str, Any]:
    """What the event that issued a quote says of it (R2.9)."""
    total = str(Decimal(labour) + Decimal(material) + Decimal(service))
    return {
        "version": version,
        "labour": labour,
        "material": material,
        "service": service,
        "total": total,
        "fee_basis": fee_basis,
    }


def what(t: Ticket) -> dict[str, str]:
    return {"number": t.number, "place": t.location_label, "category": t.category.name if t.category else ""}


# --- R2.1, R2.22: the intake check -------------------------------------------------------------


def test_r2_1_a_repair_needs_its_unit_or_common_area():
    """R2.1: without a unit or a common area the repair is refused on the unit field; with
    either it passes."""
    e = refused(work.work_order_check, draft=draft_from(repair(unit=None)))
    assert (e.message, e.field) == (_("Give the unit or the common area that needs the repair."), "unit")
    work.work_order_check(draft_from(repair()))  # taken: no refusal
    work.work_order_check(draft_from(repair(unit=None, common_area="3栋大堂")))


def test_r2_22_the_builder_named_at_intake_is_looked_up_in_the_property_s_company(estate):
    """R2.22: a repair sent to the builder at intake names a builder of the property's own
    company; with no property known there is no company to find it in, so even an existing
    builder (of the demo company, id 1) is unknown, and a draft naming no property is
    never taken for some property's (whatever codes the properties have)."""
    work.work_order_check(draft_from(repair(route="Z", party="ZJ-YG")))  # found: no refusal
    Property.objects.create(company_id=Property.objects.get(code="YGJY").company_id, name="占位", code="XXXX")
    unknown = _("Unknown builder or provider “%(code)s”.") % {"code": "ZJ-YG"}
    for prop in ("NOPE", None):
        e = refused(work.work_order_check, draft=draft_from(repair(property=prop, route="Z", party="ZJ-YG")))
        assert (e.message, e.field) == (unknown, "party")


# --- R2.6, R2.7, R2.9, R3.4: the items recorded on site ------------------------------------------


def test_r2_7_one_to_fifty_items_on_a_work_order(ticking, persona):
    """R2.7: no items and 51 items are refused on the items field and change nothing; 50
    items, the limit, are recorded."""
    t, tech = on_site(persona, unit=None, common_area="3栋大堂", category="public")
    e = refused(work.work_order_confirm, ticket=t, by=tech, items=[])
    assert (e.message, e.field) == (_("Record at least one repair item."), "items")
    e = refused(work.work_order_confirm, ticket=t, by=tech, items=[item(item="PB-01")] * 51)
    assert (e.message, e.field) == (_("At most 50 items on one work order."), "items")
    assert rows(t) == [] and Ticket.objects.get(pk=t.pk).status == S.ON_SITE
    work.work_order_confirm(ticket=t, by=tech, items=[item(item="PB-01")] * 50)
    assert len(rows(t)) == 50 and Ticket.objects.get(pk=t.pk).status == S.IN_PROGRESS


def test_r2_6_a_code_outside_the_catalogue_or_withdrawn_from_it_is_refused_where_it_is(ticking, persona):
    """R2.6: a catalogue code that is not in the catalogue (named by its first 30
    characters), or no longer offered, is refused on that item of the list; so is a bad
    quantity; nothing is recorded."""
    t, tech = on_site(persona)
    code = "PL-" + "9" * 40
    e = refused(work.work_order_confirm, ticket=t, by=tech, items=[item(item="PL-01"), item(item=code)])
    assert (e.message, e.field) == (
        _("“%(code)s” is not in the service catalogue.") % {"code": code[:30]},
        "items.1.item",
    )
    ServiceItem.objects.filter(code="PL-02").update(active=False)
    e = refused(work.work_order_confirm, ticket=t, by=tech, items=[item(item="PL-02")])
    assert (e.message, e.field) == (
        _("“%(code)s” is not in the service catalogue.") % {"code": "PL-02"},
        "items.0.item",
    )
    e = refused(work.work_order_confirm, ticket=t, by=tech, items=[item(item="PL-01"), item(item="PL-01", quantity=0)])
    assert (e.message, e.field) == (
        _("The quantity must be more than 0 and at most %(max)s.") % {"max": Decimal("1000")},
        "items.1.quantity",
    )
    assert rows(t) == [] and Ticket.objects.get(pk=t.pk).status == S.ON_SITE


def test_r2_9_items_come_from_the_fee_schedule_of_the_job_s_own_company(ticking, persona):
    """R2.9 (fees from the office's own published schedule): another company's catalogue
    is not this job's. Its code unknown here is refused; a code both companies use is
    priced as this company prices it."""
    other = Company.objects.create(name="别家物业")
    category = ServiceItem.objects.get(company__properties__code="YGJY", code="PL-01").category
    for code in ("ZZ-01", "PL-01"):
        ServiceItem.objects.create(company=other, category=category, code=code, name="别家水龙头", labour_fee=999)
    t, tech = on_site(persona)
    e = refused(work.work_order_confirm, ticket=t, by=tech, items=[item(item="ZZ-01")])
    assert (e.message, e.field) == (
        _("“%(code)s” is not in the service catalogue.") % {"code": "ZZ-01"},
        "items.0.item",
    )
    work.work_order_confirm(ticket=t, by=tech, items=[item(item="PL-01")])
    (row,) = rows(t)
    own = ServiceItem.objects.get(company__properties__code="YGJY", code="PL-01")
    assert (row.service_item_id, row.labour_fee) == (own.pk, own.labour_fee)


def test_r2_6_an_item_outside_the_catalogue_is_checked_field_by_field(ticking, persona):
    """R2.6: an item outside the catalogue needs a description of at most 200 characters
    and amounts of money, each refused on its own field; a 200-character description is
    recorded."""
    t, tech = on_site(persona)
    cases = [
        ({"description": "长" * 201}, "items.1.description", too_long(201, 200)),
        ({"description": "  "}, "items.1.description", _("This field cannot be empty.")),
        ({"description": "定做", "labour_fee": "-1"}, "items.1.labour_fee", _("An amount cannot be negative.")),
        ({"description": "定做", "material_fee": "-1"}, "items.1.material_fee", _("An amount cannot be negative.")),
        ({"description": "定做", "service_fee": "-1"}, "items.1.service_fee", _("An amount cannot be negative.")),
    ]
    for fields, field, message in cases:
        e = refused(work.work_order_confirm, ticket=t, by=tech, items=[item(item="PL-01"), item(**fields)])
        assert (e.message, e.field) == (message, field)
    assert rows(t) == []
    work.work_order_confirm(ticket=t, by=tech, items=[item(description="长" * 200)])
    assert [r.description for r in rows(t)] == ["长" * 200]


def test_r2_9_items_are_priced_from_the_fee_schedule_or_as_proposed(ticking, persona):
    """R2.9, R2.6: a catalogue item takes its name and fees from the catalogue, in the
    quantity given; an item outside it keeps the description and fees proposed (the
    service fee too, in warranty) and waits for review. Each row is written at the
    moment of the step."""
    t, tech = on_site(persona)
    before = timezone.now()
    work.work_order_confirm(
        ticket=t,
        by=tech,
        items=[
            item(item="PL-03", quantity=2),
            item(description="定做橱柜门", quantity=3, labour_fee="12.50", material_fee="7", service_fee="4"),
        ],
    )
    after = timezone.now()
    catalogue, own = rows(t)
    event = last(t, "confirm")
    assert before <= event.at <= after
    assert (catalogue.service_item_id, catalogue.description, catalogue.review) == (
        ServiceItem.objects.get(code="PL-03").pk,
        "更换角阀",
        WorkOrderItem.Review.NOT_NEEDED,
    )
    assert fees(catalogue) == (Decimal("2"), Decimal("20"), Decimal("15"), Decimal("5"))
    assert (own.service_item_id, own.description, own.review) == (None, "定做橱柜门", PENDING)
    assert fees(own) == (Decimal("3"), Decimal("12.50"), Decimal("7"), Decimal("4"))
    assert {(r.added_at, r.removed_at, r.property_id, r.order_id) for r in (catalogue, own)} == {
        (event.at, None, t.property_id, WorkOrder.objects.get(ticket=t).pk)
    }
    assert Ticket.objects.get(pk=t.pk).status == S.AWAITING_REVIEW


def test_r3_4_after_the_warranty_no_item_carries_a_service_fee(ticking, persona):
    """R3.4: after the warranty has expired only labour and material are charged, for a
    catalogue item and for one outside the catalogue alike."""
    t, tech = on_site(persona, unit=EXPIRED)
    work.work_order_confirm(
        ticket=t,
        by=tech,
        items=[item(item="PL-01"), item(description="定做", labour_fee="12", material_fee="7", service_fee="4")],
    )
    catalogue, own = rows(t)
    assert fees(catalogue) == (Decimal("1"), Decimal("30"), Decimal("0"), Decimal("0"))
    assert fees(own) == (Decimal("1"), Decimal("12"), Decimal("7"), Decimal("0"))


# --- R2.7: confirming on site --------------------------------------------------------------------


def test_r2_7_confirming_records_the_fault_the_category_and_the_reported_item_wrong(ticking, persona):
    """R2.7: the fault found, the corrected category and, when the reported item was
    wrong, the re-confirmation with the customer before the technician's note; the
    timeline names the items and the quote shown; the resident is asked to agree to its
    total (R2.9)."""
    t, tech = on_site(persona)
    before = timezone.now()
    work.work_order_confirm(
        ticket=t,
        by=tech,
        items=[item(item="EL-01")],
        fault_note="  开关面板烧坏 ",
        category="electrical",
        reported_item_wrong=True,
        note="客户在场确认",
    )
    after = timezone.now()
    order, event = WorkOrder.objects.get(ticket=t), last(t, "confirm")
    assert before <= event.at <= after and rows(t)[0].added_at == event.at
    assert (order.fault_note, order.is_paid, order.started_at) == ("开关面板烧坏", True, None)
    t.refresh_from_db()
    assert (t.category and t.category.code, t.status, t.updated_at) == ("electrical", S.AWAITING_CONSENT, event.at)
    wrong = _("The reported item was wrong; the content was re-confirmed with the customer.")
    assert (event.actor_id, event.note) == (tech.pk, wrong + " 客户在场确认")
    assert (event.from_status, event.to_status) == (S.ON_SITE, S.AWAITING_CONSENT)
    assert event.data == {
        "items": ["更换开关插座"],
        "reported_item_wrong": True,
        "quote": quote_data(1, "15.00", "12.00", "5.00"),
    }
    quote = Quote.objects.get(order=order)
    assert (quote.version, quote.status, quote.total, quote.created_at) == (1, Quote.Status.PENDING, 32, event.at)
    resident = persona("resident")
    told = Notification.objects.get(recipient=resident, key=f"event:{event.pk}:reporter:user:{resident.pk}")
    price = _("%(number)s: the repair costs ¥%(total)s; please agree to the quote before work starts.")
    assert (told.kind, told.ticket_id, told.message) == (
        Notification.Kind.UPDATE,
        t.pk,
        price % {**what(t), "total": Decimal("32.00")},
    )


def test_r2_7_a_plain_confirmation_says_nothing_more_and_a_free_job_starts(ticking, persona):
    """R2.7, R2.6: with only the items, no fault note, no note and no re-confirmation are
    recorded; a common-area job is free: no quote, work starts at once."""
    t, tech = on_site(persona, unit=None, common_area="3栋大堂", category="public")
    work.work_order_confirm(ticket=t, by=tech, items=[item(item="PB-01")])
    order, event = WorkOrder.objects.get(ticket=t), last(t, "confirm")
    assert (order.fault_note, order.is_paid, order.started_at) == ("", False, event.at)
    assert (event.note, event.to_status) == ("", S.IN_PROGRESS)
    assert event.data == {"items": ["公共区域灯具更换"], "reported_item_wrong": False}
    assert not Quote.objects.filter(order=order).exists()
    assert not Notification.objects.filter(ticket=t, key__startswith=f"event:{event.pk}").exists()


def test_r2_7_confirming_refuses_an_unknown_category_and_a_long_fault_note(ticking, persona):
    """R2.7: a category that does not exist (named by its first 30 characters) and a fault
    note over 2000 characters are refused on their fields; nothing is recorded."""
    t, tech = on_site(persona)
    code = "c" * 40
    e = refused(work.work_order_confirm, ticket=t, by=tech, items=[item(item="PL-01")], category=code)
    assert (e.message, e.field) == (_("Unknown category “%(code)s”.") % {"code": "c" * 30}, "category")
    e = refused(work.work_order_confirm, ticket=t, by=tech, items=[item(item="PL-01")], fault_note="漏" * 2001)
    assert (e.message, e.field) == (too_long(2001, 2000), "fault_note")
    e = refused(work.work_order_confirm, ticket=t, by=tech, items=[item(item="PL-01")], note="漏" * 2001)
    assert (e.message, e.field) == (too_long(2001, 2000), "note")
    assert rows(t) == [] and not TicketEvent.objects.filter(ticket=t, action="confirm").exists()


def test_r2_7_confirming_again_replaces_the_items_and_only_live_ones_are_reviewed(ticking, persona):
    """R2.7, R2.6: a job returned to dispatch while its item waited for review is
    confirmed again on the next visit: the earlier item is removed at that moment, and the
    supervisor decides only the items now waiting (not the removed one, not a catalogue
    item)."""
    agent, engineer = persona("ygjy-agent"), persona("ygjy-engineer")
    t, tech = on_site(persona)
    work.work_order_confirm(ticket=t, by=tech, items=[item(description="定做橱柜门", labour_fee="80")])
    work.work_order_release(ticket=t, by=agent, reason="技术员请假")
    work.work_order_dispatch(ticket=t, by=agent, assignee="ygjy-tech1")
    work.work_order_accept(ticket=t, by=tech)
    work.work_order_arrive(ticket=t, by=tech)
    work.work_order_confirm(
        ticket=t, by=tech, items=[item(item="PL-01"), item(description="更换地漏", labour_fee="20")]
    )
    again = last(t, "confirm")
    earlier, catalogue, own = rows(t)
    assert (earlier.removed_at, earlier.review) == (again.at, PENDING)
    assert (catalogue.removed_at, own.removed_at, own.added_at) == (None, None, again.at)
    work.work_order_review(ticket=t, by=engineer, decisions=[decision(item_id=own.pk, approve=True)])
    assert Ticket.objects.get(pk=t.pk).status == S.AWAITING_CONSENT
    assert [r.review for r in rows(t)] == [PENDING, WorkOrderItem.Review.NOT_NEEDED, APPROVED]


# --- R2.6: the supervisor's review ----------------------------------------------------------------


def test_r2_6_the_supervisor_decides_every_waiting_item_and_the_customer_is_told(ticking, persona):
    """R2.6: every waiting item must be decided (the refusal names them all, in order); a
    decision's note is at most 500 characters and a changed fee is an amount, each refused
    on its field. An approved item takes the fee the supervisor set and keeps the service
    fee in warranty; the timeline names what was approved and rejected; the technician
    learns the decision and the desk is asked to tell the customer."""
    agent, engineer = persona("ygjy-agent"), persona("ygjy-engineer")
    t, tech = on_site(persona)
    work.work_order_confirm(
        ticket=t,
        by=tech,
        items=[
            item(item="PL-01"),
            item(description="定做橱柜门", labour_fee="100", material_fee="300", service_fee="20"),
            item(description="拆除承重墙", labour_fee="50"),
        ],
    )
    _catalogue, door, wall = rows(t)
    e = refused(work.work_order_review, ticket=t, by=engineer, decisions=[])
    ids = ", ".join(str(pk) for pk in sorted([door.pk, wall.pk]))
    assert (e.message, e.field) == (_("Decide every item waiting for review: %(ids)s.") % {"ids": ids}, "decisions")
    reject = decision(item_id=wall.pk, approve=False, note=" 涉及结构安全 ")
    long_note = [decision(item_id=door.pk, approve=True, note="注" * 501), reject]
    e = refused(work.work_order_review, ticket=t, by=engineer, decisions=long_note)
    assert (e.message, e.field) == (too_long(501, 500), "decisions.note")
    bad_fee = [decision(item_id=door.pk, approve=True, labour_fee="-1"), reject]
    e = refused(work.work_order_review, ticket=t, by=engineer, decisions=bad_fee)
    assert (e.message, e.field) == (_("An amount cannot be negative."), "decisions.labour_fee")
    assert not TicketEvent.objects.filter(ticket=t, action="review").exists()

    before = timezone.now()
    approve = decision(item_id=door.pk, approve=True, note="注" * 500, labour_fee="120")
    work.work_order_review(ticket=t, by=engineer, decisions=[approve, reject], note=" 主管已核 ")
    after = timezone.now()
    event = last(t, "review")
    assert before <= event.at <= after
    assert (event.actor_id, event.note, event.from_status, event.to_status) == (
        engineer.pk,
        "主管已核",
        S.AWAITING_REVIEW,
        S.AWAITING_CONSENT,
    )
    assert event.data == {
        "approved": ["定做橱柜门"],
        "rejected": ["拆除承重墙"],
        "quote": quote_data(1, "150.00", "300.00", "30.00"),
    }
    door.refresh_from_db()
    wall.refresh_from_db()
    assert (door.review, door.review_note, fees(door)) == (
        APPROVED,
        "注" * 500,
        (Decimal("1"), Decimal("120"), Decimal("300"), Decimal("20")),
    )
    assert (wall.review, wall.review_note, fees(wall)) == (
        REJECTED,
        "涉及结构安全",
        (Decimal("1"), Decimal("50"), Decimal("0"), Decimal("0")),
    )
    assert Quote.objects.get(order__ticket=t).created_at == event.at
    state = {**what(t), "state": str(S.AWAITING_CONSENT.label)}
    to_tech = Notification.objects.get(recipient=tech, key=f"event:{event.pk}:user:{tech.pk}")
    assert (to_tech.kind, to_tech.message) == (
        Notification.Kind.JOB,
        _("%(number)s: the supervisor's review is done: %(state)s.") % state,
    )
    to_desk = Notification.objects.get(recipient=agent, key=f"event:{event.pk}:desk:user:{agent.pk}")
    assert (to_desk.kind, to_desk.message) == (
        Notification.Kind.TELL_CUSTOMER,
        _("%(number)s: the supervisor's review is done (%(state)s); tell the customer.") % state,
    )


def test_r3_4_after_the_warranty_an_approved_item_carries_no_service_fee(ticking, persona):
    """R3.4: the supervisor cannot put a service fee back on a job whose warranty has
    expired; a review without a note records none."""
    t, tech = on_site(persona, unit=EXPIRED)
    work.work_order_confirm(ticket=t, by=tech, items=[item(description="定做", labour_fee="10", service_fee="4")])
    (own,) = rows(t)
    work.work_order_review(
        ticket=t, by=persona("ygjy-engineer"), decisions=[decision(item_id=own.pk, approve=True, service_fee="15")]
    )
    own.refresh_from_db()
    assert fees(own) == (Decimal("1"), Decimal("10"), Decimal("0"), Decimal("0"))
    event = last(t, "review")
    assert (event.note, event.to_status) == ("", S.AWAITING_CONSENT)
    assert event.data["quote"] == quote_data(1, "10.00", "0.00", "0.00", "warranty_expired")


# --- R2.9: a job that grows -------------------------------------------------------------------


def test_r2_9_a_grown_job_is_quoted_again_without_the_rejected_items(ticking, persona):
    """R2.9: items added to a job at work are recorded at the moment of the step; the new
    quote counts every live item but not one the supervisor rejected; the note is kept,
    and no note is none."""
    t, tech = on_site(persona)
    work.work_order_confirm(
        ticket=t, by=tech, items=[item(item="PL-01"), item(description="拆除承重墙", labour_fee="50")]
    )
    wall = rows(t)[1]
    work.work_order_review(ticket=t, by=persona("ygjy-engineer"), decisions=[decision(item_id=wall.pk, approve=False)])
    work.work_order_consent(ticket=t, by=tech)

    before = timezone.now()
    work.work_order_revise(ticket=t, by=tech, items=[item(item="PL-03")], note=" 角阀也坏了 ")
    after = timezone.now()
    event = last(t, "revise")
    added = rows(t)[-1]
    assert before <= event.at <= after
    assert (added.description, added.added_at, added.removed_at) == ("更换角阀", event.at, None)
    assert (event.actor_id, event.note, event.from_status, event.to_status) == (
        tech.pk,
        "角阀也坏了",
        S.IN_PROGRESS,
        S.AWAITING_CONSENT,
    )
    assert event.data == {"items": ["更换角阀"], "quote": quote_data(2, "50.00", "15.00", "15.00")}

    work.work_order_consent(ticket=t, by=tech)
    work.work_order_revise(ticket=t, by=tech, items=[item(item="PL-04")])
    event = last(t, "revise")
    assert (event.note, event.data) == (
        "",
        {"items": ["马桶水箱配件维修"], "quote": quote_data(3, "90.00", "40.00", "25.00")},
    )
    assert [q.total for q in Quote.objects.filter(order__ticket=t).order_by("version")] == [40, 80, 155]


# --- R2.8: customer-supplied material --------------------------------------------------------------


def test_r2_8_material_is_recorded_pass_or_fail_with_its_remark(ticking, persona):
    """R2.8: the material checked is recorded pass (合格) or fail (不合格) with its remark,
    by whom and when; the timeline says it the same way, the job staying where it is."""
    t, tech = on_site(persona)
    order = WorkOrder.objects.get(ticket=t)
    before = timezone.now()
    work.work_order_check_material(ticket=t, by=tech, material=" 业主自购吸顶灯 ", passed=True, note=" 包装完好 ")
    after = timezone.now()
    work.work_order_check_material(ticket=t, by=tech, material="业主自购开关", passed=False)
    good, bad = MaterialCheck.objects.filter(order=order).order_by("id")
    first, second = TicketEvent.objects.filter(ticket=t, action="check_material").order_by("id")
    assert before <= first.at <= after
    assert (good.property_id, good.material, good.passed, good.note, good.checked_by_id, good.checked_at) == (
        t.property_id,
        "业主自购吸顶灯",
        True,
        "包装完好",
        tech.pk,
        first.at,
    )
    assert (bad.material, bad.passed, bad.note, bad.checked_by_id, bad.checked_at) == (
        "业主自购开关",
        False,
        "",
        tech.pk,
        second.at,
    )
    assert (first.actor_id, first.from_status, first.to_status) == (tech.pk, S.ON_SITE, S.ON_SITE)
    assert (first.note, first.data) == (
        "业主自购吸顶灯: " + _("pass") + " (包装完好)",
        {"material": "业主自购吸顶灯", "passed": True},
    )
    assert (second.note, second.data) == ("业主自购开关: " + _("fail"), {"material": "业主自购开关", "passed": False})
    assert Ticket.objects.get(pk=t.pk).status == S.ON_SITE


def test_r2_8_the_material_is_at_most_100_characters_and_the_remark_500(ticking, persona):
    """R2.8: 100 characters of material and 500 of remark are recorded; one more of either
    is refused on its field."""
    t, tech = on_site(persona)
    e = refused(work.work_order_check_material, ticket=t, by=tech, material="材" * 101, passed=True)
    assert (e.message, e.field) == (too_long(101, 100), "material")
    e = refused(work.work_order_check_material, ticket=t, by=tech, material="材", passed=True, note="注" * 501)
    assert (e.message, e.field) == (too_long(501, 500), "note")
    assert not MaterialCheck.objects.filter(order__ticket=t).exists()
    work.work_order_check_material(ticket=t, by=tech, material="材" * 100, passed=True, note="注" * 500)
    check = MaterialCheck.objects.get(order__ticket=t)
    assert (check.material, check.note) == ("材" * 100, "注" * 500)


# --- R2.18, R2.12: completion and the report back ---------------------------------------------------


def report_back_clock(t: Ticket) -> Deadline:
    return Deadline.objects.get(ticket=t, clock=Clock.REPORT_BACK)


def test_r2_18_completing_records_the_result_and_starts_the_report_back_clock(ticking, persona):
    """R2.18, R2.12: the result typed at completion is its note on the timeline; the
    report-back clock runs 20 minutes from that moment. Reporting back with nothing more
    keeps that result, records no materials and meets the clock then."""
    t, tech = in_progress(persona)
    e = refused(work.work_order_complete, ticket=t, by=tech, result_note="修" * 2001)
    assert (e.message, e.field) == (too_long(2001, 2000), "result_note")
    before = timezone.now()
    work.work_order_complete(ticket=t, by=tech, result_note=" 已更换灯管 ")
    after = timezone.now()
    done, order, clock = last(t, "complete"), WorkOrder.objects.get(ticket=t), report_back_clock(t)
    assert before <= done.at <= after
    assert (order.completed_at, order.result_note) == (done.at, "已更换灯管")
    assert (done.actor_id, done.note, done.to_status) == (tech.pk, "已更换灯管", S.COMPLETED)
    assert (clock.status, clock.started_at, clock.due_at) == (
        Deadline.Status.OPEN,
        done.at,
        done.at + datetime.timedelta(minutes=20),
    )

    work.work_order_report_back(ticket=t, by=tech)
    back, order, clock = last(t, "report_back"), WorkOrder.objects.get(ticket=t), report_back_clock(t)
    assert (order.reported_at, order.materials_used, order.result_note) == (back.at, "", "已更换灯管")
    assert (back.note, back.data, back.to_status) == ("", {"materials_used": ""}, S.REPORTED)
    assert (clock.status, clock.met_at) == (Deadline.Status.MET, back.at)


def test_r2_12_the_report_back_gives_the_materials_used_and_the_result(ticking, persona):
    """R2.12: a completion with nothing typed records no result; the report back gives the
    materials used and the result, which is its note; each is at most 2000 characters."""
    t, tech = in_progress(persona)
    work.work_order_complete(ticket=t, by=tech)
    done, order = last(t, "complete"), WorkOrder.objects.get(ticket=t)
    assert (order.completed_at, order.result_note, done.note) == (done.at, "", "")
    e = refused(work.work_order_report_back, ticket=t, by=tech, materials_used="灯" * 2001)
    assert (e.message, e.field) == (too_long(2001, 2000), "materials_used")
    e = refused(work.work_order_report_back, ticket=t, by=tech, result_note="修" * 2001)
    assert (e.message, e.field) == (too_long(2001, 2000), "result_note")
    before = timezone.now()
    work.work_order_report_back(ticket=t, by=tech, materials_used=" T8灯管 1支 ", result_note=" 已恢复照明 ")
    after = timezone.now()
    back, order, clock = last(t, "report_back"), WorkOrder.objects.get(ticket=t), report_back_clock(t)
    assert before <= back.at <= after
    assert (order.reported_at, order.materials_used, order.result_note) == (back.at, "T8灯管 1支", "已恢复照明")
    assert (back.actor_id, back.note, back.data) == (tech.pk, "已恢复照明", {"materials_used": "T8灯管 1支"})
    assert (clock.status, clock.met_at) == (Deadline.Status.MET, back.at)
