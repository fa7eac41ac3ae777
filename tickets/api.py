"""The ticket endpoints of the REST API: create, list, read, and workflow actions."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Body, Field, Header, Query, Router, Schema, Status
from pydantic import create_model

from base.request import user_of
from base.schemas import ERRORS, Out
from people.access import may_see_household_phones
from promises.services import clock_label
from tickets.actions import spec_for, ticket_act
from tickets.kinds import draft_model, kinds
from tickets.models import Ticket
from tickets.schemas import TicketDraft as TicketDraftBase
from tickets.selectors import (
    TicketFilter,
    labelled,
    ticket_detail,
    ticket_for_action,
    tickets_filtered,
    tickets_page,
    tickets_search,
)
from tickets.services import ticket_create, ticket_create_once
from tickets.workflow import allowed_actions

router = Router(tags=["tickets"])


class PersonOut(Out):
    username: str
    name: str


class TicketOut(Out):
    number: str
    kind: str
    status: str
    status_label: str
    property: str
    property_name: str
    building_id: int | None
    unit: str | None
    common_area: str | None
    category: str | None
    urgency: str
    impact: str
    channel: str
    reporter_name: str
    reporter_phone: str | None = Field(
        description="Null for technicians, finance and security: they reach the household through the desk (R7.2)."
    )
    description: str
    reported_at: datetime.datetime
    created_at: datetime.datetime
    appointment_at: datetime.datetime | None
    assignee: PersonOut | None
    team: str | None
    next_due_at: datetime.datetime | None
    overdue: bool
    closed_at: datetime.datetime | None


class DeadlineOut(Out):
    clock: str
    clock_label: str
    status: str
    started_at: datetime.datetime
    due_at: datetime.datetime
    met_at: datetime.datetime | None
    breached: bool
    on_time: bool | None


class EventOut(Out):
    at: datetime.datetime
    by: str
    action: str
    from_status: str
    to_status: str
    note: str
    data: dict[str, Any]


def _detail_model() -> type[TicketOut]:
    """One ticket in full: the summary, each kind's own part (e.g. ``work_order``, null
    for tickets of other kinds), its deadlines and its timeline."""
    parts: dict[str, Any] = {k.detail.name: (k.detail.schema | None, None) for k in kinds() if k.detail}
    return create_model(
        "TicketDetailOut",
        __base__=TicketOut,
        **parts,
        deadlines=(list[DeadlineOut], ...),
        timeline=(list[EventOut], ...),
    )


# Put together from the registered kinds (every app is ready when the URLs load this).
if TYPE_CHECKING:
    TicketDraft = TicketDraftBase
    TicketDetailOut = TicketOut
else:
    TicketDraft = draft_model()
    TicketDetailOut = _detail_model()


class TicketPage(Out):
    items: list[TicketOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; null on the last page.")


class ActionOut(Schema):
    action: str
    label: str
    targets: list[str]
    fields: dict[str, Any] = Field(..., description="JSON Schema of the body the action takes.")


def ticket_out(t: Ticket, now: datetime.datetime, *, phones: bool = True) -> dict[str, Any]:
    """The summary of a ticket read through ``tickets.selectors.with_labels``; the
    household's phone only if the reader may see it (``phones``, R7.2)."""
    assignee = t.assignee_username  # type: ignore[attr-defined]
    return {
        "number": t.number,
        "kind": t.kind,
        "status": t.status,
        "status_label": t.status_label,
        "property": t.property.code,
        "property_name": t.property.name,
        "building_id": t.building_id,
        "unit": t.unit_label,  # type: ignore[attr-defined]
        "common_area": t.area_name,  # type: ignore[attr-defined]
        "category": t.category.code if t.category else None,
        "urgency": t.urgency,
        "impact": t.impact,
        "channel": t.channel,
        "reporter_name": t.reporter_name,
        "reporter_phone": t.reporter_phone if phones else None,
        "description": t.description,
        "reported_at": t.reported_at,
        "created_at": t.created_at,
        "appointment_at": t.appointment_at,
        "assignee": {"username": assignee, "name": t.assignee_display or assignee} if assignee else None,  # type: ignore[attr-defined]
        "team": t.team_name,  # type: ignore[attr-defined]
        "next_due_at": t.next_due_at,
        "overdue": bool(t.closed_at is None and t.next_due_at and t.next_due_at < now),
        "closed_at": t.closed_at,
    }


