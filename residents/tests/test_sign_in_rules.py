"""The residents' sign-in, account and report rules (docs/residents.md: "Signing in",
"Joining a household (业主认证) and invitations", "Reporting"; R1.2, R1.6) pinned
exactly: the limits per number and per address at their boundaries and the waits they
tell, which code a number may spend and what each try writes, who gets a code sent and
from where, the account a first sign-in makes, what an invitation writes and sends, and
each refusal's message and field. Service-level calls on the frozen clock; codes are
read from the local outbox as the other sign-in tests read them."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import itertools
import re
import secrets

import pytest
import time_machine
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from base.errors import Forbidden, InvalidInput, TooMany
from conftest import T0
from contacts.models import Contact
from estates.models import Building, Household, Property, Resident, Unit
from notify.models import SECRET_KEY_PREFIX, Delivery
from people.models import Role, User
from portal.tests.test_matters import jpeg
from residents import services
from residents.models import SignInCode
from residents.services import (
    TRIES,
    code_check,
    code_request,
    code_sign_in,
    join_ask,
    matter_report,
    mobile_clean,
    property_find,
    resident_account,
    resident_invite,
    unit_find,
)
from residents.tests.test_sign_in import code_sent_to
from tickets.attachments import photo_upload
from tickets.kinds import draft_from
from tickets.models import Ticket

SECOND = datetime.timedelta(seconds=1)
MINUTES = settings.SIGN_IN_CODE_MINUTES  # 5 unless the environment says otherwise


def ygjy() -> Property:
    return Property.objects.get(code="YGJY")


def wlbg() -> Property:
    return Property.objects.get(code="WLBG")


def living(label: str, prop: str = "YGJY") -> Household:
    """The household living in the unit now (the demo has one at 1-101, 1-102, 3-1201, A-101)."""
    return Household.objects.get(unit__label=label, unit__property__code=prop, moved_out_on__isnull=True)


def register(phone: str, household: Household, name: str = "赵六", user: User | None = None) -> Resident:
    """A number the desk registered for a household (an import), with or without an account."""
    return Resident.objects.create(
        property_id=household.property_id, household=household, name=name, phone=phone, user=user
    )


def fresh_unit(label: str = "9-9901") -> Unit:
    prop = ygjy()
    return Unit.objects.create(
        property=prop, building=Building.objects.filter(property=prop).earliest("id"), code="9901", label=label
    )


def moved_out(unit: Unit) -> Household:
    return Household.objects.create(
        property_id=unit.property_id,
        unit=unit,
        name="旧户",
        moved_in_on=datetime.date(2020, 1, 1),
        moved_out_on=datetime.date(2026, 10, 1),
    )


def resident_user(username: str, phone: str, **over) -> User:  # type: ignore[no-untyped-def]
    fields = {"username": username, "role": Role.RESIDENT, "phone": phone, "company_id": ygjy().company_id}
    fields.update(over)
    return User.objects.create(**fields)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def row_of(phone: str) -> SignInCode:
    return SignInCode.objects.filter(phone=phone).latest("id")


def just_sent(minutes: int) -> str:
    return _("A code was sent to this number just now; ask again in %(minutes)d min.") % {"minutes": minutes}


def too_many(minutes: int) -> str:
    return _("Too many codes asked for; try again in %(minutes)d min.") % {"minutes": minutes}


def refused(phone: str, address: str | None = None) -> TooMany:
    with pytest.raises(TooMany) as caught:
        code_request(phone=phone, address=address)
    return caught.value


def is_wrong(error: InvalidInput) -> bool:
    return error.message == _("The code is wrong or has expired; ask for a new one.") and error.field == "code"


def check_fails(phone: str, code: str, **kw) -> InvalidInput:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as caught:
        code_check(phone=phone, code=code, **kw)
    assert is_wrong(caught.value), (caught.value.message, caught.value.field)
    return caught.value


def sign_in_sms(code: str, minutes: int = MINUTES) -> str:
    return _("Your sign-in code is %(code)s, valid for %(minutes)d minutes. Do not tell it to anyone.") % {
        "code": code,
        "minutes": minutes,
    }


# --- The limits: one a minute and five an hour per number, twenty an hour per address ----------


def test_signing_in_limits_one_code_a_minute_per_number(clock):
    """Signing in, limits: a number asking again within 60 s is told to wait a minute, on
    its phone field; exactly 60 s after its newest code it may ask, and the newest code
    (not the first) is what the minute runs from."""
    phone = "13900000101"
    code_request(phone=phone)
    for after in (0, 1, 59):  # 60, 59 ... 1 s still to wait: said as one minute
        clock.move_to(T0 + after * SECOND)
        error = refused(phone)
        assert (error.message, error.field) == (just_sent(1), "phone")
    clock.move_to(T0 + 60 * SECOND)
    code_request(phone=phone)  # exactly a minute later
    clock.move_to(T0 + 119 * SECOND)  # 59 s after the second code, 119 s after the first
    error = refused(phone)
    assert (error.message, error.field) == (just_sent(1), "phone")
    assert SignInCode.objects.filter(phone=phone).count() == 2  # a refused request writes nothing


def test_signing_in_limits_five_codes_an_hour_per_number(clock):
    """Signing in, limits: after five codes within the hour the number waits until the
    first of them is an hour old, told in whole minutes rounded up; at that very second it
    may ask again."""
    phone = "13900000102"
    for n in range(5):  # at T0, +61 s, +122 s, +183 s, +244 s
        clock.move_to(T0 + 61 * n * SECOND)
        code_request(phone=phone)
    # 60 s after the fifth (no minute to wait for it): the hour's limit, 3296 s + 1 to go.
    clock.move_to(T0 + 304 * SECOND)
    error = refused(phone)
    assert (error.message, error.field) == (too_many(55), "phone")
    clock.move_to(T0 + 351 * SECOND)  # 3250 s to wait: 54 min 10 s, said as 55
    assert refused(phone).message == too_many(55)
    clock.move_to(T0 + 361 * SECOND)  # 3240 s: exactly 54 min
    assert refused(phone).message == too_many(54)
    clock.move_to(T0 + 3599 * SECOND)  # one second before the first code leaves the hour
    error = refused(phone)
    assert (error.message, error.field) == (too_many(1), "phone")  # the hour's limit, not "just now"
    clock.move_to(T0 + 3600 * SECOND)  # the first code is an hour old: four left in the hour
    code_request(phone=phone)
    assert SignInCode.objects.filter(phone=phone).count() == 6


def test_signing_in_limits_twenty_codes_an_hour_per_address(clock):
    """Signing in, limits: twenty codes an hour from one address, whatever the numbers;
    the twenty-first waits the hour (60 min); another address is not held back; an hour
    after, the address may ask again."""
    here, there = "10.1.1.1", "10.2.2.2"
    for n in range(20):
        code_request(phone=f"1390000{n:04d}", address=here)
    error = refused("13900000020", here)
    assert (error.message, error.field) == (too_many(60), "phone")
    code_request(phone="13900000021", address=there)
    assert SignInCode.objects.filter(address=there).count() == 1
    clock.move_to(T0 + 3599 * SECOND)
    assert refused("13900000022", here).message == too_many(60)
    clock.move_to(T0 + 3600 * SECOND)
    code_request(phone="13900000023", address=here)
    assert SignInCode.objects.filter(address=here).count() == 21


# --- Asking for a code: what is written, what is sent, and to whom ------------------------------


def test_signing_in_a_code_request_writes_its_row_and_sends_the_code(estate, persona, monkeypatch):
    """Signing in, codes: six digits drawn from all of 000000-999999 (the top draw is
    999999), good for SIGN_IN_CODE_MINUTES from the one moment of the request; the row
    keeps the number, purpose, address and account and only a keyed digest; the SMS goes
    at once from the property where the number lives, to the account, in its language."""
    me = persona("resident")
    monkeypatch.setattr(secrets, "randbelow", lambda n: n - 1)
    with time_machine.travel(T0, tick=True):
        code_request(phone=me.phone, address="10.0.0.7")
        row = row_of(me.phone)
        code = code_sent_to(me.phone)
        assert code == "999999"
        assert (row.phone, row.purpose, row.address, row.user_id) == (me.phone, "sign_in", "10.0.0.7", me.pk)
        keyed = hmac.new(settings.SECRET_KEY.encode(), f"{me.phone}:{code}".encode(), hashlib.sha256)
        assert row.digest == keyed.hexdigest()
        assert T0 <= row.created_at and row.expires_at - row.created_at == datetime.timedelta(minutes=MINUTES)
        assert (row.attempts, row.used_at) == (0, None)
        sms = Delivery.objects.get(address=me.phone)
        assert (sms.property_id, sms.recipient_id, sms.recipient_name) == (ygjy().pk, me.pk, str(me))
        assert (sms.channel, sms.text, sms.urgent, sms.status) == ("sms", sign_in_sms(code), True, "pending")
        assert (sms.key, sms.ticket_id) == (f"{SECRET_KEY_PREFIX}{row.pk}", None)
        assert code_check(phone=me.phone, code=code) == me.phone


def test_signing_in_the_code_is_said_in_the_accounts_language(clock, persona):
    """Signing in, codes: the SMS is said in the account's own language (here English),
    whatever language the process or the request is in."""
    me = persona("resident")
    User.objects.filter(pk=me.pk).update(language="en")
    code_request(phone=me.phone)
    sms = Delivery.objects.get(address=me.phone)
    code = code_sent_to(me.phone)
    with translation.override("en"):
        english = sign_in_sms(code)
    assert sms.text == english and english != sign_in_sms(code)


def test_who_may_sign_in_decides_who_gets_a_code(clock, persona):
    """Signing in, who may sign in: an account waiting for the desk gets its code from the
    property of its newest request; a code to join goes out only with the property asked
    at; a number registered only in a household that moved out gets nothing, nor does a
    deactivated account asking to join. Every request writes its row all the same."""
    waiting = resident_user("waiting", "13911110001")
    join_ask(by=waiting, property=wlbg(), unit="A-102", name="周七", role="tenant")
    clock.shift(60)
    newest = join_ask(by=waiting, property=ygjy(), unit="1-102", name="周七", role="tenant")
    assert newest.pk != ygjy().pk  # the request's own id is no property's id here
    code_request(phone=waiting.phone)
    sms = Delivery.objects.get(address=waiting.phone)
    assert (sms.property_id, sms.recipient_id) == (ygjy().pk, waiting.pk)
    assert row_of(waiting.phone).user_id == waiting.pk

    code_request(phone="13911110002", purpose=SignInCode.Purpose.JOIN)  # no property: nowhere to send from
    assert row_of("13911110002").purpose == "join"
    assert not Delivery.objects.filter(address="13911110002").exists()

    gone = fresh_unit()
    register("13911110003", moved_out(gone))
    code_request(phone="13911110003")
    assert SignInCode.objects.filter(phone="13911110003", user=None).count() == 1
    assert not Delivery.objects.filter(address="13911110003").exists()

    closed = persona("neighbour")
    User.objects.filter(pk=closed.pk).update(is_active=False)
    code_request(phone=closed.phone, purpose=SignInCode.Purpose.JOIN, property=ygjy())
    assert row_of(closed.phone).user_id == closed.pk
    assert not Delivery.objects.filter(address=closed.phone).exists()


def test_signing_in_without_an_sms_gateway_is_refused_outside_the_demo(clock, settings, persona):
    """Signing in, without an SMS gateway: refused in plain words and nothing written,
    unless codes may wait in the outbox or a gateway is set up."""
    phone = persona("resident").phone
    settings.SIGN_IN_CODES_IN_OUTBOX = False
    settings.SMS_GATEWAY_URL = ""
    with pytest.raises(Forbidden) as caught:
        code_request(phone=phone)
    assert caught.value.message == _(
        "Sign-in by SMS code is not set up here; sign in with your password or ask the service desk."
    )
    assert not SignInCode.objects.filter(phone=phone).exists()
    settings.SMS_GATEWAY_URL = "json://127.0.0.1:9/sms"
    code_request(phone=phone)
    assert SignInCode.objects.filter(phone=phone).count() == 1
    assert Delivery.objects.filter(address=phone, status="pending").count() == 1


# --- Spending a code ----------------------------------------------------------------------------


def test_signing_in_a_malformed_code_is_wrong_and_takes_no_try(clock, persona):
    """Signing in, codes: anything but six digits is "wrong" on the code field without
    being compared, so it uses none of the five tries; the right code then signs in once,
    for the number however it was typed."""
    phone = persona("resident").phone
    code_request(phone=phone)
    code = code_sent_to(phone)
    for bad in ("12345", "1234567", "abcdef", "", "12 456"):
        check_fails(phone, bad)
    assert row_of(phone).attempts == 0
    spaced = f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    assert code_check(phone=spaced, code=f" {code} ") == phone
    row = row_of(phone)
    assert (row.attempts, row.used_at) == (1, T0)


def test_signing_in_each_try_and_spending_touch_only_the_numbers_own_code(clock, persona):
    """Signing in, codes: a number's code is its newest of that purpose; a wrong try counts
    on it alone; five wrong tries spend it at that moment; signing in spends only it. A
    code to join does not sign in."""
    a, b, c = (persona(n).phone for n in ("resident", "neighbour", "tenant"))
    for phone in (a, b, c):
        code_request(phone=phone)
    code_a, code_b, code_c = code_sent_to(a), code_sent_to(b), code_sent_to(c)
    for _n in range(TRIES):
        check_fails(b, wrong(code_b))
    check_fails(b, code_b)  # spent
    assert (row_of(b).attempts, row_of(b).used_at) == (TRIES, T0)

    clock.shift(10)
    check_fails(a, wrong(code_a))
    assert [row_of(p).attempts for p in (a, b, c)] == [1, TRIES, 0]
    assert row_of(b).used_at == T0  # spent when its fifth try failed, not again
    assert code_check(phone=a, code=code_a) == a
    assert (row_of(a).used_at, row_of(c).used_at) == (T0 + 10 * SECOND, None)
    assert code_check(phone=c, code=code_c) == c

    joining = "13911110004"
    code_request(phone=joining, purpose=SignInCode.Purpose.JOIN, property=ygjy())
    code = code_sent_to(joining)
    check_fails(joining, code)  # signing in asks for a sign-in code
    assert code_check(phone=joining, code=code, purpose=SignInCode.Purpose.JOIN) == joining


def test_signing_in_the_newest_unspent_code_counts_until_it_expires(clock, persona, monkeypatch):
    """Signing in, codes: only the newest code not yet spent is compared; once it is used,
    the earlier ones are spent with it, even in their minutes; another number's code is
    untouched; at exactly its expiry a code is wrong and nothing is counted."""
    a, late = persona("resident").phone, persona("neighbour").phone
    draws = itertools.count(314159)  # three different codes (two random draws match once in a million)
    monkeypatch.setattr(secrets, "randbelow", lambda n: next(draws) % n)
    code_request(phone=a)
    code_request(phone=late)
    first, late_code = code_sent_to(a), code_sent_to(late)
    clock.move_to(T0 + 60 * SECOND)
    code_request(phone=a)
    second = code_sent_to(a)
    clock.move_to(T0 + 61 * SECOND)
    check_fails(a, first)
    assert code_check(phone=a, code=second) == a
    first_row = SignInCode.objects.filter(phone=a).earliest("id")
    assert first_row.used_at == T0 + 61 * SECOND  # spent with the second
    clock.move_to(T0 + (MINUTES * 60 - 1) * SECOND)  # the first code's last second
    check_fails(a, first)
    assert (row_of(late).attempts, row_of(late).used_at) == (0, None)

    clock.move_to(T0 + MINUTES * 60 * SECOND)  # expires_at itself
    check_fails(late, late_code)
    assert (row_of(late).attempts, row_of(late).used_at) == (0, None)


def test_signing_in_a_code_brought_twice_at_once_is_used_once(clock, persona, monkeypatch):
    """Signing in, codes ("used once, a conditional update"): when another request marks
    the code used between this one's try and its spending, this one is told the code is
    wrong and the first one's moment stays."""
    phone = persona("resident").phone
    code_request(phone=phone)
    code = code_sent_to(phone)
    digest = services._digest
    other = T0 - SECOND

    def meanwhile(number: str, text: str) -> str:
        SignInCode.objects.filter(phone=phone).update(used_at=other)  # the other request won
        return digest(number, text)

    monkeypatch.setattr(services, "_digest", meanwhile)
    check_fails(phone, code)
    assert (row_of(phone).used_at, row_of(phone).attempts) == (other, 1)


