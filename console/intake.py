"""Intake at the desk (R1.1, R1.6): every call or visit is logged as a contact, and
from it the desk records the matter it raises: a repair (R2.1-R2.3), a complaint
(R4.2), a help request (R5.1), a consultation or a suggestion (R5.5), or nothing.

The form carries a one-time key, passed to ``contact_record``, so a double click or a
resubmitted page logs the contact and records the matter once.
"""

from __future__ import annotations

import datetime
import uuid
import zoneinfo
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from pydantic import ValidationError

from assistance.models import HelpCategory
from base.errors import DomainError, field_path, pydantic_message
from catalog.models import Category
from complaints.models import DEFINITIONS, Severity
from console.desk import route_context
from contacts.schemas import ContactIn
from contacts.services import contact_record
from estates.selectors import places_search
from people.access import desk_member, property_of
from people.models import Department
from tickets.models import Channel, Kind, Route, Urgency
from tickets.schemas import TicketDraft
from tickets.selectors import place_history

# Words that suggest an emergency in any category (R2.17), besides each category's own.
EMERGENCY_WORDS = ["爆裂", "漏水", "停电", "燃气", "困人", "冒烟", "着火", "煤气"]
LOG_ONLY = "log"
FIELDS = ["kind", "place", "unit", "common_area", "category", "urgency", "channel", "description"]
FIELDS += ["reporter_name", "reporter_phone", "appointment_at", "route", "party_z", "party_q", "concerns"]
FIELDS += ["severity", "department", "person", "event_at", "event_place", "demand", "deadline", "help_category"]
# Where an error of the draft or the contact is shown on the form.
ERROR_FIELDS = {
    "unit": "place",
    "common_area": "place",
    "phone": "reporter_phone",
    "summary": "description",
    "help": "help_category",
    "help.category": "help_category",
    "complaint": "department",
    "party": "route",
}


def _kinds() -> list[tuple[str, str]]:
    return [(k.value, str(k.label)) for k in Kind] + [(LOG_ONLY, _("log the contact only"))]


def _context(prop: Any, values: dict[str, str], errors: dict[str, str], message: str = "") -> dict[str, Any]:
    categories = list(Category.objects.order_by("code"))
    words = set(EMERGENCY_WORDS)
    for c in categories:
        words.update(w.strip() for w in c.emergency_words.split(",") if w.strip())
    return {
        "property": prop,
        "kinds": _kinds(),
        "categories": categories,
        "urgencies": Urgency.choices,
        "channels": Channel.choices,
        "severities": [(s.value, s.label, DEFINITIONS[s]) for s in Severity],
        "departments": Department.choices,
        "help_categories": HelpCategory.choices,
        "emergency_words": ",".join(sorted(words)),
        "values": values,
        "errors": errors,
        "message": message,
        **route_context(prop, values.get("route", ""), party=values.get("party_z") or values.get("party_q", "")),
    }


def _local(value: str, tz: str) -> datetime.datetime | str | None:
    """A datetime-local field, in the property's time zone (the model refuses a bad one)."""
    if not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    return timezone.make_aware(parsed, zoneinfo.ZoneInfo(tz)) if timezone.is_naive(parsed) else parsed


def _draft(values: dict[str, str], prop: Any, unit: str, area: str) -> dict[str, Any]:
    kind = values["kind"]
    data: dict[str, Any] = {
        "kind": kind,
        "property": prop.code,
        "unit": unit or None,
        "common_area": area or None,
        "channel": values["channel"] or Channel.PHONE,
        "description": values["description"],
        "reporter_name": values["reporter_name"] or None,
        "reporter_phone": values["reporter_phone"] or None,
        "route": values["route"] or Route.OWN,
    }
    if values["route"] == Route.BUILDER:
        data["party"] = values["party_z"] or None
    elif values["route"] == Route.PROVIDER:
        data["party"] = values["party_q"] or None
    if kind == Kind.REPAIR:
        data["category"] = values["category"] or None
        data["urgency"] = values["urgency"] or Urgency.ROUTINE
        data["appointment_at"] = _local(values["appointment_at"], prop.time_zone)
    if kind == Kind.COMPLAINT:
        data["appointment_at"] = _local(values["deadline"], prop.time_zone)
        data["complaint"] = {
            "severity": values["severity"] or Severity.MINOR,
            "department": values["department"] or None,
            "person": values["person"],
            "event_at": _local(values["event_at"], prop.time_zone),
            "event_place": values["event_place"],
            "demand": values["demand"],
            "damage_ongoing": values["damage_ongoing"] == "on",
        }
    if kind == Kind.HELP:
        data["help"] = {"category": values["help_category"] or None}
    return data


