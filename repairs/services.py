"""One service per action of the repair workflow (R2). Each checks its input, moves
the ticket through ``ticket_transition`` (which enforces the workflow table and wins or
loses a race whole), updates the work order and its clocks, and notifies who must act.
The API, the admin and the pages call these and nothing else."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from base import validation
from base.errors import IllegalTransition, InvalidInput
from base.writes import insert
from catalog.models import ServiceItem
from catalog.selectors import category_by_code
from estates.models import Property
from people.access import is_technician, staff_at
from people.models import Role, Team, User
from promises.models import Clock, Deadline
from promises.policy import limits_for
from promises.services import deadline_meet, deadline_start, deadlines_cancel
from repairs import notices
from repairs.conduct import CONDUCT
from repairs.fees import FeeTerms, fee_terms
from repairs.models import MaterialCheck, Quote, WorkOrder, WorkOrderItem
from repairs.routing import party_find, referral_send
from repairs.schemas import ItemIn, ReviewDecision
from repairs.workflow import REPAIR, WORKFLOW, RepairStatus
from tickets.kinds import draft_from
from tickets.models import Route, Ticket, TicketEvent
from tickets.services import next_due_refresh, ticket_create
from tickets.workflow import event_append, ticket_transition

if TYPE_CHECKING:
    from tickets.schemas import TicketDraft

S = RepairStatus
UNSATISFIED_AT_OR_BELOW = 2  # satisfaction 1-5; 1 and 2 mean the customer is not satisfied


# --- Intake --------------------------------------------------------------------------


def work_order_check(draft: TicketDraft) -> None:
    """A repair needs its place (R2.1); one sent out at intake needs its party (R2.22)."""
    if not (draft.unit or draft.common_area):
        raise InvalidInput(_("Give the unit or the common area that needs the repair."), field="unit")
    if draft.route in (Route.BUILDER, Route.PROVIDER):
        company_id = Property.objects.filter(code=draft.property or "").values_list("company_id", flat=True).first()
        party_find(company_id=company_id or 0, route=draft.route, code=draft.party)


def work_order_open(
    *,
    ticket: Ticket,
    by: User,
    now: datetime.datetime,
    draft: TicketDraft | None = None,
    rework_of: Ticket | None = None,
) -> None:
    """Open the work order of a new repair ticket (R2.3); its first clocks are the
    workflow's opening clocks, started by ticket_create. A repair routed Z or Q at
    intake goes straight to its builder or provider."""
    insert(
        WorkOrder(ticket=ticket, property_id=ticket.property_id, rework_of=rework_of.work_order if rework_of else None)
    )
    if draft is not None and draft.route in (Route.BUILDER, Route.PROVIDER):
        referral_send(ticket=ticket, by=by, route=draft.route, party=draft.party, at=now)


# --- Dispatch ------------------------------------------------------------------------


def _assignment(ticket: Ticket, assignee: str | None, team: int | None) -> tuple[User | None, Team | None]:
    if not assignee and not team:
        raise InvalidInput(_("Choose a technician or a team."), field="assignee")
    user = None
    if assignee:
        user = staff_at(ticket.property_id, Role.TECHNICIAN).filter(username=assignee).first()
        if user is None:
            raise InvalidInput(
                _("“%(name)s” is not a technician at this property.") % {"name": assignee[:30]}, field="assignee"
            )
    group = None
    if team:
        group = Team.objects.filter(pk=team, property_id=ticket.property_id).first()
        if group is None:
            raise InvalidInput(_("There is no such team at this property."), field="team")
    if user and group and user.team_id != group.pk:
        raise InvalidInput(_("%(name)s is not a member of %(team)s.") % {"name": user, "team": group}, field="team")
    return user, group


def _arrival_due(ticket: Ticket, now: datetime.datetime) -> datetime.datetime:
    """15 minutes after notification, 5 for emergencies (R2.17), or the time the customer
    asked for (R2.1) or was promised (R2.13), whichever is latest."""
    limit = limits_for(ticket.property_id, ticket.kind)[Clock.ARRIVE]
    due = now + limit.for_urgency(ticket.urgency == "emergency")
    promised = (
        Deadline.objects.filter(ticket=ticket, clock=Clock.PROMISE, status=Deadline.Status.OPEN)
        .order_by("-due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    return max(d for d in (due, ticket.appointment_at, promised) if d is not None)


@transaction.atomic
def work_order_dispatch(
    *,
    ticket: Ticket,
    by: User,
    assignee: str | None = None,
    team: int | None = None,
    note: str = "",
    action: str = "dispatch",
) -> None:
    """Notify a technician or team (R2.4, R2.5); starts the arrival clock."""
    user, group = _assignment(ticket, assignee, team)
    note = validation.note_clean(note)
    now = timezone.now()
    event = ticket_transition(
        ticket=ticket,
        action=action,
        by=by,
        note=note,
        at=now,
        changes={"assignee": user, "team": group},
        data={"assignee": user.username if user else None, "team": group.name if group else None},
    )
    WorkOrder.objects.filter(ticket=ticket).update(dispatched_at=now, accepted_at=None)
    deadline_meet(ticket=ticket, clock=Clock.NOTIFY, at=now)
    deadlines_cancel(ticket=ticket, clocks=[Clock.ARRIVE])
    due = _arrival_due(ticket, now)
    deadline_start(ticket=ticket, clock=Clock.ARRIVE, start=now, due=due)
    next_due_refresh(ticket)
    notices.assigned(ticket, event, user, group.pk if group else None, due)


def work_order_reassign(
    *, ticket: Ticket, by: User, assignee: str | None = None, team: int | None = None, note: str = ""
) -> None:
    work_order_dispatch(ticket=ticket, by=by, assignee=assignee, team=team, note=note, action="reassign")


@transaction.atomic
def work_order_accept(*, ticket: Ticket, by: User, note: str = "") -> None:
    """The receiver acknowledges the job; 接单时间 is recorded (R2.4)."""
    now = timezone.now()
    changes = {"assignee": by} if is_technician(by) and ticket.assignee_id is None else {}
    ticket_transition(ticket=ticket, action="accept", by=by, note=note, at=now, changes=changes)
    WorkOrder.objects.filter(ticket=ticket).update(accepted_at=now)


@transaction.atomic
def work_order_arrive(*, ticket: Ticket, by: User, checklist: Sequence[str] = (), note: str = "") -> None:
    """On-site check-in: meets the arrival clock and any promised time (R2.17, R2.13).
    The visit conduct points the technician ticks (R2.10) go on the timeline."""
    now = timezone.now()
    unknown = sorted(set(checklist) - set(CONDUCT))
    if unknown:
        raise InvalidInput(_("Unknown checklist point “%(code)s”.") % {"code": unknown[0][:30]}, field="checklist")
    kept = [code for code in CONDUCT if code in checklist]
    ticket_transition(ticket=ticket, action="arrive", by=by, note=note, at=now, data={"checklist": kept})
    WorkOrder.objects.filter(ticket=ticket).update(arrived_at=now)
    deadline_meet(ticket=ticket, clock=Clock.ARRIVE, at=now)
    deadline_meet(ticket=ticket, clock=Clock.PROMISE, at=now)
    next_due_refresh(ticket)


# --- On site: items, review, quote and consent ---------------------------------------


def _items_build(
    order: WorkOrder, items: Sequence[ItemIn], now: datetime.datetime, terms: FeeTerms
) -> list[WorkOrderItem]:
    """The items priced from the fee schedule, under the job's fee terms (R3.4: no
    service fee after the warranty has expired, when the property's policy says so)."""
    if not items:
        raise InvalidInput(_("Record at least one repair item."), field="items")
    if len(items) > 50:
        raise InvalidInput(_("At most 50 items on one work order."), field="items")
    codes = {i.item for i in items if i.item}
    # The fee schedule of the job's own company: codes are unique within a company only.
    offered = ServiceItem.objects.filter(company__properties=order.property_id, active=True)
    catalogue = {s.code: s for s in offered.filter(code__in=codes)}
    rows = []
    for n, item in enumerate(items):
        where = f"items.{n}"
        quantity = validation.quantity(item.quantity, field=f"{where}.quantity")
        if item.item:
            found = catalogue.get(item.item)
            if found is None:
                raise InvalidInput(
                    _("“%(code)s” is not in the service catalogue.") % {"code": item.item[:30]}, field=f"{where}.item"
                )
            rows.append(
                WorkOrderItem(
                    order=order,
                    property_id=order.property_id,
                    service_item=found,
                    description=found.name,
                    quantity=quantity,
                    labour_fee=found.labour_fee,
                    material_fee=found.material_fee,
                    service_fee=found.service_fee if terms.service_fee else Decimal("0"),
                    added_at=now,
                )
            )
        else:
            rows.append(
                WorkOrderItem(
                    order=order,
                    property_id=order.property_id,
                    description=validation.text_clean(item.description, field=f"{where}.description", max_length=200),
                    quantity=quantity,
                    labour_fee=validation.money(item.labour_fee, field=f"{where}.labour_fee"),
                    material_fee=validation.money(item.material_fee, field=f"{where}.material_fee"),
                    service_fee=validation.money(item.service_fee, field=f"{where}.service_fee")
                    if terms.service_fee
                    else Decimal("0"),
                    review=WorkOrderItem.Review.PENDING,
                    added_at=now,
                )
            )
    return rows


