"""The contact log over the API: log a call or visit (and the ticket it raises), and
read a day's log with its subtotals (R1.6, R2.25)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema, Status

from base.errors import Forbidden
from base.request import user_of
from base.schemas import ERRORS, Day, Input
from contacts.directory import directory_entry_add, directory_entry_remove
from contacts.models import DirectoryEntry
from contacts.schemas import ContactIn
from contacts.selectors import contacts_found, daily_log, row_kind, row_tag
from contacts.services import contact_record
from estates.models import Property
from people.access import may_read_contact_log, may_read_personal_details, property_of
from people.models import User
from tickets.kinds import draft_model
from tickets.schemas import TicketDraft as TicketDraftBase

router = Router(tags=["contacts"])

# The draft as clients send it, put together from the registered kinds (tickets.kinds).
if TYPE_CHECKING:
    TicketDraft = TicketDraftBase
else:
    TicketDraft = draft_model()


class ContactRecordIn(Input):
    contact: ContactIn
    ticket: TicketDraft | None = None


class ContactOut(Schema):
    id: int
    at: datetime.datetime
    channel: str
    caller_name: str
    phone: str
    unit: str | None
    summary: str
    staff: str
    tickets: list[str]
    raised: str | None
    tag: str
    kind: str


class SubtotalOut(Schema):
    code: str
    label: str
    count: int


class DailyLogOut(Schema):
    property: str
    day: datetime.date
    items: list[ContactOut]
    by_tag: list[SubtotalOut]
    by_kind: list[SubtotalOut]


def _out(c: Any) -> dict[str, Any]:
    links = c.links
    raised = next((link.ticket.number for link in links if link.raised), None)
    return {
        "id": c.pk,
        "at": c.at,
        "channel": c.channel,
        "caller_name": c.caller_name,
        "phone": c.phone,
        "unit": c.unit.label if c.unit else None,
        "summary": c.summary,
        "staff": c.staff_name,
        "tickets": [link.ticket.number for link in links],
        "raised": raised,
        "tag": row_tag(c),
        "kind": row_kind(c),
    }


@router.post("", response={201: dict[str, Any], **ERRORS}, summary="Log a call or visit")
def log_contact(
    request: HttpRequest, body: ContactRecordIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
) -> Status:
    """Log the contact and record the ticket it raises (`ticket`), in one transaction.
    With an `Idempotency-Key` a retry returns the first result."""
    row, ticket = contact_record(
        by=user_of(request), contact=body.contact, draft=body.ticket, key=idempotency_key or ""
    )
    return Status(201, {"id": row.pk, "ticket": ticket.number if ticket else None})


@router.get("", response={200: DailyLogOut, **ERRORS}, summary="One day's contact log with subtotals")
def contact_log(request: HttpRequest, property: str, day: Day | None = None) -> dict[str, Any]:
    user = user_of(request)
    prop = property_of(user, property)
    if not may_read_contact_log(user):
        raise Forbidden(_("The contact log is for the service desk."))
    with timezone.override(prop.time_zone):
        log = daily_log(prop, day or timezone.localdate())
    return {
        "property": prop.code,
        "day": log.day,
        "items": [_out(c) for c in log.rows],
        "by_tag": [{"code": code, "label": label, "count": n} for code, label, n in log.by_tag],
        "by_kind": [{"code": code, "label": label, "count": n} for code, label, n in log.by_kind],
    }


@router.get("/find", response={200: list[ContactOut], **ERRORS}, summary="A unit's or a phone's contacts, any day")
def contacts_find(request: HttpRequest, property: str, q: str) -> list[dict[str, Any]]:
    """The calls and visits of a unit (3-1202, 3栋1202室 ...) or a phone (whole, or its
    last four digits), across days, newest first (at most 100)."""
    user = user_of(request)
    prop = property_of(user, property)
    if not may_read_contact_log(user):
        raise Forbidden(_("The contact log is for the service desk."))
    return [_out(c) for c in contacts_found(prop, q)]


# --- The quick-response directory (R1.7) ---------------------------------------------------


class DirectoryEntryIn(Input):
    property: str
    group: str = Field(description="public, resident, supplier or subcontractor.")
    name: str
    phone: str
    note: str = ""


class DirectoryEntryOut(Schema):
    id: int
    group: str
    group_label: str
    name: str
    phone: str
    note: str


def _entry_out(e: DirectoryEntry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "group": e.group,
        "group_label": e.get_group_display(),
        "name": e.name,
        "phone": e.phone,
        "note": e.note,
    }


def _directory_property(user: User, code: str) -> Property:
    prop = property_of(user, code)
    if not may_read_personal_details(user):
        raise Forbidden(_("The directory is for the service desk."))
    return prop


@router.get("/directory", response={200: list[DirectoryEntryOut], **ERRORS}, summary="The quick-response directory")
def directory(request: HttpRequest, property: str) -> list[dict[str, Any]]:
    prop = _directory_property(user_of(request), property)
    return [_entry_out(e) for e in DirectoryEntry.objects.filter(property=prop)]


@router.post("/directory", response={201: DirectoryEntryOut, **ERRORS}, summary="Add to the directory")
def directory_add(request: HttpRequest, body: DirectoryEntryIn) -> Status:
    """Supervisors and managers keep the directory."""
    user = user_of(request)
    prop = _directory_property(user, body.property)
    entry = directory_entry_add(prop=prop, by=user, group=body.group, name=body.name, phone=body.phone, note=body.note)
    return Status(201, _entry_out(entry))


@router.delete("/directory/{entry_id}", response={204: None, **ERRORS}, summary="Remove from the directory")
def directory_remove(request: HttpRequest, entry_id: int, property: str) -> Status:
    user = user_of(request)
    directory_entry_remove(prop=_directory_property(user, property), by=user, entry_id=entry_id)
    return Status(204, None)