@login_required
def intake(request: HttpRequest, code: str) -> HttpResponse:
    user = desk_member(request.user)
    prop = property_of(user, code)
    if request.method != "POST":
        kind = request.GET.get("kind", Kind.REPAIR)
        values = {
            "key": uuid.uuid4().hex,
            "kind": kind if kind in dict(_kinds()) else Kind.REPAIR,
            "urgency": Urgency.ROUTINE,
            "channel": Channel.PHONE,
            "severity": Severity.MINOR,
            "concerns": request.GET.get("concerns", "")[:40],
        }
        response = render(request, "console/intake.html", _context(prop, values, {}))
        response["Cache-Control"] = "no-store"  # Back must not bring a used key again
        return response
    values = {name: request.POST.get(name, "").strip() for name in FIELDS + ["key"]}
    values["damage_ongoing"] = "on" if request.POST.get("damage_ongoing") else ""
    values["kind"] = values["kind"] or Kind.REPAIR
    unit, area = values["unit"], values["common_area"]
    if not unit and not area:
        unit = values["place"]  # typed and not picked: taken as a unit label
    errors: dict[str, str] = {}
    try:
        contact = ContactIn.model_validate(
            {
                "property": prop.code,
                "channel": values["channel"] or Channel.PHONE,
                "caller_name": values["reporter_name"],
                "phone": values["reporter_phone"],
                "unit": unit or None,
                "summary": values["description"],
                "concerns": values["concerns"].replace("，", ",").replace(",", " ").split(),
            }
        )
        draft = None
        if values["kind"] != LOG_ONLY:
            draft = TicketDraft.model_validate(_draft(values, prop, unit, area))
        row, ticket = contact_record(by=user, contact=contact, draft=draft, key=values["key"] or uuid.uuid4().hex)
    except ValidationError as e:
        for err in e.errors():
            path = field_path(err.get("loc"))
            errors.setdefault(ERROR_FIELDS.get(path, path.removeprefix("complaint.")), pydantic_message(dict(err)))
    except DomainError as e:
        name = e.field or "general"
        errors[ERROR_FIELDS.get(name, name.removeprefix("complaint."))] = e.message
    else:
        if ticket is not None:
            return redirect("console:ticket", number=ticket.number)
        return redirect(reverse("console:contact_log", args=[prop.code]) + f"?day={row.at:%Y-%m-%d}#c{row.pk}")
    # Nothing was recorded under this key (or it was used by an earlier, different
    # submission): the corrected form goes out with a fresh one.
    values["key"] = uuid.uuid4().hex
    context = _context(prop, values, errors, _("Check the fields marked below."))
    return render(request, "console/intake.html", context, status=422)


@login_required
@require_GET
def places(request: HttpRequest, code: str) -> HttpResponse:
    """Suggestions for the place field, as the agent types."""
    prop = property_of(desk_member(request.user), code)
    typed = request.GET.get("place", "")
    hits = places_search(prop, typed)
    return render(request, "console/_places.html", {"hits": hits, "property": prop, "typed": typed})


@login_required
@require_GET
def history(request: HttpRequest, code: str) -> HttpResponse:
    """The place's open tickets and its tickets of the last 90 days, shown before saving."""
    user = desk_member(request.user)
    prop = property_of(user, code)
    rows = place_history(
        user, prop.pk, unit=request.GET.get("unit", ""), area=request.GET.get("common_area", ""), now=timezone.now()
    )
    return render(request, "console/_history.html", {"rows": rows, "property": prop})
