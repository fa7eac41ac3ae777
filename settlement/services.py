"""The rules of settling paid repairs, one function each, called by the pages and the
API alike (R2.11, R2.12, R3.4):

- ``charge_record``: after the customer's sign-off of a paid job, the desk or the job's
  technician records the charge for the amounts of the consented quote, by line, and
  how it was paid; the receipt number comes from the property's series for the year,
  taken in the same transaction, so the series has no gaps and no duplicates.
- ``reconciliation_record``: finance enters what was handed in per payment method for a
  day; the receipts say what was expected; the differences are kept. A reconciled day
  is never changed: a correction is a new version with its reason.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from base import validation
from base.errors import Conflict, Forbidden, IllegalTransition, InvalidInput, NotFound
from estates.localtime import local_today
from estates.models import Property
from people.access import may_read_receipts, may_reconcile, may_settle, works_at
from people.models import User
from repairs.models import Quote, WorkOrder
from settlement.models import HANDED_IN, Charge, Method, Reconciliation
from tickets.models import Ticket
from tickets.numbering import counter_next
from tickets.workflow import event_append

CHARGE_MAX = Decimal("100000")  # one paid household repair; above this is a typo
DAY_MAX = Decimal("10000000")  # handed in for one method in one day
CENT = Decimal("0.01")
PARTS = ("labour", "material", "service")

# --- Who may -------------------------------------------------------------------------------


def settler_for(user: Any, ticket: Ticket) -> User:
    """The account if it may record this job's charge: the desk at the job's property
    or the job's technician; refused otherwise."""
    if not may_settle(user, ticket):
        raise Forbidden(_("Only the service desk or the job's technician records the charge of a paid repair."))
    if not works_at(user, ticket.property):
        raise NotFound(_("There is no property %(code)s you work at.") % {"code": ticket.property.code})
    return user


def reader_at(user: Any, property: Property) -> User:
    if not may_read_receipts(user):
        raise Forbidden(_("Only finance, the service desk and the managers read the receipts."))
    if not works_at(user, property):
        raise NotFound(_("There is no property %(code)s you work at.") % {"code": property.code})
    return user


def reconciler_at(user: Any, property: Property) -> User:
    if not may_reconcile(user):
        raise Forbidden(_("Only finance reconciles the day's receipts."))
    if not works_at(user, property):
        raise NotFound(_("There is no property %(code)s you work at.") % {"code": property.code})
    return user


def may_print(user: Any, charge: Charge) -> bool:
    """A receipt's print: the receipts' readers, and whoever collected it."""
    return may_read_receipts(user) or (isinstance(user, User) and charge.collected_by_id == user.pk)


# --- Amounts -------------------------------------------------------------------------------


