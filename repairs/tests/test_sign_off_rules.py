"""The quote, the customer's decision and the sign-off of a repair (R2.6, R2.9, R2.11,
R2.15, R3.4) pinned exactly: what each step writes and reads back, each refusal's
message and field, the limits on both sides, a decision made from a stale page, and the
lapsed sign-off pass (a job nobody signed within the property's days) with a customer
signing during the pass (docs/repairs.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from base.errors import IllegalTransition, InvalidInput
from catalog.models import Category, ServiceItem
from conftest import T0
from estates.models import Property
from people.models import User
from promises.models import Clock, Deadline
from promises.services import deadline_start
from repairs import services as work
from repairs.models import Quote, WorkOrder
from repairs.schemas import ItemIn
from tickets.kinds import draft_from
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_create
from tickets.workflow import event_append

SECOND = datetime.timedelta(seconds=1)
DAY = datetime.timedelta(days=1)
REPORTER = "王芳"  # the reporter of every job here


def too_long(length: int, limit: int) -> str:
    return _("Too long: %(length)d characters, at most %(max)d.") % {"length": length, "max": limit}


def job(prop: str = "YGJY", **fields: object) -> Ticket:
    """A repair recorded by the property's desk: by default a tap at 3-1202 (in warranty)."""
    body: dict[str, object] = {
        "kind": "repair",
        "property": prop,
        "unit": "3-1202",
        "category": "plumbing",
        "reporter_name": REPORTER,
        "reporter_phone": "13800138000",
        "description": "水龙头坏了",
    }
    body.update(fields)
    return ticket_create(by=User.objects.get(username=f"{prop.lower()}-agent"), draft=draft_from(body))


def on_site(t: Ticket) -> User:
    """Dispatched to the property's first technician, accepted and checked in."""
    prefix = t.property.code.lower()
    agent, tech = User.objects.get(username=f"{prefix}-agent"), User.objects.get(username=f"{prefix}-tech1")
    work.work_order_dispatch(ticket=t, by=agent, assignee=tech.username)
    work.work_order_accept(ticket=t, by=tech)
    work.work_order_arrive(ticket=t, by=tech)
    return tech


def items(*codes: str, **quantities: int) -> list[ItemIn]:
    return [ItemIn.model_validate({"item": c, "quantity": quantities.get(c.replace("-", "_"), 1)}) for c in codes]


def awaiting_consent(**fields: str) -> tuple[Ticket, User]:
    """A home job with PL-01 (labour 30, service 10): its quote waits for the customer."""
    t = job(**fields)
    tech = on_site(t)
    work.work_order_confirm(ticket=t, by=tech, items=items("PL-01"))
    assert t.status == "awaiting_consent"
    return t, tech


def in_progress(prop: str = "YGJY", area: str = "3栋大堂") -> tuple[Ticket, User]:
    """A free common-area job (PB-01) under way."""
    t = job(prop, unit=None, common_area=area, category="public", description="大堂灯不亮")
    tech = on_site(t)
    work.work_order_confirm(ticket=t, by=tech, items=items("PB-01"))
    return t, tech


def completed(prop: str = "YGJY", area: str = "3栋大堂") -> tuple[Ticket, User]:
    """A free common-area job, done and waiting for the customer's sign-off."""
    t, tech = in_progress(prop, area)
    work.work_order_complete(ticket=t, by=tech)
    assert t.status == "completed"
    return t, tech


def last_event(t: Ticket, action: str) -> TicketEvent:
    return TicketEvent.objects.filter(ticket=t, action=action).latest("id")


def order_of(t: Ticket) -> WorkOrder:
    return WorkOrder.objects.get(ticket=t)


# --- Paid or free, and the quote shown (R2.6, R2.9, R3.4) ----------------------------


@pytest.mark.parametrize(("fee", "paid"), [(Decimal("0"), False), (Decimal("1"), True)])
def test_r2_9_a_home_job_is_paid_from_its_first_yuan(clock, fee, paid):
    """R2.6, R2.9: a home job whose items come to ¥0 is free and goes to work; one that
    comes to ¥1 is paid and waits for the customer's consent to a quote of ¥1.00."""
    ServiceItem.objects.create(
        company=Property.objects.get(code="YGJY").company,
        category=Category.objects.get(code="plumbing"),
        code="T-1",
        name="检查",
        labour_fee=fee,
    )
    t = job()
    work.work_order_confirm(ticket=t, by=on_site(t), items=items("T-1"))
    t.refresh_from_db()
    assert t.status == ("awaiting_consent" if paid else "in_progress")
    assert order_of(t).is_paid is paid
    assert list(Quote.objects.filter(order__ticket=t).values_list("total", flat=True)) == ([fee] if paid else [])


