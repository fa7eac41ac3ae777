"""Residents' own access (docs/residents.md): signing in with a one-time code sent by
SMS through the outbox, asking to join a household and the desk's confirmation
(业主认证), the desk's invitation, and a matter reported online."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import override

from base import validation
from base.errors import Conflict, Forbidden, InvalidInput, TooMany
from estates.localtime import local_today
from estates.models import Household, Property, Resident, Unit
from estates.selectors import unit_found
from notify.channels import configured as channels_configured
from notify.models import SECRET_KEY_PREFIX, Delivery, Notification
from notify.services import Words, notice, sms_send
from people.access import desk_at, homes_of, is_resident
from people.models import Role, User
from residents.models import JoinRequest, SignInCode
from tickets.services import ticket_create, ticket_create_once

if TYPE_CHECKING:
    from tickets.attachments import Upload
    from tickets.models import Ticket
    from tickets.schemas import TicketDraft

RESEND_SECONDS = 60  # one code a minute for a number
PER_NUMBER_HOUR = 5  # codes an hour for a number
PER_ADDRESS_HOUR = 20  # codes an hour asked from one address
TRIES = 5  # wrong codes before a code is spent
# What a resident reports on their own pages (a help request is a call for help now).
REPORTABLE = ("repair", "complaint", "consultation", "suggestion")


# --- Sign-in codes ---------------------------------------------------------------------


def mobile_clean(value: str, *, field: str = "phone") -> str:
    """A mainland mobile number, as codes and invitations go by SMS."""
    phone = validation.phone_normalize(value, field=field)
    if not (phone.isdigit() and len(phone) == 11):
        raise InvalidInput(_("Give a mobile number: the code comes by SMS."), field=field)
    return phone


def _digest(phone: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _throttle(phone: str, address: str | None, now: datetime.datetime) -> None:
    """The limits per number and per address; the same answer whether or not the
    number belongs to anyone (every request is counted)."""
    hour = now - datetime.timedelta(hours=1)
    recent = SignInCode.objects.filter(phone=phone, created_at__gt=hour).values_list("created_at", flat=True)
    times = sorted(recent, reverse=True)
    if times and (now - times[0]).total_seconds() < RESEND_SECONDS:
        wait = RESEND_SECONDS - int((now - times[0]).total_seconds())
        message = _("A code was sent to this number just now; ask again in %(minutes)d min.")
    elif len(times) >= PER_NUMBER_HOUR:
        wait = int((times[PER_NUMBER_HOUR - 1] + datetime.timedelta(hours=1) - now).total_seconds()) + 1
        message = _("Too many codes asked for; try again in %(minutes)d min.")
    elif address and SignInCode.objects.filter(address=address, created_at__gt=hour).count() >= PER_ADDRESS_HOUR:
        wait = 3600
        message = _("Too many codes asked for; try again in %(minutes)d min.")
    else:
        return
    raise TooMany(message % {"minutes": max(1, -(-wait // 60))}, field="phone")


def _residencies(phone: str) -> list[Resident]:
    """The registrations of a number in households living in their unit now."""
    return list(
        Resident.objects.filter(phone=phone, household__moved_out_on__isnull=True)
        .select_related("property")
        .order_by("id")
    )


def _account(phone: str) -> User | None:
    return User.objects.filter(phone=phone, role=Role.RESIDENT).order_by("id").first()


def code_request(
    *,
    phone: str,
    purpose: str = SignInCode.Purpose.SIGN_IN,
    address: str | None = None,
    property: Property | None = None,
) -> None:
    """Send a one-time code to ``phone`` if it may sign in (an active resident account,
    or a number the desk registered for a household) or, to join a household, to any
    mobile (``property`` is where they ask to join). The caller says the same thing
    either way: whether a number is registered is never told."""
    phone = mobile_clean(phone)
    if not (channels_configured(Delivery.Channel.SMS) or settings.SIGN_IN_CODES_IN_OUTBOX):
        raise Forbidden(
            _("Sign-in by SMS code is not set up here; sign in with your password or ask the service desk.")
        )
    now = timezone.now()
    _throttle(phone, address, now)
    user = _account(phone)
    residencies = _residencies(phone)
    if user is not None and not user.is_active:
        send_from = None  # a deactivated account signs in and joins no more
    elif purpose == SignInCode.Purpose.JOIN:
        send_from = property.pk if property else None
    elif residencies:
        send_from = residencies[0].property_id
    elif user is not None:
        pending = JoinRequest.objects.filter(user=user).order_by("-created_at").values_list("property_id", flat=True)
        send_from = pending.first()
    else:
        send_from = None
    code = f"{secrets.randbelow(10**6):06d}"
    minutes = settings.SIGN_IN_CODE_MINUTES
    with transaction.atomic():
        row = SignInCode.objects.create(
            phone=phone,
            purpose=purpose,
            digest=_digest(phone, code),
            address=address,
            user=user,
            created_at=now,
            expires_at=now + datetime.timedelta(minutes=minutes),
        )
        if send_from is not None:
            with override(user.language if user else settings.LANGUAGE_CODE):
                text = _("Your sign-in code is %(code)s, valid for %(minutes)d minutes. Do not tell it to anyone.") % {
                    "code": code,
                    "minutes": minutes,
                }
            sms_send(property_id=send_from, phone=phone, text=text, recipient=user, key=f"{SECRET_KEY_PREFIX}{row.pk}")


def code_check(*, phone: str, code: str, purpose: str = SignInCode.Purpose.SIGN_IN) -> str:
    """Spend the newest code sent to ``phone`` if ``code`` is it: once, within its
    minutes, with at most ``TRIES`` wrong guesses; the codes sent before it are spent
    with it. Returns the number."""
    phone = mobile_clean(phone)
    code = (code or "").strip()
    wrong = InvalidInput(_("The code is wrong or has expired; ask for a new one."), field="code")
    now = timezone.now()
    row = (
        SignInCode.objects.filter(phone=phone, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at", "-id")
        .first()
    )
    if row is None or not code.isdigit() or len(code) != 6:
        raise wrong
    # Each try is taken before the code is compared, by a conditional update: however
    # many guesses arrive at once, at most TRIES of them are ever compared.
    if not SignInCode.objects.filter(pk=row.pk, used_at__isnull=True, attempts__lt=TRIES).update(
        attempts=F("attempts") + 1
    ):
        raise wrong
    if not hmac.compare_digest(row.digest, _digest(phone, code)):
        SignInCode.objects.filter(pk=row.pk, attempts__gte=TRIES).update(used_at=now)
        raise wrong
    # Single use, also when two requests bring it at once: the first to mark it wins.
    if not SignInCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now):
        raise wrong
    SignInCode.objects.filter(
        phone=phone, purpose=purpose, used_at__isnull=True, created_at__lte=row.created_at
    ).update(used_at=now)
    return phone


def resident_account(phone: str) -> User | None:
    """The resident account of a number, made on first sign-in for a number the desk
    registered (an invitation, an import); None for a number nobody registered or an
    account that was deactivated."""
    user = _account(phone)
    residencies = _residencies(phone)
    if user is None and residencies:
        first = residencies[0]
        user = _account_create(phone, first.name, first.property.company_id)
    if user is None or not user.is_active:
        return None
    _registrations_link(user)
    return user


def _registrations_link(user: User) -> None:
    """The registrations the desk made for the account's number (an invitation, an
    import) become the account's."""
    Resident.objects.filter(phone=user.phone, user__isnull=True, household__moved_out_on__isnull=True).update(user=user)


