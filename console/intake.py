"""Phone intake at the desk (R2.1-R2.3): find the place, see its recent tickets, record.

The form carries a one-time key, passed to ``ticket_create_once`` as the idempotency
key, so a double click or a resubmitted page records the matter once.
"""

from __future__ import annotations

import uuid
import zoneinfo

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from pydantic import ValidationError

from api.errors import field_path, pydantic_message
from catalog.models import Category
from console.views import desk_of, property_of
from estates.selectors import places_search
from tickets.errors import DomainError
from tickets.models import Channel, Kind, Urgency
from tickets.schemas import TicketDraft
from tickets.selectors import place_history
from tickets.services import ticket_create_once

# Words that suggest an emergency in any category (R2.17), besides each category's own.
EMERGENCY_WORDS = ["爆裂", "漏水", "停电", "燃气", "困人", "冒烟", "着火", "煤气"]
FIELDS = ["place", "unit", "common_area", "category", "urgency", "channel", "description"]
FIELDS += ["reporter_name", "reporter_phone", "appointment_at"]


def _context(prop, values: dict[str, str], errors: dict[str, str], message: str = "") -> dict:
    categories = list(Category.objects.order_by("code"))
    words = set(EMERGENCY_WORDS)
    for c in categories:
        words.update(w.strip() for w in c.emergency_words.split(",") if w.strip())
    return {
        "property": prop,
        "categories": categories,
        "urgencies": Urgency.choices,
        "channels": Channel.choices,
        "emergency_words": ",".join(sorted(words)),
        "values": values,
        "errors": errors,
        "message": message,
    }


@login_required
def intake(request: HttpRequest, code: str) -> HttpResponse:
    user = desk_of(request)
    prop = property_of(user, code)
    if request.method != "POST":
        values = {"key": uuid.uuid4().hex, "urgency": Urgency.ROUTINE, "channel": Channel.PHONE}
        context = _context(prop, values, {})
        response = render(request, "console/intake.html", context)
        response["Cache-Control"] = "no-store"  # Back must not bring a used key again
        return response
    values = {name: request.POST.get(name, "").strip() for name in FIELDS + ["key"]}
    unit, area = values["unit"], values["common_area"]
    if not unit and not area:
        unit = values["place"]  # typed and not picked: taken as a unit label
    draft_data = {
        "kind": Kind.REPAIR,
        "property": prop.code,
        "unit": unit or None,
        "common_area": area or None,
        "category": values["category"] or None,
        "urgency": values["urgency"] or Urgency.ROUTINE,
        "channel": values["channel"] or Channel.PHONE,
        "description": values["description"],
        "reporter_name": values["reporter_name"] or None,
        "reporter_phone": values["reporter_phone"] or None,
    }
    if values["appointment_at"]:
        draft_data["appointment_at"] = values["appointment_at"]
    errors: dict[str, str] = {}
    try:
        draft = TicketDraft.model_validate(draft_data)
        if draft.appointment_at and timezone.is_naive(draft.appointment_at):  # typed in the property's local time
            draft.appointment_at = timezone.make_aware(draft.appointment_at, zoneinfo.ZoneInfo(prop.time_zone))
        ticket, _created = ticket_create_once(by=user, draft=draft, key=values["key"] or uuid.uuid4().hex)
    except ValidationError as e:
        for err in e.errors():
            errors.setdefault(field_path(err.get("loc")), pydantic_message(dict(err)))
    except DomainError as e:
        errors[e.field or "general"] = e.message
    else:
        return redirect("console:ticket", number=ticket.number)
    # Nothing was recorded under this key (or it was used by an earlier, different
    # submission): the corrected form goes out with a fresh one.
    values["key"] = uuid.uuid4().hex
    if "unit" in errors or "common_area" in errors:
        errors["place"] = errors.pop("unit", "") or errors.pop("common_area", "")
    context = _context(prop, values, errors, _("Check the fields marked below."))
    return render(request, "console/intake.html", context, status=422)


@login_required
@require_GET
def places(request: HttpRequest, code: str) -> HttpResponse:
    """Suggestions for the place field, as the agent types."""
    prop = property_of(desk_of(request), code)
    typed = request.GET.get("place", "")
    hits = places_search(prop, typed)
    return render(request, "console/_places.html", {"hits": hits, "property": prop, "typed": typed})


@login_required
@require_GET
def history(request: HttpRequest, code: str) -> HttpResponse:
    """The place's open tickets and its tickets of the last 90 days, shown before saving."""
    user = desk_of(request)
    prop = property_of(user, code)
    rows = place_history(
        user, prop.pk, unit=request.GET.get("unit", ""), area=request.GET.get("common_area", ""), now=timezone.now()
    )
    return render(request, "console/_history.html", {"rows": rows, "property": prop})
