"""The busiest lists read tickets by hand-written statements (tickets.selectors); their
scope is ``people.access.visible_tickets_sql``, which must say in SQL exactly what
``visible_tickets`` says through the ORM, for every kind of account."""

from __future__ import annotations

import pytest
from django.db import connection

from conftest import recorded, repair_draft, second_home
from estates.models import Property
from people.access import staff_at, staff_at_sql, visible_tickets_sql
from people.models import Role, User
from tickets.models import Ticket


def _by_sql(user: User) -> set[str]:
    where, params = visible_tickets_sql(user)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t.number FROM tickets_ticket t WHERE {where}", params)  # noqa: S608
        return {number for (number,) in cursor.fetchall()}


@pytest.fixture
def tickets(api, persona) -> dict[str, str]:
    desk = api("ygjy-agent")
    made = {
        "mine": recorded(desk, repair_draft()),  # the resident's home, a technician's job
        "team": recorded(desk, repair_draft(unit="1-101")),
        "waiting": recorded(desk, repair_draft(unit="1-101")),
        "elsewhere": recorded(desk, repair_draft(unit="1-101")),
    }
    Ticket.objects.filter(number=made["mine"]).update(assignee=persona("ygjy-tech1"))
    Ticket.objects.filter(number=made["team"]).update(team_id=persona("ygjy-tech3").team_id)
    Ticket.objects.filter(number=made["elsewhere"]).update(
        property=Property.objects.get(code="WLBG"), assignee=persona("ygjy-tech1")
    )
    return made


@pytest.mark.parametrize(
    ("username", "sees"),
    [
        ("ygjy-agent", {"mine", "team", "waiting"}),
        ("ygjy-manager", {"mine", "team", "waiting"}),
        ("wlbg-agent", {"elsewhere"}),
        ("leader", {"mine", "team", "waiting", "elsewhere"}),  # the company's leadership
        ("ygjy-tech1", {"mine"}),  # their own job, not one at a property they do not work at
        ("ygjy-tech3", {"team"}),  # their team's
        ("resident", {"mine"}),  # their household's
        ("neighbour", set()),
    ],
)
def test_the_sql_scope_is_the_orm_scope_for_every_kind_of_account(tickets, persona, username, sees):
    user = persona(username)
    expected = {tickets[name] for name in sees}
    assert set(Ticket.objects.visible_to(user).values_list("number", flat=True)) == expected
    assert _by_sql(user) == expected


def test_a_technician_without_a_team_an_administrator_and_a_deactivated_account(tickets, persona):
    loner = persona("ygjy-tech1")
    loner.team_id = None
    loner.save()
    assert _by_sql(loner) == set(Ticket.objects.visible_to(loner).values_list("number", flat=True)) == {tickets["mine"]}
    admin = persona("ygjy-agent")
    admin.is_superuser = True
    admin.save()
    assert _by_sql(admin) == set(tickets.values())
    gone = persona("ygjy-manager")
    gone.is_active = False
    gone.save()
    assert _by_sql(gone) == set() == set(Ticket.objects.visible_to(gone).values_list("number", flat=True))


def test_a_resident_of_two_households_sees_both_households_tickets(tickets, persona):
    user = persona("resident")
    household = second_home(user)
    Ticket.objects.filter(number__in=[tickets["team"], tickets["waiting"]]).update(household=household)
    seen = set(Ticket.objects.visible_to(user).values_list("number", flat=True))
    assert {tickets["mine"], tickets["team"], tickets["waiting"]} <= seen  # both homes' matters
    assert _by_sql(user) == seen


def test_the_sql_staff_of_a_property_are_the_orms(estate, persona):
    """``staff_at_sql`` (the dispatch's technicians) says what ``staff_at`` says: the
    active staff attached to the property and its company's leadership, of the roles
    asked; not a deactivated account, a resident or another company's leader."""
    tech = persona("ygjy-tech1")
    User.objects.filter(pk=tech.pk).update(is_active=False)
    other = User.objects.create(username="other-leader", role=Role.EXECUTIVE, company_id=None)
    for code in ("YGJY", "WLBG"):
        prop = Property.objects.get(code=code)
        for only in ((), (Role.TECHNICIAN,), (Role.TECHNICIAN, Role.EXECUTIVE), (Role.RESIDENT,)):
            sql, params = staff_at_sql(prop.pk, *only)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                by_sql = {pk for (pk,) in cursor.fetchall()}
            by_orm = set(staff_at(prop.pk, *only).values_list("pk", flat=True))
            assert by_sql == by_orm, (code, only)
            assert tech.pk not in by_sql and other.pk not in by_sql
    everyone = staff_at_sql(Property.objects.get(code="YGJY").pk)
    with connection.cursor() as cursor:
        cursor.execute(*everyone)
        ids = {pk for (pk,) in cursor.fetchall()}
    assert persona("leader").pk in ids and persona("ygjy-tech3").pk in ids and persona("resident").pk not in ids
