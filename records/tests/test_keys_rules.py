"""The key register's rules (R7.3-R7.4) pinned exactly: each refusal's message, field
and code, the limits at their boundaries, what a loan, a return and a handover write,
a resubmitted form, two desks at the same moment, and the late-back pass telling each
loan once (docs/records.md)."""

from __future__ import annotations

import contextlib
import datetime
import re
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from base.errors import Conflict, Forbidden, InvalidInput, NotFound
from conftest import T0
from estates.models import CommonArea, Household, Property
from notify.models import Delivery, NoticePreference, Notification
from people.models import User
from records import keys
from records.models import Handover, Key, KeyLoan
from records.tests.test_edges import home
from records.tests.test_keys import media, signature  # noqa: F401 - media: the autouse fixture

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)
SECOND = datetime.timedelta(seconds=1)
LONG_NAME = "长" * 60  # a username longer than the 50 characters kept of a name (a display name holds 50)


def ygjy() -> Property:
    return Property.objects.get(code="YGJY")


def a_key(code: str = "K1", prop: Property | None = None) -> Key:
    return Key.objects.create(property=prop or ygjy(), code=code, name="入户门", purpose="renovation", kept_at="柜A")


def lend(by: User, key: Key, **over) -> KeyLoan:  # type: ignore[no-untyped-def]
    args: dict[str, Any] = {
        "borrower_kind": "contractor",
        "borrower_name": "李师傅",
        "purpose": "装修进场",
        "due_at": timezone.now() + 8 * HOUR,
        "signature": signature(),
    }
    args.update(over)
    return keys.key_lend(by=by, key=key, **args)


def add(by: User, **over) -> Key:  # type: ignore[no-untyped-def]
    args: dict[str, Any] = {
        "property": ygjy(),
        "code": "K1",
        "name": "入户门",
        "purpose": "renovation",
        "kept_at": "柜A",
    }
    args.update(over)
    return keys.key_add(by=by, **args)


def hand(by: User, household: Household | None = None, **over) -> Handover:  # type: ignore[no-untyped-def]
    args: dict[str, Any] = {"items": ["keys"], "received_by_name": "王芳", "signature": signature()}
    args.update(over)
    return keys.handover_record(by=by, household=household or home(), **args)


def too_long(length: int, limit: int) -> str:
    return _("Too long: %(length)d characters, at most %(max)d.") % {"length": length, "max": limit}


def late_loan(key: Key, by: User, out_at: datetime.datetime, due_at: datetime.datetime, **over) -> KeyLoan:  # type: ignore[no-untyped-def]
    fields = {
        "property_id": key.property_id,
        "key": key,
        "borrower_kind": "staff",
        "borrower_name": "赵工",
        "purpose": "巡检",
        "out_at": out_at,
        "due_at": due_at,
        "lent_by": by,
        "lent_by_name": str(by),
    }
    fields.update(over)
    return KeyLoan.objects.create(**fields)


def inserts(queries: CaptureQueriesContext, table: str) -> int:
    return sum(1 for q in queries.captured_queries if q["sql"].startswith(f'INSERT INTO "{table}"'))


def updates(queries: CaptureQueriesContext, table: str) -> int:
    return sum(1 for q in queries.captured_queries if q["sql"].startswith(f'UPDATE "{table}"'))


# --- Who keeps the register ------------------------------------------------------------------


def test_r7_4_only_the_desk_of_the_property_keeps_the_register(persona, clock):
    """R7.4: another department is refused and another property's desk finds nothing, each
    told so in the user's language."""
    with pytest.raises(Forbidden) as refused:
        add(persona("ygjy-tech1"))
    assert refused.value.message == _("Only the service desk keeps the key register.")
    with pytest.raises(NotFound) as absent:
        add(persona("wlbg-agent"))
    assert absent.value.message == _("There is no property %(code)s you work at.") % {"code": "YGJY"}
    assert not Key.objects.filter(property__code="YGJY").exists()


# --- Adding a key ----------------------------------------------------------------------------


