"""The property's outbox for the desk supervisor: every message the notices sent or kept
(who, channel, text, status), the failed ones with the channel's error, and sending a
failed one again. With no channel configured (the demo), it is where the technician's
SMS and the resident's text can be read. The API has the same (``/api/v1/outbox``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from base.errors import Forbidden
from base.validation import row_id
from notify.models import Delivery
from notify.selectors import outbox
from notify.services import deliveries_retry_failed
from people.access import may_watch_deliveries, property_of, staff_member

PAGE = 100


@login_required
@require_http_methods(["GET", "POST"])
def deliveries(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_member(request.user)
    if not may_watch_deliveries(user):
        raise Forbidden(_("The outbox is for the service supervisor and the leads."))
    prop = property_of(user, code)
    if request.method == "POST":
        wanted = [pk for pk in map(row_id, request.POST.getlist("delivery")) if pk is not None]
        done = deliveries_retry_failed(property_id=prop.pk, ids=None if request.POST.get("all") else wanted)
        messages.success(
            request,
            ngettext("%(count)d delivery will be sent again.", "%(count)d deliveries will be sent again.", done)
            % {"count": done},
        )
        return redirect(request.get_full_path())
    status = request.GET.get("status", "")
    page, counts = outbox(prop, status=status, before=row_id(request.GET.get("before", "")), limit=PAGE)
    context = {
        "property": prop,
        "rows": page,
        "status": status,
        "statuses": [(value, label, counts[value]) for value, label in Delivery.Status.choices],
        "more": page[-1].pk if len(page) == PAGE else None,
    }
    return render(request, "console/deliveries.html", context)
