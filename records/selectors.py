"""Reads of the records: the households of a unit for the archive's search (no personal
details: those are read through ``records.archive.household_read``), the access log,
the desk's "please call" queue and the key register."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from base.errors import InvalidInput, NotFound
from estates.models import Household, Property
from estates.selectors import unit_at
from people import roles
from people.access import staff_at
from people.models import User
from records.models import ArchiveAccess, ArchiveDocument, CallRequest, Handover, Key, KeyLoan

LOG_ROWS = 100


def households_at(property: Property, unit: str) -> list[Household]:
    """The households of a unit (as typed: ``3-1202``, ``3栋1202室`` ...), those living
    there first."""
    found = unit_at(property, (unit or "")[:30]) if (unit or "").strip() else None
    if found is None:
        return []
    return list(
        Household.objects.filter(property=property, unit=found)
        .select_related("unit", "property")
        .order_by("moved_out_on", "-id")
    )


def household_of(property: Property, pk: int | None) -> Household:
    found = (
        Household.objects.filter(property=property, pk=pk or 0).select_related("unit", "property").first()
        if pk
        else None
    )
    if found is None:
        raise NotFound(_("There is no such household at %(property)s.") % {"property": property.name})
    return found


def household_any(pk: int | None) -> Household:
    """A household by id at any property (the caller checks who may read it)."""
    found = Household.objects.filter(pk=pk or 0).select_related("unit", "property").first() if pk else None
    if found is None:
        raise NotFound(_("There is no such household."))
    return found


def document_any(pk: int | None) -> ArchiveDocument:
    found = ArchiveDocument.objects.filter(pk=pk or 0).select_related("household", "property").first() if pk else None
    if found is None:
        raise NotFound(_("There is no such document."))
    return found


def heads_at(property: Property) -> list[User]:
    """The heads of other departments at the property, whom the desk may open a record for."""
    return list(staff_at(property.pk, *roles.DEPARTMENT_HEADS).order_by("role", "username"))


def head_named(property: Property, username: str) -> User | None:
    """The account named in a form or the API's ``for_user``; None if none is named."""
    username = (username or "").strip()[:150]
    if not username:
        return None
    found = User.objects.filter(username=username).first()
    if found is None:
        raise InvalidInput(
            _("Records are opened only for a head of another department at this property."), field="for_user"
        )
    return found


def access_log(property: Property, *, before: int | None = None, limit: int = LOG_ROWS) -> list[ArchiveAccess]:
    qs: QuerySet[ArchiveAccess] = ArchiveAccess.objects.filter(property=property).select_related(
        "household__unit", "document"
    )
    if before:
        qs = qs.filter(id__lt=before)
    return list(qs.order_by("-id")[:limit])


def call_queue(property: Property, *, open_only: bool = True, limit: int = 100) -> list[CallRequest]:
    qs = CallRequest.objects.filter(property=property).select_related("household__unit", "ticket")
    if open_only:
        return list(qs.filter(status=CallRequest.Status.OPEN).order_by("asked_at", "id")[:limit])
    return list(qs.order_by("-asked_at", "-id")[:limit])


def key_of(property: Property, pk: int | None) -> Key:
    found = Key.objects.filter(property=property, pk=pk or 0).select_related("property").first() if pk else None
    if found is None:
        raise NotFound(_("There is no such key at %(property)s.") % {"property": property.name})
    return found


def key_register(property: Property) -> list[Key]:
    """Every key in service with its loan out now (``key.loan``, None when it is in)."""
    rows = list(
        Key.objects.filter(property=property, retired_at__isnull=True)
        .select_related("unit", "common_area")
        .order_by("code")
    )
    out = {loan.key_id: loan for loan in KeyLoan.objects.filter(property=property, returned_at__isnull=True)}
    for k in rows:
        k.loan = out.get(k.pk)  # type: ignore[attr-defined]
    return rows


def key_loans(property: Property, *, overdue_only: bool = False, limit: int = 100) -> list[KeyLoan]:
    qs = KeyLoan.objects.filter(property=property).select_related("key")
    if overdue_only:
        return list(qs.filter(returned_at__isnull=True, due_at__lt=timezone.now()).order_by("due_at", "id")[:limit])
    return list(qs.order_by("-out_at", "-id")[:limit])


def handovers(property: Property, limit: int = 20) -> list[Handover]:
    return list(
        Handover.objects.filter(property=property)
        .select_related("household__unit")
        .order_by("-handed_at", "-id")[:limit]
    )


def desk_waiting(property: Property) -> dict[str, int]:
    """What waits for the desk besides tickets, for the queues' header: keys late back
    (R7.4) and "please call" requests (R7.2)."""
    # One hand-written statement: the queues' header is read every fifteen seconds by
    # every desk, and the ORM's two counts cost four times as much in Python.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM records_keyloan"
            " WHERE property_id = %s AND returned_at IS NULL AND due_at < %s),"
            " (SELECT COUNT(*) FROM records_callrequest WHERE property_id = %s AND status = %s)",
            [
                property.pk,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                property.pk,
                CallRequest.Status.OPEN.value,
            ],
        )
        keys_late, calls = cursor.fetchone()
    return {"keys_late": keys_late, "calls": calls}
