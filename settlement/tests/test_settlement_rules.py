"""The settlement rules pinned one by one (docs/records.md, "Paid repairs settled"):
R2.11 the charge of a signed-off paid job and its receipt (every field written, the
one-time keys, the amounts at their limits, who may charge, two requests meeting at the
same moment), R3.4 the fee's reason kept on the charge, and R2.12 finance's
reconciliation of a day (what was handed in, the closed day and its correction, who
reconciles). Each refusal is compared with its message in the process's language, its
field and its code."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from base.errors import Conflict, DomainError, Forbidden, IllegalTransition, InvalidInput, NotFound
from conftest import SHANGHAI, T0
from estates.models import Company, Property
from people.models import Role, User
from repairs import services as work
from repairs.models import Quote, WorkOrder
from settlement import services
from settlement.models import Charge, Method, Reconciliation
from settlement.tests.conftest import job
from tickets.models import NumberCounter, Ticket, TicketEvent

DAY = T0.date()  # 2026-11-23: the demo property's date at T0
ONE_DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
ZERO = {"cash": "0", "card": "0", "wechat": "0", "alipay": "0"}
LONG_NAME = "长" * 60  # a username longer than the 50 characters kept of a name (a display name holds 50)


def ygjy() -> Property:
    return Property.objects.get(code="YGJY")


def charge(by: User, t: Ticket, method: str = "cash", **amounts: Any) -> tuple[Charge, bool]:
    return services.charge_record(by=by, order=WorkOrder.objects.get(ticket=t), method=method, **amounts)


def consented(t: Ticket) -> Quote:
    return Quote.objects.get(order__ticket=t, status=Quote.Status.CONSENTED)


def too_long(length: int, limit: int) -> str:
    return _("Too long: %(length)d characters, at most %(max)d.") % {"length": length, "max": limit}


def nowhere(code: str) -> str:
    return _("There is no property %(code)s you work at.") % {"code": code}


def nothing_charged(t: Ticket) -> None:
    assert not Charge.objects.filter(order__ticket=t).exists()
    assert not NumberCounter.objects.filter(key__startswith="SJ").exists()
    assert not TicketEvent.objects.filter(ticket=t, action="charge").exists()


def meanwhile(monkeypatch: pytest.MonkeyPatch, name: str, other: Callable[[], object]) -> None:
    """Two requests meeting: the first time the services call ``name``, ``other`` (the
    other request) runs to its end first, as if it had been quicker at that moment."""
    real = getattr(services, name)

    def first_the_other(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(services, name, real)
        other()
        return real(*args, **kwargs)

    monkeypatch.setattr(services, name, first_the_other)


class Ticking:
    """``django.utils.timezone`` as the settlement services see it, except that each
    reading of the time lets a second pass on the (frozen) clock: whatever is worked out
    from "now" must use the moment read, not read the clock again."""

    def __init__(self, clock: Any):
        self.clock = clock

    def now(self) -> datetime.datetime:
        moment = timezone.now()
        self.clock.shift(1)
        return moment

    def __getattr__(self, name: str) -> Any:
        return getattr(timezone, name)


@pytest.fixture
def stranger(estate: Any) -> Callable[[str], User]:
    """stranger(role) -> an account of that role at another company."""
    company = Company.objects.create(name="另一家物业")

    def make(role: str) -> User:
        return User.objects.create(username=f"other-{role}", role=role, company=company, display_name="外司职员")

    return make


@pytest.fixture
def root(estate: Any) -> User:
    """A superuser of no company and no property, whose own role settles nothing."""
    return User.objects.create(username="root", role=Role.SECURITY, is_superuser=True, display_name="系统")


def inactive(persona: Callable[[str], User], username: str) -> User:
    User.objects.filter(username=username).update(is_active=False)
    return persona(username)


# --- Amounts and methods (R2.11, R2.12) ----------------------------------------------------


def test_r2_11_an_amount_is_read_with_its_yuan_sign_and_thousands_commas_up_to_the_most():
    assert str(services.amount(" ¥1,234.5 ", field="total")) == "1234.50"
    assert str(services.amount("¥40", field="total")) == "40.00"
    assert str(services.amount("100000", field="total")) == "100000.00"  # the most a charge may be
    assert str(services.amount(0, field="service")) == "0.00"


def test_r2_11_what_is_not_an_amount_of_money_is_refused_on_its_own_field():
    for value in ("abc", "12元", "¥", "NaN", "sNaN", "-Infinity"):
        with pytest.raises(InvalidInput) as err:
            services.amount(value, field="labour")
        assert (err.value.message, err.value.field) == (_("Not an amount of money."), "labour"), value
    with pytest.raises(InvalidInput) as err:
        services.amount("-0.01", field="material")
    assert (err.value.message, err.value.field) == (_("An amount cannot be negative."), "material")
    with pytest.raises(InvalidInput) as err:
        services.amount("1.005", field="service")
    assert (err.value.message, err.value.field) == (_("Amounts have at most two decimal places."), "service")
    with pytest.raises(InvalidInput) as err:
        services.amount("100000.01", field="total")
    assert err.value.message == _("%(amount)s is more than %(max)s; check the amount.") % {
        "amount": Decimal("100000.01"),
        "max": services.CHARGE_MAX,
    }
    assert err.value.field == "total"


def test_r2_11_an_unknown_payment_method_is_refused_naming_20_characters_of_it():
    for method in ("bitcoin", "x" * 25):
        with pytest.raises(InvalidInput) as err:
            services.method_clean(method)
        assert err.value.message == _(
            "Unknown payment method “%(method)s”: choose cash, card, WeChat Pay, Alipay or the household's account."
        ) % {"method": method[:20]}
        assert err.value.field == "method"
    assert [services.method_clean(m) for m in Method.values] == list(Method.values)


def test_r2_12_what_was_handed_in_is_needed_for_each_method_zero_included_up_to_the_day_s_most():
    """R2.12: cash, card, WeChat Pay and Alipay are each needed (zero included), each on
    its own field; an unknown method is named (20 characters); one method may hand in up
    to ¥10,000,000 a day, more than a single charge may be."""
    cases: list[tuple[dict[str, object], Method]] = [
        ({"cash": "1", "card": "0", "wechat": "0"}, Method.ALIPAY),
        ({"cash": "  ", "card": "0", "wechat": "0", "alipay": "0"}, Method.CASH),
        ({"cash": "1", "card": None, "wechat": "0", "alipay": "0"}, Method.CARD),
    ]
    for handed, missing in cases:
        with pytest.raises(InvalidInput) as err:
            services.handed_clean(handed)
        assert err.value.message == _("Enter what was handed in for %(method)s (0 if nothing).") % {
            "method": missing.label
        }
        assert err.value.field == f"handed.{missing.value}"
    unknown = "bitcoin_lightning_net"  # 21 characters
    with pytest.raises(InvalidInput) as err:
        services.handed_clean({**ZERO, unknown: "1"})
    assert err.value.message == _("Unknown payment method “%(method)s”: enter cash, card, WeChat Pay and Alipay.") % {
        "method": unknown[:20]
    }
    assert err.value.field == f"handed.{unknown[:20]}"
    with pytest.raises(InvalidInput) as err:
        services.handed_clean({**ZERO, "wechat": "四十"})
    assert (err.value.message, err.value.field) == (_("Not an amount of money."), "handed.wechat")
    with pytest.raises(InvalidInput) as err:
        services.handed_clean({**ZERO, "alipay": "10000000.01"})
    assert err.value.message == _("%(amount)s is more than %(max)s; check the amount.") % {
        "amount": Decimal("10000000.01"),
        "max": services.DAY_MAX,
    }
    assert err.value.field == "handed.alipay"
    counted = services.handed_clean({"cash": "200000", "card": "¥10,000,000", "wechat": 0, "alipay": "0.5"})
    assert {m: str(v) for m, v in counted.items()} == {
        "cash": "200000.00",
        "card": "10000000.00",
        "wechat": "0.00",
        "alipay": "0.50",
    }


# --- Who may (R2.11, R2.12) ------------------------------------------------------------------


def refused_to(check, accounts, error: type[DomainError], message: str) -> None:  # type: ignore[no-untyped-def]
    """Each account is refused by ``check`` with ``error`` saying ``message``."""
    for who in accounts:
        with pytest.raises(error) as err:
            check(who)
        assert err.value.message == message, who.username


def test_r2_11_only_the_desk_at_the_job_s_property_or_the_job_s_technician_records_the_charge(
    clock, persona, paid_job, stranger, root
):
    t = paid_job()
    for who in (persona("ygjy-agent"), persona("ygjy-night"), persona("ygjy-supervisor"), persona("ygjy-tech1"), root):
        assert services.settler_for(who, t) == who, who.username
    refused_to(
        lambda who: services.settler_for(who, t),
        [inactive(persona, "ygjy-agent2"), persona("ygjy-finance"), persona("ygjy-manager"), persona("ygjy-tech3")],
        Forbidden,
        _("Only the service desk or the job's technician records the charge of a paid repair."),
    )
    refused_to(
        lambda who: services.settler_for(who, t),
        [persona("wlbg-agent"), stranger(Role.AGENT)],
        NotFound,
        nowhere("YGJY"),
    )


def test_r2_11_finance_the_desk_and_the_managers_of_the_property_read_the_receipts(persona, stranger, root):
    prop = ygjy()
    for username in ("ygjy-finance", "ygjy-agent", "ygjy-manager", "leader"):
        assert services.reader_at(persona(username), prop) == persona(username)
    assert services.reader_at(root, prop) == root
    refused_to(
        lambda who: services.reader_at(who, prop),
        [persona("ygjy-tech1"), persona("ygjy-security"), inactive(persona, "ygjy-finance")],
        Forbidden,
        _("Only finance, the service desk and the managers read the receipts."),
    )
    refused_to(
        lambda who: services.reader_at(who, prop),
        [persona("wlbg-finance"), stranger(Role.EXECUTIVE)],
        NotFound,
        nowhere("YGJY"),
    )


def test_r2_12_only_finance_of_the_property_reconciles(persona, stranger, root):
    prop = ygjy()
    assert services.reconciler_at(persona("ygjy-finance"), prop) == persona("ygjy-finance")
    assert services.reconciler_at(root, prop) == root
    refused_to(
        lambda who: services.reconciler_at(who, prop),
        [persona("ygjy-agent"), persona("ygjy-manager"), persona("leader"), inactive(persona, "ygjy-finance")],
        Forbidden,
        _("Only finance reconciles the day's receipts."),
    )
    refused_to(
        lambda who: services.reconciler_at(who, prop),
        [persona("wlbg-finance"), stranger(Role.FINANCE)],
        NotFound,
        nowhere("YGJY"),
    )


# --- The charge (R2.11, R3.4) ------------------------------------------------------------------


def test_r2_11_r3_4_a_charge_writes_the_signed_quote_by_line_its_receipt_and_the_timeline(clock, persona):
    """R2.11 and R3.4: the charge copies the consented quote (lines, amounts, why the fee
    is charged: misuse with its reason), the receipt is the first of the property's
    series for the year, the customer is who signed, and the timeline says it."""
    agent, tech = persona("ygjy-agent"), persona("ygjy-tech1")
    t = job(persona, misuse="用硬物敲击水龙头", sign=False)
    work.work_order_sign_off(ticket=t, by=tech, satisfaction=5, signed_by="李强")  # a family member signs
    charged, created = charge(agent, t, "wechat", labour="30", service="¥10.00", total="40")
    assert created is True
    quote, order = consented(t), WorkOrder.objects.get(ticket=t)
    row = Charge.objects.get(pk=charged.pk)
    assert (row.order_id, row.ticket_id, row.property_id, row.quote_id) == (order.pk, t.pk, t.property_id, quote.pk)
    assert (row.receipt_no, row.year, row.seq, row.day) == ("SJ-YGJY-2026-000001", 2026, 1, DAY)
    assert (row.place, row.customer_name) == ("3-1202", "李强")
    assert row.lines == quote.lines and len(row.lines) == 1
    assert (row.labour, row.material, row.service, row.total) == (
        quote.labour_total,
        quote.material_total,
        quote.service_total,
        quote.total,
    )
    assert (row.fee_basis, row.fee_reason) == ("misuse", "用硬物敲击水龙头")
    assert (row.method, row.collected_by_id, row.collected_by_name, row.charged_at, row.form_key) == (
        "wechat",
        agent.pk,
        str(agent),
        T0,
        "",
    )
    event = TicketEvent.objects.get(ticket=t, action="charge")
    assert (event.actor_id, event.actor_name, event.at) == (agent.pk, str(agent), T0)
    assert event.note == _("Receipt %(no)s: ¥%(total)s, %(method)s") % {
        "no": "SJ-YGJY-2026-000001",
        "total": quote.total,
        "method": Method.WECHAT.label,
    }
    assert event.data == {
        "receipt": "SJ-YGJY-2026-000001",
        "total": str(quote.total),
        "method": "wechat",
        "quote_version": quote.version,
    }


def test_r2_11_the_receipt_keeps_50_characters_of_the_collector_s_name(clock, persona, paid_job):
    """R2.11: an account whose name is longer than the 50 characters kept still collects (on
    PostgreSQL, which enforces the width, too): the receipt and the timeline keep 50."""
    t = paid_job()
    agent = persona("ygjy-agent")
    User.objects.filter(pk=agent.pk).update(display_name="", username=LONG_NAME)
    agent.refresh_from_db()
    charged, created = charge(agent, t)
    assert created is True
    assert Charge.objects.get(pk=charged.pk).collected_by_name == LONG_NAME[:50]
    assert TicketEvent.objects.get(ticket=t, action="charge").actor_name == LONG_NAME[:50]


def test_r2_11_a_charge_in_the_last_second_of_the_year_is_in_that_year_s_series_and_day(
    clock, persona, paid_job, monkeypatch
):
    """R2.11: the receipt's year and day are the property's date of the moment charged,
    the moment the timeline gives too, even if the clock passes midnight meanwhile."""
    agent, t = persona("ygjy-agent"), paid_job()
    last = datetime.datetime(2026, 12, 31, 23, 59, 59, tzinfo=SHANGHAI)
    clock.move_to(last)
    monkeypatch.setattr(services, "timezone", Ticking(clock))
    charged, created = charge(agent, t)
    assert created is True
    row = Charge.objects.get(pk=charged.pk)
    assert (row.receipt_no, row.year, row.seq, row.day, row.charged_at) == (
        "SJ-YGJY-2026-000001",
        2026,
        1,
        datetime.date(2026, 12, 31),
        last,
    )
    assert TicketEvent.objects.get(ticket=t, action="charge").at == last
    assert NumberCounter.objects.get(key=f"SJ{t.property_id}-2026").value == 1


def test_r2_11_each_amount_given_must_be_the_signed_quote_s_an_empty_one_is_not_checked(clock, persona, paid_job):
    agent, t = persona("ygjy-agent"), paid_job()
    quote = consented(t)
    signed = _(
        "The charge differs from the quote the customer signed (labour %(labour)s, material "
        "%(material)s, service fee %(service)s, total %(total)s): charge the signed amounts."
    ) % {
        "labour": str(quote.labour_total),
        "material": str(quote.material_total),
        "service": str(quote.service_total),
        "total": str(quote.total),
    }
    for part in ("labour", "material", "service", "total"):
        wrong = str(getattr(quote, "total" if part == "total" else f"{part}_total") + Decimal("5"))
        with pytest.raises(InvalidInput) as err:
            charge(agent, t, **{part: wrong})
        assert (err.value.message, err.value.field, err.value.code) == (signed, part, "differs_from_quote"), part
    nothing_charged(t)
    charged, created = charge(agent, t, labour="", material=str(quote.material_total), service=None, total="")
    assert created is True and Charge.objects.get(pk=charged.pk).total == quote.total


def test_r2_11_a_job_not_paid_or_with_no_consented_quote_is_refused_saying_why_with_nothing_written(
    clock, persona, paid_job
):
    agent = persona("ygjy-agent")
    free = paid_job(item="PB-01", category="public")  # priced at nothing: not a paid job
    with pytest.raises(IllegalTransition) as err:
        charge(agent, free)
    assert (err.value.message, err.value.code) == (
        _("This is not a paid repair: there is nothing to charge."),
        "not_paid",
    )
    nothing_charged(free)
    t = paid_job(unit="3-1201")
    Quote.objects.filter(order__ticket=t).update(status=Quote.Status.PENDING)  # as if consent were never given
    with pytest.raises(IllegalTransition) as err:
        charge(agent, t)
    assert (err.value.message, err.value.code) == (
        _("The customer has consented to no quote: nothing can be charged."),
        "no_quote",
    )
    nothing_charged(t)


def test_r2_11_a_settled_job_is_refused_naming_its_receipt(clock, persona, paid_job):
    """R2.11: one charge per job; a second is refused naming the receipt that settled it.
    Asked without ``settled`` (before the lock), the check only says what may be charged."""
    agent, tech, t = persona("ygjy-agent"), persona("ygjy-tech1"), paid_job()
    first, _created = charge(tech, t, "alipay")
    settled = _("This job is settled already: receipt %(no)s.") % {"no": first.receipt_no}
    with pytest.raises(Conflict) as err:
        charge(agent, t, "cash")
    assert (err.value.message, err.value.code) == (settled, "settled_already")
    order = WorkOrder.objects.get(ticket=t)
    with pytest.raises(Conflict) as err:
        services.charge_check(order)
    assert (err.value.message, err.value.code) == (settled, "settled_already")
    assert services.charge_check(order, settled=False) == consented(t)
    assert list(Charge.objects.values_list("receipt_no", "method")) == [(first.receipt_no, "alipay")]
    assert TicketEvent.objects.filter(ticket=t, action="charge").count() == 1


def test_r2_11_a_form_key_holds_100_characters(clock, persona, paid_job):
    agent, t = persona("ygjy-agent"), paid_job()
    with pytest.raises(InvalidInput) as err:
        charge(agent, t, form_key="k" * 101)
    assert (err.value.message, err.value.field) == (too_long(101, 100), "form_key")
    nothing_charged(t)
    charged, created = charge(agent, t, form_key=" " + "k" * 100 + " ")
    assert created is True and Charge.objects.get(pk=charged.pk).form_key == "k" * 100


def test_r2_11_a_retry_under_the_same_key_answers_the_first_receipt_whatever_it_now_says(clock, persona, paid_job):
    """R2.11: the same form or request sent again (its one-time key) is the same request:
    it answers the first receipt before anything it says is read, and charges nothing more."""
    agent, t = persona("ygjy-agent"), paid_job()
    first, created = charge(agent, t, "cash", form_key="tap-1")
    assert created is True and Charge.objects.get(pk=first.pk).form_key == "tap-1"
    again, created = charge(agent, t, "bitcoin", total="50", form_key="tap-1")
    assert (again.pk, created) == (first.pk, False)
    assert Charge.objects.count() == 1 and TicketEvent.objects.filter(ticket=t, action="charge").count() == 1


def test_r2_11_a_key_answers_only_its_own_person_s_own_request(clock, persona, paid_job):
    """R2.11: another key of the same person is another charge; the same key sent by
    another person is theirs, not the first person's request."""
    agent, tech = persona("ygjy-agent"), persona("ygjy-tech1")
    one, two, three = paid_job(), paid_job(unit="3-1201"), paid_job(unit="3-1101")
    assert charge(agent, one, form_key="tap-1")[1] is True
    assert charge(agent, two, form_key="tap-2")[1] is True
    assert charge(tech, three, "wechat", form_key="tap-1")[1] is True
    assert list(Charge.objects.order_by("seq").values_list("ticket_id", "collected_by_id", "form_key", "seq")) == [
        (one.pk, agent.pk, "tap-1", 1),
        (two.pk, agent.pk, "tap-2", 2),
        (three.pk, tech.pk, "tap-1", 3),
    ]


