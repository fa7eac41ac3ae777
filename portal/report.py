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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from pydantic import ValidationError

from base.errors import Conflict, DomainError, InvalidInput, field_path, pydantic_message
from base.validation import local_moment
from catalog.models import Category
from estates.models import CommonArea, Resident
from people.access import homes_of
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
    """The resident's homes (by their registration, so two homes with the same label at
    two properties stay apart) and the common areas of their properties."""
    property_ids = {r.property_id for r in homes}
    return {
        "units": [(f"home:{r.pk}", f"{r.property.name} {r.household.unit.label}") for r in homes],
        "areas": [
            (f"area:{pk}", name)
            for pk, name in CommonArea.objects.filter(property_id__in=property_ids)
            .order_by("property_id", "name")
            .values_list("pk", "name")
        ],
    }


def _draft(values: dict[str, str], homes: list[Resident]) -> dict[str, Any]:
    """The draft from the form; the appointment is read on the clock of the property
    where the matter is."""
    kind = values.get("kind", "")
    if kind not in REPORTABLE:
        raise InvalidInput(_("Choose what you are reporting."), field="kind")
    place = values.get("place", "")
    what, _sep, pk = place.partition(":")
    draft: dict[str, Any] = {"kind": kind, "description": values.get("description", "")}
    home = next((r for r in homes if what == "home" and str(r.pk) == pk), None)
    area = (
        CommonArea.objects.filter(pk=int(pk), property_id__in={r.property_id for r in homes})
        .select_related("property")
        .first()
        if what == "area" and pk.isdigit() and len(pk) < 10
        else None
    )
    if home is not None:
        prop = home.property
        draft |= {"property": prop.code, "unit": home.household.unit.label}
    elif area is not None:
        prop = area.property
        draft |= {"property": prop.code, "common_area": area.name}
    else:
        raise InvalidInput(_("Choose one of your homes or a common area."), field="place")
    if kind == "repair" and values.get("category"):
        draft["category"] = values["category"]
    if kind == "complaint":
        draft["complaint"] = {"department": values.get("about") or Department.OTHER}
    draft["appointment_at"] = local_moment(
        values.get("appointment_at", ""), time_zone=prop.time_zone, field="appointment_at"
    )
    return draft


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    user = resident_of(request)
    homes = list(homes_of(user).select_related("household__unit", "property"))
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
            draft = draft_from(_draft(values, homes))
            uploads = [photo_upload(f, field="photos") for f in files]
            ticket, _created = matter_report(by=user, draft=draft, uploads=uploads, key=values["key"] or None)
            return redirect(f"/my/m/{ticket.number}/?new=1")
        except ValidationError as e:
            for err in e.errors():
                errors.setdefault(field_path(err.get("loc")), pydantic_message(dict(err)))
            message = _("Check the fields marked below.")
        except Conflict:
            # This form was sent before with other words: it is ready for a new matter.
            message = _("This form was sent already; check your matters before sending it again.")
            values["key"] = ""
        except DomainError as e:
            message = e.message
            if e.field:
                where = e.field.split(".")[0]
                errors[FIELD_OF.get(where, where)] = e.message
    else:
        values["kind"] = request.GET.get("kind", "repair")
        values["place"] = f"home:{homes[0].pk}"
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
    response = render(request, "portal/report.html", context, status=422 if message else 200)
    response["Cache-Control"] = "no-store"  # Back must not bring a used key again
    return response