def test_r2_9_the_quote_keeps_each_line_and_the_totals_and_the_timeline_shows_them(clock):
    """R2.9: the quote lists each item as shown (code, name, quantity, the three fees and
    the line's total) with labour, material and service totals; the confirming event on
    the timeline carries the same figures."""
    t = job()
    tech = on_site(t)
    work.work_order_confirm(ticket=t, by=tech, items=items("PL-03", "PL-01", PL_03=2))
    catalogue = {s.code: s for s in ServiceItem.objects.filter(code__in=["PL-01", "PL-03"])}
    q = Quote.objects.get(order__ticket=t)
    assert q.lines == [
        {
            "item": code,
            "description": catalogue[code].name,
            "quantity": str(quantity),
            "labour_fee": str(catalogue[code].labour_fee),
            "material_fee": str(catalogue[code].material_fee),
            "service_fee": str(catalogue[code].service_fee),
            "total": total,
        }
        for code, quantity, total in (("PL-03", 2, "80.00"), ("PL-01", 1, "40.00"))
    ]
    assert (q.version, q.status, q.labour_total, q.material_total, q.service_total, q.total) == (
        1,
        Quote.Status.PENDING,
        Decimal("70.00"),
        Decimal("30.00"),
        Decimal("20.00"),
        Decimal("120.00"),
    )
    assert (q.fee_basis, q.fee_reason, q.created_at) == ("", "", T0)
    event = last_event(t, "confirm")
    assert event.data["quote"] == {
        "version": 1,
        "labour": "70.00",
        "material": "30.00",
        "service": "20.00",
        "total": "120.00",
        "fee_basis": "",
    }


def test_r2_9_a_new_quote_supersedes_the_one_still_waiting(clock):
    """R2.9: a job returned to dispatch while its quote waits (R2.16), taken up again and
    confirmed anew gets quote version 2; version 1 is superseded, not left waiting beside it."""
    t, tech = awaiting_consent()
    work.work_order_release(ticket=t, by=User.objects.get(username="ygjy-agent"), reason="师傅请假")
    t.refresh_from_db()
    tech = on_site(t)
    work.work_order_confirm(ticket=t, by=tech, items=items("PL-01", PL_01=2))
    quotes = list(Quote.objects.filter(order__ticket=t).order_by("version").values_list("version", "status", "total"))
    assert quotes == [(1, Quote.Status.SUPERSEDED, Decimal("40.00")), (2, Quote.Status.PENDING, Decimal("80.00"))]
    assert last_event(t, "confirm").data["quote"]["version"] == 2


def test_r3_4_misuse_is_recorded_with_its_reason_and_the_quote_says_so(estate):
    """R3.4: the technician marks misuse with its reason (500 characters at most): the
    status stays, the event and the work order keep the reason and the time, and the
    quote that follows is priced in full with basis "misuse" and the reason."""
    with time_machine.travel(T0, tick=True):
        t = job()
        tech = on_site(t)
        reason = "装" * 500
        work.work_order_mark_misuse(ticket=t, by=tech, reason=f"  {reason} ")
        event = last_event(t, "mark_misuse")
        order = order_of(t)
        assert (event.actor, event.from_status, event.to_status, event.note, event.data) == (
            tech,
            "on_site",
            "on_site",
            reason,
            {"misuse": reason},
        )
        assert order.misuse_reason == reason and order.misuse_marked_at == event.at
        assert Ticket.objects.get(pk=t.pk).status == "on_site"
        work.work_order_confirm(ticket=t, by=tech, items=items("PL-01"))
    q = Quote.objects.get(order__ticket=t)
    assert (q.fee_basis, q.fee_reason, q.service_total, q.total) == (
        "misuse",
        reason,
        Decimal("10.00"),
        Decimal("40.00"),
    )


@pytest.mark.parametrize(("reason", "message"), [("装" * 501, too_long(501, 500)), ("  ", None)])
def test_r3_4_misuse_needs_a_reason_of_at_most_500_characters(clock, reason, message):
    """R3.4: an empty reason or one of 501 characters is refused on the field "reason";
    nothing is marked."""
    t = job()
    tech = on_site(t)
    with pytest.raises(InvalidInput) as refused:
        work.work_order_mark_misuse(ticket=t, by=tech, reason=reason)
    assert (refused.value.message, refused.value.field) == (message or _("This field cannot be empty."), "reason")
    assert order_of(t).misuse_reason == "" and not TicketEvent.objects.filter(ticket=t, action="mark_misuse").exists()


