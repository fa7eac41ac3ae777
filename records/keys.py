"""The key register's rules (R7.3-R7.4), one function each, called by the desk's page
and the API: keys added to the register, lent against the borrower's signature with a
time due back, returned; a loan late back is told once to the desk supervisors through
the notices; items handed to a resident against their signature."""

from __future__ import annotations

import datetime
import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from base import validation
from base.errors import Conflict, Forbidden, InvalidInput, NotFound
from estates.models import CommonArea, Household, Property
from estates.selectors import unit_found
from notify.models import Notification
from notify.services import Words, notice
from people.access import may_keep_keys, staff_at, works_at
from people.models import Role, User
from records.models import Handover, Key, KeyLoan
from tickets.attachments import signature_upload, uploads_check

NAME_MAX = 50
PURPOSE_MAX = 200
LOAN_MAX = datetime.timedelta(days=90)  # a renovation's keys come back within a season


def keeper_at(user: User, property: Property) -> User:
    if not may_keep_keys(user):
        raise Forbidden(_("Only the service desk keeps the key register."))
    if not works_at(user, property):
        raise NotFound(_("There is no property %(code)s you work at.") % {"code": property.code})
    return user


def _signature(data_url: str) -> tuple[bytes, str]:
    upload = signature_upload(data_url or "", field="signature")
    if upload is None:
        raise InvalidInput(_("The borrower signs on the screen before the key goes out."), field="signature")
    uploads_check([upload])
    return upload.content, upload.extension


def key_add(
    *, by: User, property: Property, code: str, name: str, purpose: str, kept_at: str, unit: str = "", area: str = ""
) -> Key:
    """A key into the register: its number, what it opens (a unit or a common area),
    why the office holds it and where it is kept."""
    keeper_at(by, property)
    code = validation.text_clean(code, field="code", max_length=30)
    name = validation.text_clean(name, field="name", max_length=100)
    kept_at = validation.text_clean(kept_at, field="kept_at", max_length=100)
    if purpose not in Key.Purpose.values:
        raise InvalidInput(_("Choose why the office holds the key."), field="purpose")
    unit_row = area_row = None
    if unit.strip():
        unit_row = unit_found(property, unit)  # 3-1202, 3栋1202室 ...: the one reading of a typed unit
    if area.strip():
        area_row = CommonArea.objects.filter(property=property, name=area.strip()[:100]).first()
        if area_row is None:
            raise InvalidInput(_("There is no such common area here."), field="area")
    if Key.objects.filter(property=property, code=code).exists():
        raise Conflict(_("Key %(code)s is in the register already.") % {"code": code}, code="key_exists")
    try:
        with transaction.atomic():
            return Key.objects.create(
                property=property,
                code=code,
                name=name,
                purpose=purpose,
                kept_at=kept_at,
                unit=unit_row,
                common_area=area_row,
            )
    except IntegrityError:
        raise Conflict(_("Key %(code)s is in the register already.") % {"code": code}, code="key_exists") from None


def key_lend(
    *,
    by: User,
    key: Key,
    borrower_kind: str,
    borrower_name: str,
    purpose: str,
    due_at: datetime.datetime | None,
    signature: str,
    borrower_phone: str = "",
    form_key: str = "",
) -> KeyLoan:
    """Lend a key (R7.4): borrower (staff, a contractor or a resident, whose signature is
    theirs for keys handed at a renovation, R7.3), purpose, time due back, the borrower's
    signature drawn on the screen. A key out already, a due time past or more than 90
    days ahead are refused; a resubmitted form (``form_key``) lends once."""
    keeper_at(by, key.property)
    form_key = validation.text_clean(form_key, field="form_key", required=False, max_length=100)
    if form_key:
        found = KeyLoan.objects.filter(lent_by=by, form_key=form_key).select_related("key").first()
        if found is not None:
            return found
    if borrower_kind not in KeyLoan.Borrower.values:
        raise InvalidInput(_("Choose who borrows the key."), field="borrower_kind")
    borrower_name = validation.text_clean(borrower_name, field="borrower_name", max_length=NAME_MAX)
    purpose = validation.text_clean(purpose, field="purpose", max_length=PURPOSE_MAX)
    phone = validation.phone_normalize(borrower_phone, field="borrower_phone") if borrower_phone.strip() else ""
    now = timezone.now()
    if due_at is None:
        raise InvalidInput(_("Give the time the key is due back."), field="due_at")
    due_at = validation.aware(due_at)
    if due_at <= now:
        raise InvalidInput(_("The time due back is past; give a later one."), field="due_at")
    if due_at > now + LOAN_MAX:
        raise InvalidInput(_("A key is lent for at most 90 days."), field="due_at")
    if key.retired_at is not None:
        raise Conflict(_("Key %(code)s is retired.") % {"code": key.code}, code="retired")
    content, extension = _signature(signature)
    try:
        with transaction.atomic():
            loan = KeyLoan(
                property_id=key.property_id,
                key=key,
                borrower_kind=borrower_kind,
                borrower_name=borrower_name,
                borrower_phone=phone,
                purpose=purpose,
                out_at=now,
                due_at=due_at,
                lent_by=by,
                lent_by_name=by.name_kept,
                form_key=form_key,
            )
            loan.signature.save(f"key-{key.pk}-{uuid.uuid4().hex[:10]}.{extension}", ContentFile(content), save=False)
            loan.save()
    except IntegrityError:
        found = KeyLoan.objects.filter(lent_by=by, form_key=form_key).first() if form_key else None
        if found is not None:
            return found
        raise Conflict(
            _("Key %(code)s is out already: take it back first.") % {"code": key.code}, code="key_out"
        ) from None
    return loan


