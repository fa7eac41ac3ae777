"""One announcement on the resident's pages (``/my/news/<id>/``), opened from the top of
their home page or from its notice under the bell; opening it marks the notice read,
which is what the desk counts as read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from announcements.selectors import announcement_for_resident
from announcements.services import announcement_read
from people.access import is_resident


@login_required
@require_GET
def announcement(request: HttpRequest, pk: int) -> HttpResponse:
    """Another property's or building's announcement, a withdrawn one and a missing one
    are the same 404."""
    user = request.user
    if not is_resident(user):
        raise PermissionDenied(_("These pages are for residents."))
    row = announcement_for_resident(user, pk)
    announcement_read(user=user, announcement=row)
    return render(request, "portal/announcement.html", {"a": row})
