"""The records through the API: the household archive (read the personal details, file
and open a document, the access log) and the "please call" requests; the key register
(``keys_router``). Each route calls the same service as the desk's pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Query, Router, Status
from ninja.files import UploadedFile
from pydantic import Field

from base.errors import Forbidden, InvalidInput, NotFound
from base.files import file_response
from base.request import user_of
from base.schemas import ERRORS, Input, Out
from people.access import may_read_archive_log, property_of
from records import archive as rules
from records import keys as key_rules
from records import selectors
from records.models import ArchiveAccess, ArchiveDocument, CallRequest, Handover, Key, KeyLoan
from tickets.models import Ticket

router = Router(tags=["records"])


class ReadIn(Input):
    reason: str = Field(description="Why the record is read (written to the access log).", max_length=200)
    for_user: str = Field("", description="Username of the department head the desk opens it for, if any.")


class ResidentOut(Out):
    name: str
    role: str
    phone: str


class DocumentOut(Out):
    id: int
    type: str
    type_label: str
    title: str
    supplied_by: str
    supplied_on: datetime.date
    content_type: str
    size: int
    added_at: datetime.datetime
    added_by: str


class AccessOut(Out):
    id: int
    at: datetime.datetime
    what: str
    by: str
    for_name: str = Field(description="The department head it was opened for; empty if none.")
    household_id: int
    unit: str
    document_id: int | None
    reason: str


class DetailsOut(Out):
    household_id: int
    unit: str
    name: str
    moved_in_on: datetime.date | None
    moved_out_on: datetime.date | None
    residents: list[ResidentOut]
    documents: list[DocumentOut]
    access: AccessOut


def _doc_out(d: ArchiveDocument) -> dict[str, Any]:
    return {
        "id": d.pk,
        "type": d.type,
        "type_label": str(d.get_type_display()),
        "title": d.title,
        "supplied_by": d.supplied_by,
        "supplied_on": d.supplied_on,
        "content_type": d.content_type,
        "size": d.size,
        "added_at": d.added_at,
        "added_by": d.added_by_name,
    }


def _access_out(a: ArchiveAccess) -> dict[str, Any]:
    return {
        "id": a.pk,
        "at": a.at,
        "what": a.what,
        "by": a.by_name,
        "for_name": a.for_name,
        "household_id": a.household_id,
        "unit": a.household.unit.label,
        "document_id": a.document_id,
        "reason": a.reason,
    }


@router.post(
    "/archive/households/{household_id}/read",
    response={200: DetailsOut, **ERRORS},
    summary="Read a household's personal details",
)
def household_read(request: HttpRequest, household_id: int, body: ReadIn) -> dict[str, Any]:
    """The residents with their phones and the list of the archive's documents: the
    service desk only, for itself or for a department head it names (R7.2). Each read
    writes one row of the access log; a refused one writes nothing."""
    user = user_of(request)
    home = selectors.household_any(household_id)
    rules.keeper_at(user, home.property)
    d = rules.household_read(
        by=user, household=home, reason=body.reason, for_user=selectors.head_named(home.property, body.for_user)
    )
    return {
        "household_id": home.pk,
        "unit": home.unit.label,
        "name": home.name,
        "moved_in_on": home.moved_in_on,
        "moved_out_on": home.moved_out_on,
        "residents": [{"name": r.name, "role": r.role, "phone": r.phone} for r in d.residents],
        "documents": [_doc_out(doc) for doc in d.documents],
        "access": _access_out(d.access),
    }


@router.post(
    "/archive/households/{household_id}/documents",
    response={201: DocumentOut, **ERRORS},
    summary="File a document in a household's archive",
)
def document_add(
    request: HttpRequest,
    household_id: int,
    type: Form[str],
    title: Form[str],
    supplied_by: Form[str],
    supplied_on: Form[datetime.date],
    file: File[UploadedFile],
) -> Status:
    """A PDF or a JPEG, PNG or WebP scan of at most 10 MB, checked by its content; the
    desk only (R7.1)."""
    user = user_of(request)
    home = selectors.household_any(household_id)
    doc = rules.document_add(
        by=user,
        household=home,
        type=type,
        title=title,
        supplied_by=supplied_by,
        supplied_on=supplied_on,
        upload=rules.upload_of(file),
    )
    return Status(201, _doc_out(doc))


@router.post(
    "/archive/documents/{document_id}/open",
    response={200: None, **ERRORS},
    summary="Open an archive document",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file (PDF or picture).",
                "content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}, "image/webp": {}},
            }
        }
    },
)
def document_open(request: HttpRequest, document_id: int, body: ReadIn) -> FileResponse:
    """The file itself, for the service desk only; writes one row of the access log with
    the reason and, when the desk opens it for a department head, both names."""
    user = user_of(request)
    doc = selectors.document_any(document_id)
    rules.keeper_at(user, doc.property)
    rules.document_open(
        by=user, document=doc, reason=body.reason, for_user=selectors.head_named(doc.property, body.for_user)
    )
    response = file_response(doc.file, content_type=doc.content_type)
    response["Cache-Control"] = "no-store"
    return response


@router.get("/archive/log", response={200: list[AccessOut], **ERRORS}, summary="The archive's access log")
def access_log(
    request: HttpRequest,
    property: str,
    before: int | None = Query(None, gt=0, lt=2**63),  # noqa: B008 - ninja's way of declaring it
) -> list[dict[str, Any]]:
    """Every read of the property's household records, newest first: the property
    manager and company leadership. ``before`` is the id of the last row of the previous page."""
    user = user_of(request)
    prop = property_of(user, property)
    if not may_read_archive_log(user):
        raise Forbidden(_("The archive's access log is for the property manager."))
    return [_access_out(a) for a in selectors.access_log(prop, before=before)]


# --- "Please call" ------------------------------------------------------------------------


class CallIn(Input):
    property: str
    unit: str = Field("", description="The unit, e.g. 3-1202, when no ticket is named.")
    ticket: str = Field("", description="The ticket's number: the household is the ticket's.")
    message: str = Field(description="What to tell or ask the household.", max_length=500)


class AnswerIn(Input):
    reached: bool
    outcome: str = Field("", max_length=500, description="What came of the call; required when reached.")


class CallOut(Out):
    id: int
    property: str
    unit: str
    ticket: str | None
    message: str
    asked_at: datetime.datetime
    asked_by: str
    status: str
    answered_at: datetime.datetime | None
    answered_by: str
    outcome: str
    phones: list[str] | None = Field(None, description="For the desk only: the household's numbers to call.")


def _call_out(c: CallRequest, *, phones: bool) -> dict[str, Any]:
    return {
        "id": c.pk,
        "property": c.household.property.code,
        "unit": c.household.unit.label,
        "ticket": c.ticket.number if c.ticket else None,
        "message": c.message,
        "asked_at": c.asked_at,
        "asked_by": c.asked_by_name,
        "status": c.status,
        "answered_at": c.answered_at,
        "answered_by": c.answered_by_name,
        "outcome": c.outcome,
        "phones": [r.phone for r in c.household.residents.all()] if phones else None,
    }


@router.post("/call-requests", response={201: CallOut, **ERRORS}, summary="Ask the desk to call a household")
def call_ask(
    request: HttpRequest,
    body: CallIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Status:
    """Any staff member asks the desk to call a household (by the ticket or the unit);
    the answer carries no phone number. A retry under the same `Idempotency-Key` asks once."""
    user = user_of(request)
    prop = property_of(user, body.property)
    ticket = None
    if body.ticket:
        ticket = Ticket.objects.visible_to(user).filter(number=body.ticket[:32], property=prop).first()
        if ticket is None or ticket.household_id is None:
            raise InvalidInput(_("There is no ticket of a household with this number."), field="ticket")
        home = selectors.household_of(prop, ticket.household_id)
    else:
        homes = [h for h in selectors.households_at(prop, body.unit) if h.moved_out_on is None]
        if not homes:
            raise InvalidInput(_("No household lives at this unit; give the unit as 3-1202."), field="unit")
        home = homes[0]
    row = rules.call_request_create(
        by=user,
        household=home,
        message=body.message,
        ticket_id=ticket.pk if ticket else None,
        key=idempotency_key or "",
    )
    return Status(201, _call_out(row, phones=False))


@router.get("/call-requests", response={200: list[CallOut], **ERRORS}, summary="The desk's call requests")
def call_queue(request: HttpRequest, property: str, open: bool = True) -> list[dict[str, Any]]:
    """The desk's queue, oldest first (``open=false``: the latest hundred of every status)."""
    user = user_of(request)
    prop = property_of(user, property)
    rules.keeper_at(user, prop)
    return [_call_out(c, phones=True) for c in selectors.call_queue(prop, open_only=open)]