def _live_items(order: WorkOrder) -> list[WorkOrderItem]:
    return list(order.items.filter(removed_at__isnull=True).exclude(review=WorkOrderItem.Review.REJECTED))


def _is_paid(ticket: Ticket, items: Sequence[WorkOrderItem]) -> bool:
    """Common areas are the property's own (R2.6); a home pays what the fee schedule says."""
    return ticket.unit_id is not None and sum((i.total for i in items), Decimal("0")) > 0


def _quote_issue(order: WorkOrder, items: Sequence[WorkOrderItem], now: datetime.datetime, terms: FeeTerms) -> Quote:
    """Show the customer the items and the amount, split into labour, material and
    service fee (R2.9), and why a service fee is or is not charged (R3.4). A new quote
    supersedes any earlier one still waiting."""
    order.quotes.filter(status=Quote.Status.PENDING).update(status=Quote.Status.SUPERSEDED)
    version = (order.quotes.aggregate(v=Max("version"))["v"] or 0) + 1

    def part(name: str) -> Decimal:
        return sum((getattr(i, name) * i.quantity for i in items), Decimal("0")).quantize(Decimal("0.01"))

    labour, material, service = part("labour_fee"), part("material_fee"), part("service_fee")
    lines = [
        {
            "item": i.service_item.code if i.service_item else None,
            "description": i.description,
            "quantity": str(i.quantity),
            "labour_fee": str(i.labour_fee),
            "material_fee": str(i.material_fee),
            "service_fee": str(i.service_fee),
            "total": str(i.total.quantize(Decimal("0.01"))),
        }
        for i in items
    ]
    return Quote.objects.create(
        order=order,
        property_id=order.property_id,
        version=version,
        lines=lines,
        labour_total=labour,
        material_total=material,
        service_total=service,
        total=labour + material + service,
        fee_basis=terms.basis,
        fee_reason=terms.reason[:500],
        created_at=now,
    )


