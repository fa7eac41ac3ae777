"""Repairs that are not ours to fix: sent to the builder under warranty (tag Z, R2.22,
R3.3) or to an outside provider (tag Q, R2.23) with that party's promised times, chased
and struck off by the desk (R2.26); coordination matters tagged GT (R2.24) in the log."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import transaction

from base.errors import InvalidInput
from conftest import T0, intake_post, login, raised_number, recorded, repair_draft
from contacts.selectors import daily_log
from estates.models import Property
from notify.models import Notification
from promises.models import Deadline
from promises.services import sweep
from repairs.models import Referral, WorkOrder
from tickets.models import Ticket, TicketEvent
from tickets.schemas import TicketDraft
from tickets.services import ticket_create

MIN = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


# --- Helpers ------------------------------------------------------------------------------


def record(api, draft, user: str = "ygjy-agent", **over):
    return api(user).post("/tickets", draft(**over))


def new_ticket(api, draft, **over) -> str:
    r = record(api, draft, **over)
    assert r.status_code == 201, r.content
    return r.json()["number"]


def to_builder(api, draft, **over) -> str:
    return new_ticket(api, draft, route="Z", party="ZJ-YG", **over)


def to_provider(api, draft, party: str = "DX-KD", **over) -> str:
    return new_ticket(api, draft, route="Q", party=party, category="low_voltage", description="宽带断网两天", **over)


def clocks(number: str) -> dict[str, Deadline]:
    return {d.clock: d for d in Deadline.objects.filter(ticket__number=number).exclude(status="cancelled")}


def nothing_written() -> tuple[int, int, int]:
    return Ticket.objects.count(), Referral.objects.count(), Deadline.objects.count()


def update(api, number: str, what: str, user: str = "ygjy-agent", **body):
    return api(user).act(number, "party_update", {"update": what, **body})


# --- R2.22 / R3.3: sent to the builder at intake ---------------------------------------------------


def test_a_warranty_repair_goes_straight_to_the_builder(clock, api, draft):
    """R2.22, R3.3: tag Z: sent to the builder at once; on site within 24 hours, fixed within 15 days."""
    number = to_builder(api, draft)
    ticket = Ticket.objects.get(number=number)
    assert (ticket.status, ticket.route) == ("referred", "Z")
    c = clocks(number)
    assert (c["party_arrive"].status, c["party_arrive"].started_at, c["party_arrive"].due_at) == ("open", T0, T0 + DAY)
    assert (c["party_fix"].status, c["party_fix"].due_at) == ("open", T0 + 15 * DAY)
    assert c["notify"].status == "met" and c["notify"].on_time  # sending it is notifying the team
    assert "arrive" not in c
    assert ticket.next_due_at == T0 + DAY
    referral = Referral.objects.get(ticket=ticket)
    assert (referral.route, referral.builder and referral.builder.code, referral.provider, referral.sent_at) == (
        "Z",
        "ZJ-YG",
        None,
        T0,
    )
    refer = TicketEvent.objects.get(ticket=ticket, action="refer")
    assert refer.data["route"] == "Z" and refer.data["party"] == "ZJ-YG" and refer.to_status == "referred"


def test_the_console_intake_sends_a_z_repair_to_the_builder(clock):
    """R2.22: the desk's intake form with route Z and the builder does the same."""
    desk = login("ygjy-agent")
    r = intake_post(
        desk, kind="repair", category="plumbing", description="卫生间下水管漏水", route="Z", party_z="ZJ-YG"
    )
    number = raised_number(r)
    assert Ticket.objects.get(number=number).status == "referred"
    page = desk.get(f"/t/{number}/").content.decode()
    assert '<span class="tag route">Z</span>' in page and "湖南中建阳光置业" in page


@pytest.mark.parametrize(("party", "hours"), [("DX-KD", 24), ("HX-RSQ", 48)])
def test_a_provider_repair_runs_on_the_providers_own_promise(clock, api, draft, party, hours):
    """R2.23: tag Q: the provider is chased to come within its own promised time; no 15-day fix clock."""
    number = to_provider(api, draft, party=party)
    ticket = Ticket.objects.get(number=number)
    assert (ticket.status, ticket.route) == ("referred", "Q")
    c = clocks(number)
    assert c["party_arrive"].due_at == T0 + hours * HOUR
    assert "party_fix" not in c
    provider = Referral.objects.get(ticket=ticket).provider
    assert provider is not None and provider.code == party