def _account_create(phone: str, name: str, company_id: int | None) -> User:
    """A resident's account; it signs in with codes (a password can be set later)."""
    username = phone
    while User.objects.filter(username=username).exists():
        username = f"{phone}-{get_random_string(4, '0123456789')}"
    user = User(username=username, role=Role.RESIDENT, phone=phone, display_name=name[:50], company_id=company_id)
    user.set_unusable_password()
    user.save()
    return user


def code_sign_in(*, phone: str, code: str) -> User:
    """The account a right code signs in. (The check commits on its own, so that a
    wrong guess is counted even though the refusal is raised.)"""
    phone = code_check(phone=phone, code=code)
    with transaction.atomic():
        user = resident_account(phone)
    if user is None:
        raise InvalidInput(_("The code is wrong or has expired; ask for a new one."), field="code")
    return user


# --- Joining a household ---------------------------------------------------------------


def unit_find(prop: Property, label: str, *, field: str = "unit") -> Unit:
    label = validation.text_clean(label, field=field, max_length=30)
    return unit_found(prop, label, field=field)


def property_find(code: str) -> Property:
    prop = Property.objects.filter(code=(code or "").strip()[:20]).first()
    if prop is None:
        raise InvalidInput(_("Choose your property."), field="property")
    return prop


def join_check(*, property: Property, unit: str, name: str, role: str, note: str = "") -> tuple[Unit, str, str]:
    """The request's fields, checked before anything is sent or spent: the unit, the
    name and the note as they will be kept."""
    place = unit_find(property, unit)
    name = validation.text_clean(name, field="name", max_length=50)
    note = validation.text_clean(note, field="note", required=False, max_length=200)
    if role not in Resident.Role.values:
        raise InvalidInput(_("Choose owner, tenant or family member."), field="role")
    return place, name, note