def test_signing_in_guesses_at_once_never_pass_the_limit(clock, persona, monkeypatch):
    """Signing in, codes ("each try is counted before the code is compared"): when other
    guesses took the last tries since this request read the code, this one is not compared,
    even with the right code; and a code another request used meanwhile takes no try."""
    real_f = services.F
    a, b = persona("resident").phone, persona("neighbour").phone
    code_request(phone=a)
    code_request(phone=b)

    def tries_taken(name: str):  # type: ignore[no-untyped-def]
        SignInCode.objects.filter(phone=a).update(attempts=TRIES)
        return real_f(name)

    monkeypatch.setattr(services, "F", tries_taken)
    check_fails(a, code_sent_to(a))
    assert (row_of(a).attempts, row_of(a).used_at) == (TRIES, None)

    other = T0 - SECOND

    def used_meanwhile(name: str):  # type: ignore[no-untyped-def]
        SignInCode.objects.filter(phone=b).update(used_at=other)
        return real_f(name)

    monkeypatch.setattr(services, "F", used_meanwhile)
    check_fails(b, code_sent_to(b))
    assert (row_of(b).attempts, row_of(b).used_at) == (0, other)


# --- The account a sign-in finds or makes -----------------------------------------------------------


def test_who_may_sign_in_the_first_sign_in_makes_the_resident_account(clock, persona, monkeypatch):
    """Signing in, who may sign in: a number the desk registered gets a resident account
    on its first sign-in (named as registered, in the property's company, no usable
    password), never a staff account that has the number; the username is the number, or
    the number and four digits when that is taken. It is linked to the number's current
    registrations that have no account; later sign-ins find the same account; a
    deactivated account, or a number registered only where the household moved out, gets
    none."""
    phone = "13911110005"
    staff = User.objects.create(username=phone, role=Role.AGENT, phone=phone, company_id=ygjy().company_id)
    first = register(phone, living("1-101"), name="赵六")
    gone = register(phone, moved_out(fresh_unit()), name="赵六")
    unlinked = Resident.objects.filter(user__isnull=True).exclude(phone=phone).count()
    with monkeypatch.context() as m:
        m.setattr(secrets, "choice", lambda chars: chars[0])  # the first allowed character
        account = resident_account(phone)
    assert account is not None and account.pk != staff.pk
    made = User.objects.get(pk=account.pk)
    assert re.fullmatch(rf"{phone}-\d{{4}}", made.username), made.username
    assert (made.role, made.phone, made.display_name) == ("resident", phone, "赵六")
    assert (made.company_id, made.is_active, made.has_usable_password()) == (ygjy().company_id, True, False)
    assert Resident.objects.get(pk=first.pk).user_id == made.pk
    assert Resident.objects.get(pk=gone.pk).user_id is None
    assert Resident.objects.filter(user__isnull=True).exclude(phone=phone).count() == unlinked

    family = resident_user("family-of-zhao", phone)  # another account with the number
    theirs = register(phone, living("1-102"), user=family)
    newer = register(phone, living("3-1201"))
    again = resident_account(phone)
    assert again is not None and again.pk == made.pk
    assert User.objects.filter(phone=phone, role=Role.RESIDENT).count() == 2
    assert Resident.objects.get(pk=newer.pk).user_id == made.pk
    assert Resident.objects.get(pk=theirs.pk).user_id == family.pk

    User.objects.filter(pk=made.pk).update(is_active=False)
    later = register(phone, living("A-101", "WLBG"))
    assert resident_account(phone) is None
    assert Resident.objects.get(pk=later.pk).user_id is None

    register("13911110006", moved_out(Unit.objects.get(property__code="YGJY", label="1-201")))
    assert resident_account("13911110006") is None
    assert resident_account("13911110007") is None  # nobody registered it
    assert not User.objects.filter(phone__in=["13911110006", "13911110007"]).exists()