def test_r2_11_the_same_request_sent_twice_at_once_charges_once(clock, persona, paid_job, monkeypatch):
    """R2.11: the second of two requests under one key, which found no charge under it
    before the first was written, waits for the job's lock and then answers the first
    receipt, not "settled already"."""
    agent, t = persona("ygjy-agent"), paid_job()
    quicker: list[tuple[Charge, bool]] = []
    meanwhile(
        monkeypatch,
        "method_clean",
        lambda: quicker.append(
            services.charge_record(by=agent, order=WorkOrder.objects.get(ticket=t), method="cash", form_key="tap-1")
        ),
    )
    again, created = charge(agent, t, "cash", form_key="tap-1")
    [(first, first_created)] = quicker
    assert first_created is True and (again.pk, created) == (first.pk, False)
    assert Charge.objects.count() == 1 and TicketEvent.objects.filter(ticket=t, action="charge").count() == 1


def test_r2_11_a_charge_whose_row_cannot_be_written_is_refused_as_settled_at_the_same_moment(
    clock, persona, paid_job, monkeypatch
):
    """R2.11: when the charge's row is refused by the database at the last moment (here
    the series gives a number already on a receipt), the charge is refused as settled by
    someone else at the same moment and nothing of it is written."""
    agent = persona("ygjy-agent")
    first, _created = charge(agent, paid_job())
    t = paid_job(unit="3-1201")
    monkeypatch.setattr(services, "counter_next", lambda key: first.seq)
    with pytest.raises(Conflict) as err:
        charge(agent, t, form_key="tap-2")
    assert (err.value.message, err.value.code) == (
        _("Someone else settled this job at the same moment."),
        "settled_already",
    )
    assert list(Charge.objects.values_list("pk", flat=True)) == [first.pk]
    assert not TicketEvent.objects.filter(ticket=t, action="charge").exists()