def _target(ticket: Ticket, order: WorkOrder, items: Sequence[WorkOrderItem]) -> str:
    """Where a job goes once its items are known: the supervisor's review for
    out-of-catalogue items (R2.6), the customer's consent for a paid job not yet
    consented at this amount (R2.9), else to work."""
    if any(i.review == WorkOrderItem.Review.PENDING for i in items):
        return S.AWAITING_REVIEW
    if _is_paid(ticket, items):
        consented = order.quotes.filter(status=Quote.Status.CONSENTED).order_by("-version").first()
        total = sum((i.total for i in items), Decimal("0"))
        if consented is None or total > consented.total:
            return S.AWAITING_CONSENT
    return S.IN_PROGRESS


def _after_items(
    ticket: Ticket, order: WorkOrder, target: str, items: Sequence[WorkOrderItem], event: TicketEvent
) -> Quote | None:
    """Record whether the job is paid, then issue the quote, start work or ask for review."""
    now = event.at
    paid = _is_paid(ticket, items)
    if paid != order.is_paid:
        order.is_paid = paid
        WorkOrder.objects.filter(pk=order.pk).update(is_paid=paid)
    quote = _quote_issue(order, items, now, fee_terms(ticket, order)) if target == S.AWAITING_CONSENT else None
    if target == S.IN_PROGRESS and order.started_at is None:
        WorkOrder.objects.filter(pk=order.pk).update(started_at=now)
    if target == S.AWAITING_REVIEW:
        notices.review_needed(ticket, event)
    if quote is not None:
        notices.quote_waiting(ticket, event, quote.total)
    return quote


