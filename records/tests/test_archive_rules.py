"""The household archive's rules (R7.1-R7.2) pinned exactly: each refusal's message, field
and code, the limits at their boundaries (10 MB, 60 million pixels, the lengths of a
title, a reason, a message, an outcome and a form key), what filing a document, a read, a
"please call" request and the desk's answer write, a resubmitted form, the same form sent
twice at once, and how an uploaded file is read (docs/records.md)."""

from __future__ import annotations

import contextlib
import datetime
import io
import re
import struct
import zlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from base.errors import Conflict, InvalidInput, NotFound
from conftest import T0, login, repair_draft
from estates.models import Household, Property, Resident
from people.models import User
from records import archive
from records.models import ArchiveAccess, ArchiveDocument, CallRequest
from records.tests.test_edges import home
from records.tests.test_keys import media  # noqa: F401 - media: the autouse fixture
from records.tests.test_keys_rules import LONG_NAME, inserts, too_long, updates
from tickets.kinds import draft_from
from tickets.services import ticket_create

MB = 1024 * 1024
DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OTHER_LONG_NAME = "远" * 60  # a second account's name longer than the 50 characters kept


def renamed(user: User, name: str = LONG_NAME) -> User:
    """The account with a username of ``name`` and no display name (its str is the username)."""
    User.objects.filter(pk=user.pk).update(display_name="", username=name)
    user.refresh_from_db()
    return user


def add(by: User, household: Household | None = None, **over: Any) -> ArchiveDocument:
    args: dict[str, Any] = {
        "type": "covenant",
        "title": "业主规约",
        "supplied_by": "builder",
        "supplied_on": datetime.date(2026, 1, 5),
        "upload": archive.Upload("covenant.pdf", PDF, len(PDF)),
    }
    args.update(over)
    return archive.document_add(by=by, household=household or home(), **args)


def ask(by: User, household: Household | None = None, message: str = "请约明早九点上门", **over: Any) -> CallRequest:
    return archive.call_request_create(by=by, household=household or home(), message=message, **over)