# --- The day's reconciliation (R2.12) ----------------------------------------------------------


def test_r2_12_a_reconciliation_writes_the_property_s_day_expected_handed_in_and_who(clock, persona, paid_job):
    """R2.12: the day's receipts at the property (two in cash) against what was handed
    in, the difference kept, with who and when; another day and another property are
    reconciled on their own, from their own receipts."""
    agent, finance = persona("ygjy-agent"), persona("ygjy-finance")
    prop, office = ygjy(), Property.objects.get(code="WLBG")
    taken = [charge(agent, paid_job())[0], charge(agent, paid_job(unit="3-1201"))[0]]
    cash = sum((c.total for c in taken), Decimal("0"))
    zeros = dict.fromkeys(Method.values, Decimal("0.00"))
    assert services.expected_by_method(prop, DAY) == ({**zeros, "cash": cash}, 2)
    assert services.expected_by_method(prop, DAY - ONE_DAY) == (zeros, 0)
    assert services.expected_by_method(office, DAY) == (zeros, 0)

    handed = {"cash": f"¥{cash - 10}", "card": "0", "wechat": "0.00", "alipay": 0}
    rec = services.reconciliation_record(by=finance, property=prop, day=DAY, handed=handed, note="  现金短款待查  ")
    row = Reconciliation.objects.get(pk=rec.pk)
    assert (row.property_id, row.day, row.version, row.receipts) == (prop.pk, DAY, 1, 2)
    assert row.expected == {m: str(v) for m, v in {**zeros, "cash": cash}.items()}
    assert row.handed == {"cash": str(cash - 10), "card": "0.00", "wechat": "0.00", "alipay": "0.00"}
    assert row.differences == {"cash": "-10.00"} and row.balanced is False
    assert (row.note, row.corrects_id, row.correction_reason) == ("现金短款待查", None, "")
    assert (row.by_id, row.by_name, row.at) == (finance.pk, str(finance), T0)

    before = services.reconciliation_record(by=finance, property=prop, day=DAY - ONE_DAY, handed=ZERO)
    row = Reconciliation.objects.get(pk=before.pk)
    assert (row.day, row.version, row.receipts, row.expected["cash"], row.differences, row.note) == (
        DAY - ONE_DAY,
        1,
        0,
        "0.00",
        {},
        "",
    )
    elsewhere = services.reconciliation_record(by=persona("wlbg-finance"), property=office, day=DAY, handed=ZERO)
    row = Reconciliation.objects.get(pk=elsewhere.pk)
    assert (row.property_id, row.day, row.version, row.receipts, row.expected["cash"], row.differences) == (
        office.pk,
        DAY,
        1,
        0,
        "0.00",
        {},
    )