# --- The customer's decision (R2.9) --------------------------------------------------


def test_r2_9_consent_records_who_and_when_and_starts_the_work_once(estate):
    """R2.9: consent records the customer's name (the reporter's when none is given),
    the note and the moment on the quote, the event and the work order's start; a grown
    job's second consent keeps the first start, and no other job is started."""
    with time_machine.travel(T0, tick=True):
        other = job(unit="3-1201")  # recorded, not yet started
        t, tech = awaiting_consent()
        work.work_order_consent(ticket=t, by=tech, customer_name=" 李四 ", note="电话确认")
        event, order, q = last_event(t, "consent"), order_of(t), Quote.objects.get(order__ticket=t)
        assert (event.actor, event.note, event.to_status) == (tech, "电话确认", "in_progress")
        assert event.data == {"quote_version": 1, "total": "40.00", "customer": "李四"}
        assert (q.status, q.decided_by_name, q.decided_at) == (Quote.Status.CONSENTED, "李四", event.at)
        assert order.started_at == event.at
        first_start = order.started_at
        work.work_order_revise(ticket=t, by=tech, items=items("PL-03"))
        work.work_order_consent(ticket=t, by=tech)
    event = last_event(t, "consent")
    q2 = Quote.objects.get(order__ticket=t, version=2)
    assert (event.note, event.data) == ("", {"quote_version": 2, "total": "80.00", "customer": REPORTER})
    assert (q2.status, q2.decided_by_name, q2.decided_at) == (Quote.Status.CONSENTED, REPORTER, event.at)
    assert order_of(t).started_at == first_start < event.at
    assert order_of(other).started_at is None


@pytest.mark.parametrize("grown", [False, True], ids=["first-quote", "grown-job"])
def test_r2_9_a_job_deferred_while_its_quote_waits_resumes_waiting_for_consent(clock, grown):
    """R2.9: a deferral does not stand for the customer's consent. A job deferred while its
    quote waits (the first one, or a higher one after the job grew) resumes waiting for
    that quote, which still waits; the promised return is kept."""
    t, tech = awaiting_consent()
    if grown:
        work.work_order_consent(ticket=t, by=tech)
        work.work_order_revise(ticket=t, by=tech, items=items("PL-03"))
    waiting = Quote.objects.get(order__ticket=t, status=Quote.Status.PENDING)
    work.work_order_defer(ticket=t, by=tech, reason="业主不在家", promised_at=T0 + datetime.timedelta(days=1))
    clock.shift(datetime.timedelta(hours=2))
    work.work_order_resume(ticket=t, by=tech)
    assert Ticket.objects.get(pk=t.pk).status == "awaiting_consent"
    assert Quote.objects.get(pk=waiting.pk).status == Quote.Status.PENDING
    promise = Deadline.objects.get(ticket=t, clock=Clock.PROMISE, status=Deadline.Status.MET)
    assert promise.met_at == T0 + datetime.timedelta(hours=2)


@pytest.mark.parametrize("since", ["renewed", "call-logged", "other-job-deferred"])
def test_r2_9_the_resume_follows_this_jobs_own_deferral_not_what_came_after(clock, since):
    """R2.9: what happened after the deferral does not change where the job resumes: the
    deferral renewed, a call about it logged on its timeline, or another job deferred
    later from arrival. It still resumes waiting for its customer's consent."""
    t, tech = awaiting_consent()
    work.work_order_defer(ticket=t, by=tech, reason="业主不在家", promised_at=T0 + DAY)
    clock.shift(datetime.timedelta(minutes=5))
    if since == "renewed":
        work.work_order_defer(ticket=t, by=tech, reason="业主出差", promised_at=T0 + 2 * DAY)
        assert last_event(t, "defer").from_status == "deferred"
    elif since == "call-logged":
        event_append(ticket=t, action="contact", by=User.objects.get(username="ygjy-agent"), note="业主来电询问")
    else:
        other = job(unit="3-1201")
        agent = User.objects.get(username="ygjy-agent")
        work.work_order_dispatch(ticket=other, by=agent, assignee=tech.username)
        work.work_order_accept(ticket=other, by=tech)
        work.work_order_defer(ticket=other, by=tech, reason="业主不在家", promised_at=T0 + DAY)
    work.work_order_resume(ticket=t, by=tech)
    assert Ticket.objects.get(pk=t.pk).status == "awaiting_consent"