def not_a_document(name: str) -> str:
    return _("%(name)s is not a PDF or a picture: scan the document to PDF, JPEG or PNG.") % {"name": name}


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, before_data: bytes = b"") -> bytes:
    """A real black-and-white PNG of this size (one bit a pixel, compressed: a few KB even
    for tens of millions of pixels); ``before_data``: chunks to put before its pixels."""
    packer = zlib.compressobj(9)
    row = b"\x00" + bytes((width + 7) // 8)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + before_data + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def pdf_of_size(size: int) -> bytes:
    start, end = b"%PDF-1.4\n", b"\n%%EOF\n"
    return start + b"0" * (size - len(start) - len(end)) + end


# --- Who opens the archive, for whom, and why ----------------------------------------------


def test_r7_2_another_propertys_desk_is_told_there_is_no_such_property_and_nothing_is_logged(persona, clock):
    """R7.2: the desk of another property reads nothing here; it is told so, naming the
    property, and no access row is written."""
    with pytest.raises(NotFound) as e:
        archive.household_read(by=persona("wlbg-agent"), household=home(), reason="查")
    assert e.value.message == _("There is no property %(code)s you work at.") % {"code": "YGJY"}
    assert not ArchiveAccess.objects.exists()


@pytest.mark.parametrize("name", ["ygjy-tech1", "wlbg-engineer"])
def test_r7_2_a_record_is_opened_only_for_a_head_of_another_department_at_the_property(persona, clock, name):
    """R7.2: naming a technician, or a head of another property, is refused on the field
    "for_user" with the rule said; nothing is logged."""
    with pytest.raises(InvalidInput) as e:
        archive.household_read(by=persona("ygjy-agent"), household=home(), reason="查", for_user=persona(name))
    assert (e.value.message, e.value.field) == (
        _("Records are opened only for a head of another department at this property."),
        "for_user",
    )
    assert not ArchiveAccess.objects.exists()


def test_r7_2_a_read_for_a_head_writes_one_row_naming_both_with_50_characters_of_each_name(persona, clock):
    """R7.2: the desk reads a household's details for the engineering head: one access row
    with the property, household, what, when, who read and for whom (accounts and the
    first 50 characters of their names) and the reason as typed, trimmed."""
    agent = renamed(persona("ygjy-agent"))
    head = renamed(persona("ygjy-engineer"), OTHER_LONG_NAME)
    h = home()
    details = archive.household_read(by=agent, household=h, reason="  装修图纸核对 ", for_user=head)
    assert ArchiveAccess.objects.count() == 1
    row = ArchiveAccess.objects.get(pk=details.access.pk)
    assert (row.property_id, row.household_id, row.document_id, row.what, row.at) == (
        h.property_id,
        h.pk,
        None,
        ArchiveAccess.What.DETAILS,
        T0,
    )
    assert (row.by_id, row.by_name, row.for_user_id, row.for_name, row.reason) == (
        agent.pk,
        LONG_NAME[:50],
        head.pk,
        OTHER_LONG_NAME[:50],
        "装修图纸核对",
    )


def test_r7_2_a_read_for_itself_names_nobody_else(persona, clock):
    """R7.2: the desk reading for itself writes no one in "for"."""
    details = archive.household_read(by=persona("ygjy-supervisor"), household=home(), reason="住户来访")
    row = ArchiveAccess.objects.get(pk=details.access.pk)
    assert (row.by_id, row.for_user_id, row.for_name) == (persona("ygjy-supervisor").pk, None, "")


def test_r7_2_a_reason_holds_at_most_200_characters(persona, clock):
    """R7.2: a reason of 201 characters is refused on "reason" and logs nothing; 200 are kept."""
    agent = persona("ygjy-agent")
    with pytest.raises(InvalidInput) as e:
        archive.household_read(by=agent, household=home(), reason="查" * 201)
    assert (e.value.message, e.value.field) == (too_long(201, 200), "reason")
    assert not ArchiveAccess.objects.exists()
    details = archive.household_read(by=agent, household=home(), reason="查" * 200)
    assert ArchiveAccess.objects.get(pk=details.access.pk).reason == "查" * 200


def test_r7_2_the_details_list_residents_by_role_then_as_recorded_and_documents_with_their_household(persona, clock):
    """R7.2: the residents come by role (family, owner, tenant), each role in the order
    they were recorded; the documents come with their household read at once (no read
    per document)."""
    agent = persona("ygjy-agent")
    h = home()
    added = [
        Resident.objects.create(property_id=h.property_id, household=h, name=name, phone=phone, role=role)
        for name, phone, role in (
            ("业主二", "13900000001", "owner"),
            ("租客", "13900000002", "tenant"),
            ("亲属一", "13900000003", "family"),
            ("亲属二", "13900000004", "family"),
        )
    ]
    everyone = [*h.residents.exclude(pk__in=[r.pk for r in added]).order_by("id"), *added]
    expected = [r.pk for role in ("family", "owner", "tenant") for r in everyone if r.role == role]
    assert expected != [r.pk for r in everyone]  # recorded order is not the order by role
    docs = [add(agent), add(agent, type="drawings", title="图纸")]
    details = archive.household_read(by=agent, household=h, reason="维修预约")
    assert [r.pk for r in details.residents] == expected
    assert {d.pk for d in details.documents} == {d.pk for d in docs}
    with CaptureQueriesContext(connection) as queries:
        assert [d.household.pk for d in details.documents] == [h.pk, h.pk]
    assert len(queries.captured_queries) == 0


# --- Filing a document -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "over, field",
    [
        ({"type": "passport"}, "type"),
        ({"supplied_by": "someone"}, "supplied_by"),
        ({"title": "  "}, "title"),
        ({"title": "规" * 101}, "title"),
        ({"supplied_on": None}, "supplied_on"),
        ({"supplied_on": T0.date() + DAY}, "supplied_on"),
    ],
    ids=["type", "supplier", "no-title", "title-101", "no-date", "tomorrow"],
)
def test_r7_1_a_document_without_its_type_supplier_title_or_a_past_date_is_refused(persona, clock, over, field):
    """R7.1: each refusal said on its field, in the user's language; nothing is filed or logged."""
    messages = {
        "type": _("Choose the type of the document."),
        "supplied_by": _("Choose who supplied the document."),
        "title": _("This field cannot be empty.") if over.get("title", "").strip() == "" else too_long(101, 100),
        "supplied_on": _("Give the date the document was supplied.")
        if over.get("supplied_on") is None
        else _("This date is in the future."),
    }
    with pytest.raises(InvalidInput) as e:
        add(persona("ygjy-agent"), **over)
    assert (e.value.message, e.value.field) == (messages[field], field)
    assert not ArchiveDocument.objects.exists() and not ArchiveAccess.objects.exists()