@router.post("/call-requests/{request_id}/answer", response={200: CallOut, **ERRORS}, summary="Answer a call request")
def call_answer(request: HttpRequest, request_id: int, body: AnswerIn) -> dict[str, Any]:
    """The desk called: reached (with what came of it) or not reached; once only (409 after)."""
    user = user_of(request)
    row = CallRequest.objects.filter(pk=request_id).select_related("household__unit", "household__property").first()
    if row is None:
        raise NotFound(_("There is no such request."))
    rules.keeper_at(user, row.property)
    row = rules.call_request_answer(by=user, request=row, reached=body.reached, outcome=body.outcome)
    return _call_out(row, phones=True)


# --- Keys (R7.3-R7.4) -----------------------------------------------------------------------

keys_router = Router(tags=["keys"])


class KeyIn(Input):
    property: str
    code: str = Field(description="The key's number on its tag.")
    name: str = Field(description="What it opens.")
    purpose: str = Field(description="renovation, emergency, common or other.")
    kept_at: str
    unit: str = Field("", description="The unit it opens, e.g. 3-1202, if any.")
    area: str = Field("", description="The common area it opens, by its name, if any.")


class LendIn(Input):
    borrower_kind: str = Field(description="staff, contractor or resident.")
    borrower_name: str
    borrower_phone: str = ""
    purpose: str
    due_at: datetime.datetime
    signature: str = Field(description="The borrower's signature: a data:image/png;base64 URL.")