def test_who_may_sign_in_a_code_signs_in_the_registered_number_and_not_a_closed_account(clock, persona):
    """Signing in, who may sign in: a registered number's right code signs in its new
    account (username the number), the SMS having gone to the number by its phone, in
    Chinese; an account deactivated after its code was sent is refused as a wrong code,
    and the code is spent."""
    phone = "13911110008"
    home = living("1-101")
    registration = register(phone, home, name="孙八")
    code_request(phone=phone)
    sms = Delivery.objects.get(address=phone)
    code = code_sent_to(phone)
    assert (sms.property_id, sms.recipient_id, sms.recipient_name) == (home.property_id, None, phone)
    assert sms.text == sign_in_sms(code)
    assert row_of(phone).user_id is None
    user = code_sign_in(phone=phone, code=code)
    made = User.objects.get(pk=user.pk)
    assert (made.username, made.role, made.phone, made.display_name) == (phone, "resident", phone, "孙八")
    assert Resident.objects.get(pk=registration.pk).user_id == made.pk
    assert row_of(phone).used_at == T0

    me = persona("resident")
    code_request(phone=me.phone)
    User.objects.filter(pk=me.pk).update(is_active=False)
    with pytest.raises(InvalidInput) as caught:
        code_sign_in(phone=me.phone, code=code_sent_to(me.phone))
    assert is_wrong(caught.value)
    assert row_of(me.phone).used_at == T0


