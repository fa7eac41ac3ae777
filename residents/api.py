"""The residents' own endpoints, for a WeChat mini program or an app on the same rules
as their pages: a sign-in code and the token it buys, asking to join a household, the
desk's confirmations and invitations, and reporting a matter with photos."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Header, Router, Status
from ninja.files import UploadedFile

from base.errors import InvalidInput, NotFound
from base.request import user_of
from base.schemas import ERRORS, ErrorOut, Input, Out
from estates.models import Resident
from people.access import property_ids, property_of
from people.lockout import client_ip
from people.tokens import token_create
from residents.models import JoinRequest, SignInCode
from residents.services import (
    code_request,
    code_sign_in,
    join_ask,
    join_confirm,
    join_queue,
    join_refuse,
    join_with_code,
    matter_report,
    property_find,
    resident_invite,
)
from tickets.attachments import PHOTOS_MAX, photo_upload
from tickets.kinds import draft_from

router = Router(tags=["residents"])
LIMITED = {**ERRORS, 429: ErrorOut}


class CodeIn(Input):
    phone: str = Field(description="Mainland mobile number.")
    purpose: SignInCode.Purpose = Field(SignInCode.Purpose.SIGN_IN, description="sign_in, or join with `property`.")
    property: str | None = Field(None, description="For `join`: the property's code.")


class SentOut(Out):
    detail: str


class CodeTokenIn(Input):
    phone: str
    code: str
    name: str = Field("app", description="A name for the token, e.g. the device.")


class TokenOut(Out):
    token: str
    expires_at: datetime.datetime | None


class JoinIn(Input):
    property: str
    unit: str = Field(description="Building-room, e.g. 3-1202.")
    name: str
    role: Resident.Role = Resident.Role.OWNER
    note: str = ""


class JoinWithCodeIn(JoinIn):
    phone: str = Field(description="The new person's mobile, proved by `code`.")
    code: str = Field(description="The code sent with purpose `join`.")


class JoinOut(Out):
    id: int
    property: str
    unit: str
    name: str
    phone: str
    role: str
    note: str
    status: str
    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    reason: str
    token: str | None = Field(None, description="A new person's token (when they joined with a code).")


class ReasonIn(Input):
    reason: str


class InviteIn(Input):
    property: str
    unit: str
    name: str
    phone: str
    role: Resident.Role = Resident.Role.OWNER


class ResidentOut(Out):
    id: int
    name: str
    phone: str
    role: str
    unit: str
    has_account: bool


class ReportOut(Out):
    number: str
    status: str
    channel: str
    photos: int


def join_out(r: JoinRequest, token: str | None = None) -> dict[str, Any]:
    return {
        "id": r.pk,
        "property": r.property.code,
        "unit": r.unit.label,
        "name": r.name,
        "phone": r.phone,
        "role": r.role,
        "note": r.note,
        "status": r.status,
        "created_at": r.created_at,
        "decided_at": r.decided_at,
        "reason": r.reason,
        "token": token,
    }


@router.post("/auth/code", auth=None, response={202: SentOut, **LIMITED}, summary="Send me a sign-in code")
def send_code(request: HttpRequest, body: CodeIn) -> Status:
    """A one-time code by SMS to a registered number (or, with purpose `join`, to any
    mobile). The answer is the same whether or not the number is registered; codes
    are limited per number and per address (429 with the wait)."""
    prop = property_find(body.property or "") if body.purpose == SignInCode.Purpose.JOIN else None
    code_request(phone=body.phone, purpose=body.purpose, address=client_ip(request), property=prop)
    return Status(202, {"detail": _("If this number is registered with us, a code is on its way by SMS.")})


@router.post("/auth/code/token", auth=None, response={201: TokenOut, **ERRORS}, summary="A token for a sign-in code")
def token_for_code(request: HttpRequest, body: CodeTokenIn) -> Status:
    """Exchange the code for a personal token (`Authorization: Bearer <token>`)."""
    user = code_sign_in(phone=body.phone, code=body.code)
    key, row = token_create(user=user, name=body.name[:50] or "app")
    return Status(201, {"token": key, "expires_at": row.expires_at})


@router.post("/residents/join", response={201: JoinOut, **ERRORS}, summary="Ask to join another household")
def join(request: HttpRequest, body: JoinIn) -> Status:
    """A signed-in resident asks to be registered at another unit; the desk confirms."""
    fields = {"unit": body.unit, "name": body.name, "role": body.role, "note": body.note}
    return Status(201, join_out(join_ask(by=user_of(request), property=property_find(body.property), **fields)))


@router.post(
    "/residents/join/with-code", auth=None, response={201: JoinOut, **ERRORS}, summary="Ask to join, as a new person"
)
def join_new(request: HttpRequest, body: JoinWithCodeIn) -> Status:
    """A new person proves their number with the code sent for `join` and asks to be
    registered at a unit: their account is made and its token returned with the
    request. They see nothing of the household until the desk confirms."""
    fields = {"unit": body.unit, "name": body.name, "role": body.role, "note": body.note}
    user, made = join_with_code(phone=body.phone, code=body.code, property=property_find(body.property), **fields)
    key, _row = token_create(user=user, name="app")
    return Status(201, join_out(made, token=key))


@router.get("/residents/join-requests", response={200: list[JoinOut], **ERRORS}, summary="Requests to confirm")
def join_requests(request: HttpRequest, property: str) -> list[dict[str, Any]]:
    """The desk's queue of people asking to join a household at a property (业主认证)."""
    user = user_of(request)
    return [join_out(r) for r in join_queue(user, property_of(user, property))]


