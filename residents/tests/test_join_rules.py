"""Joining a household (业主认证, docs/residents.md) pinned exactly: the household's
register of who lives there is the desk's (R7.1), and a person sees nothing of a
household until the desk has checked who they are (R7.2). Each refusal's message, field
and code; the limits of each field at their boundaries; what a request, a confirmation
and a refusal write, read back from the database; asking twice, twice at once, and
deciding a request someone decided a moment earlier; the desk's queue; a new person's
code, spent only once the form is right."""

from __future__ import annotations

from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext as _

from base.errors import Conflict, Forbidden, InvalidInput
from conftest import T0
from estates.models import Household, Property, Resident
from notify.models import Notification
from people.access import homes_of
from people.models import Role, User
from residents import services
from residents.models import JoinRequest, SignInCode
from residents.tests.test_sign_in import code_sent_to

NOTE = "我是业主的女儿"
REASON = "业主不认识此人，请带房产证或租赁合同到客服中心办理。"


LONG_NAME = "长" * 60  # a username longer than the 50 characters a decision keeps of a name


def long_named(user: User) -> User:
    """The account with no display name and a username longer than 50 characters."""
    User.objects.filter(pk=user.pk).update(display_name="", username=LONG_NAME)
    user.refresh_from_db()
    return user


def ygjy() -> Property:
    return Property.objects.get(code="YGJY")


def ask(by: User, unit: str, *, prop: Property | None = None, name: str = "王小明", **over: str) -> JoinRequest:
    """``by`` asks to be registered at ``unit`` (a tenant, with a note, unless told)."""
    fields = {"role": Resident.Role.TENANT, "note": NOTE, **over}
    return services.join_ask(by=by, property=prop or ygjy(), unit=unit, name=name, **fields)


def too_long(length: int, limit: int) -> str:
    return _("Too long: %(length)d characters, at most %(max)d.") % {"length": length, "max": limit}


def inserts(queries: CaptureQueriesContext, table: str) -> int:
    """INSERTs tried on ``table``, also those the database refused."""
    return sum(1 for q in queries.captured_queries if q["sql"].startswith(f'INSERT INTO "{table}"'))


def decided_already() -> tuple[str, str]:
    """The refusal of a request decided already: its code and message."""
    return "decided", _("This request was decided already.")


def notice_of(request: JoinRequest) -> Notification:
    """The one notice the person who asked was sent about this request."""
    return Notification.objects.get(recipient=request.user, key=f"join:{request.pk}:user:{request.user_id}")


# --- The form --------------------------------------------------------------------------------


def test_r7_1_the_form_is_checked_field_by_field_before_anything_is_kept(clock):
    """R7.1: the unit, the name (at most 50 characters), the note (optional, at most 200)
    and the role, each refused with its own message on its own field; what is kept is
    trimmed, and a form without a note keeps an empty one."""
    prop = ygjy()
    unit, name, note = services.join_check(property=prop, unit="1-101", name=" 王小明 ", role="owner")
    assert (unit.label, unit.property_id, name, note) == ("1-101", prop.pk, "王小明", "")
    kept = services.join_check(property=prop, unit="1-101", name="王" * 50, role="family", note=f" {'注' * 200} ")
    assert kept[1:] == ("王" * 50, "注" * 200)
    assert services.join_check(property=prop, unit="1-101", name="王小明", role="tenant", note=f"  {NOTE} ")[2] == NOTE

    cases = [
        (
            {"unit": "9-9999"},
            "unit",
            _("There is no unit “%(unit)s” at %(property)s.") % {"unit": "9-9999", "property": prop.name},
        ),
        ({"name": " "}, "name", _("This field cannot be empty.")),
        ({"name": "王" * 51}, "name", too_long(51, 50)),
        ({"note": "注" * 201}, "note", too_long(201, 200)),
        ({"role": "landlord"}, "role", _("Choose owner, tenant or family member.")),
    ]
    for over, field, message in cases:
        fields = {"unit": "1-101", "name": "王小明", "role": "owner", "note": "", **over}
        with pytest.raises(InvalidInput) as e:
            services.join_check(property=prop, **fields)
        assert (e.value.field, e.value.message) == (field, message), over