def test_r2_12_a_closed_day_says_when_it_was_reconciled_on_the_propertys_clock(clock, persona):
    """R2.12: the refusal tells the time of the first reconciliation as the property's
    clock read it: 10:00 in Tokyo when it is 09:00 in Shanghai."""
    finance = persona("ygjy-finance")
    Property.objects.filter(code="YGJY").update(time_zone="Asia/Tokyo")
    services.reconciliation_record(by=finance, property=ygjy(), day=DAY, handed=ZERO)
    with pytest.raises(Conflict) as err:
        services.reconciliation_record(by=finance, property=ygjy(), day=DAY, handed=ZERO)
    assert err.value.message == _(
        "%(day)s is reconciled already (by %(by)s at %(at)s). To change it, record a correction "
        "with its reason; the first reconciliation is kept."
    ) % {"day": "2026-11-23", "by": str(finance), "at": "2026-11-23 10:00"}


def test_r2_12_a_closed_day_is_refused_saying_who_and_when_a_correction_is_a_new_version(clock, persona):
    """R2.12: reconciling a reconciled day again is refused with who reconciled it and
    when (the property's clock, not the time of asking); a correction with its reason is
    version 2 beside the first, with who (50 characters of the name), when and why."""
    finance, prop = persona("ygjy-finance"), ygjy()
    first = services.reconciliation_record(by=finance, property=prop, day=DAY, handed=ZERO)
    name = str(finance)
    clock.shift(HOUR)
    with pytest.raises(Conflict) as err:
        services.reconciliation_record(by=finance, property=prop, day=DAY, handed={**ZERO, "cash": "5"})
    assert err.value.message == _(
        "%(day)s is reconciled already (by %(by)s at %(at)s). To change it, record a correction "
        "with its reason; the first reconciliation is kept."
    ) % {"day": "2026-11-23", "by": name, "at": "2026-11-23 09:00"}
    assert err.value.code == "reconciled_already"
    assert Reconciliation.objects.count() == 1

    User.objects.filter(pk=finance.pk).update(display_name="", username=LONG_NAME)
    finance.refresh_from_db()
    fixed = services.reconciliation_record(
        by=finance, property=prop, day=DAY, handed={**ZERO, "cash": "5"}, correction_reason="  漏记一笔现金  "
    )
    row = Reconciliation.objects.get(pk=fixed.pk)
    assert (row.version, row.corrects_id, row.correction_reason, row.note) == (2, first.pk, "漏记一笔现金", "")
    assert (row.differences, row.receipts) == ({"cash": "5.00"}, 0)
    assert (row.by_id, row.by_name, row.at) == (finance.pk, LONG_NAME[:50], T0 + HOUR)
    kept = Reconciliation.objects.get(pk=first.pk)
    assert (kept.version, kept.differences, kept.by_name, kept.at) == (1, {}, name, T0)