def test_r7_1_a_document_supplied_today_is_filed_with_every_column_and_logged_once(persona, clock):
    """R7.1: a 100-character title, supplied today: the document's columns read back (type,
    title, who supplied it and when, the file's kind and size, when and who filed it with 50
    characters of the name, the file under its own name), written by one insert; one
    "added" access row names it, the filer and the title."""
    agent = renamed(persona("ygjy-agent"))
    h = home()
    title = "规" * 100
    with CaptureQueriesContext(connection) as queries:
        doc = add(agent, h, type="move_in", title=title, supplied_by="service_desk", supplied_on=T0.date())
    assert inserts(queries, "records_archivedocument") == 1 and updates(queries, "records_archivedocument") == 0
    row = ArchiveDocument.objects.get(pk=doc.pk)
    assert (row.property_id, row.household_id, row.type, row.title, row.supplied_by, row.supplied_on) == (
        h.property_id,
        h.pk,
        "move_in",
        title,
        "service_desk",
        T0.date(),
    )
    assert (row.content_type, row.size, row.added_at, row.added_by_id, row.added_by_name) == (
        "application/pdf",
        len(PDF),
        T0,
        agent.pk,
        LONG_NAME[:50],
    )
    assert re.fullmatch(rf"records/archive/2026/11/{h.pk}-move_in-[0-9a-f]{{12}}\.pdf", row.file.name or "")
    with row.file.open("rb") as stored:
        assert stored.read() == PDF
    log = ArchiveAccess.objects.get()
    assert (log.property_id, log.household_id, log.document_id, log.what, log.at, log.reason) == (
        h.property_id,
        h.pk,
        doc.pk,
        ArchiveAccess.What.ADDED,
        T0,
        title,
    )
    assert (log.by_id, log.by_name, log.for_user_id, log.for_name) == (agent.pk, LONG_NAME[:50], None, "")


def test_r7_1_a_documents_date_is_checked_against_the_propertys_own_calendar(persona, clock):
    """R7.1: "in the future" is read on the property's calendar. At 23:30 in Shanghai it is
    already the 24th in Tokyo: a document supplied that day is filed there, the 25th is not."""
    h = home()
    Property.objects.filter(pk=h.property_id).update(time_zone="Asia/Tokyo")
    clock.move_to(T0.replace(hour=23, minute=30))
    tokyo_today = datetime.date(2026, 11, 24)
    assert add(persona("ygjy-agent"), h, supplied_on=tokyo_today).supplied_on == tokyo_today
    with pytest.raises(InvalidInput) as e:
        add(persona("ygjy-agent"), h, supplied_on=tokyo_today + DAY)
    assert (e.value.message, e.value.field) == (_("This date is in the future."), "supplied_on")


# --- What a file may be ----------------------------------------------------------------------


