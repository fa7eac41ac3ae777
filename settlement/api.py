"""Settlement through the API: charge a signed-off paid job, the day's receipts and a
receipt's print, finance's reconciliations. Each route calls the same service as the
pages (settlement.services)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Router, Status
from pydantic import Field

from base.errors import Forbidden
from base.request import user_of
from base.schemas import ERRORS, Input, Out
from estates.localtime import local_today
from people.access import property_of
from settlement import selectors
from settlement import services as rules
from settlement.models import Charge, Reconciliation
from settlement.printing import receipt_pdf

router = Router(tags=["settlement"])


class ChargeIn(Input):
    method: str = Field(description="cash, card, wechat, alipay or account (billed to the household's account).")
    labour: Decimal | None = Field(None, description="If given, must be the consented quote's labour total.")
    material: Decimal | None = Field(None, description="If given, must be the consented quote's material total.")
    service: Decimal | None = Field(None, description="If given, must be the consented quote's service fee.")
    total: Decimal | None = Field(None, description="If given, must be the consented quote's total.")


class ReceiptOut(Out):
    receipt_no: str
    property: str
    ticket: str
    day: datetime.date
    place: str
    customer_name: str
    lines: list[dict[str, Any]]
    labour: Decimal
    material: Decimal
    service: Decimal
    total: Decimal
    fee_note: str
    method: str
    method_label: str
    collected_by: str
    charged_at: datetime.datetime
    pdf: str = Field(description="The printable receipt.")


class ReconciliationIn(Input):
    property: str
    day: datetime.date
    handed: dict[str, Decimal | str] = Field(
        description="What was handed in per method: cash (counted), card, wechat, alipay (settled amounts)."
    )
    note: str = ""
    correction_reason: str = Field(
        "", description="Only to correct a reconciled day: why. The first reconciliation is kept."
    )


class ReconciliationOut(Out):
    id: int
    property: str
    day: datetime.date
    version: int
    expected: dict[str, str]
    handed: dict[str, str]
    differences: dict[str, str] = Field(description="Handed in minus expected, only the methods that differ.")
    balanced: bool
    receipts: int
    note: str
    correction_reason: str
    corrects: int | None
    by: str
    at: datetime.datetime


def receipt_out(c: Charge) -> dict[str, Any]:
    return {
        "receipt_no": c.receipt_no,
        "property": c.property.code,
        "ticket": c.ticket.number,
        "day": c.day,
        "place": c.place,
        "customer_name": c.customer_name,
        "lines": c.lines,
        "labour": c.labour,
        "material": c.material,
        "service": c.service,
        "total": c.total,
        "fee_note": c.fee_note,
        "method": c.method,
        "method_label": str(c.get_method_display()),
        "collected_by": c.collected_by_name,
        "charged_at": c.charged_at,
        "pdf": f"/api/v1/receipts/{c.receipt_no}.pdf",
    }


def reconciliation_out(r: Reconciliation) -> dict[str, Any]:
    return {
        "id": r.pk,
        "property": r.property.code,
        "day": r.day,
        "version": r.version,
        "expected": r.expected,
        "handed": r.handed,
        "differences": r.differences,
        "balanced": r.balanced,
        "receipts": r.receipts,
        "note": r.note,
        "correction_reason": r.correction_reason,
        "corrects": r.corrects_id,
        "by": r.by_name,
        "at": r.at,
    }


@router.post("/work-orders/{number}/charge", response={201: ReceiptOut, **ERRORS}, summary="Charge a paid repair")
def charge(
    request: HttpRequest,
    response: HttpResponse,
    number: str,
    body: ChargeIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Status:
    """After the customer's sign-off, record the charge of a paid job for the consented
    quote's amounts and how it was paid, and issue the receipt (R2.11): the desk or the
    job's technician. Amounts given must be the quote's. One charge per job: a second is
    409; a retry under the same `Idempotency-Key` answers the first receipt
    (`Idempotent-Replayed: true`)."""
    user = user_of(request)
    order = selectors.order_for(user, number)
    found, created = rules.charge_record(
        by=user,
        order=order,
        method=body.method,
        labour=body.labour,
        material=body.material,
        service=body.service,
        total=body.total,
        form_key=idempotency_key or "",
    )
    if not created:
        response["Idempotent-Replayed"] = "true"
    return Status(201, receipt_out(found))


@router.get("/receipts", response={200: list[ReceiptOut], **ERRORS}, summary="A day's receipts")
def receipts(request: HttpRequest, property: str, day: datetime.date | None = None) -> list[dict[str, Any]]:
    """The receipts of a day (by default today) at a property, in the series' order:
    finance, the desk, the manager and leadership."""
    user = user_of(request)
    prop = property_of(user, property)
    rules.reader_at(user, prop)
    return [receipt_out(c) for c in selectors.receipts_of_day(prop, day or local_today(prop.time_zone))]


@router.get("/receipts/{receipt_no}.pdf", response={200: None, **ERRORS}, summary="A receipt's print")
def receipt_print(request: HttpRequest, receipt_no: str) -> HttpResponse:
    """The printable receipt (PDF): the receipts' readers and whoever collected it."""
    user = user_of(request)
    c = selectors.charge_by_number(receipt_no)
    property_of(user, c.property.code)
    if not rules.may_print(user, c):
        raise Forbidden(_("Only finance, the service desk and the managers read the receipts."))
    out = HttpResponse(receipt_pdf(c), content_type="application/pdf")
    out["Content-Disposition"] = f'inline; filename="{c.receipt_no}.pdf"'
    return out


@router.post("/reconciliations", response={201: ReconciliationOut, **ERRORS}, summary="Reconcile a day")
def reconcile(request: HttpRequest, body: ReconciliationIn) -> Status:
    """Finance enters what was handed in per method for a day; the answer has what the
    receipts expected and the differences. A reconciled day is 409 unless the request is
    a correction with its reason (a new version; the first is kept)."""
    user = user_of(request)
    prop = property_of(user, body.property)
    row = rules.reconciliation_record(
        by=user,
        property=prop,
        day=body.day,
        handed=body.handed,
        note=body.note,
        correction_reason=body.correction_reason,
    )
    return Status(201, reconciliation_out(row))


@router.get("/reconciliations", response={200: list[ReconciliationOut], **ERRORS}, summary="A day's reconciliations")
def reconciliations(request: HttpRequest, property: str, day: datetime.date) -> list[dict[str, Any]]:
    user = user_of(request)
    prop = property_of(user, property)
    rules.reader_at(user, prop)
    return [reconciliation_out(r) for r in selectors.day_summary(prop, day).reconciliations]