def _quote_note(event: TicketEvent, quote: Quote | None) -> None:
    """Put the quote shown to the customer on the timeline event that issued it."""
    if quote is None:
        return
    event.data["quote"] = {
        "version": quote.version,
        "labour": str(quote.labour_total),
        "material": str(quote.material_total),
        "service": str(quote.service_total),
        "total": str(quote.total),
        "fee_basis": quote.fee_basis,
    }
    event.save(update_fields=["data"])


@transaction.atomic
def work_order_confirm(
    *,
    ticket: Ticket,
    by: User,
    items: Sequence[ItemIn],
    fault_note: str = "",
    category: str | None = None,
    reported_item_wrong: bool = False,
    note: str = "",
) -> None:
    """The technician confirms the fault on site and records the actual items (R2.7).
    Re-confirming replaces the earlier items."""
    now = timezone.now()
    fault_note = validation.text_clean(fault_note, field="fault_note", required=False)
    note = validation.note_clean(note)
    order = WorkOrder.objects.get(ticket=ticket)
    rows = _items_build(order, items, now, fee_terms(ticket, order))
    changes: dict = {}
    if category:
        cat = category_by_code(category)
        if cat is None:
            raise InvalidInput(_("Unknown category “%(code)s”.") % {"code": category[:30]}, field="category")
        changes["category"] = cat
    target = _target(ticket, order, rows)  # re-confirmed items replace the earlier ones
    if reported_item_wrong:
        note = (_("The reported item was wrong; the content was re-confirmed with the customer.") + " " + note).strip()
    event = ticket_transition(
        ticket=ticket,
        action="confirm",
        by=by,
        to=target,
        note=note,
        at=now,
        changes=changes,
        data={"items": [r.description for r in rows], "reported_item_wrong": reported_item_wrong},
    )
    order.items.filter(removed_at__isnull=True).update(removed_at=now)
    WorkOrderItem.objects.bulk_create(rows)
    WorkOrder.objects.filter(pk=order.pk).update(fault_note=fault_note)
    _quote_note(event, _after_items(ticket, order, target, rows, event))


@transaction.atomic
def work_order_review(*, ticket: Ticket, by: User, decisions: Sequence[ReviewDecision], note: str = "") -> None:
    """The engineering supervisor decides each out-of-catalogue item (R2.6); the desk is
    asked to tell the customer the decision."""
    now = timezone.now()
    note = validation.note_clean(note)
    order = WorkOrder.objects.get(ticket=ticket)
    pending = {i.pk: i for i in order.items.filter(removed_at__isnull=True, review=WorkOrderItem.Review.PENDING)}
    decided = {d.item_id: d for d in decisions}
    terms = fee_terms(ticket, order)
    if set(decided) != set(pending):
        raise InvalidInput(
            _("Decide every item waiting for review: %(ids)s.") % {"ids": ", ".join(map(str, sorted(pending)))},
            field="decisions",
        )
    for item_id, d in decided.items():
        item = pending[item_id]
        item.review = WorkOrderItem.Review.APPROVED if d.approve else WorkOrderItem.Review.REJECTED
        item.review_note = validation.text_clean(d.note, field="decisions.note", required=False, max_length=500)
        for fee in ("labour_fee", "material_fee", "service_fee"):
            value = getattr(d, fee)
            if value is not None and d.approve:
                setattr(item, fee, validation.money(value, field=f"decisions.{fee}"))
        if not terms.service_fee:
            item.service_fee = Decimal("0")
    live = [i for i in _live_items(order) if i.pk not in pending] + [
        i for i in pending.values() if i.review == WorkOrderItem.Review.APPROVED
    ]
    target = _target(ticket, order, live) if live else S.DECLINED
    event = ticket_transition(
        ticket=ticket,
        action="review",
        by=by,
        to=target,
        note=note,
        at=now,
        data={
            "approved": [i.description for i in pending.values() if i.review == WorkOrderItem.Review.APPROVED],
            "rejected": [i.description for i in pending.values() if i.review == WorkOrderItem.Review.REJECTED],
        },
    )
    WorkOrderItem.objects.bulk_update(
        list(pending.values()), ["review", "review_note", "labour_fee", "material_fee", "service_fee"]
    )
    if target == S.DECLINED:
        deadlines_cancel(ticket=ticket)
        next_due_refresh(ticket)
    else:
        _quote_note(event, _after_items(ticket, order, target, live, event))
    notices.review_decided(ticket, event, target)