def test_r7_4_a_key_is_added_with_what_it_opens_why_and_where(persona, clock):
    """R7.4: the number, name, purpose and place are written as given, at the limits of
    30 and 100 characters."""
    key = add(persona("ygjy-agent"), code="K" * 30, name="门" * 100, purpose="emergency", kept_at="柜" * 100)
    row = Key.objects.get(pk=key.pk)
    assert (row.code, row.name, row.purpose, row.kept_at) == ("K" * 30, "门" * 100, "emergency", "柜" * 100)


@pytest.mark.parametrize(
    ("over", "field", "length", "limit"),
    [
        ({"code": "K" * 31}, "code", 31, 30),
        ({"name": "门" * 101}, "name", 101, 100),
        ({"kept_at": "柜" * 101}, "kept_at", 101, 100),
    ],
)
def test_r7_4_a_key_field_too_long_is_refused_by_name(persona, clock, over, field, length, limit):
    """R7.4: one character over a field's limit is refused, naming the field."""
    with pytest.raises(InvalidInput) as e:
        add(persona("ygjy-agent"), **over)
    assert (e.value.field, e.value.message) == (field, too_long(length, limit))
    assert not Key.objects.filter(property__code="YGJY").exists()


def test_r7_4_a_key_without_a_known_purpose_or_area_is_refused(persona, clock):
    """R7.4: an unknown purpose, or a common area of another property, is refused with
    its message and field."""
    agent = persona("ygjy-agent")
    with pytest.raises(InvalidInput) as e:
        add(agent, purpose="party")
    assert (e.value.field, e.value.message) == ("purpose", _("Choose why the office holds the key."))
    assert CommonArea.objects.filter(name="A座大堂").exclude(property__code="YGJY").exists()
    with pytest.raises(InvalidInput) as e:
        add(agent, purpose="common", area="A座大堂")  # WLBG's lobby
    assert (e.value.field, e.value.message) == ("area", _("There is no such common area here."))
    assert not Key.objects.filter(property__code="YGJY").exists()


def test_r7_4_a_typed_area_is_read_to_the_100_characters_of_its_name(persona, clock):
    """R7.4: an area's name holds 100 characters; what is typed beyond them is not read."""
    long_area = CommonArea.objects.create(property=ygjy(), name="区" * 100)
    key = add(persona("ygjy-agent"), purpose="common", area="区" * 100 + "外")
    assert Key.objects.get(pk=key.pk).common_area_id == long_area.pk


def test_r7_4_a_key_number_is_unique_per_property_only(persona, clock):
    """R7.4: a number used at another property, or another number here, is free; the same
    number here is refused before anything is written, with its message and code."""
    a_key("K1", Property.objects.get(code="WLBG"))
    agent = persona("ygjy-agent")
    first = add(agent, code="K1")
    assert add(agent, code="K2").pk != first.pk
    with CaptureQueriesContext(connection) as queries, pytest.raises(Conflict) as e:
        add(agent, code="K1")
    assert (e.value.code, e.value.message) == (
        "key_exists",
        _("Key %(code)s is in the register already.") % {"code": "K1"},
    )
    assert inserts(queries, "records_key") == 0
    assert Key.objects.filter(property__code="YGJY").count() == 2


def test_r7_4_two_desks_adding_one_number_at_once_get_one_key(persona, clock, monkeypatch):
    """R7.4: the other desk's key written between the check and the write: the second is
    refused as in the register already (the database's unique number)."""
    prop = ygjy()

    def atomic():  # type: ignore[no-untyped-def]
        a_key("K9", prop)  # the other desk, a moment earlier
        return transaction.atomic()

    monkeypatch.setattr(keys, "transaction", SimpleNamespace(atomic=atomic))
    with pytest.raises(Conflict) as e:
        add(persona("ygjy-agent"), code="K9")
    assert (e.value.code, e.value.message) == (
        "key_exists",
        _("Key %(code)s is in the register already.") % {"code": "K9"},
    )
    assert Key.objects.filter(property=prop, code="K9").count() == 1


