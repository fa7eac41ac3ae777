"""A defect the technician finds on patrol, reported from the phone (R1.3): the place (a
unit or a common area of their property), the category, the words and photos. It is
recorded as a repair with channel "patrol" and lands in the service desk's queue like
a call. The form carries a one-time key, so a double tap records once; bad input is
told on the form and writes nothing."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from pydantic import ValidationError

from base.errors import Conflict, DomainError, InvalidInput, field_path, pydantic_message
from catalog.models import Category
from estates.models import CommonArea, Property, Unit
from field.views import technician_of
from people.access import properties_of
from people.models import User
from tickets.attachments import PHOTOS_MAX, photo_upload
from tickets.choices import Channel, Urgency
from tickets.kinds import draft_from
from tickets.models import Ticket
from tickets.services import ticket_create_once

FIELDS = ("place", "category", "description", "emergency", "key")
# Where on the form an error of the draft is shown.
FIELD_OF = {"unit": "place", "common_area": "place", "property": "place", "Idempotency-Key": "key"}
REPAIR = "repair"


class FormErrors(Exception):
    """The fields of the form left out or wrong, each with its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def _places(props: list[Property]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The common areas, then the units building by building, of the technician's
    properties (named by property when there are several)."""
    several = len(props) > 1
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for prop in props:
        named = f"{prop.name} · " if several else ""
        areas = CommonArea.objects.filter(property=prop).order_by("building__code", "name").values_list("pk", "name")
        if areas:
            groups.append((named + _("Common areas"), [(f"area:{pk}", name) for pk, name in areas]))
        by_building: dict[str, list[tuple[str, str]]] = {}
        units = Unit.objects.filter(property=prop).select_related("building").order_by("building__code", "label")
        for unit in units:
            by_building.setdefault(unit.building.name, []).append((f"unit:{unit.pk}", unit.label))
        groups += [(named + name, rows) for name, rows in by_building.items()]
    return groups


def _row_id(text: str, prefix: str) -> int | None:
    raw = text.removeprefix(prefix)
    return int(raw) if text.startswith(prefix) and raw.isdigit() and len(raw) < 18 else None


def _draft(values: dict[str, str], props: list[Property]) -> dict[str, Any]:
    """The draft the service takes; what the form itself asks for is checked all at
    once, so every field left out is marked together (raises FormErrors)."""
    errors: dict[str, str] = {}
    draft: dict[str, Any] = {
        "kind": REPAIR,
        "channel": Channel.PATROL,
        "urgency": Urgency.EMERGENCY if values["emergency"] else Urgency.ROUTINE,
        "description": values["description"],
        "category": values["category"],
    }
    place = values["place"]
    if (pk := _row_id(place, "unit:")) is not None:
        unit = Unit.objects.filter(pk=pk, property__in=props).select_related("property").first()
        if unit is not None:
            draft |= {"property": unit.property.code, "unit": unit.label}
    elif (pk := _row_id(place, "area:")) is not None:
        area = CommonArea.objects.filter(pk=pk, property__in=props).select_related("property").first()
        if area is not None:
            draft |= {"property": area.property.code, "common_area": area.name}
    else:
        errors["place"] = _("Pick the unit or the common area where the defect is.")
    if "property" not in draft and "place" not in errors:
        errors["place"] = _("Pick a unit or a common area of your property.")
    if not values["category"]:
        errors["category"] = _("Pick the category of the repair.")
    if not values["description"].strip():
        errors["description"] = _("Describe the defect.")
    if errors:
        raise FormErrors(errors)
    return draft


def _record(request: HttpRequest, user: User, values: dict[str, str], props: list[Property]) -> Ticket:
    files = request.FILES.getlist("photos")
    if len(files) > PHOTOS_MAX:  # before reading any of them
        raise InvalidInput(_("At most %(n)s photos at a time.") % {"n": PHOTOS_MAX}, field="photos")
    draft = draft_from(_draft(values, props))
    uploads = [photo_upload(f, field="photos") for f in files]
    ticket, _created = ticket_create_once(by=user, draft=draft, key=values["key"], uploads=uploads)
    return ticket


@login_required
@require_http_methods(["GET", "POST"])
def patrol(request: HttpRequest) -> HttpResponse:
    user = technician_of(request)
    props = properties_of(user)
    values = {k: request.POST.get(k, "").strip() if k != "description" else request.POST.get(k, "") for k in FIELDS}
    errors: dict[str, str] = {}
    message, status = "", 422
    if request.method == "POST":
        try:
            if not props:
                raise InvalidInput(_("Your account is not attached to a property; ask your supervisor."))
            if not values["key"]:
                raise InvalidInput(_("The form expired; check it and send it again."), field="key")
            ticket = _record(request, user, values, props)
            return redirect(f"{reverse('field:patrol')}?done={ticket.number}")
        except FormErrors as e:
            errors, message = e.errors, _("Check the fields marked below.")
        except ValidationError as e:
            for err in e.errors():
                errors.setdefault(field_path(err.get("loc")), pydantic_message(dict(err)))
            message = _("Check the fields marked below.")
        except Conflict as e:
            message, status = e.message, e.status
            if e.code == "idempotency_mismatch":  # sent already, then changed: this is another matter
                message = _("This form was sent already; check it and send it again as a new report.")
                values["key"] = ""
        except DomainError as e:
            message, status = e.message, e.status
            if e.field:
                where = e.field.split(".")[0]
                errors[FIELD_OF.get(where, where)] = e.message
    if request.method == "GET" or not values["key"]:
        values["key"] = uuid.uuid4().hex  # a new matter; a refused one keeps its key (nothing was written)
    done = request.GET.get("done", "")[:40] if request.method == "GET" else ""
    recorded = Ticket.objects.filter(number=done, created_by=user).first() if done else None
    context = {
        "values": values,
        "errors": errors,
        "message": message,
        "recorded": recorded,
        "places": _places(props),
        "categories": Category.objects.order_by("code").values_list("code", "name"),
        "photos_max": PHOTOS_MAX,
    }
    return render(request, "field/patrol.html", context, status=status if message else 200)