def _pending_quote(order: WorkOrder) -> Quote:
    quote = order.quotes.filter(status=Quote.Status.PENDING).order_by("-version").first()
    if quote is None:  # pragma: no cover - awaiting_consent always has one
        raise IllegalTransition(_("There is no quote waiting for the customer."))
    return quote


@transaction.atomic
def work_order_consent(*, ticket: Ticket, by: User, customer_name: str = "", note: str = "") -> None:
    """The customer agrees to the quote; only now may paid work start (R2.9)."""
    now = _quote_decide(ticket, by, "consent", Quote.Status.CONSENTED, customer_name, note)
    WorkOrder.objects.filter(ticket=ticket, started_at__isnull=True).update(started_at=now)


@transaction.atomic
def work_order_decline_quote(*, ticket: Ticket, by: User, customer_name: str = "", note: str = "") -> None:
    """The customer declines the quote: the job is not done and its clocks stop (R2.9)."""
    _quote_decide(ticket, by, "decline_quote", Quote.Status.DECLINED, customer_name, note)
    deadlines_cancel(ticket=ticket)
    next_due_refresh(ticket)


def _quote_decide(
    ticket: Ticket, by: User, action: str, status: str, customer_name: str, note: str
) -> datetime.datetime:
    """Record the customer's decision on the pending quote, with who decided."""
    now = timezone.now()
    customer_name = validation.text_clean(customer_name or ticket.reporter_name, field="customer_name", max_length=50)
    quote = _pending_quote(WorkOrder.objects.get(ticket=ticket))
    ticket_transition(
        ticket=ticket,
        action=action,
        by=by,
        note=note,
        at=now,
        data={"quote_version": quote.version, "total": str(quote.total), "customer": customer_name},
    )
    Quote.objects.filter(pk=quote.pk).update(status=status, decided_at=now, decided_by_name=customer_name)
    return now


@transaction.atomic
def work_order_revise(*, ticket: Ticket, by: User, items: Sequence[ItemIn], note: str = "") -> None:
    """A job that grew (R2.9): add items; a higher amount needs the customer's consent
    again, an out-of-catalogue item the supervisor's review, before work goes on."""
    now = timezone.now()
    note = validation.note_clean(note)
    order = WorkOrder.objects.get(ticket=ticket)
    rows = _items_build(order, items, now, fee_terms(ticket, order))
    live = _live_items(order) + rows
    target = _target(ticket, order, live)
    event = ticket_transition(
        ticket=ticket,
        action="revise",
        by=by,
        to=target,
        note=note,
        at=now,
        data={"items": [r.description for r in rows]},
    )
    WorkOrderItem.objects.bulk_create(rows)
    _quote_note(event, _after_items(ticket, order, target, live, event))


@transaction.atomic
def work_order_check_material(*, ticket: Ticket, by: User, material: str, passed: bool, note: str = "") -> None:
    """Record a customer-supplied material as pass or fail (R2.8)."""
    now = timezone.now()
    material = validation.text_clean(material, field="material", max_length=100)
    note = validation.text_clean(note, field="note", required=False, max_length=500)
    verdict = _("pass") if passed else _("fail")
    ticket_transition(
        ticket=ticket,
        action="check_material",
        by=by,
        to=ticket.status,
        at=now,
        note=f"{material}: {verdict}" + (f" ({note})" if note else ""),
        data={"material": material, "passed": passed},
    )
    order = WorkOrder.objects.get(ticket=ticket)
    MaterialCheck.objects.create(
        order=order,
        property_id=ticket.property_id,
        material=material,
        passed=passed,
        note=note,
        checked_at=now,
        checked_by=by,
    )


@transaction.atomic
def work_order_mark_misuse(*, ticket: Ticket, by: User, reason: str) -> None:
    """Damage from misuse (R3.4), marked on site by the technician or the engineering
    supervisor with its reason, before the items are confirmed: the job is outside
    warranty and priced in full (repairs.fees); the quote says why."""
    now = timezone.now()
    reason = validation.text_clean(reason, field="reason", max_length=500)
    ticket_transition(
        ticket=ticket,
        action="mark_misuse",
        by=by,
        to=ticket.status,
        note=reason,
        at=now,
        data={"misuse": reason},
    )
    WorkOrder.objects.filter(ticket=ticket).update(misuse_reason=reason, misuse_marked_at=now)


