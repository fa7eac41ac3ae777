"""The duty log through the API (``/api/v1/duty``): the post on duty, shifts started,
read and ended, entries written, handed over and received. Each route calls the same
service as the duty page and gets the same refusals."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Header, Router, Status
from pydantic import Field

from base.request import user_of
from base.schemas import ERRORS, Day, Input, Moment, Out
from duty import selectors
from duty import services as rules
from duty.models import Shift
from estates.hours import Post, post_on_duty
from people.access import property_of

router = Router(tags=["duty"])


class StartIn(Input):
    property: str
    post: str = Field(description="service_desk (服务中心) or monitoring_room (监控室).")
    staff: list[str] = Field(default_factory=list, description="Usernames of the others on duty, if any.")


class EntryIn(Input):
    text: str = Field(description="What happened.", max_length=2000)
    kind: str = Field("other", description="patrol, incident, instruction or other.")
    at: Moment | None = Field(None, description="When it happened (within the shift); now if empty.")
    property: str = Field("", description="The property code, if the client names one: it must be the shift's.")


class HandoverIn(Input):
    note: str = Field(description="What is handed over.", max_length=4000)
    open_items: list[str] = Field(default_factory=list, description="The open items, one each.")


class ReceiveIn(Input):
    staff: list[str] = Field(default_factory=list, description="Usernames of the others on duty with the receiver.")


class EntryOut(Out):
    id: int
    kind: str
    at: datetime.datetime
    text: str
    by: str


class CallOut(Out):
    id: int
    at: datetime.datetime
    channel: str
    caller_name: str
    summary: str
    taken_by: str
    tickets: list[str]


class TicketOut(Out):
    number: str
    kind: str
    status: str
    channel: str
    created_at: datetime.datetime


class ShiftOut(Out):
    id: int
    property: str
    post: str
    post_label: str
    started_at: datetime.datetime
    ended_at: datetime.datetime | None
    staff: list[str]
    staff_names: str
    handover_note: str
    open_items: list[str]
    handed_over_at: datetime.datetime | None
    handed_over_by: str
    received_at: datetime.datetime | None
    received_by: str
    previous_id: int | None
    entries: list[EntryOut]


class ShiftDetailOut(ShiftOut):
    calls: list[CallOut]
    tickets: list[TicketOut]


class OnDutyOut(Out):
    property: str
    at: datetime.datetime
    post: str
    post_label: str
    office_opens: str
    office_closes: str
    shift: ShiftOut | None


def _shift_out(s: Shift) -> dict[str, Any]:
    return {
        "id": s.pk,
        "property": s.property.code,
        "post": s.post,
        "post_label": str(s.get_post_display()),
        "started_at": s.started_at,
        "ended_at": s.ended_at,
        "staff": sorted(u.username for u in s.staff.all()),
        "staff_names": s.staff_names,
        "handover_note": s.handover_note,
        "open_items": list(s.open_items or []),
        "handed_over_at": s.handed_over_at,
        "handed_over_by": s.handed_over_by_name,
        "received_at": s.received_at,
        "received_by": s.received_by_name,
        "previous_id": s.previous_id,
        "entries": [{"id": e.pk, "kind": e.kind, "at": e.at, "text": e.text, "by": e.by_name} for e in s.entries.all()],
    }


def _detail_out(s: Shift) -> dict[str, Any]:
    now = timezone.now()
    return {
        **_shift_out(s),
        "calls": [
            {
                "id": c.pk,
                "at": c.at,
                "channel": c.channel,
                "caller_name": c.caller_name,
                "summary": c.summary,
                "taken_by": c.staff_name,
                "tickets": [t.number for t in c.tickets.all()],
            }
            for c in selectors.shift_calls(s, now)
        ],
        "tickets": [
            {"number": t.number, "kind": t.kind, "status": t.status, "channel": t.channel, "created_at": t.created_at}
            for t in selectors.shift_tickets(s, now)
        ],
    }


def _shift_for(request: HttpRequest, shift_id: int, *, write: bool) -> Shift:
    user = user_of(request)
    shift = selectors.shift_by_id(shift_id)
    (rules.keeper_at if write else rules.reader_at)(user, shift.property)
    return shift


@router.get("/on-duty", response={200: OnDutyOut, **ERRORS}, summary="The post on duty now")
def on_duty(request: HttpRequest, property: str) -> dict[str, Any]:
    """Which post takes the service phone and the new matters now (R1.4): the service
    desk in the property's office hours, the monitoring room outside them; with the
    shift open on that post, if any."""
    user = user_of(request)
    prop = property_of(user, property)
    rules.reader_at(user, prop)
    now = timezone.now()
    post = post_on_duty(prop, now)
    shift = selectors.open_shifts(prop)[post]
    return {
        "property": prop.code,
        "at": now,
        "post": post,
        "post_label": str(Post(post).label),
        "office_opens": prop.office_opens.strftime("%H:%M"),
        "office_closes": prop.office_closes.strftime("%H:%M"),
        "shift": _shift_out(shift) if shift else None,
    }


@router.get("/shifts", response={200: list[ShiftOut], **ERRORS}, summary="The shifts of a property")
def shift_list(
    request: HttpRequest, property: str, day: Day | None = None, post: str = "", open: bool = False
) -> list[dict[str, Any]]:
    """Latest first: those on duty on ``day`` (the property's date) if given; ``open``
    for the shifts open now only."""
    user = user_of(request)
    prop = property_of(user, property)
    rules.reader_at(user, prop)
    if open:
        return [_shift_out(s) for s in selectors.open_shifts(prop).values() if s and (not post or s.post == post)]
    return [_shift_out(s) for s in selectors.history(prop, day, post)]


@router.post("/shifts", response={201: ShiftOut, **ERRORS}, summary="Start a shift")
def shift_start(
    request: HttpRequest, body: StartIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
) -> Status:
    """On a post with no shift open (409 otherwise: it is handed over and received). A
    retry under the same `Idempotency-Key` starts once."""
    user = user_of(request)
    prop = property_of(user, body.property)
    shift = rules.shift_start(by=user, property=prop, post=body.post, staff=body.staff, form_key=idempotency_key or "")
    return Status(201, _shift_out(selectors.shift_by_id(shift.pk)))


@router.get(
    "/shifts/{shift_id}", response={200: ShiftDetailOut, **ERRORS}, summary="A shift with its calls and tickets"
)
def shift_read(request: HttpRequest, shift_id: int) -> dict[str, Any]:
    return _detail_out(_shift_for(request, shift_id, write=False))


@router.post("/shifts/{shift_id}/entries", response={201: EntryOut, **ERRORS}, summary="Write in a shift's log")
def entry_add(
    request: HttpRequest,
    shift_id: int,
    body: EntryIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Status:
    """In an open shift; a retry under the same `Idempotency-Key` writes once."""
    user = user_of(request)
    shift = _shift_for(request, shift_id, write=True)
    prop = property_of(user, body.property) if body.property else None
    e = rules.entry_add(
        by=user, shift=shift, text=body.text, kind=body.kind, at=body.at, property=prop, form_key=idempotency_key or ""
    )
    return Status(201, {"id": e.pk, "kind": e.kind, "at": e.at, "text": e.text, "by": e.by_name})


@router.post("/shifts/{shift_id}/handover", response={200: ShiftOut, **ERRORS}, summary="Hand a shift over")
def handover(request: HttpRequest, shift_id: int, body: HandoverIn) -> dict[str, Any]:
    """The outgoing shift's note and open items; its own staff only."""
    shift = _shift_for(request, shift_id, write=True)
    rules.shift_hand_over(by=user_of(request), shift=shift, note=body.note, open_items=body.open_items)
    return _shift_out(selectors.shift_by_id(shift.pk))


@router.post("/shifts/{shift_id}/receive", response={201: ShiftOut, **ERRORS}, summary="Receive a handover")
def receive(request: HttpRequest, shift_id: int, body: ReceiveIn | None = None) -> Status:
    """Someone of the next shift receives it: the old shift ends, the new one (returned)
    starts. The outgoing shift's own staff are refused (409)."""
    shift = _shift_for(request, shift_id, write=True)
    new = rules.shift_receive(by=user_of(request), shift=shift, staff=body.staff if body else [])
    return Status(201, _shift_out(selectors.shift_by_id(new.pk)))


@router.post("/shifts/{shift_id}/end", response={200: ShiftOut, **ERRORS}, summary="End a shift")
def shift_end(request: HttpRequest, shift_id: int) -> dict[str, Any]:
    shift = _shift_for(request, shift_id, write=True)
    rules.shift_end(by=user_of(request), shift=shift)
    return _shift_out(selectors.shift_by_id(shift.pk))
