"""Who a desk report is for (R2.1-R2.2): the household living in the unit now and its
resident, whose name and phone are the defaults when the desk leaves them out."""

from __future__ import annotations

import datetime

from estates.models import Household, Resident, Unit
from tickets.models import Ticket


def _report(desk, unit: str, **over):
    r = desk.post(
        "/tickets",
        {"kind": "repair", "property": "YGJY", "unit": unit, "category": "plumbing", "description": "水管漏水", **over},
    )
    assert r.status_code == 201, r.content
    return Ticket.objects.get(number=r.json()["number"])


def test_the_current_household_and_its_first_resident_are_on_the_ticket(api):
    desk = api("ygjy-agent")
    unit = Unit.objects.get(property__code="YGJY", label="3-1202")
    household = Household.objects.get(unit=unit, moved_out_on__isnull=True)
    first = Resident.objects.filter(household=household).order_by("id")[0]
    ticket = _report(desk, "3-1202")
    assert (ticket.household_id, ticket.resident_id) == (household.pk, first.pk)
    assert (ticket.reporter_name, ticket.reporter_phone) == (first.name, first.phone)
    # A caller who gives their own name and phone keeps them; the household stays.
    other = _report(desk, "3-1202", reporter_name="物业巡检", reporter_phone="0731-88886666")
    assert (other.household_id, other.reporter_name) == (household.pk, "物业巡检")


def test_a_moved_out_household_is_not_the_one_reported_for(api):
    desk = api("ygjy-agent")
    unit = Unit.objects.get(property__code="YGJY", label="3-1202")
    old = Household.objects.get(unit=unit, moved_out_on__isnull=True)
    old.moved_out_on = datetime.date(2026, 1, 1)
    old.save()
    new = Household.objects.create(property=unit.property, unit=unit, name="新住户")
    ticket = _report(desk, "3-1202", reporter_name="新住户", reporter_phone="13900139000")
    assert (ticket.household_id, ticket.resident_id) == (new.pk, None)


def test_a_vacant_unit_keeps_the_callers_own_name_and_phone_never_the_agents(api, persona):
    """The caller is never lost: nobody registered at the unit, the ticket keeps who
    called, and a phone call without the caller's number is refused, not filled in with
    the agent's."""
    desk = api("ygjy-agent")
    Household.objects.filter(unit__property__code="YGJY", unit__label="3-1202").update(
        moved_out_on=datetime.date(2026, 1, 1)
    )
    r = desk.post("/tickets", {"kind": "repair", "property": "YGJY", "unit": "3-1202", "description": "漏水"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reporter_phone"
    ticket = _report(desk, "3-1202", reporter_name="李先生", reporter_phone="13812345678")
    agent = persona("ygjy-agent")
    assert (ticket.household_id, ticket.resident_id) == (None, None)
    assert (ticket.reporter_name, ticket.reporter_phone) == ("李先生", "13812345678") != (str(agent), agent.phone)
    walk_in = _report(desk, "3-1202", channel="walk_in", description="门口有积水")
    assert (walk_in.reporter_name, walk_in.reporter_phone) == ("", "")
