"""The household archive's rules (R7.1-R7.2), one function each; every face (the desk's
pages, the API) calls these. Only the service desk opens the archive; a head of another
department reads a record only through the desk, which names them when it opens it; each
read writes one row of the access log in the same transaction as nothing else, so a
refused read writes nothing and an allowed one is never unrecorded."""

from __future__ import annotations

import datetime
import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

from base import validation
from base.errors import Conflict, Forbidden, InvalidInput, NotFound
from estates.localtime import local_today
from estates.models import Household, Property
from people.access import (
    may_ask_desk_to_call,
    may_consult_archive,
    may_open_archive,
    works_at,
)
from people.models import User
from records.models import ArchiveAccess, ArchiveDocument, CallRequest, DocumentType, Supplier

MB = 1024 * 1024
DOCUMENT_MAX = 10 * MB
PIXELS_MAX = 60_000_000
TITLE_MAX = 100
REASON_MAX = 200
MESSAGE_MAX = 500
# The reasons the desk picks from (any other may be typed).
REASONS = [
    gettext_lazy("the resident asked"),
    gettext_lazy("repair or renovation"),
    gettext_lazy("complaint handling"),
    gettext_lazy("a department head asked"),
    gettext_lazy("checking the records"),
]
# What a document may be, told by its first bytes, never by its name or declared type.
PDF = ("application/pdf", "pdf")
IMAGES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


def _refused() -> Forbidden:
    return Forbidden(
        _(
            "Only the service desk opens the household archive. Ask the desk: it opens the record "
            "for you and notes your name."
        )
    )


def keeper_at(user: User, property: Property) -> User:
    """The account if it may open the archive at this property (the desk working there)."""
    if not may_open_archive(user):
        raise _refused()
    if not works_at(user, property):
        raise NotFound(_("There is no property %(code)s you work at.") % {"code": property.code})
    return user


def _for_whom(property: Property, for_user: User | None) -> User | None:
    """The department head the desk opens a record for: one who consults through the desk
    and works at the property."""
    if for_user is None:
        return None
    if not may_consult_archive(for_user) or not works_at(for_user, property):
        raise InvalidInput(
            _("Records are opened only for a head of another department at this property."), field="for_user"
        )
    return for_user


def reason_clean(reason: str | None) -> str:
    return validation.text_clean(reason, field="reason", max_length=REASON_MAX)


def _log(
    *,
    by: User,
    household: Household,
    what: str,
    reason: str,
    for_user: User | None = None,
    document: ArchiveDocument | None = None,
) -> ArchiveAccess:
    return ArchiveAccess.objects.create(
        property_id=household.property_id,
        household=household,
        document=document,
        what=what,
        at=timezone.now(),
        by=by,
        by_name=by.name_kept,
        for_user=for_user,
        for_name=for_user.name_kept if for_user else "",
        reason=reason,
    )


# --- Reading ------------------------------------------------------------------------------


@dataclass
class Details:
    """A household's personal details as the desk reads them, with the read's log row."""

    household: Household
    residents: list
    documents: list[ArchiveDocument]
    access: ArchiveAccess


def household_read(*, by: User, household: Household, reason: str, for_user: User | None = None) -> Details:
    """The household's personal details (residents, phones) and its archive's list of
    documents: for the desk only; writes one access row (who, for whom, when, why)."""
    keeper_at(by, household.property)
    reason = reason_clean(reason)
    for_user = _for_whom(household.property, for_user)
    with transaction.atomic():
        access = _log(by=by, household=household, what=ArchiveAccess.What.DETAILS, reason=reason, for_user=for_user)
    return Details(
        household=household,
        residents=list(household.residents.order_by("role", "id")),
        documents=list(ArchiveDocument.objects.filter(household=household).select_related("household")),
        access=access,
    )


def document_open(*, by: User, document: ArchiveDocument, reason: str, for_user: User | None = None) -> ArchiveAccess:
    """Open one document: the desk only, for itself or for a department head it names;
    writes one access row. The caller then sends the file, never a link to it."""
    keeper_at(by, document.property)
    reason = reason_clean(reason)
    for_user = _for_whom(document.property, for_user)
    with transaction.atomic():
        return _log(
            by=by,
            household=document.household,
            document=document,
            what=ArchiveAccess.What.DOCUMENT,
            reason=reason,
            for_user=for_user,
        )


# --- Adding -------------------------------------------------------------------------------


@dataclass
class Upload:
    name: str
    content: bytes
    size: int
    content_type: str = ""
    extension: str = ""


def upload_of(file: object) -> Upload:
    """An uploaded file (Django's UploadedFile); an oversize one is not read."""
    size = getattr(file, "size", 0) or 0
    content = file.read(DOCUMENT_MAX + 1) if size <= DOCUMENT_MAX else b""  # type: ignore[attr-defined]
    return Upload(getattr(file, "name", "") or _("document"), content, max(size, len(content)))


