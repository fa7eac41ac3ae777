"""Creating tickets. Status changes go through tickets.workflow.ticket_transition."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from base import validation
from base.errors import Conflict, Forbidden, InvalidInput
from base.reads import loaded
from base.writes import insert
from catalog.models import Category
from catalog.selectors import category_by_code
from estates.models import CommonArea, Property, Resident, Unit
from estates.selectors import unit_found
from notify.services import Words, notice_reporter
from people.access import homes_of, is_resident, property_with_access, works_at
from promises.models import Deadline
from promises.policy import limits_for
from promises.services import opening_deadlines
from tickets.attachments import Upload, attachments_store, uploads_check
from tickets.choices import Channel
from tickets.kinds import kind_for, kinds
from tickets.models import IdempotencyKey, Route, Ticket
from tickets.numbering import ticket_id_reserve, ticket_number_next
from tickets.workflow import event_append

if TYPE_CHECKING:
    from people.models import User
    from tickets.schemas import TicketDraft


# Called in the creating transaction with (ticket, by) once a ticket is written: e.g.
# the contact log's line for a matter a resident reports online (contacts.apps).
RecordHandler = Callable[["Ticket", "User"], None]
RECORD_HANDLERS: list[RecordHandler] = []


def on_record(handler: RecordHandler) -> None:
    if handler not in RECORD_HANDLERS:
        RECORD_HANDLERS.append(handler)


def ticket_create(
    *,
    by: User,
    draft: TicketDraft,
    rework_of: Ticket | None = None,
    origin: Ticket | None = None,
    uploads: Sequence[Upload] = (),
    idempotency: IdempotencyKey | None = None,
) -> Ticket:
    """Record a matter (R1.1, R2.1): check the draft, number it (R1.5), start its promise
    clocks, open the kind's own records and write the first timeline event, all or
    nothing. ``origin`` is the ticket this one was raised from (linked both ways).
    ``uploads``: photos the reporter took, kept with the first event. ``idempotency``:
    the unsaved key of the request (``ticket_create_once``), written pointing at the
    ticket. A resident's own report came in online, whatever the draft says.

    The day's number counter is a row lock held until the commit, so every concurrent
    creation of the kind waits for it: everything is looked up and checked before the
    transaction, and where the database gives the ticket its id first (PostgreSQL, from
    the id's sequence) the rows that only point at the ticket (its clocks, its first
    event, the request's key) are written before the number is taken. The foreign keys
    are checked at the commit, when the ticket is there.
    """
    now = timezone.now()
    if is_resident(by):
        # A resident's own report came in online, now: not a call the desk dates.
        draft = draft.model_copy(update={"channel": Channel.ONLINE, "reported_at": None})
    if draft.kind not in {k.code for k in kinds()}:
        raise InvalidInput(_("Tickets of this kind cannot be recorded yet."), field="kind")
    kind = kind_for(draft.kind)
    wf = kind.workflow
    prop = _property(by, draft)
    place = _place(by, prop, draft)
    category = _category(draft)
    description = validation.text_clean(draft.description, field="description", max_length=validation.DESCRIPTION_MAX)
    reported_at = validation.not_in_future(draft.reported_at or now, field="reported_at", now=now)
    appointment_at = (
        validation.in_future(draft.appointment_at, field="appointment_at", now=now) if draft.appointment_at else None
    )

    if draft.route and is_resident(by):
        raise Forbidden(_("The service desk decides who takes a matter."), code="route_by_desk")
    if draft.route in (Route.BUILDER, Route.PROVIDER) and not kind.referable:
        raise InvalidInput(_("Only a repair can be sent to a builder or provider."), field="route")
    if kind.check:
        kind.check(draft)
    reporter_name, reporter_phone = _reporter(by, draft, place, prop)
    uploads_check(uploads)
    ticket = Ticket(
        property=prop,
        kind=draft.kind,
        status=wf.initial,
        channel=draft.channel,
        category=category,
        urgency=draft.urgency,
        impact=draft.impact,
        route=draft.route if draft.route == Route.COORDINATION else Route.OWN,  # Z and Q are set by the referral
        origin=origin,
        building_id=place.building_id,
        unit=place.unit,
        common_area=place.area,
        household_id=place.household_id,
        resident=place.resident,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        description=description,
        reported_at=reported_at,
        created_at=now,
        created_by=by,
        appointment_at=appointment_at,
        updated_at=now,
    )
    limits = limits_for(prop.pk, kind.policy_for(draft))
    clocks = opening_deadlines(ticket=ticket, clocks=wf.opening_clocks, limits=limits, now=now)
    ticket.next_due_at = min((d.due_at for d in clocks if d.status == Deadline.Status.OPEN), default=None)

    def pointing_rows() -> None:
        for deadline in clocks:
            deadline.ticket = ticket
        insert(*clocks)
        event_append(
            ticket=ticket,
            action="create",
            by=by,
            at=now,
            to_status=wf.initial,
            note=description[:200],
            data={"origin": origin.number} if origin else None,
        )
        if idempotency is not None:
            idempotency.ticket, idempotency.created_at = ticket, now
            insert(idempotency)

    # Inside a caller's transaction (ticket_create_once, a rework) this joins it, with no savepoint.
    with transaction.atomic(savepoint=False):
        ticket.pk = ticket_id_reserve()
        id_first = ticket.pk is not None
        if id_first:
            pointing_rows()
        ticket.number = ticket_number_next(kind=draft.kind, day=timezone.localdate(now))
        insert(ticket)
        if not id_first:
            pointing_rows()
        if kind.open:
            kind.open(ticket=ticket, by=by, now=now, draft=draft, rework_of=rework_of)
        if uploads:
            attachments_store(ticket=ticket, action="create", by=by, uploads=uploads)
        for handler in RECORD_HANDLERS:
            handler(ticket, by)
        _recorded_notice(ticket)
    return ticket


def _reporter(by: User, draft: TicketDraft, place: _Place, prop: Property) -> tuple[str, str]:
    """Who reported and where to call them back: as the desk typed them, else the
    household's resident, else the staff member who found it on patrol (R1.3) or the
    resident reporting online. Never the agent taking a call: a phone caller nobody
    registered must leave their number; otherwise the number may stay empty."""
    if place.resident:
        fallback_name, fallback_phone = place.resident.name, place.resident.phone
    elif draft.channel == Channel.PATROL or is_resident(by):
        fallback_name, fallback_phone = by.name_kept, by.phone
    else:
        fallback_name, fallback_phone = "", ""
    name = validation.text_clean(
        (draft.reporter_name or "").strip() or fallback_name, field="reporter_name", required=False, max_length=50
    )
    phone = (draft.reporter_phone or "").strip() or fallback_phone
    if not phone and draft.channel == Channel.PHONE:
        raise InvalidInput(
            _("Nobody is registered at %(place)s: give the caller's phone, to call them back.")
            % {"place": place.label or prop.name},
            field="reporter_phone",
        )
    return name, validation.phone_normalize(phone) if phone else ""


def _recorded_notice(ticket: Ticket) -> None:
    """R1.5: the resident gets the number at once, to follow the matter by."""

    def words() -> Words:
        what = {"number": ticket.number, "place": ticket.location_label}
        return Words(
            message=_("Recorded as %(number)s (%(place)s). Quote this number to follow it.") % what,
            sms=_("Recorded, number %(number)s") % what,
        )

    notice_reporter(ticket=ticket, wording=words, key=f"ticket:{ticket.pk}:recorded", at=ticket.created_at)


def ticket_create_once(
    *, by: User, draft: TicketDraft, key: str, uploads: Sequence[Upload] = ()
) -> tuple[Ticket, bool]:
    """``ticket_create`` behind an idempotency key: a retry with the same key returns
    the ticket the first request created. Returns (ticket, created).

    The key is checked by its insert, in the transaction that creates the ticket: a key
    already used makes the insert fail, the whole creation is rolled back (its number
    too, so the series keeps no gap) and the first ticket is the answer. A request
    carrying files looks the key up first, so that a retry stores no photo twice."""
    key = validation.text_clean(key, field="Idempotency-Key", max_length=100)
    fingerprint = hashlib.sha256(json.dumps(draft.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()
    if uploads:
        existing = _replay(by, key, fingerprint)
        if existing:
            return existing, False
    try:
        with transaction.atomic():
            row = IdempotencyKey(user=by, key=key, fingerprint=fingerprint)
            return ticket_create(by=by, draft=draft, uploads=uploads, idempotency=row), True
    except IntegrityError:
        # The key was used before, or by a concurrent request that won: its ticket is the answer.
        existing = _replay(by, key, fingerprint)
        if existing:
            return existing, False
        raise


def _replay(by: User, key: str, fingerprint: str) -> Ticket | None:
    row = IdempotencyKey.objects.filter(user=by, key=key).values_list("fingerprint", "ticket_id").first()
    if row is None:
        return None
    if row[0] != fingerprint:
        raise Conflict(_("This Idempotency-Key was already used for a different request."), code="idempotency_mismatch")
    return Ticket.objects.get(pk=row[1])


def _property(by: User, draft: TicketDraft) -> Property:
    if is_resident(by) and not draft.property:
        residency = homes_of(by).select_related("property").first()
        if residency:
            return residency.property
    if not draft.property:
        raise InvalidInput(_("Give the property."), field="property")
    prop = property_with_access(by, draft.property)
    if prop is None:
        raise InvalidInput(_("Unknown property “%(code)s”.") % {"code": draft.property[:30]}, field="property")
    if is_resident(by):
        if not homes_of(by).filter(property=prop).exists():
            raise Forbidden(_("You can only report matters at your own property."))
    elif not works_at(by, prop):
        raise Forbidden(_("You do not work at %(property)s.") % {"property": prop.name})
    return prop


@dataclass
class _Place:
    """Where the matter is, and who lives there."""

    unit: Unit | None = None
    area: CommonArea | None = None
    household_id: int | None = None
    resident: Resident | None = None  # who lives there (their name and phone, their account)

    @property
    def label(self) -> str:
        return self.unit.label if self.unit else (self.area.name if self.area else "")

    @property
    def building_id(self) -> int | None:
        return self.unit.building_id if self.unit else (self.area.building_id if self.area else None)


def _place(by: User, prop: Property, draft: TicketDraft) -> _Place:
    if draft.unit and draft.common_area:
        raise InvalidInput(_("Give either a unit or a common area, not both."), field="common_area")
    place = _Place()
    if draft.unit:
        place.unit = unit_found(prop, draft.unit)
    if draft.common_area:
        place.area = CommonArea.objects.filter(property=prop, name=draft.common_area.strip()).first()
        if place.area is None:
            raise InvalidInput(
                _("There is no common area “%(area)s” at %(property)s.")
                % {"area": draft.common_area[:30], "property": prop.name},
                field="common_area",
            )
    if is_resident(by):
        # The resident reporting is the account itself, for their own home or a common area.
        homes = homes_of(by)
        residency = homes.filter(household__unit=place.unit).first() if place.unit else None
        if place.unit and residency is None:
            raise Forbidden(_("You can only report matters for your own home or the common areas."))
        residency = residency or homes.filter(property=prop).first()
        if residency:
            place.household_id = residency.household_id  # a report on a common area stays visible to them
            residency.user = by  # the account reporting: no need to read it again
            place.resident = residency
    elif place.unit:
        place.household_id, place.resident = _occupants(place.unit)
    return place


def _occupants(unit: Unit) -> tuple[int | None, Resident | None]:
    """The household living in the unit now (the latest, if the records hold two), and
    its first resident: the desk types the caller's name and phone, or they default from
    this resident, who is told of the matter on their account if they have one. One
    hand-written statement: every report on a unit reads it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT h.id, r.id, r.name, r.phone, r.user_id FROM estates_household h"
            " LEFT JOIN estates_resident r ON r.household_id = h.id"
            " WHERE h.unit_id = %s AND h.moved_out_on IS NULL ORDER BY h.id DESC, r.id LIMIT 1",
            [unit.pk],
        )
        row = cursor.fetchone()
    if row is None:
        return None, None
    household_id, resident_id, name, phone, user_id = row
    if resident_id is None:
        return household_id, None  # a household with no resident on record
    fields = {"id": resident_id, "household_id": household_id, "name": name, "phone": phone, "user_id": user_id}
    return household_id, loaded(Resident, fields)


def _category(draft: TicketDraft) -> Category | None:
    if not draft.category:
        return None
    category = category_by_code(draft.category)
    if category is None:
        raise InvalidInput(_("Unknown category “%(code)s”.") % {"code": draft.category[:30]}, field="category")
    return category


def next_due_refresh(ticket: Ticket) -> None:
    """Keep ``Ticket.next_due_at`` (the queue's sort key) equal to the earliest open clock."""
    due = Deadline.objects.filter(ticket=ticket, status=Deadline.Status.OPEN).aggregate(m=Min("due_at"))["m"]
    if due != ticket.next_due_at:
        Ticket.objects.filter(pk=ticket.pk).update(next_due_at=due)
        ticket.next_due_at = due