@transaction.atomic
def join_ask(
    *, by: User, property: Property, unit: str, name: str, role: str = Resident.Role.OWNER, note: str = ""
) -> JoinRequest:
    """A resident account asks to be registered at a unit. Asking again while waiting
    returns the request already made."""
    if not is_resident(by):
        raise Forbidden(_("Only a resident's account asks to join a household."), code="not_resident")
    place, name, note = join_check(property=property, unit=unit, name=name, role=role, note=note)
    if homes_of(by).filter(household__unit=place).exists():
        raise InvalidInput(_("You are registered at %(unit)s already.") % {"unit": place.label}, field="unit")
    pending = JoinRequest.objects.filter(user=by, unit=place, status=JoinRequest.Status.PENDING).first()
    if pending:
        return pending
    try:
        with transaction.atomic():
            return JoinRequest.objects.create(
                property=property,
                unit=place,
                user=by,
                name=name,
                phone=by.phone,
                role=role,
                note=note,
                created_at=timezone.now(),
            )
    except IntegrityError:  # the same request, sent twice at once
        return JoinRequest.objects.get(user=by, unit=place, status=JoinRequest.Status.PENDING)


def join_with_code(
    *, phone: str, code: str, property: Property, unit: str, name: str, role: str = Resident.Role.OWNER, note: str = ""
) -> tuple[User, JoinRequest]:
    """A new person proves their number with a code and asks to join a household: their
    account is made (or found) and the request waits for the desk."""
    join_check(property=property, unit=unit, name=name, role=role, note=note)  # said before the code is spent
    phone = code_check(phone=phone, code=code, purpose=SignInCode.Purpose.JOIN)
    with transaction.atomic():
        user = _account(phone) or _account_create(phone, name, property.company_id)
        if not user.is_active:
            raise Forbidden(_("This account was closed; ask the service desk."))
        _registrations_link(user)  # a number the desk registered is at home there already
        return user, join_ask(by=user, property=property, unit=unit, name=name, role=role, note=note)


def _decided(request: JoinRequest, by: User) -> JoinRequest:
    desk_at(by, request.property)
    if request.status != JoinRequest.Status.PENDING:
        raise Conflict(_("This request was decided already."), code="decided")
    return request


def _household_of(unit: Unit, name: str) -> Household:
    """The household living in the unit now, or a new one in the person's name, locked
    until the caller's transaction ends: two registrations of one number at once (an
    invitation and a confirmed join, or two clicks) make one row."""
    living = Household.objects.select_for_update().filter(unit=unit, moved_out_on__isnull=True).order_by("-id").first()
    return living or Household.objects.create(
        property_id=unit.property_id, unit=unit, name=name, moved_in_on=local_today(unit.property.time_zone)
    )