# --- Asking ----------------------------------------------------------------------------------


def test_r7_1_a_request_keeps_what_the_person_gave_and_waits_for_the_desk(clock, persona):
    """R7.1: the request keeps the property, the unit, the account and its phone, the name,
    role and note as given (trimmed), the time asked, and nothing decided; without a note
    it keeps none. R7.2: the person has no home there yet."""
    asker = persona("resident")
    made = ask(asker, "1-101", name=" 王小明 ", note=f"  {NOTE} ")
    plain = services.join_ask(by=asker, property=ygjy(), unit="1-102", name="王小明")
    row = JoinRequest.objects.get(pk=made.pk)
    assert (row.property.code, row.unit.label, row.user_id, row.phone) == ("YGJY", "1-101", asker.pk, asker.phone)
    assert (row.name, row.role, row.note, row.status) == ("王小明", "tenant", NOTE, "pending")
    assert (row.created_at, row.decided_at, row.decided_by, row.decided_by_name, row.reason, row.resident) == (
        T0,
        None,
        None,
        "",
        "",
        None,
    )
    assert JoinRequest.objects.values_list("unit__label", "role", "note").get(pk=plain.pk) == ("1-102", "owner", "")
    assert not homes_of(asker).filter(household__unit__label__in=["1-101", "1-102"]).exists()


def test_r7_1_one_registered_at_the_unit_already_is_told_so_and_nothing_is_asked(clock, persona):
    """R7.1: a resident asking for the unit they live at is told they are registered there
    already, on the unit's field; no request is made."""
    asker = persona("resident")  # registered at 3-1202
    with pytest.raises(InvalidInput) as e:
        ask(asker, "3-1202")
    assert (e.value.field, e.value.message) == (
        "unit",
        _("You are registered at %(unit)s already.") % {"unit": "3-1202"},
    )
    assert not JoinRequest.objects.filter(user=asker).exists()


def earlier_requests(persona) -> tuple[JoinRequest, JoinRequest, JoinRequest]:  # type: ignore[no-untyped-def]
    """The resident's request at 1-101 that the desk refused, their request waiting at 1-102,
    and the neighbour's request waiting at 1-101."""
    asker, other = persona("resident"), persona("neighbour")
    first = ask(asker, "1-101")
    services.join_refuse(by=persona("ygjy-agent"), request=first, reason=REASON)
    return first, ask(asker, "1-102"), ask(other, "1-101", name="李四")


def test_r7_1_asking_again_while_waiting_returns_that_request_and_writes_nothing(clock, persona):
    """R7.1: a request refused earlier, the person's request at another unit and another
    person's request at the same unit are not theirs at this unit: a new one is made. Asking
    again while it waits returns it as it was, and tries no second write."""
    asker = persona("resident")
    refused_first, elsewhere, neighbours = earlier_requests(persona)
    waiting = ask(asker, "1-101")
    assert waiting.pk not in (refused_first.pk, elsewhere.pk, neighbours.pk)
    assert JoinRequest.objects.values_list("user_id", "unit__label", "status").get(pk=waiting.pk) == (
        asker.pk,
        "1-101",
        "pending",
    )
    with CaptureQueriesContext(connection) as queries:
        again = ask(asker, "1-101", name="王大明", role="owner", note="再问一次")
    assert again.pk == waiting.pk and inserts(queries, "residents_joinrequest") == 0
    assert JoinRequest.objects.values_list("name", "role", "note").get(pk=waiting.pk) == ("王小明", "tenant", NOTE)
    assert JoinRequest.objects.filter(user=asker, unit__label="1-101", status="pending").count() == 1


