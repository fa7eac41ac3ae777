"""The repair's part of the ticket API: the work order as a ticket's record shows it
(registered as the kind's detail part, tickets.kinds), and the technicians suggested
for a job (R2.5)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from base.errors import Forbidden
from base.request import user_of
from base.schemas import ERRORS, Out
from people.access import may_see_dispatch_suggestions
from repairs.dispatch import dispatch_candidates
from tickets.models import Ticket
from tickets.selectors import ticket_for_action

router = Router(tags=["tickets"])


class ItemOut(Out):
    id: int
    item: str | None
    description: str
    quantity: Decimal
    labour_fee: Decimal
    material_fee: Decimal
    service_fee: Decimal
    total: Decimal
    review: str
    review_note: str
    removed: bool


class QuoteOut(Out):
    version: int
    status: str
    lines: list[dict[str, Any]]
    labour_total: Decimal
    material_total: Decimal
    service_total: Decimal
    total: Decimal
    fee_note: str = Field(description="Why a service fee is or is not charged (R3.4), e.g. misuse or warranty expired.")
    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    decided_by_name: str


class MaterialCheckOut(Out):
    material: str
    passed: bool
    note: str
    checked_at: datetime.datetime


class WorkOrderOut(Out):
    is_paid: bool
    rework_of: str | None
    reworks: list[str]
    dispatched_at: datetime.datetime | None
    accepted_at: datetime.datetime | None
    arrived_at: datetime.datetime | None
    started_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    signed_off_at: datetime.datetime | None
    reported_at: datetime.datetime | None
    fault_note: str
    result_note: str
    materials_used: str
    satisfaction: int | None
    satisfied: bool | None
    signed_by: str
    deferred_reason: str
    promised_at: datetime.datetime | None
    escalated_at: datetime.datetime | None
    items: list[ItemOut]
    quotes: list[QuoteOut]
    material_checks: list[MaterialCheckOut]


def work_order_out(t: Ticket) -> dict[str, Any] | None:
    try:
        wo = t.work_order
    except Ticket.work_order.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return None
    return {
        **{
            f: getattr(wo, f)
            for f in WorkOrderOut.model_fields
            if hasattr(wo, f) and f not in {"items", "quotes", "material_checks", "rework_of", "reworks"}
        },
        "rework_of": wo.rework_of.ticket.number if wo.rework_of else None,
        "reworks": [r.ticket.number for r in wo.reworks.all()],
        "items": [
            {
                "id": i.pk,
                "item": i.service_item.code if i.service_item else None,
                "description": i.description,
                "quantity": i.quantity,
                "labour_fee": i.labour_fee,
                "material_fee": i.material_fee,
                "service_fee": i.service_fee,
                "total": i.total,
                "review": i.review,
                # The supervisor's note on a price is the office's, not the resident's.
                "review_note": "" if getattr(t, "for_resident", False) else i.review_note,
                "removed": i.removed_at is not None,
            }
            for i in wo.items.all()
        ],
        "quotes": list(wo.quotes.all()),
        "material_checks": list(wo.material_checks.all()),
    }


class CandidateOut(Schema):
    username: str
    name: str
    team: str | None
    on_duty: bool
    has_trade: bool
    open_load: int
    suggested: bool


@router.get("/{number}/candidates", response={200: list[CandidateOut], **ERRORS}, summary="Suggested technicians")
def candidates(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    """Technicians for this job, best first (R2.5): on duty, trade, current open load."""
    user = user_of(request)
    ticket = ticket_for_action(user, number)
    if not may_see_dispatch_suggestions(user):
        raise Forbidden(_("Only the desk and supervisors see dispatch suggestions."))
    rows = dispatch_candidates(ticket)
    return [
        {
            "username": c.user.username,
            "name": str(c.user),
            "team": c.user.team.name if c.user.team else None,
            "on_duty": c.on_duty,
            "has_trade": c.has_trade,
            "open_load": c.open_load,
            "suggested": n == 0,
        }
        for n, c in enumerate(rows)
    ]