def test_r2_16_a_job_returned_to_dispatch_with_its_quote_waiting_resumes_to_arrival(clock):
    """R2.16, R2.13: a job returned to dispatch while its quote waited, taken again and
    deferred before anyone arrived, resumes to arrival: the old quote waiting does not
    put it back at the customer's consent with nobody on site."""
    t, tech = awaiting_consent()
    agent = User.objects.get(username="ygjy-agent")
    work.work_order_release(ticket=t, by=agent, reason="师傅请假")
    t.refresh_from_db()
    work.work_order_dispatch(ticket=t, by=agent, assignee=tech.username)
    work.work_order_accept(ticket=t, by=tech)
    work.work_order_defer(ticket=t, by=tech, reason="业主不在家", promised_at=T0 + DAY)
    work.work_order_resume(ticket=t, by=tech)
    assert Ticket.objects.get(pk=t.pk).status == "accepted"
    assert Quote.objects.filter(order__ticket=t, status=Quote.Status.PENDING).count() == 1


@pytest.mark.parametrize("name", [None, "", "长" * 50])
def test_r2_9_declining_the_quote_ends_the_job_and_stops_its_clocks(clock, name):
    """R2.9: the decline records the customer (the reporter when no name is given or it
    is left empty; a name of 50 characters in full), the job is not done and its open clocks are cancelled;
    another job's clocks run on."""
    t, tech = awaiting_consent()
    deadline_start(ticket=t, clock=Clock.PROMISE, start=T0, due=T0 + DAY)
    other = job(unit="3-1201")  # its recording and notifying clocks are open
    others_open = set(Deadline.objects.filter(ticket=other, status=Deadline.Status.OPEN).values_list("pk", flat=True))
    assert others_open
    work.work_order_decline_quote(ticket=t, by=tech, **({} if name is None else {"customer_name": name}))
    customer = name or REPORTER
    t.refresh_from_db()
    event, q = last_event(t, "decline_quote"), Quote.objects.get(order__ticket=t)
    assert (t.status, t.closed_at, t.next_due_at) == ("declined", T0, None)
    assert (event.note, event.at, event.data) == ("", T0, {"quote_version": 1, "total": "40.00", "customer": customer})
    assert (q.status, q.decided_by_name, q.decided_at) == (Quote.Status.DECLINED, customer, T0)
    assert not Deadline.objects.filter(ticket=t, status=Deadline.Status.OPEN).exists()
    assert set(Deadline.objects.filter(ticket=other, status=Deadline.Status.OPEN).values_list("pk", flat=True)) == (
        others_open
    )


def test_r2_9_the_customer_s_name_is_at_most_50_characters(clock):
    """R2.9: a customer's name of 51 characters is refused on "customer_name"; the quote
    still waits."""
    t, tech = awaiting_consent()
    with pytest.raises(InvalidInput) as refused:
        work.work_order_consent(ticket=t, by=tech, customer_name="长" * 51)
    assert (refused.value.message, refused.value.field) == (too_long(51, 50), "customer_name")
    assert Quote.objects.get(order__ticket=t).status == Quote.Status.PENDING


def test_r2_9_a_decision_from_a_stale_page_finds_no_quote_waiting(clock):
    """R2.9: the desk consented a moment ago; the technician's decline sent from the page
    read before is refused (no quote waits any more) and the consent stands."""
    t, tech = awaiting_consent()
    stale = Ticket.objects.get(pk=t.pk)
    work.work_order_consent(ticket=t, by=User.objects.get(username="ygjy-agent"))
    with pytest.raises(IllegalTransition) as refused:
        work.work_order_decline_quote(ticket=stale, by=tech)
    assert refused.value.message == _("There is no quote waiting for the customer.")
    assert Quote.objects.get(order__ticket=t).status == Quote.Status.CONSENTED
    assert Ticket.objects.get(pk=t.pk).status == "in_progress"


# --- Sign-off (R2.11, R2.15) ---------------------------------------------------------