def amount(value: object, *, field: str, most: Decimal = CHARGE_MAX) -> Decimal:
    """An amount of money in yuan: not negative, at most two decimals, not absurd."""
    try:
        found = Decimal(str(value).strip().replace(",", "").removeprefix("¥"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("Not an amount of money."), field=field) from None
    if not found.is_finite():
        raise InvalidInput(_("Not an amount of money."), field=field)
    if found < 0:
        raise InvalidInput(_("An amount cannot be negative."), field=field)
    if found > most:
        raise InvalidInput(
            _("%(amount)s is more than %(max)s; check the amount.") % {"amount": found, "max": most}, field=field
        )
    if found != found.quantize(CENT):
        raise InvalidInput(_("Amounts have at most two decimal places."), field=field)
    return found.quantize(CENT)


def method_clean(method: str) -> str:
    if method not in Method.values:
        raise InvalidInput(
            _("Unknown payment method “%(method)s”: choose cash, card, WeChat Pay, Alipay or the household's account.")
            % {"method": str(method)[:20]},
            field="method",
        )
    return method


# --- The charge ------------------------------------------------------------------------------


def consented_quote(order: WorkOrder) -> Quote | None:
    """The quote the customer agreed to last: what is charged. From the order's quotes
    as already read (the ticket's page reads them all), else read now: the charge
    itself reads its order afresh (``order_for``), with no quotes read before it."""
    consented = [q for q in order.quotes.all() if q.status == Quote.Status.CONSENTED]
    return max(consented, key=lambda q: q.version, default=None)


def charge_check(order: WorkOrder, *, settled: bool = True) -> Quote:
    """Whether the job may be charged now: a paid job, signed off, with a consented
    quote and (``settled``) not charged yet; the quote to charge, or a refusal saying why."""
    if not order.is_paid:
        raise IllegalTransition(_("This is not a paid repair: there is nothing to charge."), code="not_paid")
    if order.signed_off_at is None:
        raise IllegalTransition(
            _("The customer has not signed off yet: charge after the sign-off."), code="not_signed_off"
        )
    quote = consented_quote(order)
    if quote is None:
        raise IllegalTransition(_("The customer has consented to no quote: nothing can be charged."), code="no_quote")
    found = Charge.objects.filter(order=order).only("receipt_no").first() if settled else None
    if found is not None:
        raise Conflict(
            _("This job is settled already: receipt %(no)s.") % {"no": found.receipt_no}, code="settled_already"
        )
    return quote


def _quoted(quote: Quote) -> dict[str, Decimal]:
    return {
        "labour": quote.labour_total,
        "material": quote.material_total,
        "service": quote.service_total,
        "total": quote.total,
    }


def _amounts_match(quote: Quote, given: Mapping[str, object | None]) -> None:
    """Every amount given must be the signed quote's; a charge that differs is refused."""
    quoted = _quoted(quote)
    for part in (*PARTS, "total"):
        value = given.get(part)
        if value is None or value == "":
            continue
        if amount(value, field=part) != quoted[part]:
            raise InvalidInput(
                _(
                    "The charge differs from the quote the customer signed (labour %(labour)s, material "
                    "%(material)s, service fee %(service)s, total %(total)s): charge the signed amounts."
                )
                % {k: f"{v:.2f}" for k, v in quoted.items()},
                field=part,
                code="differs_from_quote",
            )


def _receipt_number(property: Property, year: int) -> tuple[int, str]:
    """The next number of the property's series for the year (``tickets.numbering``'s
    counters, under the key ``SJ<property id>-<year>``). Call inside the charge's
    transaction: a charge that fails rolls the number back with it."""
    seq = counter_next(f"SJ{property.pk}-{year}")
    return seq, f"SJ-{property.code}-{year}-{seq:06d}"


def charge_record(
    *,
    by: User,
    order: WorkOrder,
    method: str,
    labour: object | None = None,
    material: object | None = None,
    service: object | None = None,
    total: object | None = None,
    form_key: str = "",
) -> tuple[Charge, bool]:
    """Record the charge of a signed-off paid job for the amounts of the consented quote
    (the amounts given, if any, must be those) and how it was paid; issue the receipt.
    Returns the charge and whether it was written now (False: the same form or request
    key again, which charges once)."""
    ticket = order.ticket
    settler_for(by, ticket)
    form_key = validation.text_clean(form_key, field="form_key", required=False, max_length=100)
    if form_key:
        found = Charge.objects.filter(collected_by=by, form_key=form_key).first()
        if found is not None:
            return found, False
    method = method_clean(method)
    quote = charge_check(order, settled=False)  # whether it is settled already: asked under the lock
    _amounts_match(quote, {"labour": labour, "material": material, "service": service, "total": total})
    prop = ticket.property
    try:
        with transaction.atomic():
            WorkOrder.objects.select_for_update().filter(pk=order.pk).first()  # one charge at a time per job
            replay = Charge.objects.filter(collected_by=by, form_key=form_key).first() if form_key else None
            if replay is not None:  # the same request, sent twice at once: it waited for the first
                return replay, False
            charge_check(order)  # refused if settled already, naming the receipt
            now = timezone.now()
            day = local_today(prop.time_zone, now)
            seq, number = _receipt_number(prop, day.year)
            charge = Charge.objects.create(
                order=order,
                ticket=ticket,
                property=prop,
                quote=quote,
                receipt_no=number,
                year=day.year,
                seq=seq,
                day=day,
                place=(ticket.unit.label if ticket.unit else str(ticket.common_area or ""))[:100],
                customer_name=(order.signed_by or ticket.reporter_name)[:50],
                lines=quote.lines,
                labour=quote.labour_total,
                material=quote.material_total,
                service=quote.service_total,
                total=quote.total,
                fee_basis=quote.fee_basis,
                fee_reason=quote.fee_reason,
                method=method,
                collected_by=by,
                collected_by_name=by.name_kept,
                charged_at=now,
                form_key=form_key,
            )
            event_append(
                ticket=ticket,
                action="charge",
                by=by,
                at=now,
                note=_("Receipt %(no)s: ¥%(total)s, %(method)s")
                % {"no": number, "total": quote.total, "method": Method(method).label},
                data={"receipt": number, "total": str(quote.total), "method": method, "quote_version": quote.version},
            )
    except IntegrityError:
        if form_key:
            found = Charge.objects.filter(collected_by=by, form_key=form_key).first()
            if found is not None:
                return found, False
        charge_check(order)
        raise Conflict(_("Someone else settled this job at the same moment."), code="settled_already") from None
    return charge, True


# --- The day's reconciliation -------------------------------------------------------------


def expected_by_method(property: Property, day: datetime.date) -> tuple[dict[str, Decimal], int]:
    """What the day's receipts say was taken, per payment method, and how many receipts."""
    sums = dict.fromkeys(Method.values, Decimal("0.00"))
    count = 0
    for method, total in Charge.objects.filter(property=property, day=day).values_list("method", "total"):
        sums[method] += total
        count += 1
    return sums, count


def handed_clean(handed: Mapping[str, object]) -> dict[str, Decimal]:
    """What finance counted or saw settled, for each method handed in (cash, card,
    WeChat Pay, Alipay); each is needed, zero included."""
    unknown = sorted(set(handed) - {m.value for m in HANDED_IN})
    if unknown:
        raise InvalidInput(
            _("Unknown payment method “%(method)s”: enter cash, card, WeChat Pay and Alipay.")
            % {"method": str(unknown[0])[:20]},
            field=f"handed.{str(unknown[0])[:20]}",
        )
    out = {}
    for m in HANDED_IN:
        value = handed.get(m.value)
        if value is None or str(value).strip() == "":
            raise InvalidInput(
                _("Enter what was handed in for %(method)s (0 if nothing).") % {"method": m.label},
                field=f"handed.{m.value}",
            )
        out[m.value] = amount(value, field=f"handed.{m.value}", most=DAY_MAX)
    return out


def reconciliation_record(
    *,
    by: User,
    property: Property,
    day: datetime.date,
    handed: Mapping[str, object],
    note: str = "",
    correction_reason: str = "",
) -> Reconciliation:
    """Finance reconciles a day's receipts: per method, expected by the receipts against
    handed in, the differences flagged and kept with who and when. A reconciled day is
    closed: reconciling it again is refused unless it is a correction with its reason,
    written as a new version beside the first (which is never changed)."""
    reconciler_at(by, property)
    now = timezone.now()
    if day > local_today(property.time_zone, now):
        raise InvalidInput(_("That day has not come yet."), field="day")
    counted = handed_clean(handed)
    note = validation.text_clean(note, field="note", required=False, max_length=500)
    correction_reason = validation.text_clean(
        correction_reason, field="correction_reason", required=False, max_length=500
    )
    latest = Reconciliation.objects.filter(property=property, day=day).order_by("-version").first()
    if latest is not None and not correction_reason:
        raise Conflict(
            _(
                "%(day)s is reconciled already (by %(by)s at %(at)s). To change it, record a correction "
                "with its reason; the first reconciliation is kept."
            )
            % {
                "day": day.isoformat(),
                "by": latest.by_name,
                "at": timezone.localtime(latest.at, zoneinfo.ZoneInfo(property.time_zone)).strftime("%Y-%m-%d %H:%M"),
            },
            code="reconciled_already",
        )
    if latest is None and correction_reason:
        raise InvalidInput(
            _("%(day)s is not reconciled yet: there is nothing to correct.") % {"day": day.isoformat()},
            field="correction_reason",
        )
    expected, receipts = expected_by_method(property, day)
    differences = {m: str(counted[m] - expected[m]) for m in counted if counted[m] != expected[m]}
    try:
        with transaction.atomic():
            return Reconciliation.objects.create(
                property=property,
                day=day,
                version=(latest.version + 1) if latest else 1,
                expected={m: str(v) for m, v in expected.items()},
                handed={m: str(v) for m, v in counted.items()},
                differences=differences,
                receipts=receipts,
                note=note,
                corrects=latest,
                correction_reason=correction_reason,
                by=by,
                by_name=by.name_kept,
                at=now,
            )
    except IntegrityError:
        raise Conflict(
            _("Someone else reconciled %(day)s at the same moment; reload and check.") % {"day": day.isoformat()},
            code="reconciled_already",
        ) from None