@pytest.mark.parametrize("route", ["Z", "Q"])
def test_a_missing_party_is_refused_and_nothing_is_created(clock, api, draft, route):
    """R2.22-R2.23: a repair sent out needs its builder or provider; without one, 422 and nothing written."""
    before = nothing_written()
    r = record(api, draft, route=route)
    assert r.status_code == 422, r.content
    assert r.json()["errors"][0]["field"] == "party"
    assert nothing_written() == before


UNKNOWN_PARTIES = [
    ("Z", "NO-SUCH"),
    ("Z", "DX-KD"),  # a provider is not a builder
    ("Q", "ZJ-YG"),  # nor a builder a provider
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("route", "party"), UNKNOWN_PARTIES)
def test_an_unknown_party_is_refused_and_nothing_is_created(clock, api, draft, route, party):
    """R2.22-R2.23: a party that is not a builder (Z) or provider (Q) of the company: 422 and
    nothing written (run with real transactions, as a request in production)."""
    before = nothing_written()
    r = record(api, draft, route=route, party=party)
    assert r.status_code == 422, r.content
    assert r.json()["errors"][0]["field"] == "party"
    assert nothing_written() == before


@pytest.mark.parametrize(("route", "party"), UNKNOWN_PARTIES)
def test_an_unknown_party_is_refused_before_anything_is_written(clock, persona, route, party):
    """R2.22-R2.23: the refusal comes before any write, so a caller's transaction stays usable."""
    draft = TicketDraft.model_validate(repair_draft(route=route, party=party))
    with transaction.atomic():
        before = nothing_written()
        with pytest.raises(InvalidInput):
            ticket_create(by=persona("ygjy-agent"), draft=draft)
        assert nothing_written() == before


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "complaint", "complaint": {"department": "engineering"}},
        {"kind": "help", "help": {"category": "other"}},
        {"kind": "suggestion"},
        {"kind": "consultation"},
    ],
)
@pytest.mark.parametrize("route", ["Z", "Q"])
def test_only_a_repair_is_sent_to_a_builder_or_provider(clock, api, draft, body, route):
    """R2.22-R2.23: Z and Q are repairs sent out; any other kind with Z or Q is refused (422)."""
    before = nothing_written()
    r = record(api, draft, category=None, route=route, party="ZJ-YG" if route == "Z" else "DX-KD", **body)
    assert r.status_code == 422, r.content
    assert r.json()["errors"][0]["field"] == "route"
    assert nothing_written() == before


@pytest.mark.parametrize("route", ["Z", "Q", "GT"])
def test_a_resident_cannot_choose_the_route(clock, api, draft, route):
    """R2.21-R2.24: the service desk decides who takes a matter, not the resident (403)."""
    before = nothing_written()
    r = record(api, draft, user="resident", route=route, party="ZJ-YG" if route == "Z" else "DX-KD")
    assert r.status_code == 403 and r.json()["code"] == "route_by_desk"
    assert nothing_written() == before


# --- R2.23: the party's reports ------------------------------------------------------------------


@pytest.mark.parametrize(("after", "on_time"), [(23 * HOUR, True), (DAY, True), (DAY + MIN, False)])
def test_arrived_meets_the_party_clock(clock, api, draft, after, on_time):
    """R2.23, R3.3: the party on site meets its clock, on time or late by the recorded time."""
    number = to_builder(api, draft)
    clock.shift(after)
    r = update(api, number, "arrived", note="刘工已到现场")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "referred"
    arrive = clocks(number)["party_arrive"]
    assert arrive.status == "met" and arrive.met_at == T0 + after and arrive.on_time is on_time
    assert arrive.breached_at == (None if on_time else T0 + after)
    assert Referral.objects.get(ticket__number=number).arrived_at == T0 + after
    assert clocks(number)["party_fix"].status == "open"


