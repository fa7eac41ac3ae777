"""The desk's pages of the household archive (R7.1-R7.2): find a household, open its
personal details and documents with a reason (for itself or for a department head),
file a document; the manager's access log; the "please call" queue and the form any
department uses to ask for a call. The API has the same (``/api/v1/archive``,
``/api/v1/call-requests``)."""

from __future__ import annotations

import datetime
import uuid
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from base.errors import DomainError, Forbidden, InvalidInput
from base.files import file_response
from base.validation import local_moment, row_id
from estates.localtime import local_today
from estates.models import Household, Property
from people.access import may_read_archive_log, property_of, staff_member
from records import archive as rules
from records import keys as key_rules
from records import selectors
from records.models import CallRequest, DocumentType, Handover, Key, KeyLoan, Supplier
from tickets.models import Ticket

R = TypeVar("R", bound=HttpResponseBase)


def _no_store(response: R) -> R:
    """Records are never kept by a browser's cache or a proxy."""
    response["Cache-Control"] = "no-store"
    return response


def _archive_page(
    request: HttpRequest, prop: Property, *, unit: str = "", error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "property": prop,
        "unit": unit,
        "households": selectors.households_at(prop, unit),
        "heads": selectors.heads_at(prop),
        "reasons": rules.REASONS,
        "error": error,
    }
    return _no_store(render(request, "records/archive.html", context, status=status))


@login_required
@require_GET
def archive(request: HttpRequest, code: str) -> HttpResponse:
    """Find a household by its unit; nothing personal is shown before a read with a reason."""
    user = staff_member(request.user)
    prop = property_of(user, code)
    rules.keeper_at(user, prop)
    return _archive_page(request, prop, unit=request.GET.get("unit", ""))