def test_r7_1_a_file_over_10_mb_is_refused_naming_60_characters_of_it_and_its_size(clock):
    """R7.1: 10.5 MB is refused on "file", the message giving the first 60 characters of
    the name, the size to a tenth of a MB and the limit."""
    name = "档" * 70 + ".pdf"
    with pytest.raises(InvalidInput) as e:
        archive.upload_check(archive.Upload(name, PDF, int(10.5 * MB)))
    assert (e.value.message, e.value.field) == (
        _("%(name)s is %(size).1f MB; the limit is %(limit).0f MB.") % {"name": name[:60], "size": 10.5, "limit": 10},
        "file",
    )


def test_r7_1_a_file_of_exactly_10_mb_is_read_whole_and_taken(clock):
    """R7.1: the limit is 10 MB inclusive: a PDF of exactly 10 MB is read whole and taken."""
    content = pdf_of_size(10 * MB)
    upload = archive.upload_check(archive.upload_of(SimpleUploadedFile("big.pdf", content)))
    assert (upload.name, upload.size, len(upload.content), upload.content_type, upload.extension) == (
        "big.pdf",
        10 * MB,
        10 * MB,
        "application/pdf",
        "pdf",
    )
    assert upload.content == content


def test_r7_1_a_file_holding_more_than_it_declares_is_read_only_to_a_byte_past_the_limit(clock):
    """R7.1: a file declaring 10 MB that holds two bytes more is read to 10 MB and one
    byte, counted by what it holds, and refused."""
    content = b"0" * (10 * MB + 2)
    file = InMemoryUploadedFile(io.BytesIO(content), "file", "a.pdf", "application/pdf", 10 * MB, None)
    upload = archive.upload_of(file)
    assert (upload.size, upload.content) == (10 * MB + 1, content[: 10 * MB + 1])
    with pytest.raises(InvalidInput) as e:
        archive.upload_check(upload)
    assert e.value.message == _("%(name)s is %(size).1f MB; the limit is %(limit).0f MB.") % {
        "name": "a.pdf",
        "size": 10.0,
        "limit": 10,
    }


def test_r7_1_a_file_declaring_more_than_10_mb_is_not_read(clock):
    """R7.1: an oversize upload keeps its declared size and is not read at all."""
    stream = io.BytesIO(PDF)
    file = InMemoryUploadedFile(stream, "file", "a.pdf", "application/pdf", 11 * MB, None)
    assert archive.upload_of(file) == archive.Upload("a.pdf", b"", 11 * MB)
    assert stream.tell() == 0


def test_r7_1_an_upload_keeps_its_name_and_is_measured_by_what_it_holds(clock):
    """R7.1: a named upload keeps its name; one with no name, or a stream that tells
    neither name nor size, is called "document" and measured by the bytes it holds."""
    assert archive.upload_of(SimpleUploadedFile("scan.pdf", PDF)) == archive.Upload("scan.pdf", PDF, len(PDF))
    assert archive.upload_of(SimpleUploadedFile("scan.pdf", b"")) == archive.Upload("scan.pdf", b"", 0)
    nameless = UploadedFile(io.BytesIO(PDF), name=None, size=None)
    assert archive.upload_of(nameless) == archive.Upload(_("document"), PDF, len(PDF))
    assert archive.upload_of(io.BytesIO(PDF)) == archive.Upload(_("document"), PDF, len(PDF))
    assert archive.upload_of(io.BytesIO(b"")) == archive.Upload(_("document"), b"", 0)


def test_r7_1_an_empty_file_is_refused_on_the_file_field(clock):
    with pytest.raises(InvalidInput) as e:
        archive.upload_check(archive.Upload("a.pdf", b"", 0))
    assert (e.value.message, e.value.field) == (_("Choose the file of the document."), "file")


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n1 0 obj<<>>endobj\n",  # no end
        b"MZ\x90\x00 %%EOF\n",  # an end, no PDF header
        b"%PDF-1.4\n%%EOF" + b"\n" * 2044,  # the end 2049 bytes before the file's end
    ],
    ids=["no-eof", "no-header", "eof-too-early"],
)
def test_r7_1_a_pdf_is_told_by_its_header_and_an_end_in_its_last_2_kb(clock, content):
    """R7.1: content that does not start as a PDF and end as one within its last 2048
    bytes is no PDF: refused on "file", naming the file."""
    with pytest.raises(InvalidInput) as e:
        archive.upload_check(archive.Upload("a.pdf", content, len(content)))
    assert (e.value.message, e.value.field) == (not_a_document("a.pdf"), "file")