def test_r7_1_the_same_request_sent_twice_at_once_gets_the_one_request(clock, persona, monkeypatch):
    """R7.1: the person's other copy of the form written between the check and the write:
    the database's one waiting request per person and unit refuses the second, which is
    answered with the first copy, not with the person's other requests or another's."""
    asker = persona("resident")
    refused_first, elsewhere, neighbours = earlier_requests(persona)
    made: list[JoinRequest] = []

    def atomic():  # type: ignore[no-untyped-def]
        made.append(
            JoinRequest.objects.create(
                property=ygjy(),
                unit=refused_first.unit,
                user=asker,
                name="王小明",
                phone=asker.phone,
                role="tenant",
                note=NOTE,
                created_at=T0,
            )
        )  # the first copy, a moment earlier
        return transaction.atomic()

    monkeypatch.setattr(services, "transaction", SimpleNamespace(atomic=atomic))
    answered = ask(asker, "1-101", name="王大明")
    assert answered.pk == made[0].pk and answered.pk not in (refused_first.pk, elsewhere.pk, neighbours.pk)
    assert JoinRequest.objects.filter(user=asker, unit__label="1-101", status="pending").count() == 1


# --- The desk decides ------------------------------------------------------------------------


def test_r7_1_confirming_registers_the_person_in_a_new_household_where_none_lives(clock, persona):
    """R7.1: the unit's household moved out; confirming writes who decided (50 characters of
    a longer name) and when, makes a household in the person's name living there from the
    property's today (in Tokyo, past midnight while Shanghai's day is not over), registers
    the person in it with the name, phone and role they gave, links the residency to the
    request and tells them on their page. R7.2: the household is theirs to follow now."""
    asker, agent = persona("resident"), long_named(persona("ygjy-agent"))
    Property.objects.filter(code="YGJY").update(time_zone="Asia/Tokyo")
    Household.objects.filter(unit__property__code="YGJY", unit__label="1-102").update(moved_out_on=T0.date())
    late = T0.replace(hour=23, minute=30)
    clock.move_to(late)
    tokyo_day = late.astimezone(ZoneInfo("Asia/Tokyo")).date()
    assert tokyo_day != late.date()
    request = ask(asker, "1-102", name="王小明", role="family")
    made = services.join_confirm(by=agent, request=request)

    row = JoinRequest.objects.get(pk=request.pk)
    assert (row.status, row.decided_at, row.decided_by, row.decided_by_name, row.reason) == (
        "confirmed",
        late,
        agent,
        LONG_NAME[:50],
        "",
    )
    assert row.resident_id == made.pk
    resident = Resident.objects.select_related("household__unit").get(pk=made.pk)
    assert (resident.property_id, resident.user_id, resident.name, resident.phone, resident.role) == (
        request.property_id,
        asker.pk,
        "王小明",
        asker.phone,
        "family",
    )
    household = resident.household
    assert (household.unit.label, household.property_id, household.name) == ("1-102", request.property_id, "王小明")
    assert (household.moved_in_on, household.moved_out_on) == (tokyo_day, None)
    assert homes_of(asker).filter(household=household).exists()

    told = notice_of(row)
    with translation.override(asker.language):
        said = _("You are registered at %(unit)s: its matters are on your page now.") % {"unit": "1-102"}
    assert (told.kind, told.message, told.link, told.property_id) == ("update", said, "/my/", request.property_id)


def test_r7_1_confirming_joins_the_household_living_in_the_unit(clock, persona):
    """R7.1: where a household lives, the person joins it; no other household is made."""
    request = ask(persona("neighbour"), "1-101")
    living = Household.objects.get(unit__property__code="YGJY", unit__label="1-101", moved_out_on__isnull=True)
    households = Household.objects.count()
    made = services.join_confirm(by=persona("ygjy-supervisor"), request=request)
    assert Resident.objects.get(pk=made.pk).household_id == living.pk and Household.objects.count() == households