# --- The number, the property, the unit -------------------------------------------------------------


def test_signing_in_a_number_must_be_a_mainland_mobile(estate):
    """Signing in: the code goes by SMS, so a landline (even one of 11 characters) is
    refused in plain words, on the field named (the phone field unless told)."""
    assert mobile_clean(" +86 139-0731-0001 ") == "13907310001"
    mobile = _("Give a mobile number: the code comes by SMS.")
    for landline in ("010-1234567", "0731-88888888"):
        with pytest.raises(InvalidInput) as caught:
            mobile_clean(landline)
        assert (caught.value.message, caught.value.field) == (mobile, "phone")
    with pytest.raises(InvalidInput) as caught:
        mobile_clean("010-1234567", field="mobile")
    assert (caught.value.message, caught.value.field) == (mobile, "mobile")
    invalid = _(
        "“%(phone)s” is not a valid phone number: give a mobile number (11 digits starting with 1) "
        "or a landline with its area code, e.g. 0731-88888888."
    ) % {"phone": "12345"}
    for field, said in (({}, "phone"), ({"field": "mobile"}, "mobile")):
        with pytest.raises(InvalidInput) as caught:
            mobile_clean("12345", **field)
        assert (caught.value.message, caught.value.field) == (invalid, said)


def test_joining_the_property_is_found_by_its_code(estate):
    """Joining a household: the property by its code (spaces and anything past its 20
    characters left out); an empty code chooses none, whatever codes exist, and is told
    "choose your property" on the property field."""
    assert property_find(" YGJY ") == ygjy()
    long = Property.objects.create(
        company_id=ygjy().company_id, name="测试", code="ABCDEFGHIJKLMNOPQRST", kind="residential"
    )
    assert property_find("ABCDEFGHIJKLMNOPQRSTUV") == long
    Property.objects.filter(pk=long.pk).update(code="XXXX")
    for empty in ("", None, "   "):
        with pytest.raises(InvalidInput) as caught:
            property_find(empty)  # type: ignore[arg-type]
        assert (caught.value.message, caught.value.field) == (_("Choose your property."), "property")


