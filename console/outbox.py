"""The property's outbox for the desk supervisor: every message the notices sent or kept
(who, channel, text, status), the failed ones with the channel's error, and sending a
failed one again. With no channel configured (the demo), it is where the technician's
SMS and the resident's text can be read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from base.errors import Forbidden
from notify.models import Delivery
from notify.services import deliveries_retry
from people.access import may_watch_deliveries, property_of, staff_member

PAGE = 100


@login_required
@require_http_methods(["GET", "POST"])
def deliveries(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_member(request.user)
    if not may_watch_deliveries(user):
        raise Forbidden(_("The outbox is for the service supervisor and the leads."))
    prop = property_of(user, code)
    mine = Delivery.objects.filter(property=prop)
    if request.method == "POST":
        wanted = [pk for pk in request.POST.getlist("delivery") if pk.isdigit()]
        failed = mine.filter(status=Delivery.Status.FAILED)
        chosen = failed if request.POST.get("all") else failed.filter(pk__in=wanted)
        done = deliveries_retry(list(chosen))
        messages.success(
            request,
            ngettext("%(count)d delivery will be sent again.", "%(count)d deliveries will be sent again.", done)
            % {"count": done},
        )
        return redirect(request.get_full_path())
    status = request.GET.get("status", "")
    rows = mine.select_related("ticket").order_by("-id")
    if status in Delivery.Status.values:
        rows = rows.filter(status=status)
    before = request.GET.get("before", "")
    if before.isdigit():
        rows = rows.filter(pk__lt=int(before))
    page = list(rows[:PAGE])
    counts = dict(mine.values_list("status").order_by().annotate(n=Count("id")))
    context = {
        "property": prop,
        "rows": page,
        "status": status,
        "statuses": [(value, label, counts.get(value, 0)) for value, label in Delivery.Status.choices],
        "more": page[-1].pk if len(page) == PAGE else None,
    }
    return render(request, "console/deliveries.html", context)