def test_r7_1_a_refusal_keeps_who_when_and_why_and_tells_the_person(clock, persona):
    """R7.1: a refusal needs a reason (at most 200 characters), said on the reason's field;
    it writes who refused (50 characters of a longer name), when and why (trimmed),
    registers nobody, and tells the person the reason."""
    asker, agent = persona("resident"), long_named(persona("ygjy-agent"))
    request = ask(asker, "1-101")
    for reason, message in ((" ", _("This field cannot be empty.")), ("因" * 201, too_long(201, 200))):
        with pytest.raises(InvalidInput) as e:
            services.join_refuse(by=agent, request=request, reason=reason)
        assert (e.value.field, e.value.message) == ("reason", message)
    assert JoinRequest.objects.get(pk=request.pk).status == "pending"

    services.join_refuse(by=agent, request=request, reason=f"  {REASON} ")
    row = JoinRequest.objects.get(pk=request.pk)
    assert (row.status, row.decided_at, row.decided_by, row.decided_by_name, row.reason, row.resident) == (
        "refused",
        T0,
        agent,
        LONG_NAME[:50],
        REASON,
        None,
    )
    assert not Resident.objects.filter(user=asker, household__unit__label="1-101").exists()
    told = notice_of(row)
    with translation.override(asker.language):
        said = _("Your registration at %(unit)s was not confirmed: %(reason)s") % {"unit": "1-101", "reason": REASON}
    assert (told.kind, told.message, told.link, told.property_id) == ("update", said, "/my/", request.property_id)


def test_r7_1_a_refusal_of_two_hundred_characters_is_kept_whole(clock, persona):
    """R7.1: the reason's limit is 200 characters, which are kept."""
    request = ask(persona("resident"), "1-101")
    reason = ("查无此人，" * 40)[:200]
    services.join_refuse(by=persona("ygjy-agent"), request=request, reason=reason)
    assert JoinRequest.objects.get(pk=request.pk).reason == reason


def test_r7_1_a_request_decided_already_is_not_decided_again(clock, persona):
    """R7.1: another desk member's decision a moment earlier (the page they read still shows
    the request waiting) and a decision read afterwards are both refused as decided
    already; the first decision stands and the other requests wait as they were."""
    asker, agent, supervisor = persona("resident"), persona("ygjy-agent"), persona("ygjy-supervisor")
    request = ask(asker, "1-101")
    other = ask(persona("neighbour"), "1-102")
    stale = JoinRequest.objects.get(pk=request.pk)  # the supervisor's page, read before the agent refused
    services.join_refuse(by=agent, request=request, reason=REASON)
    assert JoinRequest.objects.values_list("status", "decided_by", "decided_at").get(pk=other.pk) == (
        "pending",
        None,
        None,
    )

    with pytest.raises(Conflict) as e:
        services.join_confirm(by=supervisor, request=stale)
    assert (e.value.code, e.value.message) == decided_already()
    with pytest.raises(Conflict) as e:
        services.join_refuse(by=supervisor, request=stale, reason="另一个理由")
    assert (e.value.code, e.value.message) == decided_already()
    fresh = JoinRequest.objects.get(pk=request.pk)
    with pytest.raises(Conflict) as e:
        services.join_confirm(by=supervisor, request=fresh)
    assert (e.value.code, e.value.message) == decided_already()
    with pytest.raises(Conflict) as e:
        services.join_refuse(by=supervisor, request=fresh, reason="另一个理由")
    assert (e.value.code, e.value.message) == decided_already()

    row = JoinRequest.objects.get(pk=request.pk)
    assert (row.status, row.decided_at, row.decided_by, row.decided_by_name, row.reason, row.resident) == (
        "refused",
        T0,
        agent,
        str(agent),
        REASON,
        None,
    )
    assert not Resident.objects.filter(user=asker, household__unit__label="1-101").exists()
    assert JoinRequest.objects.get(pk=other.pk).status == "pending"