def _request(request: HttpRequest, request_id: int) -> JoinRequest:
    """A request at a property the user works at; another's is not found, like a missing one."""
    row = (
        JoinRequest.objects.select_related("property", "unit", "user")
        .filter(pk=request_id, property_id__in=property_ids(user_of(request)))
        .first()
    )
    if row is None:
        raise NotFound(_("There is no such request."))
    return row


@router.post("/residents/join-requests/{request_id}/confirm", response={200: JoinOut, **ERRORS}, summary="Confirm")
def confirm(request: HttpRequest, request_id: int) -> dict[str, Any]:
    row = _request(request, request_id)
    join_confirm(by=user_of(request), request=row)
    return join_out(row)


@router.post("/residents/join-requests/{request_id}/refuse", response={200: JoinOut, **ERRORS}, summary="Refuse")
def refuse(request: HttpRequest, request_id: int, body: ReasonIn) -> dict[str, Any]:
    row = _request(request, request_id)
    join_refuse(by=user_of(request), request=row, reason=body.reason)
    row.refresh_from_db()
    return join_out(row)


@router.post("/residents/invite", response={201: ResidentOut, **ERRORS}, summary="Register and invite a resident")
def invite(request: HttpRequest, body: InviteIn) -> Status:
    """The desk registers a resident at a unit and sends them an SMS to sign in."""
    user = user_of(request)
    r = resident_invite(
        by=user,
        property=property_of(user, body.property),
        unit=body.unit,
        name=body.name,
        phone=body.phone,
        role=body.role,
    )
    return Status(
        201,
        {
            "id": r.pk,
            "name": r.name,
            "phone": r.phone,
            "role": r.role,
            "unit": r.household.unit.label,
            "has_account": bool(r.user_id),
        },
    )


@router.post("/my/reports", response={201: ReportOut, **ERRORS}, summary="Report a matter with photos")
def report(
    request: HttpRequest,
    response: HttpResponse,
    draft: str = Form(..., description="The ticket draft as JSON, as for POST /tickets."),
    photos: list[UploadedFile] = File(None, description="Up to six JPEG, PNG or WebP photos."),  # type: ignore[assignment]
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Status:
    """A resident reports a repair, complaint, question or suggestion (multipart: the
    `draft` as JSON and up to six `photos`). Channel online, clocks running at once,
    logged in the contact log; the same `Idempotency-Key` records once."""
    files = photos or []
    if len(files) > PHOTOS_MAX:
        raise InvalidInput(_("At most %(n)s photos at a time.") % {"n": PHOTOS_MAX}, field="photos")
    try:
        data = json.loads(draft)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise InvalidInput(_("The draft must be a JSON object."), field="draft")
    parsed = draft_from(data)
    ticket, created = matter_report(
        by=user_of(request), draft=parsed, uploads=[photo_upload(f, field="photos") for f in files], key=idempotency_key
    )
    if not created:
        response["Idempotent-Replayed"] = "true"
    response["Location"] = f"/api/v1/tickets/{ticket.number}"
    return Status(
        201,
        {
            "number": ticket.number,
            "status": ticket.status,
            "channel": ticket.channel,
            "photos": ticket.attachments.count(),
        },
    )