def test_r2_11_sign_off_records_the_rating_the_signer_and_the_moment(estate):
    """R2.11: a rating of 3 with nothing else said is a satisfied sign-off by the reporter,
    with no comment; the event and the work order agree on every field and the moment."""
    with time_machine.travel(T0, tick=True):
        t, tech = completed()
        assert work.work_order_sign_off(ticket=t, by=tech, satisfaction=3) is None
    event, order = last_event(t, "sign_off"), order_of(t)
    assert (event.actor, event.from_status, event.to_status, event.note) == (tech, "completed", "signed_off", "")
    assert event.data == {"satisfaction": 3, "satisfied": True, "signed_by": REPORTER}
    assert (order.signed_off_at, order.satisfaction, order.satisfied, order.signed_by, order.sign_off_note) == (
        event.at,
        3,
        True,
        REPORTER,
        "",
    )
    assert Ticket.objects.get(pk=t.pk).status == "signed_off"
    assert not WorkOrder.objects.filter(rework_of=order).exists()


def test_r2_15_a_rating_of_2_is_unsatisfied_and_opens_a_rework_with_the_standard_reason(clock):
    """R2.15: satisfaction 2 (at or below 2) is not satisfied even when "satisfied" is left
    as is; with no comment the rework's reason is the standard one."""
    t, tech = completed()
    rework = work.work_order_sign_off(ticket=t, by=tech, satisfaction=2)
    reason = _("The customer was not satisfied at sign-off.")
    order = order_of(t)
    assert (order.satisfied, order.satisfaction, order.sign_off_note) == (False, 2, "")
    assert last_event(t, "sign_off").data == {"satisfaction": 2, "satisfied": False, "signed_by": REPORTER}
    opened = last_event(t, "rework_opened")
    assert rework is not None and (opened.note, opened.data) == (reason, {"rework": rework.number})
    assert rework.description == _("Rework of %(number)s: %(reason)s") % {"number": t.number, "reason": reason}
    assert order_of(rework).rework_of == order


def test_r2_15_an_unsatisfied_customer_s_comment_is_the_rework_s_reason(clock):
    """R2.15: a customer who rates 5 but says not satisfied, with a comment: the comment is
    the sign-off's note and the rework's reason."""
    t, tech = completed()
    rework = work.work_order_sign_off(ticket=t, by=tech, satisfaction=5, satisfied=False, comment=" 还是不亮 ")
    order = order_of(t)
    assert (order.satisfied, order.satisfaction, order.sign_off_note) == (False, 5, "还是不亮")
    event = last_event(t, "sign_off")
    assert (event.note, event.data) == ("还是不亮", {"satisfaction": 5, "satisfied": False, "signed_by": REPORTER})
    assert rework is not None and last_event(t, "rework_opened").note == "还是不亮"


def test_r2_11_satisfaction_is_a_whole_number_from_1_to_5_and_the_signer_50_characters(clock):
    """R2.11: 0, 6, "5" and 3.0 are refused on "satisfaction", a signer of 51 characters
    on "signed_by", a comment of 2001 on "comment"; nothing is signed. Then 1 with a
    signer of 50 characters is taken (and is unsatisfied: a rework, R2.15)."""
    t, tech = completed()
    cases: list[tuple[dict, str, str]] = [
        *(
            ({"satisfaction": s}, _("Satisfaction is a whole number from 1 to 5."), "satisfaction")
            for s in (0, 6, "5", 3.0)
        ),
        ({"satisfaction": 5, "signed_by": "长" * 51}, too_long(51, 50), "signed_by"),
        ({"satisfaction": 5, "comment": "长" * 2001}, too_long(2001, 2000), "comment"),
    ]
    for args, message, field in cases:
        with pytest.raises(InvalidInput) as refused:
            work.work_order_sign_off(ticket=t, by=tech, **args)
        assert (refused.value.message, refused.value.field) == (message, field), args
    assert order_of(t).signed_off_at is None and not TicketEvent.objects.filter(ticket=t, action="sign_off").exists()
    assert work.work_order_sign_off(ticket=t, by=tech, satisfaction=1, signed_by="长" * 50) is not None
    assert (order_of(t).satisfaction, order_of(t).signed_by, order_of(t).signed_off_at) == (1, "长" * 50, T0)


def test_r2_11_a_rating_of_5_is_taken(clock):
    """R2.11: 5 is the top of the scale, taken and satisfied."""
    t, tech = completed()
    assert work.work_order_sign_off(ticket=t, by=tech, satisfaction=5) is None
    assert (order_of(t).satisfaction, order_of(t).satisfied) == (5, True)


# --- Sign-off taken as given when the days run out (R2.11) ---------------------------


def lapse_note(days: int) -> str:
    return _("Not signed within %(days)d days of completion: taken as signed off.") % {"days": days}