def test_r7_1_a_pdf_ending_within_its_last_2_kb_is_taken(clock):
    content = b"%PDF-1.4\n%%EOF" + b"\n" * 2043
    upload = archive.upload_check(archive.Upload("a.pdf", content, len(content)))
    assert (upload.content_type, upload.extension) == ("application/pdf", "pdf")


def test_r7_1_a_picture_of_60_million_pixels_is_taken_and_one_larger_is_refused(clock):
    """R7.1: 7500 × 8000 = 60,000,000 pixels is a scan; 8000 × 8000 is refused as no
    document (naming 60 characters of it), though the image library opens it."""
    upload = archive.upload_check(archive.Upload("scan.png", png(7500, 8000), 0))
    assert (upload.content_type, upload.extension) == ("image/png", "png")
    name = "图" * 70 + ".png"
    with pytest.raises(InvalidInput) as e:
        archive.upload_check(archive.Upload(name, png(8000, 8000), 0))
    assert (e.value.message, e.value.field) == (not_a_document(name[:60]), "file")


def test_r7_1_a_decompression_bomb_is_refused_as_no_document(clock):
    """R7.1: a small file claiming 90 million pixels (past the image library's own alarm)
    is refused as no document, not an error."""
    with pytest.raises(InvalidInput) as e:
        archive.upload_check(archive.Upload("bomb.png", png(9500, 9500), 0))
    assert (e.value.message, e.value.field) == (not_a_document("bomb.png"), "file")


def test_r7_1_a_picture_the_image_library_only_warns_about_is_taken(clock):
    """R7.1: a PNG with an animation chunk the image library ignores (with a warning) is
    still a picture; only the decompression-bomb warning refuses one."""
    quirky = png(30, 20, before_data=chunk(b"acTL", bytes(8)))
    with pytest.warns(UserWarning, match="APNG"):
        upload = archive.upload_check(archive.Upload("scan.png", quirky, 0))
    assert (upload.content_type, upload.extension) == ("image/png", "png")


# --- "Please call" ---------------------------------------------------------------------------


def test_r7_2_only_staff_of_the_property_ask_the_desk_to_call(persona, clock):
    """R7.2: finance of one property asking about a household of another is told there is
    no such household; nothing is written."""
    wlbg = Household.objects.filter(property__code="WLBG", moved_out_on__isnull=True).first()
    assert wlbg is not None
    with pytest.raises(NotFound) as e:
        ask(persona("ygjy-finance"), wlbg)
    assert e.value.message == _("There is no such household you can ask about.")
    assert not CallRequest.objects.exists()


@pytest.mark.parametrize(
    "over, field, length, limit",
    [
        ({"message": "  "}, "message", 0, 0),
        ({"message": "话" * 501}, "message", 501, 500),
        ({"key": "k" * 101}, "key", 101, 100),
    ],
    ids=["no-message", "message-501", "key-101"],
)
def test_r7_2_a_request_needs_a_message_of_at_most_500_characters_and_a_key_of_at_most_100(
    persona, clock, over, field, length, limit
):
    """R7.2: each refusal said on its field; nothing is written."""
    with pytest.raises(InvalidInput) as e:
        ask(persona("ygjy-tech1"), **over)
    expected = too_long(length, limit) if length else _("This field cannot be empty.")
    assert (e.value.message, e.value.field) == (expected, field)
    assert not CallRequest.objects.exists()


