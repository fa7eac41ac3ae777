"""Finding a place at the desk: what the caller says (a unit, a name, a phone number)
to the unit or common area, with the household living there."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from base.errors import InvalidInput
from base.reads import select
from estates.models import CommonArea, Property, Resident, Unit


@dataclass
class PlaceHit:
    unit: str = ""  # the unit's label, e.g. 3-1202
    area: str = ""  # or the common area's name
    residents: list[tuple[str, str]] = field(default_factory=list)  # (name, phone) of the household now


SEARCH_LIMIT = 8


def places_search(prop: Property, text: str, *, limit: int = SEARCH_LIMIT) -> list[PlaceHit]:
    """Units whose label starts with ``text`` (``3-12``, or ``3 1202`` for building and
    room), units of residents whose name or phone matches, and common areas whose name
    contains it; each unit with the residents of its current household. Three queries."""
    text = " ".join(text.split())[:30]
    if not text:
        return []
    label = text.replace(" ", "-")
    units = list(
        Unit.objects.filter(property=prop)
        .filter(
            Q(label__startswith=label)
            | Q(pk__in=units_said([prop.pk], text).values("pk"))
            | Q(
                pk__in=Resident.objects.filter(property=prop, household__moved_out_on__isnull=True)
                .filter(Q(name__startswith=text) | Q(phone__startswith=text) | Q(phone__endswith=text))
                .values("household__unit_id")
            )
        )
        .order_by("label")[:limit]
    )
    residents: dict[int, list[tuple[str, str]]] = {}
    for unit_id, name, phone in (
        Resident.objects.filter(household__unit__in=units, household__moved_out_on__isnull=True)
        .order_by("id")
        .values_list("household__unit_id", "name", "phone")
    ):
        residents.setdefault(unit_id, []).append((name, phone))
    hits = [PlaceHit(unit=u.label, residents=residents.get(u.pk, [])) for u in units]
    if len(hits) < limit:
        areas = CommonArea.objects.filter(property=prop, name__contains=text).order_by("name")[: limit - len(hits)]
        hits += [PlaceHit(area=a.name) for a in areas]
    return hits


# A unit as people say it: 5-301, 5-0301, 5 301, 5栋301, 5幢301室, 5号楼301, A座1201.
UNIT_SAID = re.compile(r"^\s*([A-Za-z0-9]{1,8})\s*(?:号楼|栋|幢|座|#|-|\s)\s*0*(\d{1,6})\s*(?:室|号)?\s*$")


def unit_said(text: str) -> tuple[str, str] | None:
    """(building code, room without leading zeros) of a unit typed in any common form,
    or None if the text is not one."""
    m = UNIT_SAID.match(text or "")
    return (m.group(1).upper(), m.group(2)) if m else None


def _said(parts: tuple[str, str]) -> tuple[str, list[str]]:
    """The units of a building code and a room said in any form (``unit_said``), as a
    condition on ``estates_unit u`` with its parameters: the building's code in any
    case, the unit's code without its leading zeros."""
    building, room = parts
    return (
        "(u.building_id IN (SELECT b.id FROM estates_building b WHERE UPPER(b.code) = %s)"
        " AND LTRIM(u.code, '0') = LTRIM(%s, '0'))",
        [building.upper(), room],
    )


def units_said(property_ids: Any, text: str) -> QuerySet[Unit]:
    """The units of these properties (ids or a subquery) that ``text`` names: its label
    as stored (``3-1202``) or any of the forms of ``unit_said`` (``3栋1202室``, ``3 1202``)."""
    text = " ".join((text or "").split())[:30]
    if not text:
        return Unit.objects.none()
    named = Q(label=text)
    parts = unit_said(text)
    if parts is not None:
        condition, params = _said(parts)
        # The same condition as unit_at, its values as parameters.
        named |= Q(pk__in=RawSQL(f"SELECT u.id FROM estates_unit u WHERE {condition}", params))  # noqa: S608, S611
    return Unit.objects.filter(named, property_id__in=property_ids)


def unit_at(prop: Property | int, text: str) -> Unit | None:
    """The unit of a property that ``text`` names (see ``units_said``): the one whose
    label is exactly what was typed if there is one, else the first by label; None if
    none. The one reading of a typed unit behind intake, the API, imports and sign-up,
    by one hand-written statement."""
    pk = prop if isinstance(prop, int) else prop.pk
    text = " ".join((text or "").split())[:30]
    if not text:
        return None
    where, params = "u.label = %s", [text]
    parts = unit_said(text)
    if parts is not None:
        condition, more = _said(parts)
        where, params = f"({where} OR {condition})", [*params, *more]
    units = select(Unit, f"u.property_id = %s AND {where}", [pk, *params], alias="u", order="u.label", limit=5)
    return next((u for u in units if u.label == text), units[0] if units else None)


def unit_found(prop: Property, text: str, *, field: str = "unit") -> Unit:
    """``unit_at``, or an error naming what was typed."""
    unit = unit_at(prop, text)
    if unit is None:
        raise InvalidInput(
            _("There is no unit “%(unit)s” at %(property)s.")
            % {"unit": (text or "").strip()[:30], "property": prop.name},
            field=field,
        )
    return unit