def test_r7_1_the_desk_queue_is_the_propertys_waiting_requests_oldest_first(clock, persona, django_assert_num_queries):
    """R7.1: the queue holds the requests waiting at the property, the oldest first (those
    asked at the same moment in the order they came), each with its unit read along;
    decided requests and another property's are not in it."""
    resident, neighbour, agent = persona("resident"), persona("neighbour"), persona("ygjy-agent")
    clock.move_to(T0.replace(hour=10))
    latest = ask(resident, "1-101")
    clock.move_to(T0)
    first = ask(neighbour, "1-102")
    second = ask(resident, "1-102")
    decided = ask(neighbour, "1-101")
    services.join_refuse(by=agent, request=decided, reason=REASON)
    ask(persona("tenant"), "A-102", prop=Property.objects.get(code="WLBG"))

    queue = services.join_queue(agent, ygjy())
    with django_assert_num_queries(0):
        seen = [(r.pk, r.unit.label) for r in queue]
    assert seen == [(first.pk, "1-102"), (second.pk, "1-102"), (latest.pk, "1-101")]


# --- A new person, with a code ---------------------------------------------------------------


def test_r7_1_a_new_person_proves_their_number_and_their_request_waits(clock):
    """R7.1: a form the desk would refuse is said before the code is spent; then the code
    makes the person's account (their number, the name they gave, the property's
    company) and the request waits with the role and note given (none when none is).
    Asking later for another unit finds the same account."""
    prop, phone = ygjy(), "13766660001"
    services.code_request(phone=phone, purpose=SignInCode.Purpose.JOIN, property=prop)
    code = code_sent_to(phone)
    with pytest.raises(InvalidInput) as e:
        services.join_with_code(phone=phone, code=code, property=prop, unit="1-101", name="王小明", note="注" * 201)
    assert (e.value.field, e.value.message) == ("note", too_long(201, 200))
    assert SignInCode.objects.values_list("used_at", "attempts").get(phone=phone) == (None, 0)
    assert not User.objects.filter(phone=phone).exists()

    user, request = services.join_with_code(
        phone=phone, code=code, property=prop, unit="1-101", name="王小明", role="tenant"
    )
    account = User.objects.get(pk=user.pk)
    assert (account.username, account.phone, account.role, account.display_name, account.company_id) == (
        phone,
        phone,
        Role.RESIDENT,
        "王小明",
        prop.company_id,
    )
    assert account.is_active and not account.has_usable_password()
    assert JoinRequest.objects.values_list("user_id", "unit__label", "phone", "role", "note", "status").get(
        pk=request.pk
    ) == (account.pk, "1-101", phone, "tenant", "", "pending")

    clock.shift(61)
    services.code_request(phone=phone, purpose=SignInCode.Purpose.JOIN, property=prop)
    again, later = services.join_with_code(
        phone=phone, code=code_sent_to(phone), property=prop, unit="1-102", name="王小明", role="family", note=NOTE
    )
    assert again.pk == account.pk and User.objects.filter(phone=phone).count() == 1
    assert JoinRequest.objects.values_list("user_id", "unit__label", "role", "note").get(pk=later.pk) == (
        account.pk,
        "1-102",
        "family",
        NOTE,
    )


def test_r7_1_a_closed_account_joins_no_household(clock, persona):
    """R7.1: an account closed after its code was sent is refused with a plain message; no
    other account is made for the number and nothing is asked."""
    resident = persona("resident")
    prop = ygjy()
    services.code_request(phone=resident.phone, purpose=SignInCode.Purpose.JOIN, property=prop)
    code = code_sent_to(resident.phone)
    User.objects.filter(pk=resident.pk).update(is_active=False)
    with pytest.raises(Forbidden) as e:
        services.join_with_code(phone=resident.phone, code=code, property=prop, unit="1-101", name="王小明")
    assert e.value.message == _("This account was closed; ask the service desk.")
    assert User.objects.filter(phone=resident.phone, role=Role.RESIDENT).count() == 1
    assert not JoinRequest.objects.filter(phone=resident.phone).exists()