def ticket_detail_out(t: Ticket, now: datetime.datetime, *, phones: bool = True) -> dict[str, Any]:
    return {
        **ticket_out(t, now, phones=phones),
        **{k.detail.name: k.detail.build(t) for k in kinds() if k.detail},
        "deadlines": [
            {
                "clock": d.clock,
                "clock_label": clock_label(d.clock),
                "status": d.status,
                "started_at": d.started_at,
                "due_at": d.due_at,
                "met_at": d.met_at,
                "breached": d.breached_at is not None,
                "on_time": d.on_time,
            }
            for d in t.deadlines.all()
        ],
        "timeline": [
            {
                "at": e.at,
                "by": e.actor_name,
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": e.note,
                "data": e.data,
            }
            for e in t.timeline  # type: ignore[attr-defined]
        ],
    }


@router.post("", response={201: TicketOut, **ERRORS}, summary="Record a ticket")
def create_ticket(
    request: HttpRequest,
    response: HttpResponse,
    draft: TicketDraft,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Status:
    """Record a matter and answer with its number, status and next promise due; the
    `Location` header is its full record (work order, deadlines, timeline). Send an
    `Idempotency-Key` header so that a retry after a lost response returns the first
    ticket instead of recording a second one."""
    user = user_of(request)
    if idempotency_key is not None:
        ticket, created = ticket_create_once(by=user, draft=draft, key=idempotency_key)
        if not created:
            response["Idempotent-Replayed"] = "true"
    else:
        ticket = ticket_create(by=user, draft=draft)
    response["Location"] = f"{request.path.rstrip('/')}/{ticket.number}"
    return Status(201, ticket_out(labelled(ticket), timezone.now(), phones=may_see_household_phones(user)))


@router.get("", response={200: TicketPage, **ERRORS}, summary="List tickets")
def list_tickets(
    request: HttpRequest,
    filters: Query[TicketFilter],  # type: ignore[type-arg]
    cursor: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """Tickets you can see, newest first (`ordering=-reported`) or as a work queue by the
    next promise due (`ordering=due`, with `open=true`). Keyset pagination by `cursor`."""
    now = timezone.now()
    qs = tickets_filtered(user_of(request), filters, now)
    rows, nxt = tickets_page(qs, ordering=filters.ordering, cursor=cursor, limit=limit)
    phones = may_see_household_phones(user_of(request))
    return {"items": [ticket_out(t, now, phones=phones) for t in rows], "next_cursor": nxt}


@router.get("/search", response={200: list[TicketOut], **ERRORS}, summary="Search tickets")
def search_tickets(request: HttpRequest, q: str) -> list[dict[str, Any]]:
    """The desk's search box: a ticket number in any case or part of it, a phone number
    or its last four digits, a unit in any common form (3-1202, 3栋1202室), a caller's
    or resident's name, or words of the description. At most 20, open ones first."""
    now = timezone.now()
    phones = may_see_household_phones(user_of(request))
    return [ticket_out(t, now, phones=phones) for t in tickets_search(user_of(request), q)]


@router.get("/{number}", response={200: TicketDetailOut, **ERRORS}, summary="Read one ticket")
def get_ticket(request: HttpRequest, number: str) -> dict[str, Any]:
    user = user_of(request)
    return ticket_detail_out(ticket_detail(user, number), timezone.now(), phones=may_see_household_phones(user))


@router.get("/{number}/actions", response={200: list[ActionOut], **ERRORS}, summary="Actions you may take now")
def list_actions(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    ticket = ticket_for_action(user_of(request), number)
    out = []
    for t in allowed_actions(ticket, user_of(request)):
        spec = spec_for(ticket.kind, t.action)
        out.append(
            {
                "action": t.action,
                "label": str(t.label),
                "targets": sorted(t.targets),
                "fields": spec.form.model_json_schema() if spec else {},
            }
        )
    return out


@router.post("/{number}/actions/{action}", response={200: TicketDetailOut, **ERRORS}, summary="Take an action")
def take_action(
    request: HttpRequest, number: str, action: str, body: dict[str, Any] = Body(default_factory=dict)
) -> dict[str, Any]:
    """Take one workflow action. The body is the action's form (see the actions list).
    Illegal or unauthorised actions get 403 or 409 and change nothing."""
    ticket = ticket_for_action(user_of(request), number)
    ticket_act(ticket=ticket, action=action, by=user_of(request), data=body or {})
    user = user_of(request)
    return ticket_detail_out(ticket_detail(user, number), timezone.now(), phones=may_see_household_phones(user))
