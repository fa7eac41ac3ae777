"""The resident's pages: their household's matters and where each stands, and the
satisfaction surveys open at their property (answered in ``surveys.portal``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from people.access import is_resident
from surveys.selectors import open_surveys_for
from tickets.models import Ticket
from tickets.selectors import with_labels

ROWS = 50


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_resident(user):
        raise PermissionDenied(_("These pages are for residents."))
    rows = list(with_labels(Ticket.objects.visible_to(user)).order_by("-reported_at", "-id")[:ROWS])
    surveys = open_surveys_for(user, timezone.now())
    return render(request, "portal/home.html", {"rows": rows, "surveys": surveys})