# --- Lending ---------------------------------------------------------------------------------


def test_r7_4_a_loan_writes_borrower_phone_purpose_times_and_who_lent(persona, clock):
    """R7.4: every column of the lending record read back: the borrower's kind, name and
    normalised phone, the purpose, time out and due back, who lent (50 characters of the
    name), no form key, and the signature stored once under its own name."""
    agent = persona("ygjy-agent")
    User.objects.filter(pk=agent.pk).update(display_name="", username=LONG_NAME)
    agent.refresh_from_db()
    key = a_key()
    with CaptureQueriesContext(connection) as queries:
        loan = lend(agent, key, borrower_kind="resident", borrower_phone="139 1234 5678", due_at=T0 + 90 * DAY)
    row = KeyLoan.objects.get(pk=loan.pk)
    assert (row.borrower_kind, row.borrower_name, row.borrower_phone, row.purpose) == (
        "resident",
        "李师傅",
        "13912345678",
        "装修进场",
    )
    assert (row.out_at, row.due_at, row.lent_by_id, row.lent_by_name, row.form_key) == (
        T0,
        T0 + 90 * DAY,
        agent.pk,
        LONG_NAME[:50],
        "",
    )
    assert re.fullmatch(rf"records/keys/2026/11/key-{key.pk}-[0-9a-f]{{10}}\.png", row.signature.name or "")
    assert inserts(queries, "records_keyloan") == 1 and updates(queries, "records_keyloan") == 0


def test_r7_4_a_loan_without_a_phone_keeps_none_and_lends_again_after_return(persona, clock):
    """R7.4: no phone is kept as none; without a form key each lend is a loan of its own."""
    agent = persona("ygjy-agent")
    key = a_key()
    first = lend(agent, key)
    assert KeyLoan.objects.get(pk=first.pk).borrower_phone == ""
    keys.key_return(by=agent, key=key)
    second = lend(agent, key, borrower_name="张工")
    assert second.pk != first.pk and KeyLoan.objects.get(pk=second.pk).borrower_name == "张工"


def test_r7_4_due_back_exactly_now_is_refused_and_90_days_ahead_is_lent(persona, clock):
    """R7.4: the time due back must be later than now (now itself is past) and at most 90
    days ahead (exactly 90 days is lent, one second more is not)."""
    agent = persona("ygjy-agent")
    key = a_key()
    with pytest.raises(InvalidInput) as e:
        lend(agent, key, due_at=T0)
    assert (e.value.field, e.value.message) == ("due_at", _("The time due back is past; give a later one."))
    with pytest.raises(InvalidInput) as e:
        lend(agent, key, due_at=T0 + 90 * DAY + SECOND)
    assert (e.value.field, e.value.message) == ("due_at", _("A key is lent for at most 90 days."))
    with pytest.raises(InvalidInput) as e:
        lend(agent, key, due_at=None)
    assert (e.value.field, e.value.message) == ("due_at", _("Give the time the key is due back."))
    assert not KeyLoan.objects.exists()
    assert KeyLoan.objects.get(pk=lend(agent, key, due_at=T0 + 90 * DAY).pk).due_at == T0 + 90 * DAY


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"borrower_kind": "thief"}, "borrower_kind", lambda: _("Choose who borrows the key.")),
        ({"borrower_name": "李" * 51}, "borrower_name", lambda: too_long(51, 50)),
        ({"purpose": "修" * 201}, "purpose", lambda: too_long(201, 200)),
        ({"form_key": "f" * 101}, "form_key", lambda: too_long(101, 100)),
        ({"signature": ""}, "signature", lambda: _("The borrower signs on the screen before the key goes out.")),
    ],
)
def test_r7_4_a_bad_loan_is_refused_naming_its_field(persona, clock, over, field, message):
    """R7.4: each bad input is refused with its own message and field; nothing is lent."""
    with pytest.raises(InvalidInput) as e:
        lend(persona("ygjy-agent"), a_key(), **over)
    assert (e.value.field, e.value.message) == (field, message())
    assert not KeyLoan.objects.exists()