# --- Delays and escalation -----------------------------------------------------------


@transaction.atomic
def work_order_defer(*, ticket: Ticket, by: User, reason: str, promised_at: datetime.datetime, note: str = "") -> None:
    """A job that cannot be done now (R2.13): the reason and a promised time. Deferring
    again renews the promise; the desk is asked to call the customer."""
    now = timezone.now()
    reason = validation.text_clean(reason, field="reason", max_length=500)
    promised_at = validation.in_future(promised_at, field="promised_at", now=now)
    if promised_at > now + datetime.timedelta(days=90):
        raise InvalidInput(_("A promised time is at most 90 days ahead."), field="promised_at")
    renewal = ticket.status == S.DEFERRED
    event = ticket_transition(
        ticket=ticket,
        action="defer",
        by=by,
        note=reason if not note else f"{reason} {note}",
        at=now,
        data={"promised_at": promised_at.isoformat(), "renewal": renewal},
    )
    WorkOrder.objects.filter(ticket=ticket).update(deferred_reason=reason, promised_at=promised_at)
    deadlines_cancel(ticket=ticket, clocks=[Clock.ARRIVE, Clock.PROMISE])
    deadline_start(ticket=ticket, clock=Clock.PROMISE, start=now, due=promised_at)
    next_due_refresh(ticket)
    notices.deferred(ticket, event, reason, promised_at, renewal)


@transaction.atomic
def work_order_resume(*, ticket: Ticket, by: User, note: str = "") -> None:
    """Back to work after a deferral: to the customer's consent if the job was deferred
    while its quote waited for it (R2.9: no work on an amount not agreed), else to the
    job if it had started, else to arrival."""
    now = timezone.now()
    order = WorkOrder.objects.get(ticket=ticket)
    deferred_from = (
        TicketEvent.objects.filter(ticket=ticket, action="defer")
        .exclude(from_status=S.DEFERRED)  # a renewal
        .order_by("-id")
        .values_list("from_status", flat=True)
        .first()
    )
    if deferred_from == S.AWAITING_CONSENT:
        target = S.AWAITING_CONSENT
    elif order.started_at:
        target = S.IN_PROGRESS
    elif order.accepted_at:
        target = S.ACCEPTED
    else:
        target = S.DISPATCHED
    ticket_transition(ticket=ticket, action="resume", by=by, to=target, note=note, at=now)
    if target in (S.IN_PROGRESS, S.AWAITING_CONSENT):  # back at the job: the promise is kept
        deadline_meet(ticket=ticket, clock=Clock.PROMISE, at=now)
        next_due_refresh(ticket)


@transaction.atomic
def work_order_escalate(*, ticket: Ticket, by: User, note: str) -> None:
    """A technical or cross-team problem goes to the equipment supervisor (R2.14)."""
    now = timezone.now()
    note = validation.text_clean(note, field="note")
    event = ticket_transition(ticket=ticket, action="escalate", by=by, to=ticket.status, note=note, at=now)
    WorkOrder.objects.filter(ticket=ticket).update(escalated_at=now)
    notices.escalated(ticket, event, note)


# --- Completion ----------------------------------------------------------------------


@transaction.atomic
def work_order_complete(*, ticket: Ticket, by: User, result_note: str = "", note: str = "") -> None:
    """Work done; the report-back clock starts (R2.18)."""
    now = timezone.now()
    result_note = validation.text_clean(result_note, field="result_note", required=False)
    event = ticket_transition(ticket=ticket, action="complete", by=by, note=note or result_note, at=now)
    WorkOrder.objects.filter(ticket=ticket).update(completed_at=now, result_note=result_note)
    deadline_start(ticket=ticket, clock=Clock.REPORT_BACK, start=now)
    next_due_refresh(ticket)
    notices.completed(ticket, event)