def test_r2_12_bad_reconciliations_are_refused_on_their_field_and_write_nothing(clock, persona):
    finance, prop = persona("ygjy-finance"), ygjy()
    with pytest.raises(InvalidInput) as err:
        services.reconciliation_record(by=finance, property=prop, day=DAY + ONE_DAY, handed=ZERO)
    assert (err.value.message, err.value.field) == (_("That day has not come yet."), "day")
    with pytest.raises(InvalidInput) as err:
        services.reconciliation_record(by=finance, property=prop, day=DAY, handed=ZERO, correction_reason="补记")
    assert (err.value.message, err.value.field) == (
        _("%(day)s is not reconciled yet: there is nothing to correct.") % {"day": "2026-11-23"},
        "correction_reason",
    )
    with pytest.raises(InvalidInput) as err:
        services.reconciliation_record(by=finance, property=prop, day=DAY, handed=ZERO, note="注" * 501)
    assert (err.value.message, err.value.field) == (too_long(501, 500), "note")
    with pytest.raises(InvalidInput) as err:
        services.reconciliation_record(by=finance, property=prop, day=DAY, handed=ZERO, correction_reason="因" * 501)
    assert (err.value.message, err.value.field) == (too_long(501, 500), "correction_reason")
    assert not Reconciliation.objects.exists()

    first = services.reconciliation_record(by=finance, property=prop, day=DAY, handed=ZERO, note="注" * 500)
    assert Reconciliation.objects.get(pk=first.pk).note == "注" * 500
    fixed = services.reconciliation_record(
        by=finance, property=prop, day=DAY, handed=ZERO, correction_reason="因" * 500
    )
    assert Reconciliation.objects.get(pk=fixed.pk).correction_reason == "因" * 500