def test_joining_the_unit_is_found_by_its_label(estate):
    """Joining a household: the unit by its label (at most 30 characters); an empty,
    over-long or unknown label is said on the unit field, or the field named."""
    prop = ygjy()
    assert unit_find(prop, " 3-1202 ") == Unit.objects.get(property=prop, label="3-1202")
    unknown = _("There is no unit “%(unit)s” at %(property)s.")
    cases = [
        ("", _("This field cannot be empty.")),
        ("9" * 31, _("Too long: %(length)d characters, at most %(max)d.") % {"length": 31, "max": 30}),
        ("9" * 30, unknown % {"unit": "9" * 30, "property": prop.name}),
        ("9-9999", unknown % {"unit": "9-9999", "property": prop.name}),
    ]
    for label, said in cases:
        for field, named in (({}, "unit"), ({"field": "place"}, "place")):
            with pytest.raises(InvalidInput) as caught:
                unit_find(prop, label, **field)
            assert (caught.value.message, caught.value.field) == (said, named), label


# --- Invitations ------------------------------------------------------------------------------------


def invitation(prop: Property, label: str) -> str:
    return _(
        "%(property)s: you are registered at %(unit)s. Sign in at %(url)s with this number to report and follow your matters."
    ) % {"property": prop.name, "unit": label, "url": settings.SITE_URL + "/my/"}


