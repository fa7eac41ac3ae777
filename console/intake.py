"""Intake at the desk (R1.1, R1.6): every call or visit is logged as a contact, and
from it the desk records the matter it raises: a repair (R2.1-R2.3), a complaint
(R4.2), a help request (R5.1), a consultation or a suggestion (R5.5), or nothing.

The form carries a one-time key, passed to ``contact_record``, so a double click or a
resubmitted page logs the contact and records the matter once.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from pydantic import ValidationError

from base.errors import DomainError, InvalidInput, field_path, pydantic_message
from base.validation import local_moment
from catalog.models import Category
from console.desk import route_context
from contacts.schemas import ContactIn
from contacts.services import contact_join, contact_key_used, contact_record
from estates.selectors import places_search
from people.access import desk_member, property_of
from tickets.kinds import default_kind, draft_from, kind_for, kinds
from tickets.models import Channel, Route, Urgency
from tickets.selectors import open_repeats, place_history

# Words that suggest an emergency in any category (R2.17), besides each category's own.
EMERGENCY_WORDS = ["爆裂", "漏水", "停电", "燃气", "困人", "冒烟", "着火", "煤气"]
LOG_ONLY = "log"
FIELDS = ["kind", "place", "unit", "common_area", "category", "urgency", "channel", "description"]
FIELDS += ["reporter_name", "reporter_phone", "appointment_at", "route", "party_z", "party_q", "concerns"]
TICKET_FIELDS = ("category", "urgency", "appointment_at")  # shown for the kinds that take them
# Where an error of the draft or the contact is shown on the form; each kind adds its own.
ERROR_FIELDS = {
    "unit": "place",
    "common_area": "place",
    "phone": "reporter_phone",
    "summary": "description",
    "party": "route",
}


def _kinds() -> list[tuple[str, str]]:
    return [(k.code, str(k.label)) for k in kinds()] + [(LOG_ONLY, _("log the contact only"))]


def _fields() -> list[str]:
    """Every name the form posts: the shared ones and each kind's section's."""
    return FIELDS + [name for k in kinds() if k.intake for name in k.intake.fields]


def _context(prop: Any, values: dict[str, str], errors: dict[str, str], message: str = "") -> dict[str, Any]:
    categories = list(Category.objects.order_by("code"))
    words = set(EMERGENCY_WORDS)
    for c in categories:
        words.update(w.strip() for w in c.emergency_words.split(",") if w.strip())
    sections = [k for k in kinds() if k.intake]
    context: dict[str, Any] = {
        "property": prop,
        "kinds": _kinds(),
        "intake_kinds": sections,
        "every_kind": " ".join(k.code for k in kinds()),
        "referable_kinds": " ".join(k.code for k in kinds() if k.referable),
        "takes": {name: " ".join(k.code for k in sections if name in k.intake.ticket_fields) for name in TICKET_FIELDS},  # type: ignore[union-attr]
        "categories": categories,
        "urgencies": Urgency.choices,
        "channels": Channel.choices,
        "emergency_words": ",".join(sorted(words)),
        "values": values,
        "errors": errors,
        "message": message,
        **route_context(prop, values.get("route", ""), party=values.get("party_z") or values.get("party_q", "")),
    }
    for k in sections:
        if k.intake and k.intake.context:
            context.update(k.intake.context(prop))
    return context


def local_time(value: str, tz: str) -> datetime.datetime | str | None:
    """A datetime-local field, in the property's time zone; a value that is no time is
    passed on as typed, for the draft's model to refuse next to its field."""
    try:
        return local_moment(value, time_zone=tz, field="")
    except InvalidInput:
        return value


def _draft(values: dict[str, str], prop: Any, unit: str, area: str) -> dict[str, Any]:
    kind = kind_for(values["kind"]) if values["kind"] in {k.code for k in kinds()} else None
    data: dict[str, Any] = {
        "kind": values["kind"],
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
    intake = kind.intake if kind else None
    if intake is None:
        return data
    if "category" in intake.ticket_fields:
        data["category"] = values["category"] or None
    if "urgency" in intake.ticket_fields:
        data["urgency"] = values["urgency"] or Urgency.ROUTINE
    if "appointment_at" in intake.ticket_fields:
        data["appointment_at"] = local_time(values["appointment_at"], prop.time_zone)
    if intake.draft:
        data.update(intake.draft(values, lambda value: local_time(value, prop.time_zone)))
    return data


def _error_field(kind: str, path: str) -> str:
    """Where on the form an error of the draft at ``path`` shows."""
    registered = kind_for(kind) if kind in {k.code for k in kinds()} else None
    own = registered.intake.errors if registered and registered.intake else {}
    if path in own:
        return own[path]
    if path in ERROR_FIELDS:
        return ERROR_FIELDS[path]
    part = registered.part.name if registered and registered.part else None
    return path.removeprefix(f"{part}.") if part else path


def _repeats(user: Any, prop: Any, values: dict[str, str], unit: str, area: str) -> list[Any]:
    kind = values["kind"]
    if kind not in {k.code for k in kinds()}:
        return []
    return open_repeats(user, prop.pk, unit=unit, area=area, kind=kind, category=values.get("category", ""))


@login_required
def intake(request: HttpRequest, code: str) -> HttpResponse:
    user = desk_member(request.user)
    prop = property_of(user, code)
    if request.method != "POST":
        kind = request.GET.get("kind", default_kind())
        values = {
            "key": uuid.uuid4().hex,
            "kind": kind if kind in dict(_kinds()) else default_kind(),
            "urgency": Urgency.ROUTINE,
            "channel": Channel.PHONE,
            "concerns": request.GET.get("concerns", "")[:40],
        }
        for k in kinds():
            values.update(k.intake.initial if k.intake else {})
        response = render(request, "console/intake.html", _context(prop, values, {}))
        response["Cache-Control"] = "no-store"  # Back must not bring a used key again
        return response
    values = {name: request.POST.get(name, "").strip() for name in _fields() + ["key", "join", "anyway"]}
    values["kind"] = values["kind"] or default_kind()
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
        if values["join"]:
            # A repeat call: logged on the open ticket, no new one (R1.6, R2.20).
            if values["join"] not in {t.number for t in _repeats(user, prop, values, unit, area)}:
                raise DomainError(_("That ticket is not open at this place any more; choose again."), field="general")
            _row, joined = contact_join(by=user, contact=contact, number=values["join"], key=values["key"])
            messages.success(
                request,
                _("The call was added to %(number)s; tell the caller this number.") % {"number": joined.number},
            )
            return redirect("console:ticket", number=joined.number)
        draft = None
        if values["kind"] != LOG_ONLY:
            draft = draft_from(_draft(values, prop, unit, area))
            # Offered unless the agent said "a new one anyway" or named the tickets it concerns.
            offer = not (values["anyway"] or values["concerns"] or contact_key_used(user, values["key"]))
            repeats = _repeats(user, prop, values, unit, area) if offer else []
            if repeats:
                # Offered first: add the call to the open ticket; a new one stays one key away.
                context = _context(prop, values, {}) | {"repeats": repeats}
                return render(request, "console/intake.html", context)
        row, ticket = contact_record(by=user, contact=contact, draft=draft, key=values["key"] or uuid.uuid4().hex)
    except ValidationError as e:
        for err in e.errors():
            path = field_path(err.get("loc"))
            errors.setdefault(_error_field(values["kind"], path), pydantic_message(dict(err)))
    except DomainError as e:
        name = e.field or "general"
        errors[_error_field(values["kind"], name)] = e.message
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