def test_r7_2_only_a_residents_account_asks_to_join(clock, persona):
    """R7.2: a household is joined by a resident's account; a staff account (a desk
    agent's token on the API) is refused and nothing is asked."""
    with pytest.raises(Forbidden) as e:
        ask(persona("ygjy-agent"), "1-101")
    assert (e.value.message, e.value.code) == (_("Only a resident's account asks to join a household."), "not_resident")
    assert not JoinRequest.objects.exists()


def test_r7_1_a_number_the_desk_registered_is_at_home_when_it_joins_with_a_code(clock, persona):
    """R7.1: a number the desk registered (an invitation) that uses the join page for
    that unit is told it is registered already, and no request for its own household
    waits for the desk; signing in gives it the account of that registration."""
    prop, phone = ygjy(), "13766660003"
    invited = services.resident_invite(
        by=persona("ygjy-agent"), property=prop, unit="1-101", name="周八", phone=phone, role="tenant"
    )
    services.code_request(phone=phone, purpose=SignInCode.Purpose.JOIN, property=prop)
    with pytest.raises(InvalidInput) as e:
        services.join_with_code(phone=phone, code=code_sent_to(phone), property=prop, unit="1-101", name="周八")
    assert (e.value.field, e.value.message) == (
        "unit",
        _("You are registered at %(unit)s already.") % {"unit": "1-101"},
    )
    assert not JoinRequest.objects.filter(phone=phone).exists()
    account = services.resident_account(phone)
    assert account is not None and Resident.objects.get(pk=invited.pk).user_id == account.pk


def test_r7_1_confirming_after_the_desk_registered_the_number_keeps_one_registration(clock, persona):
    """R7.1: a person asked to join, then the desk invited the same number to the same
    household: confirming the request links that registration to the account instead of
    adding a second one."""
    desk, resident = persona("ygjy-agent"), persona("resident")
    request = ask(resident, "1-102")
    invited = services.resident_invite(
        by=desk, property=ygjy(), unit="1-102", name="王小明", phone=resident.phone, role="tenant"
    )
    made = services.join_confirm(by=desk, request=request)
    assert made.pk == invited.pk
    household = Household.objects.get(unit__label="1-102", unit__property=ygjy(), moved_out_on__isnull=True)
    assert list(Resident.objects.filter(household=household, phone=resident.phone).values_list("pk", "user_id")) == [
        (invited.pk, resident.pk)
    ]
    assert JoinRequest.objects.get(pk=request.pk).resident_id == invited.pk


def test_r7_1_the_home_page_says_where_the_resident_is_registered_and_which_requests_wait(clock, persona):
    """R7.1: the resident's home names the homes they belong to now (a household they
    moved out of no longer), and their requests to join that the desk has not
    confirmed: waiting ones and refused ones with the reason, newest first, a confirmed
    one not at all."""
    from conftest import login, second_home

    resident, agent = persona("resident"), persona("ygjy-agent")
    second_home(resident, "1-101")
    gone = second_home(resident, "1-102")
    Household.objects.filter(pk=gone.pk).update(moved_out_on=T0.date())
    waiting = ask(resident, "2-101")
    refused = ask(resident, "2-102")
    services.join_refuse(by=agent, request=refused, reason=REASON)
    confirmed = ask(resident, "2-201")
    services.join_confirm(by=agent, request=confirmed)

    page = login("resident", "en").get("/my/").content.decode()
    registered = page.split("Registered at")[1].split("Another home?")[0]
    assert "3-1202" in registered and "1-101" in registered and "1-102" not in registered
    assert "2-201" in registered  # confirmed: a home now
    assert f'id="join-{waiting.pk}"' in page and f'id="join-{refused.pk}"' in page
    assert f'id="join-{confirmed.pk}"' not in page
    assert page.index(f'id="join-{refused.pk}"') < page.index(f'id="join-{waiting.pk}"')  # newest first
    assert "Your registration at 2-101 is waiting for the service desk" in page
    assert f"Your registration at 2-102 was not confirmed: {REASON}" in page