def test_r2_12_a_day_that_has_not_come_at_the_property_is_refused_to_the_last_second(clock, persona, monkeypatch):
    """R2.12: at 23:59:59 the next day has not come, even if the clock passes midnight
    while the reconciliation is checked; the day itself is reconciled at that moment."""
    finance, prop = persona("ygjy-finance"), ygjy()
    last = datetime.datetime(2026, 11, 23, 23, 59, 59, tzinfo=SHANGHAI)
    clock.move_to(last)
    monkeypatch.setattr(services, "timezone", Ticking(clock))
    with pytest.raises(InvalidInput) as err:
        services.reconciliation_record(by=finance, property=prop, day=DAY + ONE_DAY, handed=ZERO)
    assert (err.value.message, err.value.field) == (_("That day has not come yet."), "day")
    assert not Reconciliation.objects.exists()
    clock.move_to(last)
    rec = services.reconciliation_record(by=finance, property=prop, day=DAY, handed=ZERO)
    assert (Reconciliation.objects.get(pk=rec.pk).day, Reconciliation.objects.get(pk=rec.pk).at) == (DAY, last)


def test_r2_12_two_reconciliations_of_a_day_at_the_same_moment_keep_the_first(clock, persona, monkeypatch):
    """R2.12: the day reconciled by another request while this one was being checked:
    this one is refused, the other's stays as it was written."""
    finance, prop = persona("ygjy-finance"), ygjy()
    quicker: list[Reconciliation] = []
    meanwhile(
        monkeypatch,
        "expected_by_method",
        lambda: quicker.append(
            services.reconciliation_record(by=finance, property=prop, day=DAY, handed={**ZERO, "cash": "1"})
        ),
    )
    with pytest.raises(Conflict) as err:
        services.reconciliation_record(by=finance, property=prop, day=DAY, handed=ZERO)
    assert (err.value.message, err.value.code) == (
        _("Someone else reconciled %(day)s at the same moment; reload and check.") % {"day": "2026-11-23"},
        "reconciled_already",
    )
    [other] = quicker
    row = Reconciliation.objects.get()
    assert (row.pk, row.version, row.handed["cash"], row.differences) == (other.pk, 1, "1.00", {"cash": "1.00"})