def test_invitations_register_a_new_household_and_send_the_sms(clock, persona):
    """Invitations: the desk registers a person at a unit whose household moved out: a new
    household in their name, moved in today, with the person as given; an SMS with the
    address goes to the number at once, named for them. Inviting again changes nothing."""
    desk, prop = persona("ygjy-agent"), ygjy()
    unit = fresh_unit()
    old = moved_out(unit)
    phone = "13955550001"
    made = resident_invite(by=desk, property=prop, unit="9-9901", name="钱七", phone=phone, role="tenant")
    r = Resident.objects.get(pk=made.pk)
    assert (r.property_id, r.user_id, r.name, r.phone, r.role) == (prop.pk, None, "钱七", phone, "tenant")
    assert r.household_id != old.pk
    h = Household.objects.get(pk=r.household_id)
    assert (h.property_id, h.unit_id, h.name) == (prop.pk, unit.pk, "钱七")
    assert (h.moved_in_on, h.moved_out_on) == (T0.date(), None)
    assert Household.objects.get(pk=old.pk).moved_out_on == datetime.date(2026, 10, 1)
    sms = Delivery.objects.get(key=f"invite:{r.pk}")
    assert (sms.property_id, sms.recipient_id, sms.recipient_name, sms.address) == (prop.pk, None, "钱七", phone)
    assert (sms.channel, sms.text, sms.urgent, sms.status) == ("sms", invitation(prop, "9-9901"), True, "pending")

    again = resident_invite(by=desk, property=prop, unit="9-9901", name="钱七", phone=phone, role="tenant")
    assert again.pk == r.pk and Delivery.objects.filter(address=phone).count() == 1
    assert Household.objects.filter(unit=unit).count() == 2