def test_r7_4_a_loan_at_the_limits_of_its_fields_is_lent(persona, clock):
    """R7.4: 50 characters of a name, 200 of a purpose and 100 of a form key are kept."""
    loan = lend(persona("ygjy-agent"), a_key(), borrower_name="李" * 50, purpose="修" * 200, form_key="f" * 100)
    row = KeyLoan.objects.get(pk=loan.pk)
    assert (row.borrower_name, row.purpose, row.form_key) == ("李" * 50, "修" * 200, "f" * 100)


def test_r7_4_a_retired_key_and_a_key_out_are_refused_with_their_codes(persona, clock):
    """R7.4: a retired key is not lent; a key out is lent once (409 key_out)."""
    agent = persona("ygjy-agent")
    retired = a_key("R1")
    Key.objects.filter(pk=retired.pk).update(retired_at=T0)
    retired.refresh_from_db()
    with pytest.raises(Conflict) as e:
        lend(agent, retired)
    assert (e.value.code, e.value.message) == ("retired", _("Key %(code)s is retired.") % {"code": "R1"})
    key = a_key("K1")
    lend(agent, key)
    with pytest.raises(Conflict) as e:
        lend(agent, key, form_key="again")
    out = _("Key %(code)s is out already: take it back first.") % {"code": "K1"}
    assert (e.value.code, e.value.message) == ("key_out", out)
    assert KeyLoan.objects.count() == 1


def test_r7_4_a_resubmitted_form_lends_once_even_when_its_time_has_passed(persona, clock, django_assert_num_queries):
    """R7.4: the same form sent again by the same desk agent answers the loan it made,
    with its key, even once the time due back has passed."""
    agent = persona("ygjy-agent")
    key = a_key()
    first = lend(agent, key, due_at=T0 + HOUR, form_key="f1")
    clock.shift(2 * 3600)
    again = lend(agent, key, due_at=T0 + HOUR, form_key="f1")
    assert again.pk == first.pk
    with django_assert_num_queries(0):
        assert again.key.code == "K1"
    assert KeyLoan.objects.count() == 1


def test_r7_4_a_form_key_is_each_agents_own(persona, clock):
    """R7.4: another agent's form under the same key is not this one's: this lend makes a
    loan of its own; lending a key the other agent has out is refused."""
    agent, other = persona("ygjy-agent"), persona("ygjy-agent2")
    theirs = lend(other, a_key("X"), form_key="f")
    mine = lend(agent, a_key("Y"), form_key="f")
    assert mine.pk != theirs.pk and (mine.key.code, mine.lent_by_id) == ("Y", agent.pk)
    # agent2 has Z out under form "g"; the agent lending Z under "g" is refused.
    z = a_key("Z")
    lend(other, z, form_key="g")
    with pytest.raises(Conflict) as e:
        lend(agent, z, form_key="g")
    assert e.value.code == "key_out"
    assert KeyLoan.objects.filter(lent_by=agent).count() == 1


def test_r7_4_the_same_form_sent_twice_at_once_lends_once(persona, clock, monkeypatch):
    """R7.4: the agent's form arrives twice at the same moment; the first writes the loan,
    the second is answered with it."""
    agent = persona("ygjy-agent")
    key = a_key()
    made: list[KeyLoan] = []

    def atomic():  # type: ignore[no-untyped-def]
        made.append(late_loan(key, agent, T0, T0 + HOUR, form_key="twice"))  # the first copy of the form
        return transaction.atomic()

    monkeypatch.setattr(keys, "transaction", SimpleNamespace(atomic=atomic))
    loan = lend(agent, key, form_key="twice")
    assert loan.pk == made[0].pk and KeyLoan.objects.count() == 1


# --- Taking back -----------------------------------------------------------------------------