class LoanOut(Out):
    id: int
    key_id: int
    key_code: str
    borrower_kind: str
    borrower_name: str
    borrower_phone: str
    purpose: str
    out_at: datetime.datetime
    due_at: datetime.datetime
    lent_by: str
    returned_at: datetime.datetime | None
    received_by: str
    overdue: bool


class KeyOut(Out):
    id: int
    property: str
    code: str
    name: str
    unit: str | None
    common_area: str | None
    purpose: str
    kept_at: str
    loan: LoanOut | None = Field(description="The loan out now; null when the key is in.")


class HandoverIn(Input):
    property: str
    unit: str
    items: list[str] = Field(description="keys, access_card, manual, remote, other.")
    detail: str = ""
    received_by_name: str
    signature: str = Field(description="The resident's signature: a data:image/png;base64 URL.")


class HandoverOut(Out):
    id: int
    unit: str
    items: list[str]
    detail: str
    received_by_name: str
    handed_at: datetime.datetime
    handed_by: str


def _loan_out(loan: KeyLoan) -> dict[str, Any]:
    return {
        "id": loan.pk,
        "key_id": loan.key_id,
        "key_code": loan.key.code,
        "borrower_kind": loan.borrower_kind,
        "borrower_name": loan.borrower_name,
        "borrower_phone": loan.borrower_phone,
        "purpose": loan.purpose,
        "out_at": loan.out_at,
        "due_at": loan.due_at,
        "lent_by": loan.lent_by_name,
        "returned_at": loan.returned_at,
        "received_by": loan.received_by_name,
        "overdue": loan.returned_at is None and loan.due_at < timezone.now(),
    }


def _key_out(k: Key, loan: KeyLoan | None) -> dict[str, Any]:
    return {
        "id": k.pk,
        "property": k.property.code,
        "code": k.code,
        "name": k.name,
        "unit": k.unit.label if k.unit else None,
        "common_area": k.common_area.name if k.common_area else None,
        "purpose": k.purpose,
        "kept_at": k.kept_at,
        "loan": _loan_out(loan) if loan else None,
    }


def _key_for(user: Any, key_id: int) -> Key:
    k = Key.objects.filter(pk=key_id).select_related("property", "unit", "common_area").first()
    if k is None:
        raise NotFound(_("There is no such key."))
    key_rules.keeper_at(user, k.property)
    return k