def test_invitations_date_the_new_household_on_the_propertys_own_calendar(clock, persona):
    """Invitations: a household begins on the property's date. At 23:30 in Shanghai it is
    already the next day at a property in Tokyo."""
    desk, prop = persona("ygjy-agent"), ygjy()
    Property.objects.filter(pk=prop.pk).update(time_zone="Asia/Tokyo")
    fresh_unit()
    clock.move_to(T0.replace(hour=23, minute=30))
    made = resident_invite(by=desk, property=prop, unit="9-9901", name="钱七", phone="13955550009", role="tenant")
    assert Household.objects.get(pk=made.household_id).moved_in_on == datetime.date(2026, 11, 24)


def test_invitations_link_an_active_account_and_not_a_closed_one(clock, persona):
    """Invitations: a number with an active resident account is registered with it at the
    new household (besides its home elsewhere) and the SMS is addressed to the account, by
    the name the desk gave; a deactivated account is not linked."""
    desk, prop = persona("ygjy-agent"), ygjy()
    me = persona("resident")
    home = Resident.objects.get(user=me)
    made = resident_invite(by=desk, property=prop, unit="1-102", name="袁小东", phone=me.phone, role="family")
    r = Resident.objects.get(pk=made.pk)
    assert r.pk != home.pk and r.household_id == living("1-102").pk
    assert (r.user_id, r.name, r.phone, r.role) == (me.pk, "袁小东", me.phone, "family")
    sms = Delivery.objects.get(key=f"invite:{r.pk}")
    assert (sms.recipient_id, sms.recipient_name, sms.text) == (me.pk, "袁小东", invitation(prop, "1-102"))

    closed = persona("neighbour")
    User.objects.filter(pk=closed.pk).update(is_active=False)
    made = resident_invite(by=desk, property=prop, unit="1-101", name="向文", phone=closed.phone)
    r = Resident.objects.get(pk=made.pk)
    assert (r.user_id, r.household_id, r.name, r.role) == (None, living("1-101").pk, "向文", "owner")
    sms = Delivery.objects.get(key=f"invite:{r.pk}")
    assert (sms.recipient_id, sms.recipient_name, sms.address) == (closed.pk, "向文", closed.phone)


