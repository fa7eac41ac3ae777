"""The desk's announcements page: publish one to the residents of the property or of some
of its buildings (a water or power cut, a lift's maintenance, a community event), and see
each one's receipts: residents told, messages sent, kept or failed, and how many read
it; withdraw one. The form carries a one-time key so a double click publishes once.
The API has the same (``/api/v1/announcements``)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from pydantic import ValidationError

from announcements.models import Announcement
from announcements.schemas import AnnouncementIn
from announcements.selectors import BOARD_ROWS, announcement_for_desk, receipts_of
from announcements.selectors import board as board_rows
from announcements.services import BODY_MAX, TITLE_MAX, announcement_publish, announcement_withdraw
from base.errors import DomainError, field_path, pydantic_message
from base.validation import row_id
from console.intake import local_time
from estates.models import Building, Property
from people.access import desk_member, property_of

FIELDS = ["kind", "title", "body", "starts_at", "ends_at"]


def _page(
    request: HttpRequest,
    prop: Property,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = board_rows(prop, before=row_id(request.GET.get("before", "")))
    context = {
        "property": prop,
        "rows": rows,
        "more": rows[-1].announcement.pk if len(rows) == BOARD_ROWS else None,
        "values": values,
        "errors": errors or {},
        "kinds": Announcement.Kind.choices,
        "buildings": list(Building.objects.filter(property=prop).order_by("code")),
        "title_max": TITLE_MAX,
        "body_max": BODY_MAX,
    }
    response = render(request, "console/announcements.html", context, status=status)
    response["Cache-Control"] = "no-store"  # Back must not bring a used key again
    return response


@login_required
@require_http_methods(["GET", "POST"])
def board(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the form and the property's announcements; POST: publish (or, with
    ``withdraw``, take one back)."""
    user = desk_member(request.user)
    prop = property_of(user, code)
    if request.method != "POST":
        return _page(request, prop, {"key": uuid.uuid4().hex, "kind": Announcement.Kind.OUTAGE, "building_ids": []})
    if "withdraw" in request.POST:
        return _withdraw(request, prop, request.POST["withdraw"], reverse("console:announcements", args=[prop.code]))
    post = request.POST
    values: dict[str, Any] = {name: post.get(name, "").strip() for name in FIELDS}
    values["building_ids"] = post.getlist("building_ids")
    errors: dict[str, str] = {}
    status = 422
    try:
        given = AnnouncementIn.model_validate(
            {
                "property": prop.code,
                "kind": values["kind"],
                "title": values["title"],
                "body": values["body"],
                "building_ids": values["building_ids"],
                "starts_at": local_time(values["starts_at"], prop.time_zone),
                "ends_at": local_time(values["ends_at"], prop.time_zone),
            }
        )
        row = announcement_publish(
            by=user,
            property=prop,
            title=given.title,
            body=given.body,
            kind=given.kind,
            building_ids=given.building_ids,
            starts_at=given.starts_at,
            ends_at=given.ends_at,
            key=post.get("key", "").strip() or uuid.uuid4().hex,
        )
    except ValidationError as e:
        for err in e.errors():
            name = field_path(err.get("loc")).split(".")[0]  # building_ids.0 -> building_ids
            errors.setdefault(name or "general", pydantic_message(dict(err)))
    except DomainError as e:
        errors[e.field or "general"] = e.message
        status = e.status
    else:
        told = receipts_of([row])[row.pk].told
        messages.success(
            request,
            ngettext(
                "Published “%(title)s”: %(count)d resident was told.",
                "Published “%(title)s”: %(count)d residents were told.",
                told,
            )
            % {"title": row.title, "count": told},
        )
        return redirect(reverse("console:announcements", args=[prop.code]) + f"#a{row.pk}")
    # Nothing was published under this key (or it was used by an earlier, different
    # submission): the corrected form goes out with a fresh one.
    values["key"] = uuid.uuid4().hex
    return _page(request, prop, values, errors, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One announcement as residents read it, with its receipts; POST withdraws it."""
    user = desk_member(request.user)
    prop = property_of(user, code)
    if request.method == "POST" and "withdraw" in request.POST:
        return _withdraw(request, prop, str(pk), reverse("console:announcement", args=[prop.code, pk]))
    row = announcement_for_desk(prop, pk)
    return render(request, "console/announcement.html", {"property": prop, "row": row})


def _withdraw(request: HttpRequest, prop: Property, pk: str, back: str) -> HttpResponse:
    announcement = announcement_for_desk(prop, row_id(pk) or 0).announcement
    announcement_withdraw(by=desk_member(request.user), announcement=announcement)
    messages.success(request, _("Withdrawn: residents no longer see “%(title)s”.") % {"title": announcement.title})
    return redirect(back)