def test_r7_2_a_request_is_written_with_the_ticket_who_asked_and_when(persona, clock):
    """R7.2: the request's columns read back: the property, household, ticket, the message
    (500 characters, trimmed), when and who asked (50 characters of the name), open and
    unanswered; a 100-character key is kept."""
    tech = renamed(persona("ygjy-tech1"))
    ticket = ticket_create(by=persona("ygjy-agent"), draft=draft_from(repair_draft()))
    h = home()
    made = ask(tech, h, message=" " + "话" * 500 + " ", ticket_id=ticket.pk, key="k" * 100)
    row = CallRequest.objects.get(pk=made.pk)
    assert (row.property_id, row.household_id, row.ticket_id, row.message, row.asked_at) == (
        h.property_id,
        h.pk,
        ticket.pk,
        "话" * 500,
        T0,
    )
    assert (row.asked_by_id, row.asked_by_name, row.key, row.status) == (
        tech.pk,
        LONG_NAME[:50],
        "k" * 100,
        CallRequest.Status.OPEN,
    )
    assert (row.answered_at, row.answered_by_id, row.answered_by_name, row.outcome) == (None, None, "", "")


def test_r7_2_requests_without_a_form_key_each_ask(persona, clock):
    """R7.2: without a form key, each request is one of its own, kept with no key."""
    tech = persona("ygjy-tech1")
    first, second = ask(tech), ask(tech)
    assert first.pk != second.pk
    assert list(CallRequest.objects.filter(asked_by=tech).values_list("key", flat=True)) == ["", ""]


def test_r7_2_a_resubmitted_form_asks_once_and_writes_nothing(persona, clock):
    """R7.2: the same form key sent again is answered with the first request, without
    trying to write; another department's form with the same key is its own request."""
    tech, finance = persona("ygjy-tech1"), persona("ygjy-finance")
    first = ask(tech, key="k1")
    with CaptureQueriesContext(connection) as queries:
        again = ask(tech, message="改约下午", key="k1")
    assert again.pk == first.pk and inserts(queries, "records_callrequest") == 0
    theirs = ask(finance, message="请缴费", key="k1")
    assert theirs.pk != first.pk and CallRequest.objects.get(pk=theirs.pk).asked_by_id == finance.pk
    assert CallRequest.objects.count() == 2


def test_r7_2_the_same_form_sent_twice_at_once_asks_once(persona, clock, monkeypatch):
    """R7.2: the first copy of the form is written between the check and the write: the
    second is answered with it, not with the asker's other request nor with another
    department's request of the same key."""
    tech, finance = persona("ygjy-tech1"), persona("ygjy-finance")
    h = home()
    ask(tech, message="另一件事", key="other")
    ask(finance, message="请缴费", key="twice")
    made: list[CallRequest] = []

    def atomic():  # type: ignore[no-untyped-def]
        made.append(  # the first copy of the form, a moment earlier
            CallRequest.objects.create(
                property_id=h.property_id,
                household=h,
                message="请回电",
                asked_at=T0 - SECOND,
                asked_by=tech,
                asked_by_name=str(tech),
                key="twice",
            )
        )
        return transaction.atomic()

    monkeypatch.setattr(archive, "transaction", SimpleNamespace(atomic=atomic))
    assert ask(tech, h, message="请回电", key="twice").pk == made[0].pk
    assert CallRequest.objects.filter(asked_by=tech, key="twice").count() == 1


@pytest.mark.parametrize("key", ["", "k2"])
def test_r7_2_a_refused_write_that_is_no_resubmission_is_not_hidden(persona, clock, monkeypatch, key):
    """R7.2: the database refusing the row, when no row of this form is there, is raised,
    not answered with another request of the asker."""
    tech = persona("ygjy-tech1")
    ask(tech)  # the asker's earlier request, no form key
    ask(tech, key="k1")

    @contextlib.contextmanager
    def refusing():  # type: ignore[no-untyped-def]
        raise IntegrityError("refused")
        yield  # pragma: no cover

    monkeypatch.setattr(archive, "transaction", SimpleNamespace(atomic=refusing))
    with pytest.raises(IntegrityError):
        ask(tech, message="改约下午", key=key)
    assert CallRequest.objects.count() == 2