def upload_check(upload: Upload) -> Upload:
    """A PDF or a JPEG, PNG or WebP picture (a scan or photo of a paper form) within the
    limit, told by its content. Writes nothing."""
    name = upload.name[:60]
    if upload.size > DOCUMENT_MAX or len(upload.content) > DOCUMENT_MAX:
        raise InvalidInput(
            _("%(name)s is %(size).1f MB; the limit is %(limit).0f MB.")
            % {"name": name, "size": upload.size / MB, "limit": DOCUMENT_MAX / MB},
            field="file",
        )
    if not upload.content:
        raise InvalidInput(_("Choose the file of the document."), field="file")
    if upload.content.startswith(b"%PDF-") and b"%%EOF" in upload.content[-2048:]:
        upload.content_type, upload.extension = PDF
        return upload
    kind = ""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(upload.content)) as image:
                if image.width * image.height <= PIXELS_MAX:
                    kind = image.format or ""
                image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError, Warning):
        kind = ""
    if kind not in IMAGES:
        raise InvalidInput(
            _("%(name)s is not a PDF or a picture: scan the document to PDF, JPEG or PNG.") % {"name": name},
            field="file",
        )
    upload.content_type, upload.extension = IMAGES[kind]
    return upload


def document_add(
    *,
    by: User,
    household: Household,
    type: str,
    title: str,
    supplied_by: str,
    supplied_on: datetime.date | None,
    upload: Upload,
) -> ArchiveDocument:
    """File a document in a household's archive (R7.1): the desk only; its type, who
    supplied it and when, and the file, checked by content. Logged as an access row."""
    keeper_at(by, household.property)
    if type not in DocumentType.values:
        raise InvalidInput(_("Choose the type of the document."), field="type")
    if supplied_by not in Supplier.values:
        raise InvalidInput(_("Choose who supplied the document."), field="supplied_by")
    title = validation.text_clean(title, field="title", max_length=TITLE_MAX)
    today = local_today(household.property.time_zone)
    if supplied_on is None:
        raise InvalidInput(_("Give the date the document was supplied."), field="supplied_on")
    if supplied_on > today:
        raise InvalidInput(_("This date is in the future."), field="supplied_on")
    upload_check(upload)
    now = timezone.now()
    with transaction.atomic():
        doc = ArchiveDocument(
            property_id=household.property_id,
            household=household,
            type=type,
            title=title,
            supplied_by=supplied_by,
            supplied_on=supplied_on,
            content_type=upload.content_type,
            size=len(upload.content),
            added_at=now,
            added_by=by,
            added_by_name=by.name_kept,
        )
        doc.file.save(
            f"{household.pk}-{type}-{uuid.uuid4().hex[:12]}.{upload.extension}", ContentFile(upload.content), save=False
        )
        doc.save()
        _log(by=by, household=household, document=doc, what=ArchiveAccess.What.ADDED, reason=title)
    return doc


# --- "Please call" ------------------------------------------------------------------------


def call_request_create(
    *, by: User, household: Household, message: str, ticket_id: int | None = None, key: str = ""
) -> CallRequest:
    """Another department asks the desk to call a household for it (R7.2): it names the
    household (or the ticket) and what to tell or ask, and never sees the number. A
    resubmitted form (the same ``key``) asks once."""
    if not may_ask_desk_to_call(by) or not works_at(by, household.property):
        raise NotFound(_("There is no such household you can ask about."))
    message = validation.text_clean(message, field="message", max_length=MESSAGE_MAX)
    key = validation.text_clean(key, field="key", required=False, max_length=100)
    if key:
        found = CallRequest.objects.filter(asked_by=by, key=key).first()
        if found is not None:
            return found
    try:
        with transaction.atomic():
            return CallRequest.objects.create(
                property_id=household.property_id,
                household=household,
                ticket_id=ticket_id,
                message=message,
                asked_at=timezone.now(),
                asked_by=by,
                asked_by_name=by.name_kept,
                key=key,
            )
    except IntegrityError:
        found = CallRequest.objects.filter(asked_by=by, key=key).first() if key else None
        if found is None:
            raise
        return found


def call_request_answer(*, by: User, request: CallRequest, reached: bool, outcome: str) -> CallRequest:
    """The desk called: reached (and what was said) or not reached. Once only; the second
    answer of a double click is refused and changes nothing."""
    keeper_at(by, request.property)
    outcome = validation.text_clean(outcome, field="outcome", required=reached, max_length=MESSAGE_MAX)
    status = CallRequest.Status.DONE if reached else CallRequest.Status.UNREACHED
    changed = CallRequest.objects.filter(pk=request.pk, status=CallRequest.Status.OPEN).update(
        status=status, answered_at=timezone.now(), answered_by=by, answered_by_name=by.name_kept, outcome=outcome
    )
    if not changed:
        raise Conflict(_("This request was already answered."), code="answered")
    request.refresh_from_db()
    return request
