"""The pages of the settlement: the charge form of a signed-off paid job (also offered
on the ticket's page), finance's page of the day (receipts, reconciliation, the settled
jobs' finance copy) and a receipt's print. The API has the same
(``/api/v1/work-orders/{number}/charge``, ``/api/v1/receipts``, ``/api/v1/reconciliations``)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from base.errors import DomainError, Forbidden, InvalidInput
from estates.localtime import local_today
from estates.models import Property
from people.access import may_reconcile, property_of, staff_member
from settlement import selectors
from settlement import services as rules
from settlement.models import HANDED_IN, Method
from settlement.printing import receipt_pdf


def _charge_page(request: HttpRequest, order: Any, *, error: str = "", status: int = 200) -> HttpResponse:
    ticket = order.ticket
    quote = rules.consented_quote(order)
    context = {
        "ticket": ticket,
        "order": order,
        "quote": quote,
        "methods": Method.choices,
        "form_key": uuid.uuid4().hex,
        "error": error,
        "charge": selectors.charge_of_ticket(ticket.pk),
    }
    return render(request, "settlement/charge.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def charge(request: HttpRequest, number: str) -> HttpResponse:
    """Record the charge of a signed-off paid job (收费) and issue the receipt; the
    amounts are the consented quote's, the person picks how it was paid."""
    user = staff_member(request.user)
    order = selectors.order_for(user, number)
    rules.settler_for(user, order.ticket)
    if request.method != "POST":
        return _charge_page(request, order)
    post = request.POST
    try:
        found, _created = rules.charge_record(
            by=user,
            order=order,
            method=post.get("method", ""),
            total=post.get("total") or None,
            form_key=post.get("form_key", ""),
        )
    except DomainError as e:
        return _charge_page(request, order, error=e.message, status=e.status)
    messages.success(request, _("Charged ¥%(total)s: receipt %(no)s.") % {"total": found.total, "no": found.receipt_no})
    return redirect(reverse("console:ticket", args=[number]) + "#settle")


def _day(text: str, prop: Property) -> datetime.date:
    if not text:
        return local_today(prop.time_zone)
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        raise InvalidInput(_("Give a date, e.g. 2026-11-23."), field="day") from None


def _finance_page(
    request: HttpRequest,
    prop: Property,
    day: datetime.date,
    *,
    error: str = "",
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    summary = selectors.day_summary(prop, day)
    context = {
        "property": prop,
        "day": day,
        "previous": day - datetime.timedelta(days=1),
        "next": day + datetime.timedelta(days=1),
        "today": local_today(prop.time_zone),
        "s": summary,
        "handed_in": [(m.value, m.label, (values or {}).get(f"handed_{m.value}", "")) for m in HANDED_IN],
        "can_reconcile": may_reconcile(user),
        "jobs": selectors.settled_jobs(prop, since=day - datetime.timedelta(days=6)),
        "error": error,
        "values": values or {},
    }
    return render(request, "settlement/finance.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def finance(request: HttpRequest, code: str) -> HttpResponse:
    """Finance's page of a day at a property: the receipts, per method what they say was
    taken and what was handed in with the differences flagged, the reconciliation form
    (a correction once the day is reconciled), and the settled jobs' finance copy."""
    user = staff_member(request.user)
    prop = property_of(user, code)
    rules.reader_at(user, prop)
    source = request.POST if request.method == "POST" else request.GET
    day = _day(source.get("day", ""), prop)
    if request.method != "POST":
        return _finance_page(request, prop, day)
    post = request.POST
    values = {k: post.get(k, "")[:100] for k in post if k != "csrfmiddlewaretoken"}
    try:
        rules.reconciliation_record(
            by=user,
            property=prop,
            day=day,
            handed={m.value: post.get(f"handed_{m.value}", "") for m in HANDED_IN},
            note=post.get("note", ""),
            correction_reason=post.get("correction_reason", ""),
        )
    except DomainError as e:
        return _finance_page(request, prop, day, error=e.message, values=values, status=e.status)
    messages.success(request, _("%(day)s is reconciled.") % {"day": day.isoformat()})
    return redirect(f"{reverse('settlement:finance', args=[prop.code])}?day={day.isoformat()}")


@login_required
@require_GET
def receipt_print(request: HttpRequest, receipt_no: str) -> HttpResponse:
    """The printable receipt (PDF)."""
    user = staff_member(request.user)
    c = selectors.charge_by_number(receipt_no)
    property_of(user, c.property.code)
    if not rules.may_print(user, c):
        raise Forbidden(_("Only finance, the service desk and the managers read the receipts."))
    response = HttpResponse(receipt_pdf(c), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{c.receipt_no}.pdf"'
    return response