@login_required
@require_POST
def household(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Read the household's personal details and its documents (one access row)."""
    user = staff_member(request.user)
    prop = property_of(user, code)
    rules.keeper_at(user, prop)
    home = selectors.household_of(prop, pk)
    reason = request.POST.get("reason", "")
    try:
        for_user = selectors.head_named(prop, request.POST.get("for_user", ""))
        details = rules.household_read(by=user, household=home, reason=reason, for_user=for_user)
    except InvalidInput as e:
        return _archive_page(request, prop, unit=home.unit.label, error=e.message, status=422)
    context = {
        "property": prop,
        "d": details,
        "reason": details.access.reason,
        "for_user": for_user,
        "types": DocumentType.choices,
        "suppliers": Supplier.choices,
        "today": local_today(prop.time_zone).isoformat(),
    }
    return _no_store(render(request, "records/household.html", context))


@login_required
@require_POST
def document(request: HttpRequest, code: str, pk: int) -> HttpResponseBase:
    """Open one document (one access row); the file comes in this answer, never by a link."""
    user = staff_member(request.user)
    prop = property_of(user, code)
    rules.keeper_at(user, prop)
    doc = selectors.document_any(pk)
    if doc.property_id != prop.pk:
        doc = selectors.document_any(None)
    for_user = selectors.head_named(prop, request.POST.get("for_user", ""))
    rules.document_open(by=user, document=doc, reason=request.POST.get("reason", ""), for_user=for_user)
    response = file_response(doc.file, content_type=doc.content_type)
    response["Content-Disposition"] = "inline"
    return _no_store(response)


@login_required
@require_POST
def document_add(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """File a document in the household's archive."""
    user = staff_member(request.user)
    prop = property_of(user, code)
    rules.keeper_at(user, prop)
    home = selectors.household_of(prop, pk)
    post = request.POST
    try:
        supplied_on = _date(post.get("supplied_on", ""))
        file = request.FILES.get("file")
        doc = rules.document_add(
            by=user,
            household=home,
            type=post.get("type", ""),
            title=post.get("title", ""),
            supplied_by=post.get("supplied_by", ""),
            supplied_on=supplied_on,
            upload=rules.upload_of(file) if file else rules.Upload("", b"", 0),
        )
    except DomainError as e:
        return _archive_page(request, prop, unit=home.unit.label, error=e.message, status=e.status)
    messages.success(
        request, _("Filed “%(title)s” in the archive of %(unit)s.") % {"title": doc.title, "unit": home.unit.label}
    )
    return redirect(f"{reverse('records:archive', args=[prop.code])}?unit={home.unit.label}")


def _date(text: str) -> datetime.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(_("Give the date as year, month and day."), field="supplied_on") from None


@login_required
@require_GET
def access_log(request: HttpRequest, code: str) -> HttpResponse:
    """The archive's access log, newest first: the property manager's page."""
    user = staff_member(request.user)
    prop = property_of(user, code)
    if not may_read_archive_log(user):
        raise Forbidden(_("The archive's access log is for the property manager."))
    rows = selectors.access_log(prop, before=row_id(request.GET.get("before", "")))
    more = rows[-1].pk if len(rows) == selectors.LOG_ROWS else None
    return _no_store(render(request, "records/access_log.html", {"property": prop, "rows": rows, "more": more}))


@login_required
@require_http_methods(["GET", "POST"])
def calls(request: HttpRequest, code: str) -> HttpResponse:
    """The desk's "please call" queue: whom to call for which department, with the number."""
    user = staff_member(request.user)
    prop = property_of(user, code)
    rules.keeper_at(user, prop)
    error = ""
    status = 200
    if request.method == "POST":
        row = CallRequest.objects.filter(pk=row_id(request.POST.get("request", "")) or 0, property=prop).first()
        try:
            if row is None:
                raise InvalidInput(_("There is no such request."))
            rules.call_request_answer(
                by=user,
                request=row,
                reached=request.POST.get("reached") == "yes",
                outcome=request.POST.get("outcome", ""),
            )
        except DomainError as e:
            error, status = e.message, e.status
        else:
            messages.success(request, _("Answered: %(who)s's request is closed.") % {"who": row.asked_by_name})
            return redirect(request.path)
    context = {
        "property": prop,
        "rows": selectors.call_queue(prop),
        "done": selectors.call_queue(prop, open_only=False, limit=20),
        "error": error,
    }
    return _no_store(render(request, "records/calls.html", context, status=status))


@login_required
@require_http_methods(["GET", "POST"])
def ask_call(request: HttpRequest, code: str) -> HttpResponse:
    """Any department asks the desk to call a household: by ticket or by unit."""
    user = staff_member(request.user)
    prop = property_of(user, code)
    source = request.POST if request.method == "POST" else request.GET
    number = source.get("ticket", "").strip()[:32]
    ticket = Ticket.objects.visible_to(user).filter(number=number, property=prop).first() if number else None
    values = {
        "ticket": ticket.number if ticket else "",
        "unit": source.get("unit", "").strip()[:30],
        "message": source.get("message", "")[:500],
        "key": source.get("key") or uuid.uuid4().hex,
        "next": source.get("next", ""),
    }
    error = ""
    if request.method == "POST":
        try:
            home = _home_of(prop, ticket, values["unit"])
            rules.call_request_create(
                by=user,
                household=home,
                message=values["message"],
                ticket_id=ticket.pk if ticket else None,
                key=values["key"],
            )
        except DomainError as e:
            error = e.message
        else:
            messages.success(request, _("The desk will call and tell you what came of it."))
            if values["next"].startswith("/") and not values["next"].startswith("//"):
                return redirect(values["next"])
            if ticket:
                return redirect("console:ticket", number=ticket.number)
            return redirect(request.path)
        values["key"] = uuid.uuid4().hex
    return render(
        request,
        "records/ask_call.html",
        {"property": prop, "values": values, "ticket": ticket, "error": error},
        status=422 if error else 200,
    )


def _home_of(prop: Property, ticket: Ticket | None, unit: str) -> Household:
    if ticket is not None and ticket.household_id:
        return selectors.household_of(prop, ticket.household_id)
    homes = [h for h in selectors.households_at(prop, unit) if h.moved_out_on is None]
    if not homes:
        raise InvalidInput(_("No household lives at this unit; give the unit as 3-1202."), field="unit")
    return homes[0]


# --- Keys (R7.3-R7.4) -----------------------------------------------------------------------


def _keys_page(
    request: HttpRequest,
    prop: Property,
    *,
    error: str = "",
    field: str = "",
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    register = selectors.key_register(prop)
    now = timezone.now()
    context = {
        "property": prop,
        "late": [k for k in register if _late(k, now)],
        "keys": [k for k in register if not _late(k, now)],
        "handovers": selectors.handovers(prop),
        "purposes": Key.Purpose.choices,
        "borrowers": KeyLoan.Borrower.choices,
        "items": Handover.Item.choices,
        "error": error,
        "field": field,
        "values": values or {},
        "form_key": uuid.uuid4().hex,
        "now": now,
    }
    return _no_store(render(request, "records/keys.html", context, status=status))


def _late(key: Key, now: datetime.datetime) -> bool:
    loan = getattr(key, "loan", None)  # selectors.key_register
    return loan is not None and loan.due_at < now


@login_required
@require_http_methods(["GET", "POST"])
def keys(request: HttpRequest, code: str) -> HttpResponse:
    """The key register: keys late back first (with their countdown), then every key in
    or out; lend against the borrower's signature, take back, add a key, hand items over
    to a resident against their signature."""
    user = staff_member(request.user)
    prop = property_of(user, code)
    key_rules.keeper_at(user, prop)
    if request.method != "POST":
        return _keys_page(request, prop)
    post = request.POST
    do = post.get("do", "")
    values = {k: post.get(k, "")[:200] for k in post if k not in ("signature", "csrfmiddlewaretoken")}
    try:
        if do == "add":
            k = key_rules.key_add(
                by=user,
                property=prop,
                code=post.get("code", ""),
                name=post.get("name", ""),
                purpose=post.get("purpose", ""),
                kept_at=post.get("kept_at", ""),
                unit=post.get("unit", ""),
            )
            messages.success(request, _("Key %(code)s is in the register.") % {"code": k.code})
        elif do == "lend":
            k = selectors.key_of(prop, row_id(post.get("key", "")))
            loan = key_rules.key_lend(
                by=user,
                key=k,
                borrower_kind=post.get("borrower_kind", ""),
                borrower_name=post.get("borrower_name", ""),
                borrower_phone=post.get("borrower_phone", ""),
                purpose=post.get("purpose", ""),
                due_at=local_moment(post.get("due_at", ""), time_zone=prop.time_zone, field="due_at"),
                signature=post.get("signature", ""),
                form_key=post.get("form_key", ""),
            )
            messages.success(
                request, _("Key %(code)s lent to %(name)s.") % {"code": k.code, "name": loan.borrower_name}
            )
        elif do == "return":
            k = selectors.key_of(prop, row_id(post.get("key", "")))
            key_rules.key_return(by=user, key=k)
            messages.success(request, _("Key %(code)s is back.") % {"code": k.code})
        elif do == "handover":
            homes = [h for h in selectors.households_at(prop, post.get("unit", "")) if h.moved_out_on is None]
            if not homes:
                raise InvalidInput(_("No household lives at this unit; give the unit as 3-1202."), field="unit")
            key_rules.handover_record(
                by=user,
                household=homes[0],
                items=post.getlist("items"),
                received_by_name=post.get("received_by_name", ""),
                signature=post.get("signature", ""),
                detail=post.get("detail", ""),
                form_key=post.get("form_key", ""),
            )
            messages.success(request, _("Handed over to %(unit)s, signed.") % {"unit": homes[0].unit.label})
        else:
            raise InvalidInput(_("Choose what to do."))
    except DomainError as e:
        return _keys_page(request, prop, error=e.message, field=f"{do}-{e.field or ''}", values=values, status=e.status)
    return redirect(request.path)