@transaction.atomic
def join_confirm(*, by: User, request: JoinRequest) -> Resident:
    """The desk has checked who the person is (业主认证): they become a resident of the
    household living in the unit and see its matters from now on."""
    _decided(request, by)
    now = timezone.now()
    won = JoinRequest.objects.filter(pk=request.pk, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.CONFIRMED, decided_at=now, decided_by=by, decided_by_name=by.name_kept
    )
    if not won:
        raise Conflict(_("This request was decided already."), code="decided")
    household = _household_of(request.unit, request.name)
    # Registered there meanwhile (the desk invited the number): that registration is theirs.
    resident = Resident.objects.filter(household=household, phone=request.phone).order_by("id").first()
    if resident is None:
        resident = Resident.objects.create(
            property_id=request.property_id,
            household=household,
            user=request.user,
            name=request.name,
            phone=request.phone,
            role=request.role,
        )
    elif resident.user_id is None:
        resident.user = request.user
        resident.save(update_fields=["user"])
    JoinRequest.objects.filter(pk=request.pk).update(resident=resident)
    request.refresh_from_db()
    place = request.unit.label

    def words() -> Words:
        return Words(message=_("You are registered at %(unit)s: its matters are on your page now.") % {"unit": place})

    notice(
        to=[request.user],
        kind=Notification.Kind.UPDATE,
        wording=words,
        property_id=request.property_id,
        key=f"join:{request.pk}",
        link="/my/",
    )
    return resident


@transaction.atomic
def join_refuse(*, by: User, request: JoinRequest, reason: str) -> None:
    """The desk could not confirm the person; they are told why."""
    _decided(request, by)
    reason = validation.text_clean(reason, field="reason", max_length=200)
    won = JoinRequest.objects.filter(pk=request.pk, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.REFUSED,
        decided_at=timezone.now(),
        decided_by=by,
        decided_by_name=by.name_kept,
        reason=reason,
    )
    if not won:
        raise Conflict(_("This request was decided already."), code="decided")
    place = request.unit.label

    def words() -> Words:
        return Words(
            message=_("Your registration at %(unit)s was not confirmed: %(reason)s") % {"unit": place, "reason": reason}
        )

    notice(
        to=[request.user],
        kind=Notification.Kind.UPDATE,
        wording=words,
        property_id=request.property_id,
        key=f"join:{request.pk}",
        link="/my/",
    )


@transaction.atomic
def resident_invite(
    *, by: User, property: Property, unit: str, name: str, phone: str, role: str = Resident.Role.OWNER
) -> Resident:
    """The desk registers a resident directly and sends them an SMS: they sign in with
    their number and a code, no request to wait for. Inviting the same number to the
    same household again changes nothing."""
    desk_at(by, property)
    place, name, _note = join_check(property=property, unit=unit, name=name, role=role)
    phone = mobile_clean(phone)
    household = _household_of(place, name)
    resident = Resident.objects.filter(household=household, phone=phone).first()
    if resident is not None:
        return resident
    account = _account(phone)
    resident = Resident.objects.create(
        property=property,
        household=household,
        user=account if account and account.is_active else None,
        name=name,
        phone=phone,
        role=role,
    )
    text = _(
        "%(property)s: you are registered at %(unit)s. Sign in at %(url)s with this number to report and follow your matters."
    ) % {
        "property": property.name,
        "unit": place.label,
        "url": f"{settings.SITE_URL}/my/",
    }
    sms_send(property_id=property.pk, phone=phone, text=text, recipient=account, name=name, key=f"invite:{resident.pk}")
    return resident


def join_queue(by: User, property: Property) -> list[JoinRequest]:
    """The requests waiting for the desk at a property, oldest first."""
    desk_at(by, property)
    return list(
        JoinRequest.objects.filter(property=property, status=JoinRequest.Status.PENDING)
        .select_related("unit")
        .order_by("created_at", "id")
    )


# --- Reporting a matter online ------------------------------------------------------------


def matter_report(
    *, by: User, draft: TicketDraft, uploads: Sequence[Upload] = (), key: str | None = None
) -> tuple[Ticket, bool]:
    """A resident reports a matter from their phone: recorded at once like a call (its
    clocks start now), channel online, with their photos; logged in the contact log
    (R1.6). With a ``key`` a double tap records once. Returns (ticket, created)."""
    if not is_resident(by):
        raise Forbidden(_("These pages are for residents."))
    if draft.kind not in REPORTABLE:
        raise InvalidInput(_("Report a repair, a complaint, a question or a suggestion."), field="kind")
    if key:
        return ticket_create_once(by=by, draft=draft, key=key, uploads=uploads)
    return ticket_create(by=by, draft=draft, uploads=uploads), True