@transaction.atomic
def work_order_sign_off(
    *, ticket: Ticket, by: User, satisfaction: int, satisfied: bool = True, signed_by: str = "", comment: str = ""
) -> Ticket | None:
    """The customer inspects the work and signs (R2.11) with a satisfaction of 1-5.
    An unsatisfied customer gets a rework order linked to this one (R2.15); it is returned."""
    now = timezone.now()
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise InvalidInput(_("Satisfaction is a whole number from 1 to 5."), field="satisfaction")
    signed_by = validation.text_clean(signed_by or ticket.reporter_name, field="signed_by", max_length=50)
    comment = validation.text_clean(comment, field="comment", required=False)
    unhappy = not satisfied or satisfaction <= UNSATISFIED_AT_OR_BELOW
    target = S.REPORTED if ticket.status == S.REPORTED else S.SIGNED_OFF
    ticket_transition(
        ticket=ticket,
        action="sign_off",
        by=by,
        to=target,
        note=comment,
        at=now,
        data={"satisfaction": satisfaction, "satisfied": not unhappy, "signed_by": signed_by},
    )
    WorkOrder.objects.filter(ticket=ticket).update(
        signed_off_at=now, satisfaction=satisfaction, satisfied=not unhappy, signed_by=signed_by, sign_off_note=comment
    )
    if unhappy:
        return _rework_open(ticket=ticket, by=by, reason=comment or _("The customer was not satisfied at sign-off."))
    return None


def work_orders_sign_off_lapsed(now: datetime.datetime | None = None) -> int:
    """R2.11 with the property's policy: a completed job the customer has neither signed
    off nor refused within ``Property.sign_off_days`` is taken as signed off, with no
    rating. Each is its own transaction, conditional on the status and version read,
    so a customer signing at the same moment wins or loses whole. Returns how many."""
    now = now or timezone.now()
    done = 0
    due = (
        Ticket.objects.filter(
            kind=REPAIR,
            status__in=(S.COMPLETED, S.REPORTED),  # reported back before the customer signed
            work_order__signed_off_at__isnull=True,
            property__sign_off_days__gt=0,
        )
        .select_related("property", "work_order")
        .order_by("id")
    )
    for ticket in due.iterator(chunk_size=200):
        order = ticket.work_order  # type: ignore[attr-defined]
        days = ticket.property.sign_off_days
        if order.completed_at is None or order.completed_at + datetime.timedelta(days=days) > now:
            continue
        target = S.REPORTED if ticket.status == S.REPORTED else S.SIGNED_OFF  # as the sign-off step leads
        with transaction.atomic():
            won = Ticket.objects.filter(pk=ticket.pk, status=ticket.status, version=ticket.version).update(
                status=target, updated_at=now, version=ticket.version + 1
            )
            if not won:
                continue
            event_append(
                ticket=ticket,
                action="sign_off",
                by=None,
                at=now,
                from_status=ticket.status,
                to_status=target,
                note=_("Not signed within %(days)d days of completion: taken as signed off.") % {"days": days},
                data={"lapsed": True},
            )
            # Nobody said whether they were satisfied: no rating and no "satisfied".
            WorkOrder.objects.filter(ticket=ticket, signed_off_at__isnull=True).update(signed_off_at=now)
        done += 1
    return done


@transaction.atomic
def work_order_report_back(
    *, ticket: Ticket, by: User, materials_used: str = "", result_note: str = "", note: str = ""
) -> None:
    """The technician reports the result and the materials used to the desk (R2.12)."""
    now = timezone.now()
    materials_used = validation.text_clean(materials_used, field="materials_used", required=False)
    result_note = validation.text_clean(result_note, field="result_note", required=False)
    ticket_transition(
        ticket=ticket,
        action="report_back",
        by=by,
        note=note or result_note,
        at=now,
        data={"materials_used": materials_used},
    )
    changes = {"reported_at": now, "materials_used": materials_used}
    if result_note:
        changes["result_note"] = result_note
    WorkOrder.objects.filter(ticket=ticket).update(**changes)
    deadline_meet(ticket=ticket, clock=Clock.REPORT_BACK, at=now)
    next_due_refresh(ticket)


@transaction.atomic
def work_order_close(*, ticket: Ticket, by: User, note: str = "") -> None:
    """The desk strikes the job off (销项) once reported back and signed off."""
    now = timezone.now()
    note = validation.note_clean(note)
    order = WorkOrder.objects.get(ticket=ticket)
    if order.signed_off_at is None:
        raise IllegalTransition(
            _("The customer has not signed off yet; record the sign-off first."), code="not_signed_off"
        )
    ticket_transition(ticket=ticket, action="close", by=by, note=note, at=now)
    deadlines_cancel(ticket=ticket)
    next_due_refresh(ticket)