# --- Reporting online -----------------------------------------------------------------------------


def test_r1_2_r1_6_a_resident_reports_online_with_photos_and_nobody_else_does(clock, persona, settings, tmp_path):
    """R1.2, R1.6 (docs/residents.md, Reporting): a resident's report is recorded at once,
    online, with their photos, in the contact log; staff and a deactivated resident are
    refused, and a help request is for the phone, said on the kind field."""
    settings.MEDIA_ROOT = tmp_path / "media"
    me = persona("resident")
    draft = draft_from({"kind": "repair", "unit": "3-1202", "category": "plumbing", "description": "卫生间漏水"})
    before = Ticket.objects.count()
    with pytest.raises(Forbidden) as staff:
        matter_report(by=persona("ygjy-agent"), draft=draft)
    assert staff.value.message == _("These pages are for residents.")
    help_draft = draft_from(
        {"kind": "help", "unit": "3-1202", "description": "老人摔倒", "help": {"category": "medical"}}
    )
    with pytest.raises(InvalidInput) as caught:
        matter_report(by=me, draft=help_draft)
    assert (caught.value.message, caught.value.field) == (
        _("Report a repair, a complaint, a question or a suggestion."),
        "kind",
    )
    assert Ticket.objects.count() == before

    ticket, created = matter_report(by=me, draft=draft, uploads=[photo_upload(jpeg(), field="photos")])
    assert created is True
    t = Ticket.objects.get(pk=ticket.pk)
    assert (t.kind, t.channel, t.status, t.property_id) == ("repair", "online", "new", ygjy().pk)
    home = Unit.objects.get(property__code="YGJY", label="3-1202")
    assert (t.unit_id, t.description, t.created_at) == (home.pk, "卫生间漏水", T0)
    assert list(t.attachments.values_list("kind", flat=True)) == ["photo"]
    assert Contact.objects.get(tickets=t).channel == "online"

    User.objects.filter(pk=me.pk).update(is_active=False)
    with pytest.raises(Forbidden) as closed:
        matter_report(by=User.objects.get(pk=me.pk), draft=draft)
    assert closed.value.message == _("These pages are for residents.")
    assert Ticket.objects.count() == before + 1