# --- The desk's answer -----------------------------------------------------------------------


def test_r7_2_the_desk_answers_one_request_once_writing_who_when_and_what_came_of_it(persona, clock):
    """R7.2: the answer writes the status, when and who called (50 characters of the name)
    and the outcome, trimmed, on that request only; a second answer is refused as already
    answered and changes nothing."""
    agent = renamed(persona("ygjy-agent"))
    tech = persona("ygjy-tech1")
    one, other = ask(tech), ask(tech, message="请缴费")
    answered = archive.call_request_answer(by=agent, request=one, reached=True, outcome=" 明早九点在家 ")
    assert answered.status == CallRequest.Status.DONE
    row = CallRequest.objects.get(pk=one.pk)
    assert (row.status, row.answered_at, row.answered_by_id, row.answered_by_name, row.outcome) == (
        CallRequest.Status.DONE,
        T0,
        agent.pk,
        LONG_NAME[:50],
        "明早九点在家",
    )
    untouched = CallRequest.objects.get(pk=other.pk)
    assert (untouched.status, untouched.answered_at, untouched.answered_by_id, untouched.outcome) == (
        CallRequest.Status.OPEN,
        None,
        None,
        "",
    )
    with pytest.raises(Conflict) as e:
        archive.call_request_answer(by=persona("ygjy-agent2"), request=one, reached=False, outcome="")
    assert (e.value.code, e.value.message) == ("answered", _("This request was already answered."))
    again = CallRequest.objects.get(pk=one.pk)
    assert (again.status, again.answered_by_id, again.outcome) == (CallRequest.Status.DONE, agent.pk, "明早九点在家")


def test_r7_2_a_household_not_reached_needs_no_outcome(persona, clock):
    agent = persona("ygjy-agent")
    request = ask(persona("ygjy-tech1"))
    archive.call_request_answer(by=agent, request=request, reached=False, outcome="")
    row = CallRequest.objects.get(pk=request.pk)
    assert (row.status, row.answered_at, row.answered_by_id, row.outcome) == (
        CallRequest.Status.UNREACHED,
        T0,
        agent.pk,
        "",
    )


def test_r7_2_a_reached_household_needs_an_outcome_of_at_most_500_characters(persona, clock):
    """R7.2: reached with no outcome, or 501 characters, is refused on "outcome" and the
    request stays open; 500 characters are kept."""
    agent = persona("ygjy-agent")
    request = ask(persona("ygjy-tech1"))
    for outcome, message in (("  ", _("This field cannot be empty.")), ("话" * 501, too_long(501, 500))):
        with pytest.raises(InvalidInput) as e:
            archive.call_request_answer(by=agent, request=request, reached=True, outcome=outcome)
        assert (e.value.message, e.value.field) == (message, "outcome")
        assert CallRequest.objects.get(pk=request.pk).status == CallRequest.Status.OPEN
    archive.call_request_answer(by=agent, request=request, reached=True, outcome="话" * 500)
    assert CallRequest.objects.get(pk=request.pk).outcome == "话" * 500


def test_r7_1_the_document_form_offers_the_propertys_today(persona, clock):
    """R7.1: the household page's supply date starts at, and goes up to, the property's
    today: the 24th in Tokyo at 23:30 in Shanghai, the day the service accepts there."""
    h = home()
    Property.objects.filter(pk=h.property_id).update(time_zone="Asia/Tokyo")
    clock.move_to(T0.replace(hour=23, minute=30))
    page = login("ygjy-agent").post(f"/desk/YGJY/archive/{h.pk}/", {"reason": "核对房屋资料"}).content.decode()
    assert 'max="2026-11-24" value="2026-11-24"' in page