def test_r7_4_taking_back_a_key_returns_its_own_loan_only(persona, clock):
    """R7.4: two keys out; taking one back writes the time and who received it (50
    characters of the name) on that key's loan; the other stays out."""
    agent, sup = persona("ygjy-agent"), persona("ygjy-supervisor")
    User.objects.filter(pk=sup.pk).update(display_name="", username=LONG_NAME)
    sup.refresh_from_db()
    a, b = a_key("A"), a_key("B")
    loan_a = lend(agent, a)
    clock.shift(60)
    loan_b = lend(agent, b)
    clock.shift(60)
    back = keys.key_return(by=sup, key=a)
    assert back.pk == loan_a.pk
    row = KeyLoan.objects.get(pk=loan_a.pk)
    assert (row.returned_at, row.received_by_id, row.received_by_name) == (T0 + 2 * MINUTE, sup.pk, LONG_NAME[:50])
    assert KeyLoan.objects.get(pk=loan_b.pk).returned_at is None


def test_r7_4_taking_back_finds_the_open_loan_whatever_the_older_ones(persona, clock):
    """R7.4: a key whose earlier loan carries a later time out (the clock was set back)
    is still taken back from its open loan."""
    agent = persona("ygjy-agent")
    key = a_key()
    clock.move_to(T0 + 2 * HOUR)
    lend(agent, key)
    keys.key_return(by=agent, key=key)
    clock.move_to(T0)
    open_loan = lend(agent, key, due_at=T0 + HOUR)
    assert keys.key_return(by=agent, key=key).pk == open_loan.pk
    assert KeyLoan.objects.get(pk=open_loan.pk).returned_at == T0


def test_r7_4_a_key_not_out_is_refused_with_its_code(persona, clock):
    """R7.4: taking back a key that is not out is 409 key_not_out, said in the user's
    language."""
    with pytest.raises(Conflict) as e:
        keys.key_return(by=persona("ygjy-agent"), key=a_key())
    assert (e.value.code, e.value.message) == ("key_not_out", _("Key %(code)s is not out.") % {"code": "K1"})


def test_r7_4_two_desks_taking_back_one_key_at_once_return_it_once(persona, clock, monkeypatch):
    """R7.4: the other desk takes the key back between the read and the write: this one
    is refused as not out, and the other desk's return stands."""
    agent, other = persona("ygjy-agent"), persona("ygjy-agent2")
    key = a_key()
    loan = lend(agent, key)
    real_now = timezone.now

    def now() -> datetime.datetime:
        KeyLoan.objects.filter(pk=loan.pk).update(returned_at=T0, received_by=other, received_by_name=str(other))
        return real_now()

    monkeypatch.setattr(keys, "timezone", SimpleNamespace(now=now))
    with pytest.raises(Conflict) as e:
        keys.key_return(by=agent, key=key)
    assert (e.value.code, e.value.message) == ("key_not_out", _("Key %(code)s is not out.") % {"code": "K1"})
    assert KeyLoan.objects.get(pk=loan.pk).received_by_id == other.pk


# --- Late back -------------------------------------------------------------------------------


def test_r7_4_each_loan_late_back_is_told_once_and_no_other(persona, clock):
    """R7.4: two loans late back are told (the pass counts 2); a loan returned late, or
    not yet due, is not, and keeps no mark."""
    agent = persona("ygjy-agent")
    a = late_loan(a_key("A"), agent, T0 - 3 * HOUR, T0 - HOUR)
    b = late_loan(a_key("B"), agent, T0 - 2 * HOUR, T0 - HOUR)
    returned = late_loan(a_key("C"), agent, T0 - 4 * HOUR, T0 - HOUR, returned_at=T0 - 30 * MINUTE)
    not_due = late_loan(a_key("D"), agent, T0 - HOUR, T0 + HOUR)
    assert keys.overdue_sweep() == 2
    assert {x.pk for x in KeyLoan.objects.filter(overdue_noticed_at=T0)} == {a.pk, b.pk}
    assert KeyLoan.objects.get(pk=returned.pk).overdue_noticed_at is None
    assert KeyLoan.objects.get(pk=not_due.pk).overdue_noticed_at is None
    assert Notification.objects.filter(key__startswith="keyloan:").count() == 2
    assert keys.overdue_sweep() == 0


