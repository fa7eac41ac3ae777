"""The monthly dashboard (R8.1-R8.3): charts and tables of one property or the whole
company for a month, with the Excel and PDF of the same figures, and the kept packs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from base.errors import Forbidden
from base.files import file_response
from estates.localtime import local_today
from estates.models import Company, Property
from people.access import may_read_company_reports, may_read_reports, properties_of, property_of, staff_member
from reports.export import pack_pdf, pack_xlsx
from reports.models import ReportPack
from reports.months import months_add
from reports.services import pack_for, previous_month

COMPANY = "all"


def _scope(request: HttpRequest, code: str) -> tuple[Company, Property | None]:
    user = staff_member(request.user)
    if not may_read_reports(user):
        raise Forbidden(_("The monthly reports are for supervisors and managers."))
    if code != COMPANY:
        prop = property_of(user, code)
        return prop.company, prop
    if not may_read_company_reports(user):
        raise Forbidden(_("The company-wide report is for company leadership."))
    company = Company.objects.filter(pk=user.company_id).first() if user.company_id else None
    if company is None:  # a superuser without a company: the first one they work at
        first = next(iter(properties_of(user)), None)
        company = first.company if first else None
    if company is None:
        raise Http404
    return company, None


def _month(value: str) -> str:
    parts = value.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[1]) <= 12:
        raise Http404(_("A month is written like 2026-11."))
    if not 2000 <= int(parts[0]) <= 2100:
        raise Http404(_("There are no reports of that year."))
    return f"{int(parts[0]):04d}-{int(parts[1]):02d}"


@login_required
def dashboard(request: HttpRequest, code: str, month: str = "") -> HttpResponse:
    company, prop = _scope(request, code)
    month = _month(month) if month else previous_month(local_today(prop.time_zone) if prop else timezone.localdate())
    pack = pack_for(company, prop, month)
    fmt = request.GET.get("format", "")
    if fmt in ("xlsx", "pdf"):
        slug = f"{prop.code if prop else 'company'}-{month}"
        if fmt == "xlsx":
            response = HttpResponse(
                pack_xlsx(pack), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            response["Content-Disposition"] = f'attachment; filename="{slug}.xlsx"'
        else:
            response = HttpResponse(pack_pdf(pack), content_type="application/pdf")
            response["Content-Disposition"] = f'inline; filename="{slug}.pdf"'
        return response
    prev, nxt = months_add(month, -1), months_add(month, 1)
    context = {
        "pack": pack,
        "code": code,
        "property": prop,
        "company": company,
        "month": month,
        "previous": prev,
        "next": nxt,
        "kept": ReportPack.objects.filter(company=company, property=prop).order_by("-month")[:12],
        "properties": properties_of(staff_member(request.user)),
    }
    return render(request, "reports/dashboard.html", context)


@login_required
def kept_file(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    row = ReportPack.objects.filter(pk=pk).select_related("property").first()
    if row is None or kind not in ("xlsx", "pdf"):
        raise Http404
    _scope(request, row.property.code if row.property else COMPANY)
    return file_response(getattr(row, kind), as_attachment=kind == "xlsx")
