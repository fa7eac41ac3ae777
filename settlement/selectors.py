"""Reads of the settlement: a day's receipts at a property, its reconciliations, and the
finance copy of the settled jobs (R2.12)."""

from __future__ import annotations

import builtins
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from base.errors import NotFound
from base.reads import select
from estates.models import Property
from repairs.models import WorkOrder, WorkOrderItem
from settlement.models import HANDED_IN, Charge, Method, Reconciliation
from settlement.services import expected_by_method
from tickets.models import Ticket


def receipts_of_day(property: Property, day: datetime.date) -> list[Charge]:
    return list(Charge.objects.filter(property=property, day=day).select_related("ticket").order_by("seq"))


def charge_by_number(receipt_no: str) -> Charge:
    found = (
        Charge.objects.filter(receipt_no=receipt_no[:40])
        .select_related("property", "ticket", "ticket__unit", "ticket__household")
        .first()
    )
    if found is None:
        raise NotFound(_("There is no such receipt."))
    return found


def charge_of_ticket(ticket_id: int) -> Charge | None:
    found = select(Charge, "ticket_id = %s", [ticket_id], order="id", limit=1)  # every paid job's page reads it
    return found[0] if found else None


@dataclass
class MethodLine:
    method: str
    label: str
    expected: Decimal
    handed: Decimal | None  # None: not handed in (billed to the account) or not reconciled
    difference: Decimal | None

    @property
    def flagged(self) -> bool:
        return bool(self.difference)


@dataclass
class DaySummary:
    property: Property
    day: datetime.date
    receipts: list[Charge]
    lines: list[MethodLine]
    total: Decimal
    reconciliations: list[Reconciliation]  # newest first
    changed_since: bool = False  # receipts taken after the latest reconciliation
    jobs: list[Charge] = field(default_factory=list)

    @builtins.property
    def latest(self) -> Reconciliation | None:
        return self.reconciliations[0] if self.reconciliations else None


def day_summary(property: Property, day: datetime.date) -> DaySummary:
    """The day's receipts with, per method, what they say was taken and (once reconciled)
    what was handed in and the difference; the reconciliations, newest first."""
    receipts = receipts_of_day(property, day)
    expected, count = expected_by_method(property, day)
    recs = list(Reconciliation.objects.filter(property=property, day=day).order_by("-version"))
    latest = recs[0] if recs else None
    lines = []
    for m in Method:
        handed = Decimal(latest.handed[m.value]) if latest and m.value in latest.handed else None
        lines.append(
            MethodLine(
                method=m.value,
                label=str(m.label),
                expected=expected[m.value],
                handed=handed,
                difference=(handed - expected[m.value]) if handed is not None and m in HANDED_IN else None,
            )
        )
    changed = latest is not None and (
        latest.receipts != count or any(Decimal(latest.expected.get(m, "0")) != expected[m] for m in expected)
    )
    return DaySummary(
        property=property,
        day=day,
        receipts=receipts,
        lines=lines,
        total=sum((c.total for c in receipts), Decimal("0.00")),
        reconciliations=recs,
        changed_since=changed,
    )


def settled_jobs(property: Property, *, since: datetime.date, limit: int = 50) -> list[Charge]:
    """The finance copy of the work orders (R2.12): the settled paid jobs since a day,
    newest first, each with its work order's items."""
    items = WorkOrderItem.objects.filter(removed_at__isnull=True).exclude(review=WorkOrderItem.Review.REJECTED)
    return list(
        Charge.objects.filter(property=property, day__gte=since)
        .select_related("ticket", "order")
        .prefetch_related(Prefetch("order__items", queryset=items, to_attr="live_items"))
        .order_by("-charged_at")[:limit]
    )


def order_for(user: object, number: str) -> WorkOrder:
    """The work order of a repair ticket the account may see; 404 otherwise (the same
    answer whether it does not exist or is not theirs to see)."""
    order = (
        WorkOrder.objects.filter(ticket__in=Ticket.objects.visible_to(user).filter(number=number[:40]))  # type: ignore[arg-type]
        .select_related("ticket", "ticket__property", "ticket__unit", "ticket__common_area")
        .first()
    )
    if order is None:
        raise NotFound(_("There is no work order %(number)s you can see.") % {"number": number[:40]})
    return order