def test_waiting_needs_a_note(clock, api, draft):
    """R2.23: the party's status report: 'waiting' says what for."""
    number = to_provider(api, draft)
    r = update(api, number, "waiting")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "note"
    assert not TicketEvent.objects.filter(ticket__number=number, action="party_update").exists()
    r = update(api, number, "waiting", note="等光猫配件")
    assert r.status_code == 200 and r.json()["status"] == "referred"
    assert Referral.objects.get(ticket__number=number).last_update == "waiting"
    assert clocks(number)["party_arrive"].status == "open"


def test_the_customer_is_to_be_told_of_each_report(clock, api, draft, persona):
    """R2.23: the customer is told: a report not yet told reminds the desk."""
    number = to_provider(api, draft)
    update(api, number, "arrived")
    update(api, number, "waiting", note="等配件", customer_told=True)
    notes = Notification.objects.filter(ticket__number=number, kind="tell_customer")
    assert [n.recipient for n in notes] == [persona("ygjy-agent")]


def test_done_needs_the_customers_signature_then_the_desk_closes_it(clock, api, draft):
    """R2.22, R3.3, R2.26: fixed and signed off by the client, reported, then struck off by the desk."""
    number = to_builder(api, draft)
    clock.shift(3 * DAY)
    r = update(api, number, "done", note="已更换下水管")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "signed_by"
    assert Ticket.objects.get(number=number).status == "referred"
    r = update(api, number, "done", note="已更换下水管", signed_by="王芳", customer_told=True)
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "reported"
    c = clocks(number)
    assert c["party_fix"].status == "met" and c["party_fix"].on_time
    assert c["party_arrive"].status == "met" and c["party_arrive"].on_time is False  # never reported on site
    order = WorkOrder.objects.get(ticket__number=number)
    assert (order.signed_by, order.signed_off_at) == ("王芳", T0 + 3 * DAY)
    referral = Referral.objects.get(ticket__number=number)
    assert (referral.fixed_at, referral.last_update) == (T0 + 3 * DAY, "done")

    assert api("ygjy-tech1").act(number, "close").status_code in (403, 404)  # the desk strikes it off
    clock.shift(HOUR)
    r = api("ygjy-agent").act(number, "close", {"note": "已回访，客户满意"})
    assert r.status_code == 200, r.content
    ticket = Ticket.objects.get(number=number)
    assert (ticket.status, ticket.closed_at, ticket.next_due_at) == ("closed", T0 + 3 * DAY + HOUR, None)
    assert not Deadline.objects.filter(ticket=ticket, status="open").exists()
    assert update(api, number, "chased").status_code == 409


def test_sweep_breaches_an_unmet_party_clock_once_and_tells_the_supervisor(clock, api, draft, persona):
    """R2.22, R3.3: a builder not on site in 24 hours, or not done in 15 days, is a missed
    promise: breached once and escalated to the service supervisor."""
    number = to_builder(api, draft)
    clock.shift(DAY - MIN)
    assert sweep() == 0
    clock.shift(2 * MIN)
    assert sweep() == 1 and sweep() == 0
    assert clocks(number)["party_arrive"].breached_at == T0 + DAY + MIN
    breach = TicketEvent.objects.get(ticket__number=number, action="breach")
    assert breach.data["clock"] == "party_arrive" and breach.data["escalated_to"] == "service_supervisor"
    notes = Notification.objects.filter(ticket__number=number, kind="breach")
    assert [n.recipient for n in notes] == [persona("ygjy-supervisor")]
    # Chasing is not arriving; the fix clock runs out on day 15.
    assert update(api, number, "chased", note="已电话催促刘工").status_code == 200
    assert clocks(number)["party_arrive"].status == "open"
    clock.move_to(T0 + 15 * DAY + MIN)
    assert sweep() == 1
    assert clocks(number)["party_fix"].breached_at == T0 + 15 * DAY + MIN
    assert Notification.objects.filter(ticket__number=number, kind="breach").count() == 2


# --- Refer later -------------------------------------------------------------------------------------