def test_r7_4_the_supervisor_is_told_in_their_language_on_the_bell_and_by_sms(persona, clock):
    """R7.4: the notice says which key is late back from whom, on the bell and in the
    short SMS wording, in the supervisor's language."""
    sup = persona("ygjy-supervisor")
    User.objects.filter(pk=sup.pk).update(phone="13700001111")
    NoticePreference.objects.update_or_create(user=sup, defaults={"by_sms": True})
    key = Key.objects.create(property=ygjy(), code="K7", name="泵房门", purpose="emergency", kept_at="监控室")
    loan = late_loan(key, persona("ygjy-agent"), T0 - 3 * HOUR, T0 - HOUR, borrower_name="李师傅")
    assert keys.overdue_sweep() == 1
    what = {"code": "K7", "name": "泵房门", "borrower": "李师傅"}
    with translation.override(sup.language):
        message = _("Key %(code)s %(name)s is late back from %(borrower)s.") % what
        sms = _("Key %(code)s late back from %(borrower)s") % what
    note = Notification.objects.get(key=f"keyloan:{loan.pk}:overdue:user:{sup.pk}")
    assert (note.kind, note.message, note.link) == (Notification.Kind.BREACH, message, "/desk/YGJY/keys/")
    text = Delivery.objects.get(notification=note, channel=Delivery.Channel.SMS).text
    assert text == sms and text != message


def test_r7_4_the_notice_is_dated_when_the_pass_claimed_the_loan(persona, estate):
    """R7.4: the bell's row is dated at the instant the pass marked the loan late (the
    clock running), not a moment after."""
    with time_machine.travel(T0, tick=True):
        loan = late_loan(a_key(), persona("ygjy-agent"), T0 - 3 * HOUR, T0 - HOUR)
        assert keys.overdue_sweep() == 1
    loan.refresh_from_db()
    note = Notification.objects.get(key__startswith=f"keyloan:{loan.pk}:")
    assert loan.overdue_noticed_at is not None and note.created_at == loan.overdue_noticed_at


def test_r7_4_a_loan_claimed_by_another_worker_is_skipped_and_the_pass_goes_on(persona, clock, monkeypatch):
    """R7.4: while the pass tells the first loan, another worker claims the second: it is
    not told again, and the third is still told."""
    agent = persona("ygjy-agent")
    first = late_loan(a_key("A"), agent, T0 - 2 * HOUR, T0 - HOUR)  # newest out first
    second = late_loan(a_key("B"), agent, T0 - 3 * HOUR, T0 - HOUR)
    third = late_loan(a_key("C"), agent, T0 - 4 * HOUR, T0 - HOUR)
    claimed_at = T0 - 10 * SECOND
    told: list[str] = []
    real_notice = keys.notice

    def notice(**kw):  # type: ignore[no-untyped-def]
        if not told:
            KeyLoan.objects.filter(pk=second.pk).update(overdue_noticed_at=claimed_at)  # the other worker
        told.append(kw["key"])
        return real_notice(**kw)

    monkeypatch.setattr(keys, "notice", notice)
    assert keys.overdue_sweep() == 2
    assert told == [first.notice_key, third.notice_key]
    assert KeyLoan.objects.get(pk=second.pk).overdue_noticed_at == claimed_at


def test_r7_4_the_pass_reads_each_late_loan_with_its_key_and_property_at_once(persona, clock, monkeypatch):
    """R7.4: one read of the late loans with their keys and properties; no read per loan."""
    agent = persona("ygjy-agent")
    late_loan(a_key("A"), agent, T0 - 2 * HOUR, T0 - HOUR)
    late_loan(a_key("B"), agent, T0 - 3 * HOUR, T0 - HOUR)
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(keys, "notice", lambda **kw: told.append((kw["link"], kw["wording"]().message)))
    with CaptureQueriesContext(connection) as queries:
        assert keys.overdue_sweep() == 2
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in sql if 'FROM "records_key"' in s or 'FROM "estates_property"' in s]
    assert [link for link, _m in told] == ["/desk/YGJY/keys/", "/desk/YGJY/keys/"]


