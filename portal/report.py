"""A resident reports a matter from their phone: what it is, where (one of their homes
or a common area of their property), the words, up to six photos from the camera and
a time that suits them. Recorded at once like a call; the number is shown and sent.
The form carries a one-time key, so a double tap or a resent form records once."""

from __future__ import annotations

import uuid
import zoneinfo
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from pydantic import ValidationError

from base.errors import DomainError, InvalidInput, field_path, pydantic_message
from catalog.models import Category
from estates.models import CommonArea, Resident
from people.models import Department
from portal.views import resident_of
from residents.services import REPORTABLE, matter_report
from tickets.attachments import PHOTOS_MAX, photo_upload
from tickets.kinds import draft_from, kind_for

KIND_WORDS = {
    "repair": gettext_lazy("Something to repair"),
    "complaint": gettext_lazy("A complaint"),
    "consultation": gettext_lazy("A question"),
    "suggestion": gettext_lazy("A suggestion"),
}
# Whom a resident may complain about (the complaint's department, R4.2).
COMPLAINT_ABOUT = [
    Department.SERVICE_DESK,
    Department.ENGINEERING,
    Department.SECURITY,
    Department.CLEANING,
    Department.GREENING,
    Department.MANAGEMENT,
    Department.OTHER,
]


# Where on the form an error of the draft is shown.
FIELD_OF = {"unit": "place", "common_area": "place", "property": "place", "complaint": "about"}


def _places(homes: list[Resident]) -> dict[str, Any]:
    property_ids = {r.property_id for r in homes}
    return {
        "units": [(f"unit:{r.household.unit.label}", f"{r.property.name} {r.household.unit.label}") for r in homes],
        "areas": [
            (f"area:{pk}", name)
            for pk, name in CommonArea.objects.filter(property_id__in=property_ids)
            .order_by("property_id", "name")
            .values_list("pk", "name")
        ],
    }


def _draft(values: dict[str, str], homes: list[Resident]) -> dict[str, Any]:
    kind = values.get("kind", "")
    if kind not in REPORTABLE:
        raise InvalidInput(_("Choose what you are reporting."), field="kind")
    place = values.get("place", "")
    draft: dict[str, Any] = {"kind": kind, "description": values.get("description", "")}
    if place.startswith("unit:"):
        label = place.removeprefix("unit:")
        home = next((r for r in homes if r.household.unit.label == label), None)
        if home is None:
            raise InvalidInput(_("Choose one of your homes or a common area."), field="place")
        draft |= {"property": home.property.code, "unit": label}
    elif place.startswith("area:"):
        area = (
            CommonArea.objects.filter(
                pk=int(place.removeprefix("area:")) if place.removeprefix("area:").isdigit() else 0,
                property_id__in={r.property_id for r in homes},
            )
            .select_related("property")
            .first()
        )
        if area is None:
            raise InvalidInput(_("Choose one of your homes or a common area."), field="place")
        draft |= {"property": area.property.code, "common_area": area.name}
    else:
        raise InvalidInput(_("Choose one of your homes or a common area."), field="place")
    if kind == "repair" and values.get("category"):
        draft["category"] = values["category"]
    if kind == "complaint":
        draft["complaint"] = {"department": values.get("about") or Department.OTHER}
    when = values.get("appointment_at", "").strip()
    if when:
        parsed = parse_datetime(when)
        if parsed is None:
            raise InvalidInput(_("Give the time as date and hour."), field="appointment_at")
        draft["appointment_at"] = timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
    return draft


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    user = resident_of(request)
    homes = list(
        Resident.objects.filter(user=user, household__moved_out_on__isnull=True).select_related(
            "household__unit", "property"
        )
    )
    if not homes:
        return redirect("portal:join")
    values = {
        k: request.POST.get(k, "")
        for k in ("kind", "place", "category", "about", "description", "appointment_at", "key")
    }
    errors: dict[str, str] = {}
    message = ""
    if request.method == "POST":
        try:
            files = request.FILES.getlist("photos")
            if len(files) > PHOTOS_MAX:
                raise InvalidInput(_("At most %(n)s photos at a time.") % {"n": PHOTOS_MAX}, field="photos")
            with timezone.override(homes[0].property.time_zone):  # the time is typed in the property's zone
                draft = draft_from(_draft(values, homes))
            uploads = [photo_upload(f, field="photos") for f in files]
            ticket, _created = matter_report(by=user, draft=draft, uploads=uploads, key=values["key"] or None)
            return redirect(f"/my/m/{ticket.number}/?new=1")
        except ValidationError as e:
            for err in e.errors():
                errors.setdefault(field_path(err.get("loc")), pydantic_message(dict(err)))
            message = _("Check the fields marked below.")
        except DomainError as e:
            message = e.message
            if e.field:
                where = e.field.split(".")[0]
                errors[FIELD_OF.get(where, where)] = e.message
    else:
        values["kind"] = request.GET.get("kind", "repair")
        values["place"] = f"unit:{homes[0].household.unit.label}"
    if not values["key"] or request.method == "GET":
        values["key"] = uuid.uuid4().hex
    local_now = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(homes[0].property.time_zone))
    context = {
        "values": values,
        "errors": errors,
        "message": message,
        "kinds": [(code, KIND_WORDS[code], kind_for(code).label) for code in REPORTABLE],
        "categories": Category.objects.order_by("name").values_list("code", "name"),
        "about": [(d.value, d.label) for d in COMPLAINT_ABOUT],
        "photos_max": PHOTOS_MAX,
        "min_time": local_now.strftime("%Y-%m-%dT%H:%M"),
        **_places(homes),
    }
    return render(request, "portal/report.html", context, status=422 if message else 200)