def snapshot(t: Ticket) -> tuple:
    t = Ticket.objects.get(pk=t.pk)
    return t.status, t.version, t.updated_at, order_of(t).signed_off_at, TicketEvent.objects.filter(ticket=t).count()


def test_r2_11_a_job_not_signed_within_the_property_s_days_is_taken_as_signed_off(clock):
    """R2.11 with the property's policy (1 day at 阳光嘉园, never at 五凌办公): exactly a day
    after completion a job is taken as signed off, with no rating, by nobody; one reported
    back before the customer signed stays reported and is signed too. A job completed a
    second later, one already signed, and one at a property that never lapses stay as
    they are. The pass reads the jobs in one query, counts what it did and does it once."""
    Property.objects.filter(code="YGJY").update(sign_off_days=1)
    Property.objects.filter(code="WLBG").update(sign_off_days=0)
    later, tech = in_progress()  # the lowest number, completed a second after the others
    due, _tech = completed(area="2栋大堂")
    reported, _tech = completed(area="1栋大堂")
    work.work_order_report_back(ticket=reported, by=tech)
    signed, _tech = completed(area="小区大门")
    work.work_order_sign_off(ticket=signed, by=tech, satisfaction=4)
    work.work_order_report_back(ticket=signed, by=tech)
    never, _tech = completed("WLBG", area="A座大堂")
    clock.shift(1)
    work.work_order_complete(ticket=later, by=tech)
    assert order_of(later).completed_at == T0 + SECOND
    untouched = {t.pk: snapshot(t) for t in (later, signed, never)}
    versions = {t.pk: Ticket.objects.get(pk=t.pk).version for t in (due, reported)}
    now = T0 + DAY
    clock.move_to(now + DAY)  # the pass is told the moment; its own clock reads later
    with CaptureQueriesContext(connection) as queries:
        assert work.work_orders_sign_off_lapsed(now) == 2
    assert [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")] == [
        queries.captured_queries[0]["sql"]
    ]
    for t, before, after in ((due, "completed", "signed_off"), (reported, "reported", "reported")):
        t.refresh_from_db()
        assert (t.status, t.version, t.updated_at) == (after, versions[t.pk] + 1, now)
        event = last_event(t, "sign_off")
        assert (event.actor, event.actor_name, event.at, event.from_status, event.to_status) == (
            None,
            "",
            now,
            before,
            after,
        )
        assert (event.note, event.data) == (lapse_note(1), {"lapsed": True})
        order = order_of(t)
        assert (order.signed_off_at, order.satisfaction, order.satisfied, order.signed_by) == (now, None, None, "")
    assert {t.pk: snapshot(t) for t in (later, signed, never)} == untouched
    assert work.work_orders_sign_off_lapsed(now) == 0  # once


def test_r2_11_a_customer_signing_during_the_pass_wins_whole(clock):
    """R2.11: while the pass works through the lapsed jobs, the customer of one of them
    (reported back, not yet signed) signs it. The pass leaves that job to the customer
    (one sign-off, theirs, one version step) and goes on to the next job."""
    first, tech = completed()
    signing, _tech = completed(area="2栋大堂")
    work.work_order_report_back(ticket=signing, by=tech)
    last, _tech = completed(area="1栋大堂")
    version = Ticket.objects.get(pk=signing.pk).version
    days = Property.objects.get(code="YGJY").sign_off_days
    now = T0 + days * DAY

    def customer_signs(sender, instance, created, **kwargs):  # type: ignore[no-untyped-def]
        if created and instance.ticket_id == first.pk and instance.data == {"lapsed": True}:
            work.work_order_sign_off(ticket=Ticket.objects.get(pk=signing.pk), by=tech, satisfaction=4)

    clock.move_to(now)
    post_save.connect(customer_signs, sender=TicketEvent)
    try:
        assert work.work_orders_sign_off_lapsed(now) == 2
    finally:
        post_save.disconnect(customer_signs, sender=TicketEvent)
    signing.refresh_from_db()
    assert (signing.status, signing.version) == ("reported", version + 1)
    signs = TicketEvent.objects.filter(ticket=signing, action="sign_off")
    assert [(e.actor, e.data) for e in signs] == [(tech, {"satisfaction": 4, "satisfied": True, "signed_by": REPORTER})]
    assert (order_of(signing).signed_off_at, order_of(signing).satisfaction) == (now, 4)
    for t in (first, last):
        assert (Ticket.objects.get(pk=t.pk).status, order_of(t).signed_off_at) == ("signed_off", now)
        assert last_event(t, "sign_off").note == lapse_note(days)