def test_r7_4_the_pass_tells_at_most_500_loans_a_minute_and_the_rest_next(persona, clock, monkeypatch):
    """R7.4: 501 loans late back: the pass tells 500 (the newest out), the next pass the
    last one, behind the 500 already told."""
    prop, agent = ygjy(), persona("ygjy-agent")
    made = Key.objects.bulk_create(
        [Key(property=prop, code=f"B{i:03d}", name="门", purpose="other", kept_at="柜") for i in range(501)]
    )
    KeyLoan.objects.bulk_create(
        [
            KeyLoan(
                property=prop,
                key=k,
                borrower_kind="staff",
                borrower_name="赵工",
                purpose="巡检",
                out_at=T0 - 2 * HOUR - i * SECOND,
                due_at=T0 - HOUR,
                lent_by=agent,
                lent_by_name="x",
            )
            for i, k in enumerate(made)
        ]
    )
    monkeypatch.setattr(keys, "notice", lambda **kw: [])
    assert keys.overdue_sweep() == 500
    oldest = KeyLoan.objects.get(key__code="B500")
    assert oldest.overdue_noticed_at is None
    assert keys.overdue_sweep() == 1
    oldest.refresh_from_db()
    assert oldest.overdue_noticed_at == T0


# --- Handing over to a resident (R7.3) -------------------------------------------------------


def test_r7_3_a_handover_writes_items_detail_receiver_and_who_handed(persona, clock):
    """R7.3: the items (each once, in order), the detail, the receiver, the time, who
    handed (50 characters of the name), the signature stored once under its own name."""
    agent = persona("ygjy-agent")
    User.objects.filter(pk=agent.pk).update(display_name="", username=LONG_NAME)
    agent.refresh_from_db()
    household = home()
    with CaptureQueriesContext(connection) as queries:
        row = hand(agent, household, items=["manual", "keys", "manual"], detail="卡" * 200)
    got = Handover.objects.get(pk=row.pk)
    assert (got.items, got.detail, got.received_by_name, got.handed_at) == (["keys", "manual"], "卡" * 200, "王芳", T0)
    assert (got.handed_by_id, got.handed_by_name, got.form_key, got.household_id) == (
        agent.pk,
        LONG_NAME[:50],
        "",
        household.pk,
    )
    assert re.fullmatch(
        rf"records/handovers/2026/11/handover-{household.pk}-[0-9a-f]{{10}}\.png", got.signature.name or ""
    )
    assert inserts(queries, "records_handover") == 1 and updates(queries, "records_handover") == 0


def test_r7_3_handovers_without_a_form_key_are_each_recorded(persona, clock):
    """R7.3: without a form key nothing is taken for a resubmission: two handovers, two
    rows, no detail unless given."""
    agent = persona("ygjy-agent")
    first, second = hand(agent), hand(agent, items=["remote"])
    assert first.pk != second.pk
    assert list(Handover.objects.order_by("id").values_list("items", "detail", "form_key")) == [
        (["keys"], "", ""),
        (["remote"], "", ""),
    ]


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"items": []}, "items", lambda: _("Choose what is handed over.")),
        ({"items": ["keys", "car"]}, "items", lambda: _("Choose what is handed over.")),
        ({"received_by_name": "王" * 51}, "received_by_name", lambda: too_long(51, 50)),
        ({"detail": "卡" * 201}, "detail", lambda: too_long(201, 200)),
        ({"form_key": "h" * 101}, "form_key", lambda: too_long(101, 100)),
        ({"signature": ""}, "signature", lambda: _("The resident signs on the screen for what they receive.")),
        (
            {"signature": "data:text/plain;base64,aGk="},
            "signature",
            lambda: _("The signature did not arrive as an image; sign again."),
        ),
    ],
)
def test_r7_3_a_bad_handover_is_refused_naming_its_field(persona, clock, over, field, message):
    """R7.3: each bad input is refused with its own message and field; nothing is written."""
    with pytest.raises(InvalidInput) as e:
        hand(persona("ygjy-agent"), **over)
    assert (e.value.field, e.value.message) == (field, message())
    assert not Handover.objects.exists()


