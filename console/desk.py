"""Desk pages beside the tickets: the daily contact log with its Excel export (R2.25),
the quick-response directory (R1.7), the contingency plans (R5.4), the printed
written answer (R5.5) and the warranty check at intake (R3.1, R3.2)."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assistance.models import ContingencyPlan, HelpCategory
from assistance.printing import answer_pdf
from assistance.services import contingency_plan_add
from base.errors import DomainError, Forbidden, InvalidInput, NotFound
from base.files import file_response
from base.reads import related_read
from catalog.selectors import category_by_code, outside_parties
from catalog.warranty import warranty_for
from contacts.directory import directory_entry_add, directory_entry_remove
from contacts.export import daily_log_xlsx
from contacts.models import DirectoryEntry
from contacts.selectors import contacts_found, daily_log
from estates.models import Property
from estates.selectors import unit_at
from people.access import desk_member, may_edit_directory, may_read_contact_log, property_of, staff_member
from people.models import User
from tickets.models import Route
from tickets.selectors import ticket_detail


@login_required
@require_GET
def contact_log(request: HttpRequest, code: str) -> HttpResponse:
    """One day's calls and visits with subtotals per tag and kind; ``?format=xlsx`` for Excel."""
    user = staff_member(request.user)
    if not may_read_contact_log(user):
        raise Forbidden(_("The contact log is for the service desk."))
    prop = property_of(user, code)
    with timezone.override(prop.time_zone):
        today = timezone.localdate()
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", "")) if request.GET.get("day") else today
    except ValueError:
        day = today
    if not 2000 <= day.year <= 2100:
        day = today  # a day no log can hold
    find = request.GET.get("find", "").strip()[:30]
    if find:
        return render(
            request,
            "console/contact_log.html",
            {"property": prop, "find": find, "rows": contacts_found(prop, find), "day": day, "today": today},
        )
    log = daily_log(prop, day)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            daily_log_xlsx(log), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="contacts-{prop.code}-{day:%Y%m%d}.xlsx"'
        return response
    context = {
        "property": prop,
        "log": log,
        "rows": log.rows,
        "day": day,
        "previous": day - datetime.timedelta(days=1),
        "next": day + datetime.timedelta(days=1) if day < today else None,
        "today": today,
    }
    return render(request, "console/contact_log.html", context)


def _directory_page(request: HttpRequest, user: User, prop: Property, error: DomainError | None = None) -> HttpResponse:
    context = {
        "property": prop,
        "entries": DirectoryEntry.objects.filter(property=prop),
        "groups": DirectoryEntry.Group.choices,
        "can_edit": may_edit_directory(user),
        "error": error.message if error else "",
        "field": error.field if error else "",
        "values": request.POST if error else {},
        "plans": ContingencyPlan.objects.filter(property=prop),
        "categories": HelpCategory.choices,
    }
    return render(request, "console/directory.html", context, status=error.status if error else 200)


@login_required
def directory(request: HttpRequest, code: str) -> HttpResponse:
    """The quick-response directory and the contingency plans; supervisors and managers
    keep them up to date."""
    user = desk_member(request.user)
    prop = property_of(user, code)
    if request.method != "POST":
        return _directory_page(request, user, prop)
    post = request.POST
    try:
        if "delete" in post:
            directory_entry_remove(prop=prop, by=user, entry_id=post["delete"])
        else:
            directory_entry_add(
                prop=prop,
                by=user,
                group=post.get("group", ""),
                name=post.get("name", ""),
                phone=post.get("phone", ""),
                note=post.get("note", ""),
            )
    except (InvalidInput, NotFound) as e:
        return _directory_page(request, user, prop, e)
    return redirect("console:directory", code=prop.code)


@login_required
@require_POST
def plan_upload(request: HttpRequest, code: str) -> HttpResponse:
    user = desk_member(request.user)
    prop = property_of(user, code)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise InvalidInput(_("Choose the file of the plan."), field="file")
        contingency_plan_add(
            prop=prop,
            by=user,
            category=request.POST.get("category", ""),
            title=request.POST.get("title", ""),
            file=upload,
        )
    except InvalidInput as e:
        return _directory_page(request, user, prop, e)
    return redirect("console:directory", code=prop.code)


@login_required
@require_GET
def plan(request: HttpRequest, pk: int) -> FileResponse:
    user = staff_member(request.user)
    item = ContingencyPlan.objects.filter(pk=pk).select_related("property").first()
    if item is None:
        raise Http404(_("There is no such plan."))
    property_of(user, item.property.code)  # 404 unless the user works there
    return file_response(item.file, content_type=item.content_type)


@login_required
@require_GET
def answer_print(request: HttpRequest, number: str) -> HttpResponse:
    user = staff_member(request.user)
    ticket = ticket_detail(user, number)
    if not hasattr(ticket, "answer"):
        raise Http404(_("This ticket has no written answer yet."))
    response = HttpResponse(answer_pdf(ticket), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{number}-answer.pdf"'
    return response


@login_required
@require_GET
def route_choices(request: HttpRequest, code: str) -> HttpResponse:
    """The intake's route choice for the picked unit and category: if the category is
    still under the builder's warranty there, Z is proposed with the builder (R3.2)."""
    user = desk_member(request.user)
    prop = property_of(user, code)
    unit = unit_at(prop, request.GET.get("unit", ""))
    related_read([unit] if unit else [], "building__builder")  # what the warranty reads
    category = category_by_code(request.GET.get("category", "")[:30])
    with timezone.override(prop.time_zone):
        today = timezone.localdate()
    warranty = warranty_for(unit=unit, building=None, category=category, on=today) if unit else None
    chosen = request.GET.get("route", "")
    if warranty and warranty.routes_to_builder and "route" not in request.GET:
        chosen = Route.BUILDER
    return render(request, "console/_route.html", route_context(prop, chosen, warranty, request.GET.get("party", "")))


def route_context(prop, chosen: str, warranty=None, party: str = "") -> dict:  # type: ignore[no-untyped-def]
    builders, providers = outside_parties(prop.company_id)
    if warranty and warranty.builder and not party and chosen == Route.BUILDER:
        party = warranty.builder.code
    return {
        "property": prop,
        "routes": Route.choices,
        "chosen": chosen,
        "warranty": warranty,
        "builders": builders,
        "providers": providers,
        "party": party,
    }
