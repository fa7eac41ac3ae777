"""The company administrator's setup page of a property: its clock and phones (R1.4),
time limits and follow-up windows (each with a way back to the defaults), teams and
trades, notice channels, units made in bulk, and the history of every change with who
made it and when. One form per part; the rules are in ``onboarding.services`` (the
API calls the same)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from base.errors import DomainError
from base.validation import row_id
from estates.models import Property
from onboarding import services
from onboarding.selectors import setup_of
from people.access import properties_of, setup_at
from people.models import Role

COMMON_ZONES = ["Asia/Shanghai", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei", "Asia/Urumqi"]


def _page(
    request: HttpRequest, prop: Property, part: str = "", errors: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "property": prop,
        "properties": properties_of(request.user),  # type: ignore[arg-type]
        "setup": setup_of(prop),
        "zones": COMMON_ZONES if prop.time_zone in COMMON_ZONES else [prop.time_zone, *COMMON_ZONES],
        "roles": [(r.value, r.label) for r in Role if r != Role.RESIDENT],
        "part": part,
        "errors": errors or {},
        "values": request.POST if request.method == "POST" else {},
    }
    return render(request, "console/setup.html", context, status=status)


def _act(request: HttpRequest, prop: Property) -> str:
    """Do what the posted part asks; returns the message to show."""
    post, by = request.POST, request.user
    part = post.get("part", "")
    if part == "property_add":
        made = services.property_add(
            by=by,  # type: ignore[arg-type]
            name=post.get("property_name", ""),
            code=post.get("property_code", ""),
            kind=post.get("kind", ""),
        )
        request.new_property = made  # type: ignore[attr-defined]
        return _("Property %(name)s added: now enter its places and people.") % {"name": made.name}
    if part == "settings":
        fields = services.settings_save(
            by=by,  # type: ignore[arg-type]
            prop=prop,
            time_zone=post.get("time_zone", ""),
            office_opens=post.get("office_opens", ""),
            office_closes=post.get("office_closes", ""),
            after_hours_phone=post.get("after_hours_phone", ""),
            desk_phone=post.get("desk_phone", ""),
        )
        return _("Settings saved.") if fields else _("Nothing changed.")
    if part == "limit":
        changed = services.promise_limit_set(
            by=by,  # type: ignore[arg-type]
            prop=prop,
            policy_id=row_id(post.get("policy", "")) or 0,
            minutes=post.get("minutes", ""),
            emergency_minutes=post.get("emergency_minutes", ""),
        )
        return _("Time limit saved.") if changed else _("Nothing changed.")
    if part == "limits_reset":
        n = services.promises_reset(by=by, prop=prop)  # type: ignore[arg-type]
        return ngettext(
            "%(n)d time limit put back to its default.", "%(n)d time limits put back to their defaults.", n
        ) % {"n": n}
    if part == "window":
        changed = services.followup_window_set(
            by=by,  # type: ignore[arg-type]
            prop=prop,
            service=post.get("service", ""),
            from_days=post.get("window_from_days", ""),
            to_days=post.get("window_to_days", ""),
            coverage=post.get("coverage_percent", ""),
        )
        return _("Follow-up window saved.") if changed else _("Nothing changed.")
    if part == "windows_reset":
        services.followups_reset(by=by, prop=prop)  # type: ignore[arg-type]
        return _("Follow-up windows put back to the defaults.")
    if part == "team":
        team = services.team_save(
            by=by,  # type: ignore[arg-type]
            prop=prop,
            name=post.get("name", ""),
            trades=post.getlist("trades"),
            team_id=row_id(post.get("team", "")),
        )
        return _("Team %(name)s saved.") % {"name": team.name}
    if part == "trade":
        trade = services.trade_add(by=by, prop=prop, code=post.get("code", ""), name=post.get("trade_name", ""))  # type: ignore[arg-type]
        return _("Trade %(name)s added.") % {"name": trade.name}
    if part == "channel":
        route = services.channel_add(
            by=by,  # type: ignore[arg-type]
            prop=prop,
            name=post.get("channel_name", ""),
            url=post.get("url", ""),
            role=post.get("role", ""),
            team_id=row_id(post.get("team", "")),
        )
        return _("Notice channel %(name)s added.") % {"name": route.name}
    if part == "channel_active":
        route = services.channel_active_set(
            by=by,  # type: ignore[arg-type]
            prop=prop,
            channel_id=row_id(post.get("channel", "")) or 0,
            active=post.get("active") == "1",
        )
        return _("Notice channel %(name)s saved.") % {"name": route.name}
    if part == "units":
        n = services.units_generate(
            by=by,  # type: ignore[arg-type]
            prop=prop,
            building_code=post.get("building_code", ""),
            building_name=post.get("building_name", ""),
            floor_from=post.get("floor_from", ""),
            floor_to=post.get("floor_to", ""),
            per_floor=post.get("per_floor", ""),
            skip_floors=post.get("skip_floors", ""),
            room_digits=post.get("room_digits", "2") or "2",
        )
        return ngettext("%(n)d unit made.", "%(n)d units made.", n) % {"n": n}
    raise DomainError(_("There is no such part of the setup."), field="general")


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the property's setup; POST: change one part of it (``part``)."""
    _user, prop = setup_at(request.user, code)
    if request.method != "POST":
        return _page(request, prop)
    part = request.POST.get("part", "")
    try:
        message = _act(request, prop)
    except DomainError as e:
        return _page(request, prop, part, {e.field or "general": e.message}, status=e.status)
    messages.success(request, message)
    made = getattr(request, "new_property", None)
    if made is not None:
        return redirect(reverse("console:setup", args=[made.code]))
    anchor = {"limit": "limits", "limits_reset": "limits", "window": "windows", "windows_reset": "windows"}.get(
        part, part.split("_")[0]
    )
    return redirect(reverse("console:setup", args=[prop.code]) + f"#{anchor}")