def test_the_desk_refers_a_new_repair_later(clock, api, draft):
    """R2.22: a repair found to be in warranty after intake is sent to the builder by the desk."""
    number = new_ticket(api, draft)
    assert Ticket.objects.get(number=number).status == "new"
    clock.shift(10 * MIN)
    assert api("ygjy-tech1").act(number, "refer", {"route": "Z", "party": "ZJ-YG"}).status_code in (403, 404)
    r = api("ygjy-agent").act(number, "refer", {"route": "Z", "party": "NO-SUCH"})
    assert r.status_code == 422 and Ticket.objects.get(number=number).status == "new"
    assert not Referral.objects.filter(ticket__number=number).exists()
    r = api("ygjy-agent").act(number, "refer", {"route": "Z", "party": "ZJ-YG", "note": "在保修期内"})
    assert r.status_code == 200, r.content
    ticket = Ticket.objects.get(number=number)
    assert (ticket.status, ticket.route) == ("referred", "Z")
    c = clocks(number)
    assert c["party_arrive"].due_at == T0 + 10 * MIN + DAY and c["party_fix"].due_at == T0 + 10 * MIN + 15 * DAY
    assert c["notify"].status == "met" and c["notify"].on_time is False  # 10 minutes after the call


def test_referring_a_dispatched_repair_stops_our_arrival_clock(clock, api, draft):
    """R2.23: once a provider takes it, our technician's arrival clock no longer runs."""
    number = new_ticket(api, draft, category="low_voltage", description="可视对讲没有图像")
    agent = api("ygjy-agent")
    assert agent.act(number, "dispatch", {"assignee": "ygjy-tech1"}).status_code == 200
    assert clocks(number)["arrive"].status == "open"
    assert agent.act(number, "refer", {"route": "Q", "party": "AJ-DJ"}).status_code == 200
    assert Deadline.objects.get(ticket__number=number, clock="arrive").status == "cancelled"
    assert clocks(number)["party_arrive"].due_at == T0 + DAY


# --- R2.24: GT ------------------------------------------------------------------------------------------


def test_a_gt_complaint_is_tagged_in_its_page_and_the_daily_log(clock):
    """R2.24-R2.25: a coordination matter is tagged GT; the tag shows on the ticket and is
    counted in the day's subtotals."""
    desk = login("ygjy-agent")
    r = intake_post(
        desk, kind="complaint", description="楼上住户长期漏水到我家，需协调", department="management", route="GT"
    )
    number = raised_number(r)
    ticket = Ticket.objects.get(number=number)
    assert (ticket.kind, ticket.route, ticket.status) == ("complaint", "GT", "new")
    assert not Referral.objects.filter(ticket=ticket).exists()  # GT is coordinated, not sent out
    assert '<span class="tag route">GT</span>' in desk.get(f"/t/{number}/").content.decode()
    log = daily_log(Property.objects.get(code="YGJY"), T0.date())
    assert {code: n for code, _label, n in log.by_tag} == {"": 0, "Z": 0, "Q": 0, "GT": 1}
    page = desk.get("/desk/YGJY/log/", {"day": "2026-11-23"}).content.decode()
    assert re.search(r'data-tag="GT"><td>[^<]*</td><td class="num">1<', page)


def test_a_gt_repair_stays_with_our_team(clock, api, draft):
    """R2.24: GT marks a repair needing coordination; it is not sent out and keeps our clocks."""
    number = new_ticket(api, draft, route="GT")
    ticket = Ticket.objects.get(number=number)
    assert (ticket.route, ticket.status) == ("GT", "new")
    assert clocks(number)["notify"].status == "open" and "party_arrive" not in clocks(number)


def test_the_desk_may_keep_a_repair_in_warranty_when_it_is_misuse(clock, api, draft):
    """R3.4: damage from misuse is outside warranty: the desk keeps the repair as our own
    even though the category is still covered at that unit; nothing goes to the builder."""
    number = recorded(api("ygjy-agent"), draft(unit="3-1202", category="plumbing", description="孩子把玩具冲进马桶"))
    ticket = Ticket.objects.get(number=number)
    assert (ticket.route, ticket.status) == ("", "new")
    assert not Referral.objects.filter(ticket=ticket).exists()