def test_r7_3_a_handover_at_the_limits_of_its_fields_is_recorded(persona, clock):
    """R7.3: 50 characters of the receiver's name and 100 of a form key are kept."""
    row = hand(persona("ygjy-agent"), received_by_name="王" * 50, form_key="h" * 100)
    got = Handover.objects.get(pk=row.pk)
    assert (got.received_by_name, got.form_key) == ("王" * 50, "h" * 100)


def test_r7_3_nothing_is_handed_to_a_household_that_moved_out(persona, clock):
    """R7.3: a household that moved out is refused, naming the household."""
    gone = home()
    Household.objects.filter(pk=gone.pk).update(moved_out_on=datetime.date(2026, 10, 1))
    gone.refresh_from_db()
    with pytest.raises(InvalidInput) as e:
        hand(persona("ygjy-agent"), gone)
    assert (e.value.field, e.value.message) == ("household", _("This household has moved out."))
    assert not Handover.objects.exists()


def test_r7_3_a_resubmitted_handover_answers_the_first_even_after_moving_out(persona, clock):
    """R7.3: the same form sent again by the same agent answers the handover it recorded,
    though the household has moved out since; another agent's form key is their own."""
    agent, other = persona("ygjy-agent"), persona("ygjy-agent2")
    household = home()
    theirs = hand(other, household, form_key="h1")
    first = hand(agent, household, form_key="h1")
    assert first.pk != theirs.pk and first.handed_by_id == agent.pk
    Household.objects.filter(pk=household.pk).update(moved_out_on=datetime.date(2026, 11, 23))
    household.refresh_from_db()
    assert hand(agent, household, form_key="h1").pk == first.pk
    assert Handover.objects.count() == 2


def test_r7_3_the_same_handover_sent_twice_at_once_is_recorded_once(persona, clock, monkeypatch):
    """R7.3: the agent's form arrives twice at the same moment; the second is answered
    with the first's row."""
    agent = persona("ygjy-agent")
    household = home()
    made: list[Handover] = []

    def atomic():  # type: ignore[no-untyped-def]
        made.append(
            Handover.objects.create(
                property_id=household.property_id,
                household=household,
                items=["keys"],
                received_by_name="王芳",
                handed_at=T0,
                handed_by=agent,
                handed_by_name=str(agent),
                form_key="twice",
            )
        )
        return transaction.atomic()

    monkeypatch.setattr(keys, "transaction", SimpleNamespace(atomic=atomic))
    assert hand(agent, household, form_key="twice").pk == made[0].pk
    assert Handover.objects.count() == 1


@pytest.mark.parametrize("form_key", ["", "h2"])
def test_r7_3_a_refused_write_that_is_no_resubmission_is_not_hidden(persona, clock, monkeypatch, form_key):
    """R7.3: the database refusing the row, when no row of this agent's form is there,
    is raised, not answered with another handover of the agent or of another agent."""
    agent, other = persona("ygjy-agent"), persona("ygjy-agent2")
    household = home()
    hand(agent, household)  # the agent's earlier handover, no form key
    hand(agent, household, form_key="h1")
    hand(other, household, form_key="h2")

    @contextlib.contextmanager
    def refusing():  # type: ignore[no-untyped-def]
        raise IntegrityError("refused")
        yield  # pragma: no cover

    monkeypatch.setattr(keys, "transaction", SimpleNamespace(atomic=refusing))
    with pytest.raises(IntegrityError):
        hand(agent, household, form_key=form_key)
    assert Handover.objects.count() == 3
