"""Logging calls and visits (R1.6). Intake at the desk starts here: the contact is
logged and, when it raises a matter, the ticket is recorded in the same transaction."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from base import validation
from base.errors import Conflict, Forbidden, InvalidInput
from contacts.models import Contact, ContactTicket
from estates.selectors import unit_found
from notify.models import Delivery
from notify.services import sms_send
from people.access import is_resident, property_with_access, works_at
from tickets.models import Channel, Ticket
from tickets.services import ticket_create
from tickets.workflow import event_append

if TYPE_CHECKING:
    from contacts.schemas import ContactIn
    from people.models import User
    from tickets.schemas import TicketDraft


def contact_record(
    *, by: User, contact: ContactIn, draft: TicketDraft | None = None, key: str = ""
) -> tuple[Contact, Ticket | None]:
    """Log a call or visit; record the ticket it raises (``draft``) and link the tickets
    it concerns. A resubmission with the same ``key`` returns the first result."""
    key = validation.text_clean(key, field="key", required=False, max_length=100)
    submitted = {"contact": contact.model_dump(mode="json"), "draft": draft.model_dump(mode="json") if draft else None}
    fingerprint = hashlib.sha256(json.dumps(submitted, sort_keys=True).encode()).hexdigest()
    if key:
        existing = _replay(by, key, fingerprint)
        if existing:
            return existing
    now = timezone.now()
    prop = property_with_access(by, contact.property)
    if prop is None or not works_at(by, prop):
        raise Forbidden(_("You do not work at this property."))
    at = validation.not_in_future(validation.aware(contact.at), field="at", now=now) if contact.at else now
    summary = contact.summary or (draft.description if draft else "")
    summary = validation.text_clean(summary, field="summary", max_length=validation.DESCRIPTION_MAX)
    name = validation.text_clean(contact.caller_name, field="caller_name", required=False, max_length=50)
    unit = None
    if contact.unit:
        unit = unit_found(prop, contact.unit)
    phone = validation.phone_normalize(contact.phone, field="phone") if contact.phone.strip() else ""
    concerned = _concerned(by, prop.pk, contact.concerns)
    try:
        with transaction.atomic():
            ticket = ticket_create(by=by, draft=draft) if draft is not None else None
            row = Contact.objects.create(
                property=prop,
                at=at,
                channel=contact.channel,
                caller_name=name or (ticket.reporter_name if ticket else ""),
                phone=phone or (ticket.reporter_phone if ticket else ""),
                unit=unit or (ticket.unit if ticket else None),
                summary=summary,
                staff=by,
                staff_name=by.name_kept,
                key=key,
                fingerprint=fingerprint,
            )
            links = [ContactTicket(contact=row, ticket=t) for t in concerned]
            if ticket:
                links.append(ContactTicket(contact=row, ticket=ticket, raised=True))
            ContactTicket.objects.bulk_create(links)
            for t in concerned:
                event_append(ticket=t, action="contact", by=by, at=now, note=summary[:500], data={"contact": row.pk})
    except IntegrityError:
        existing = _replay(by, key, fingerprint) if key else None
        if existing:
            return existing
        raise
    return row, ticket


def contact_key_used(by: User, key: str) -> bool:
    """Whether this form (its one-time key) was recorded already: sent again, it is
    answered by the first result or refused, never offered anything new."""
    return bool(key) and Contact.objects.filter(staff=by, key=key).exists()


def _replay(by: User, key: str, fingerprint: str) -> tuple[Contact, Ticket | None] | None:
    row = Contact.objects.filter(staff=by, key=key).first()
    if row is None:
        return None
    if row.fingerprint != fingerprint:
        raise Conflict(_("This form was already recorded; the form is ready for a new contact."), code="key_reused")
    raised = Ticket.objects.filter(pk__in=ContactTicket.objects.filter(contact=row, raised=True).values("ticket_id"))
    return row, raised.first()


def _concerned(by: User, property_id: int, numbers: list[str]) -> list[Ticket]:
    numbers = [n.strip() for n in numbers if n.strip()]
    if not numbers:
        return []
    found = {t.number: t for t in Ticket.objects.visible_to(by).filter(property_id=property_id, number__in=numbers)}
    missing = [n for n in numbers if n not in found]
    if missing:
        raise InvalidInput(_("No ticket %(number)s here.") % {"number": missing[0][:32]}, field="concerns")
    return list(found.values())


def contact_join(*, by: User, contact: ContactIn, number: str, key: str = "") -> tuple[Contact, Ticket]:
    """A repeat call about an open matter: the contact is logged and linked to it (its
    timeline shows the call), no new ticket is recorded, and a caller on a mobile is
    sent the matter's number to follow it by."""
    contact = contact.model_copy(update={"concerns": [number, *[n for n in contact.concerns if n != number]]})
    row, _none = contact_record(by=by, contact=contact, key=key)
    ticket = Ticket.objects.select_related("property").get(number=number)
    phone = row.phone
    told = f"contact:{row.pk}:joined"
    if phone.isdigit() and len(phone) == 11 and not Delivery.objects.filter(key=told).exists():
        place = ticket.location_label
        sms_send(
            property_id=ticket.property_id,
            phone=phone,
            name=row.caller_name,
            text=_("Your call about %(place)s is added to %(number)s. Quote this number to follow it.")
            % {"place": place, "number": ticket.number},
            key=told,
        )
    return row, ticket


def contact_log_online(ticket: Ticket, by: User) -> None:
    """R1.6: a matter a resident reports online is a contact like a call: it is logged
    with the resident as the caller, in the transaction that records it."""
    if ticket.channel != Channel.ONLINE or not is_resident(by):
        return
    row = Contact.objects.create(
        property_id=ticket.property_id,
        at=ticket.created_at,
        channel=Channel.ONLINE,
        caller_name=ticket.reporter_name,
        phone=ticket.reporter_phone,
        unit=ticket.unit,
        summary=ticket.description,
        staff=None,
        staff_name=by.name_kept,
    )
    ContactTicket.objects.create(contact=row, ticket=ticket, raised=True)
