"""The desk's page for residents' access: the people asking to join a household,
confirmed (业主认证) or refused with a reason, and a resident registered and invited
directly. The API has the same (``/api/v1/residents/...``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from base.errors import DomainError
from base.validation import row_id
from estates.models import Resident
from people.access import desk_member, property_of
from residents.models import JoinRequest
from residents.services import join_confirm, join_queue, join_refuse, resident_invite


@login_required
@require_http_methods(["GET", "POST"])
def residents(request: HttpRequest, code: str) -> HttpResponse:
    user = desk_member(request.user)
    prop = property_of(user, code)
    invite = {k: request.POST.get(k, "")[:60] for k in ("unit", "name", "phone", "role")}
    message, field = "", ""
    if request.method == "POST":
        try:
            do = request.POST.get("do", "")
            if do == "invite":
                r = resident_invite(
                    by=user,
                    property=prop,
                    unit=invite["unit"],
                    name=invite["name"],
                    phone=invite["phone"],
                    role=invite["role"] or Resident.Role.OWNER,
                )
                messages.success(
                    request,
                    _("%(name)s is registered at %(unit)s and invited by SMS.")
                    % {"name": r.name, "unit": r.household.unit.label},
                )
                return redirect(request.path)
            row = (
                JoinRequest.objects.filter(pk=row_id(request.POST.get("request", "")) or 0, property=prop)
                .select_related("unit", "user")
                .first()
            )
            if row is None:
                raise DomainError(_("This request was decided already."))
            if do == "confirm":
                join_confirm(by=user, request=row)
                messages.success(
                    request, _("%(name)s is confirmed at %(unit)s.") % {"name": row.name, "unit": row.unit.label}
                )
            else:
                join_refuse(by=user, request=row, reason=request.POST.get("reason", ""))
                messages.success(request, _("%(name)s was told why not.") % {"name": row.name})
            return redirect(request.path)
        except DomainError as e:
            message, field = e.message, e.field or ""
    context = {
        "property": prop,
        "queue": join_queue(user, prop),
        "decided": JoinRequest.objects.filter(property=prop)
        .exclude(status=JoinRequest.Status.PENDING)
        .select_related("unit")[:20],
        "invite": invite,
        "roles": Resident.Role.choices,
        "message": message,
        "field": field,
    }
    return render(request, "console/residents.html", context, status=422 if message else 200)