@keys_router.get("/keys", response={200: list[KeyOut], **ERRORS}, summary="The key register")
def key_list(request: HttpRequest, property: str) -> list[dict[str, Any]]:
    """Every key in service at the property with the loan out now: the desk."""
    user = user_of(request)
    prop = property_of(user, property)
    key_rules.keeper_at(user, prop)
    return [_key_out(k, k.loan) for k in selectors.key_register(prop)]  # type: ignore[attr-defined]


@keys_router.post("/keys", response={201: KeyOut, **ERRORS}, summary="Add a key to the register")
def key_add(request: HttpRequest, body: KeyIn) -> Status:
    user = user_of(request)
    prop = property_of(user, body.property)
    k = key_rules.key_add(
        by=user,
        property=prop,
        code=body.code,
        name=body.name,
        purpose=body.purpose,
        kept_at=body.kept_at,
        unit=body.unit,
        area=body.area,
    )
    return Status(201, _key_out(k, None))


@keys_router.post("/keys/{key_id}/lend", response={201: LoanOut, **ERRORS}, summary="Lend a key")
def key_lend(
    request: HttpRequest,
    key_id: int,
    body: LendIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Status:
    """Against the borrower's signature, with a time due back (in the future, within 90
    days). A key out already is 409. A retry under the same `Idempotency-Key` lends once."""
    user = user_of(request)
    k = _key_for(user, key_id)
    loan = key_rules.key_lend(
        by=user,
        key=k,
        borrower_kind=body.borrower_kind,
        borrower_name=body.borrower_name,
        borrower_phone=body.borrower_phone,
        purpose=body.purpose,
        due_at=body.due_at,
        signature=body.signature,
        form_key=idempotency_key or "",
    )
    return Status(201, _loan_out(loan))


@keys_router.post("/keys/{key_id}/return", response={200: LoanOut, **ERRORS}, summary="Take a key back")
def key_return(request: HttpRequest, key_id: int) -> dict[str, Any]:
    """The time back and who received it; a key not out is 409 and nothing changes."""
    user = user_of(request)
    loan = key_rules.key_return(by=user, key=_key_for(user, key_id))
    return _loan_out(loan)


@keys_router.get("/key-loans", response={200: list[LoanOut], **ERRORS}, summary="The key lending record")
def key_loans(request: HttpRequest, property: str, overdue: bool = False) -> list[dict[str, Any]]:
    """The latest hundred loans, newest first; ``overdue=true``: the loans late back, the
    latest due first."""
    user = user_of(request)
    prop = property_of(user, property)
    key_rules.keeper_at(user, prop)
    return [_loan_out(loan) for loan in selectors.key_loans(prop, overdue_only=overdue)]


@keys_router.post("/handovers", response={201: HandoverOut, **ERRORS}, summary="Hand items over to a resident")
def handover(
    request: HttpRequest, body: HandoverIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
) -> Status:
    """Keys, access cards, the residents' manual handed to a household living at the
    unit, against the resident's signature (R7.3)."""
    user = user_of(request)
    prop = property_of(user, body.property)
    key_rules.keeper_at(user, prop)
    homes = [h for h in selectors.households_at(prop, body.unit) if h.moved_out_on is None]
    if not homes:
        raise InvalidInput(_("No household lives at this unit; give the unit as 3-1202."), field="unit")
    row = key_rules.handover_record(
        by=user,
        household=homes[0],
        items=body.items,
        received_by_name=body.received_by_name,
        signature=body.signature,
        detail=body.detail,
        form_key=idempotency_key or "",
    )
    return Status(201, _handover_out(row))


def _handover_out(h: Handover) -> dict[str, Any]:
    return {
        "id": h.pk,
        "unit": h.household.unit.label,
        "items": h.items,
        "detail": h.detail,
        "received_by_name": h.received_by_name,
        "handed_at": h.handed_at,
        "handed_by": h.handed_by_name,
    }


@keys_router.get("/handovers", response={200: list[HandoverOut], **ERRORS}, summary="Handovers to residents")
def handover_list(request: HttpRequest, property: str) -> list[dict[str, Any]]:
    user = user_of(request)
    prop = property_of(user, property)
    key_rules.keeper_at(user, prop)
    return [_handover_out(h) for h in selectors.handovers(prop, limit=100)]
