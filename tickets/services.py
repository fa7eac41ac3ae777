"""Creating tickets. Status changes go through tickets.workflow.ticket_transition."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from catalog.models import Category
from estates.models import CommonArea, Household, Property, Resident, Unit
from people.models import Role
from tickets import validation
from tickets.access import works_at
from tickets.errors import Conflict, Forbidden, InvalidInput
from tickets.models import IdempotencyKey, Kind, Ticket
from tickets.numbering import ticket_number_next
from tickets.workflow import event_append, workflow_for, workflows

if TYPE_CHECKING:
    from people.models import User
    from tickets.schemas import TicketDraft


def ticket_create(*, by: User, draft: TicketDraft, rework_of: Ticket | None = None) -> Ticket:
    """Record a matter (R2.1): check the draft, number it (R1.5), open the kind's records
    and promise clocks, and write the first timeline event, all or nothing."""
    now = timezone.now()
    if draft.kind not in workflows():
        raise InvalidInput(_("Tickets of this kind cannot be recorded yet."), field="kind")
    wf = workflow_for(draft.kind)
    prop = _property(by, draft)
    unit, area = _location(prop, draft)
    household = _household(unit)
    resident = _resident(by, unit, household)
    if household is None and resident is not None and by.role == Role.RESIDENT:
        household = resident.household  # a resident's report on a common area stays visible to them
    category = _category(draft)
    description = validation.text_clean(draft.description, field="description", max_length=validation.DESCRIPTION_MAX)
    reported_at = validation.not_in_future(draft.reported_at or now, field="reported_at", now=now)
    appointment_at = (
        validation.in_future(draft.appointment_at, field="appointment_at", now=now) if draft.appointment_at else None
    )
    # The caller, else the household's resident, else the staff member raising it (R1.3 patrol).
    fallback_name, fallback_phone = (resident.name, resident.phone) if resident else (str(by), by.phone)
    reporter_name = validation.text_clean(draft.reporter_name or fallback_name, field="reporter_name", max_length=50)
    reporter_phone = validation.phone_normalize(draft.reporter_phone or fallback_phone)
    if draft.kind == Kind.REPAIR and not (unit or area):
        raise InvalidInput(_("Give the unit or the common area that needs the repair."), field="unit")

    with transaction.atomic():
        ticket = Ticket.objects.create(
            number=ticket_number_next(kind=draft.kind, day=timezone.localdate(now)),
            property=prop,
            kind=draft.kind,
            status=wf.initial,
            channel=draft.channel,
            category=category,
            urgency=draft.urgency,
            impact=draft.impact,
            building_id=unit.building_id if unit else (area.building_id if area else None),
            unit=unit,
            common_area=area,
            household=household,
            resident=resident,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            description=description,
            reported_at=reported_at,
            created_at=now,
            created_by=by,
            appointment_at=appointment_at,
            updated_at=now,
        )
        event_append(ticket=ticket, action="create", by=by, at=now, to_status=wf.initial, note=description[:200])
        if wf.on_create:
            import_string(wf.on_create)(ticket=ticket, by=by, now=now, rework_of=rework_of)
    return ticket


def ticket_create_once(*, by: User, draft: TicketDraft, key: str) -> tuple[Ticket, bool]:
    """``ticket_create`` behind an idempotency key: a retry with the same key returns
    the ticket the first request created. Returns (ticket, created)."""
    key = validation.text_clean(key, field="Idempotency-Key", max_length=100)
    fingerprint = hashlib.sha256(json.dumps(draft.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()
    existing = _replay(by, key, fingerprint)
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            ticket = ticket_create(by=by, draft=draft)
            IdempotencyKey.objects.create(
                user=by, key=key, fingerprint=fingerprint, ticket=ticket, created_at=ticket.created_at
            )
            return ticket, True
    except IntegrityError:
        # A concurrent request with the same key won the race; its ticket is the answer.
        existing = _replay(by, key, fingerprint)
        if existing:
            return existing, False
        raise


def _replay(by: User, key: str, fingerprint: str) -> Ticket | None:
    row = IdempotencyKey.objects.filter(user=by, key=key).select_related("ticket").first()
    if row is None:
        return None
    if row.fingerprint != fingerprint:
        raise Conflict(_("This Idempotency-Key was already used for a different request."), code="idempotency_mismatch")
    return row.ticket


def _property(by: User, draft: TicketDraft) -> Property:
    if by.role == Role.RESIDENT and not draft.property:
        residency = Resident.objects.filter(user=by).select_related("property").first()
        if residency:
            return residency.property
    if not draft.property:
        raise InvalidInput(_("Give the property."), field="property")
    prop = Property.objects.filter(code=draft.property).first()
    if prop is None:
        raise InvalidInput(_("Unknown property “%(code)s”.") % {"code": draft.property[:30]}, field="property")
    if by.role == Role.RESIDENT:
        if not Resident.objects.filter(user=by, property=prop).exists():
            raise Forbidden(_("You can only report matters at your own property."))
    elif not works_at(by, prop):
        raise Forbidden(_("You do not work at %(property)s.") % {"property": prop.name})
    return prop


def _location(prop: Property, draft: TicketDraft) -> tuple[Unit | None, CommonArea | None]:
    if draft.unit and draft.common_area:
        raise InvalidInput(_("Give either a unit or a common area, not both."), field="common_area")
    unit = area = None
    if draft.unit:
        unit = Unit.objects.filter(property=prop, label=draft.unit.strip()).first()
        if unit is None:
            raise InvalidInput(
                _("There is no unit “%(unit)s” at %(property)s.") % {"unit": draft.unit[:30], "property": prop.name},
                field="unit",
            )
    if draft.common_area:
        area = CommonArea.objects.filter(property=prop, name=draft.common_area.strip()).first()
        if area is None:
            raise InvalidInput(
                _("There is no common area “%(area)s” at %(property)s.")
                % {"area": draft.common_area[:30], "property": prop.name},
                field="common_area",
            )
    return unit, area


def _resident(by: User, unit: Unit | None, household: Household | None) -> Resident | None:
    """The resident reporting: the account itself for a resident, else nobody (the desk
    types the caller's name and phone, or they default from the household)."""
    if by.role == Role.RESIDENT:
        residency = Resident.objects.filter(user=by, household__unit=unit).first() if unit else None
        if unit and residency is None:
            raise Forbidden(_("You can only report matters for your own home or the common areas."))
        return residency or Resident.objects.filter(user=by).first()
    if household is None:
        return None
    return Resident.objects.filter(household=household).order_by("id").first()


def _household(unit: Unit | None) -> Household | None:
    """The household living in the unit now."""
    if unit is None:
        return None
    return Household.objects.filter(unit=unit, moved_out_on__isnull=True).order_by("-id").first()


def _category(draft: TicketDraft) -> Category | None:
    if not draft.category:
        return None
    category = Category.objects.filter(code=draft.category).first()
    if category is None:
        raise InvalidInput(_("Unknown category “%(code)s”.") % {"code": draft.category[:30]}, field="category")
    return category