@transaction.atomic
def work_order_release(*, ticket: Ticket, by: User, reason: str) -> None:
    """The job goes back to be dispatched again (its technician can no longer do it: left,
    ill, deactivated): no one holds it, its arrival and promised-time clocks stop, and the
    team is to be told again within the notify limit (R2.16). Items and quotes stay."""
    now = timezone.now()
    reason = validation.text_clean(reason, field="reason", max_length=500)
    held_by = ticket.assignee
    held_name = str(ticket.assignee or ticket.team or "")
    event = ticket_transition(
        ticket=ticket,
        action="release",
        by=by,
        note=reason,
        at=now,
        changes={"assignee": None, "team": None},
        data={"held_by": held_name},
    )
    deadlines_cancel(ticket=ticket, clocks=[Clock.ARRIVE, Clock.PROMISE])
    deadline_start(ticket=ticket, clock=Clock.NOTIFY, start=now)
    next_due_refresh(ticket)
    notices.released(ticket, event, held_by, reason)


def work_orders_release_of(user: User, by: User | None) -> int:
    """Every open job a technician holds goes back to dispatch (their account is being
    deactivated); returns how many. A job they share through their team stays with the team."""
    reason = _("%(name)s can no longer take jobs (account deactivated).") % {"name": user}
    released = 0
    for ticket in Ticket.objects.filter(assignee=user, kind=REPAIR, closed_at__isnull=True).order_by("id"):
        if ticket.status in WORKFLOW.transitions["release"].sources:
            work_order_release(ticket=ticket, by=by or user, reason=reason)
            released += 1
    return released


@transaction.atomic
def work_order_cancel(*, ticket: Ticket, by: User, reason: str) -> None:
    now = timezone.now()
    reason = validation.text_clean(reason, field="reason", max_length=500)
    held_by = ticket.assignee
    event = ticket_transition(ticket=ticket, action="cancel", by=by, note=reason, at=now)
    deadlines_cancel(ticket=ticket)
    next_due_refresh(ticket)
    notices.cancelled(ticket, event, held_by, reason)


@transaction.atomic
def work_order_tell_customer(*, ticket: Ticket, by: User, note: str = "") -> None:
    """The desk told the customer what it was asked to tell them (a review's decision,
    a deferral, the builder's report: R2.6, R2.13, R2.23); the reminders are done."""
    now = timezone.now()
    note = validation.note_clean(note)
    reminders = list(notices.to_tell(ticket).values_list("pk", "message"))
    ticket_transition(
        ticket=ticket,
        action="tell_customer",
        by=by,
        note=note,
        at=now,
        data={"told": sorted({message for _pk, message in reminders})},
    )
    notices.told([pk for pk, _message in reminders], now)


def work_order_guard(ticket: Ticket, action: str, user: User) -> IllegalTransition | None:
    """The repair's own conditions on a step: recording that the customer was told is
    offered only while a reminder to tell them is open."""
    if action == "tell_customer" and not notices.waiting_to_tell(ticket):
        return IllegalTransition(
            _("Nothing is waiting to be told to the customer of %(number)s.") % {"number": ticket.number},
            code="nothing_to_tell",
        )
    return None


@transaction.atomic
def work_order_rework(*, ticket: Ticket, by: User, reason: str) -> Ticket:
    """The customer is not satisfied after all: open a rework order (R2.15)."""
    reason = validation.text_clean(reason, field="reason", max_length=500)
    ticket_transition(ticket=ticket, action="rework", by=by, to=ticket.status, note=reason)
    return _rework_open(ticket=ticket, by=by, reason=reason)


def _rework_open(*, ticket: Ticket, by: User, reason: str) -> Ticket:
    draft = draft_from(
        {
            "kind": ticket.kind,
            "property": ticket.property.code,
            "unit": ticket.unit.label if ticket.unit else None,
            "common_area": ticket.common_area.name if ticket.common_area else None,
            "category": ticket.category.code if ticket.category else None,
            "urgency": ticket.urgency,
            "impact": ticket.impact,
            "channel": ticket.channel,
            "reporter_name": ticket.reporter_name,
            "reporter_phone": ticket.reporter_phone,
            "description": (_("Rework of %(number)s: %(reason)s") % {"number": ticket.number, "reason": reason})[:2000],
        }
    )
    rework = ticket_create(by=by, draft=draft, rework_of=ticket)
    event_append(ticket=ticket, action="rework_opened", by=by, note=reason, data={"rework": rework.number})
    return rework