def key_return(*, by: User, key: Key) -> KeyLoan:
    """The key is back: the time and who received it. A key not out is refused (a double
    click included) and nothing changes."""
    keeper_at(by, key.property)
    loan = KeyLoan.objects.filter(key=key, returned_at__isnull=True).first()
    if loan is None:
        raise Conflict(_("Key %(code)s is not out.") % {"code": key.code}, code="key_not_out")
    changed = KeyLoan.objects.filter(pk=loan.pk, returned_at__isnull=True).update(
        returned_at=timezone.now(), received_by=by, received_by_name=by.name_kept
    )
    if not changed:
        raise Conflict(_("Key %(code)s is not out.") % {"code": key.code}, code="key_not_out")
    loan.refresh_from_db()
    return loan


def overdue_sweep() -> int:
    """Every minute (the worker): each loan past its time due back is told once to the
    desk supervisors of its property (the bell and their channels). Claimed by a
    conditional update, so two workers never tell twice."""
    now = timezone.now()
    told = 0
    late = KeyLoan.objects.filter(returned_at__isnull=True, overdue_noticed_at__isnull=True, due_at__lt=now)
    for loan in late.select_related("key", "property")[:500]:
        with transaction.atomic():
            if not KeyLoan.objects.filter(pk=loan.pk, overdue_noticed_at__isnull=True).update(overdue_noticed_at=now):
                continue
            what = {"code": loan.key.code, "name": loan.key.name, "borrower": loan.borrower_name}

            def words(what: dict[str, str] = what) -> Words:
                return Words(
                    message=_("Key %(code)s %(name)s is late back from %(borrower)s.") % what,
                    sms=_("Key %(code)s late back from %(borrower)s") % what,
                )

            notice(
                to=staff_at(loan.property_id, Role.SERVICE_SUPERVISOR),
                kind=Notification.Kind.BREACH,
                wording=words,
                property_id=loan.property_id,
                key=loan.notice_key,
                link=f"/desk/{loan.property.code}/keys/",
                at=now,
            )
            told += 1
    return told


# --- Handing over to a resident (R7.3) ------------------------------------------------------


def handover_record(
    *,
    by: User,
    household: Household,
    items: list[str],
    received_by_name: str,
    signature: str,
    detail: str = "",
    form_key: str = "",
) -> Handover:
    """Keys, access cards, the residents' manual or other items handed to a resident of
    the household, against their signature drawn on the screen (R7.3)."""
    keeper_at(by, household.property)
    form_key = validation.text_clean(form_key, field="form_key", required=False, max_length=100)
    if form_key:
        found = Handover.objects.filter(handed_by=by, form_key=form_key).first()
        if found is not None:
            return found
    chosen = sorted(set(items))
    if not chosen or any(i not in Handover.Item.values for i in chosen):
        raise InvalidInput(_("Choose what is handed over."), field="items")
    received_by_name = validation.text_clean(received_by_name, field="received_by_name", max_length=NAME_MAX)
    detail = validation.text_clean(detail, field="detail", required=False, max_length=200)
    if household.moved_out_on is not None:
        raise InvalidInput(_("This household has moved out."), field="household")
    upload = signature_upload(signature or "", field="signature")
    if upload is None:
        raise InvalidInput(_("The resident signs on the screen for what they receive."), field="signature")
    uploads_check([upload])
    try:
        with transaction.atomic():
            row = Handover(
                property_id=household.property_id,
                household=household,
                items=chosen,
                detail=detail,
                received_by_name=received_by_name,
                handed_at=timezone.now(),
                handed_by=by,
                handed_by_name=by.name_kept,
                form_key=form_key,
            )
            row.signature.save(
                f"handover-{household.pk}-{uuid.uuid4().hex[:10]}.{upload.extension}",
                ContentFile(upload.content),
                save=False,
            )
            row.save()
    except IntegrityError:
        found = Handover.objects.filter(handed_by=by, form_key=form_key).first() if form_key else None
        if found is None:
            raise
        return found
    return row
