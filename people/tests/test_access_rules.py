"""Each access rule of people.access asked of every role, of an inactive account, of a
superuser and of an account that is not a user at all; and the scoping rules asked of
another company's account, an account without a company and a superuser (R7.1-R7.4,
R1.6, R2.5, R4.3, R6.5, R6.6, R8.1, R8.3 and the scoping of DESIGN)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from base.errors import Forbidden, NotFound
from conftest import recorded, repair_draft
from estates.models import Company, Property
from people import access, roles
from people.models import Role, User
from tickets.models import Ticket

# Each "may" question and the roles that may; a superuser may too unless named in NOT_SUPERUSER.
RULES: dict[Callable[[Any], bool], frozenset[str]] = {
    access.may_set_up: roles.ADMINISTRATORS,
    access.may_work_desk: roles.OFFICE,
    access.may_read_personal_details: roles.OFFICE,
    access.may_see_household_phones: roles.OFFICE | {Role.RESIDENT},
    access.may_open_archive: roles.ARCHIVE_KEEPERS,
    access.may_consult_archive: roles.DEPARTMENT_HEADS,
    access.may_read_archive_log: roles.DECIDERS,
    access.may_ask_desk_to_call: roles.STAFF,
    access.may_keep_keys: roles.DESK,
    access.may_read_contact_log: roles.OFFICE,
    access.may_see_dispatch_suggestions: roles.OFFICE,
    access.may_edit_directory: roles.LEADS,
    access.may_read_reports: roles.SUPERVISORS,
    access.may_read_company_reports: frozenset({Role.EXECUTIVE}),
    access.may_watch_deliveries: roles.LEADS,
    access.may_open_surveys: roles.LEADS,
    access.may_record_survey_answers: roles.DESK | roles.LEADS,
    access.may_review_followups: roles.LEADS,
    access.may_decide: roles.DECIDERS,
    access.is_staff_member: roles.STAFF,
    access.is_resident: frozenset({Role.RESIDENT}),
    access.is_technician: frozenset({Role.TECHNICIAN}),
}
# A superuser holds every role, but it is not a department head asking the desk for the
# archive (it opens it itself), and not a resident or a technician.
NOT_SUPERUSER: set[Callable[[Any], bool]] = {access.may_consult_archive, access.is_resident, access.is_technician}
# Questions whose answer a superuser's own role decides (it holds the role by being one).
BY_ROLE_ONLY: set[Callable[[Any], bool]] = {access.is_resident, access.is_technician}


def with_access(user: User, code: str) -> Property:
    """The property read with the user's attachment (property_with_access); it exists."""
    prop = access.property_with_access(user, code)
    assert prop is not None
    return prop


def account(role: str, *, active: bool = True, superuser: bool = False) -> User:
    return User(username=f"x-{role}", role=role, is_active=active, is_superuser=superuser)


@pytest.mark.parametrize("rule", list(RULES), ids=lambda r: r.__name__)
def test_each_access_rule_answers_each_role_and_refuses_an_inactive_account(rule):
    """Every role in the rule's group may; every other role may not; no role may once the
    account is deactivated; an anonymous visitor never may."""
    for role in Role:
        assert rule(account(role)) is (role in RULES[rule]), (rule.__name__, role)
        assert not rule(account(role, active=False)), (rule.__name__, role, "inactive")
    assert not rule(AnonymousUser())
    assert not rule(None)


@pytest.mark.parametrize("rule", list(RULES), ids=lambda r: r.__name__)
def test_a_superuser_holds_every_role_but_a_deactivated_one_holds_none(rule):
    """A superuser may everything staff may (with a role outside the group), except what
    only its own role answers; deactivated it may nothing."""
    expected = rule not in NOT_SUPERUSER
    assert rule(account(Role.FINANCE, superuser=True)) is expected, rule.__name__
    assert not rule(account(Role.AGENT, superuser=True, active=False)), rule.__name__
    if rule in BY_ROLE_ONLY:
        (role,) = RULES[rule]
        assert rule(account(role, superuser=True))


def test_outranking_follows_the_chain_of_command_and_needs_an_active_account():
    """R4.3, R4.5: the supervisor, then the manager, then company leadership."""
    assert access.outranks(account(Role.MANAGER), Role.SERVICE_SUPERVISOR)
    assert access.outranks(account(Role.MANAGER), Role.MANAGER)
    assert not access.outranks(account(Role.MANAGER), Role.EXECUTIVE)
    assert not access.outranks(account(Role.AGENT), Role.SERVICE_SUPERVISOR)
    assert not access.outranks(account(Role.EXECUTIVE, active=False), Role.SERVICE_SUPERVISOR)
    assert access.outranks(account(Role.AGENT, superuser=True), Role.EXECUTIVE)
    assert not access.outranks(AnonymousUser(), Role.SERVICE_SUPERVISOR)


def test_the_console_desk_and_setup_refuse_whoever_may_not(persona):
    """The console is for staff, its desk pages for the office, setup for the administrator."""
    with pytest.raises(Forbidden):
        access.staff_member(persona("resident"))
    assert access.staff_member(persona("ygjy-tech1")).username == "ygjy-tech1"
    with pytest.raises(Forbidden):
        access.desk_member(persona("ygjy-tech1"))
    assert access.desk_member(persona("ygjy-agent")).username == "ygjy-agent"
    with pytest.raises(Forbidden):
        access.setup_at(persona("ygjy-manager"), "YGJY")
    admin, prop = access.setup_at(persona("admin"), "YGJY")
    assert (admin.username, prop.code) == ("admin", "YGJY")
    with pytest.raises(NotFound):
        access.desk_at(persona("ygjy-agent"), Property.objects.get(code="WLBG"))
    assert access.desk_at(persona("ygjy-agent"), Property.objects.get(code="YGJY")).username == "ygjy-agent"


def test_leadership_without_a_company_works_at_no_property(estate):
    """Scoping: company-wide roles work at their own company's properties only; with no
    company that is none, not the first company's."""
    for role in roles.COMPANY_WIDE:
        lone = User.objects.create(username=f"lone-{role}", role=role, company=None)
        assert access.properties_of(lone) == []
        assert not access.works_at(lone, Property.objects.get(code="YGJY"))


def test_the_company_administrator_works_at_every_property_of_its_company_only(persona):
    """Scoping: the administrator is company-wide like leadership, and not at another company's."""
    admin = persona("admin")
    assert [p.code for p in access.properties_of(admin)] == ["WLBG", "YGJY"]
    elsewhere = Property.objects.get(code="YGJY")
    other = User.objects.create(
        username="other-admin", role=Role.ADMINISTRATOR, company=Company.objects.create(name="Y")
    )
    assert access.works_at(admin, elsewhere) and not access.works_at(other, elsewhere)
    assert access.property_with_access(other, "YGJY") is not None
    with pytest.raises(NotFound):
        access.property_of(other, "YGJY")


def test_attached_staff_work_where_they_are_attached_by_either_reading(persona):
    """Scoping: staff work at the properties attached to them, whether the property was
    read with its attachment (property_with_access) or on its own."""
    agent = persona("ygjy-agent")
    ours, theirs = Property.objects.get(code="YGJY"), Property.objects.get(code="WLBG")
    assert access.works_at(agent, ours) and not access.works_at(agent, theirs)
    assert access.works_at(agent, with_access(agent, "YGJY"))
    assert not access.works_at(agent, with_access(agent, "WLBG"))
    assert access.property_with_access(agent, "NOPE") is None
    assert access.property_of(agent, "YGJY", among=[theirs, ours]) is ours
    with pytest.raises(NotFound):
        access.property_of(agent, "WLBG", among=[ours])
    superuser = User.objects.create(username="root", role=Role.FINANCE, is_superuser=True)
    assert access.works_at(superuser, with_access(superuser, "WLBG"))
    assert [p.code for p in access.properties_of(superuser)] == ["WLBG", "YGJY"]


def test_a_technician_sees_their_own_and_their_team_s_tickets_only(api, persona):
    """Scoping: a technician sees the tickets assigned to them or their team; deactivated, none."""
    desk = api("ygjy-agent")
    mine, others = recorded(desk, repair_draft()), recorded(desk, repair_draft())
    tech1, tech2 = persona("ygjy-tech1"), persona("ygjy-tech2")
    assert desk.act(mine, "dispatch", {"assignee": "ygjy-tech1"}).status_code == 200
    assert desk.act(others, "dispatch", {"assignee": "ygjy-tech2"}).status_code == 200
    assert tech1.team_id is not None
    Ticket.objects.filter(number=mine).update(team_id=None)
    Ticket.objects.filter(number=others).update(team_id=None)

    def seen() -> set[str]:
        return set(Ticket.objects.visible_to(tech1).values_list("number", flat=True))

    assert seen() == {mine}
    Ticket.objects.filter(number=others).update(team_id=tech1.team_id)
    assert seen() == {mine, others}
    tech1.team_id = None  # out of the team: only their own
    assert seen() == {mine}
    assert set(Ticket.objects.visible_to(tech2).values_list("number", flat=True)) == {others}
    tech1.is_active = False
    assert not Ticket.objects.visible_to(tech1).exists()


def test_staff_see_the_tickets_of_their_properties_and_the_admin_rows_likewise(api, persona):
    """Scoping: an agent sees its property's tickets, not the other's; the admin's rows
    follow the same properties; an inactive or resident account gets no rows; a superuser all."""
    ours = recorded(api("ygjy-agent"), repair_draft())
    agent, root = persona("ygjy-agent"), User(username="r", role=Role.FINANCE, is_superuser=True)
    assert Ticket.objects.visible_to(agent).filter(number=ours).exists()
    assert not Ticket.objects.visible_to(persona("wlbg-agent")).filter(number=ours).exists()
    every = Ticket.objects.count()
    assert access.visible_tickets(Ticket.objects.all(), root).count() == every
    assert access.scoped(Ticket.objects.all(), root).count() == every
    in_ygjy = Ticket.objects.filter(property__code="YGJY").count()
    assert access.scoped(Ticket.objects.all(), agent).count() == in_ygjy
    assert access.scoped(Ticket.objects.all(), persona("resident")).count() == 0
    agent.is_active = False
    assert access.scoped(Ticket.objects.all(), agent).count() == 0
    assert access.visible_tickets(Ticket.objects.all(), agent).count() == 0


def test_the_staff_of_a_property_are_its_active_attached_staff_and_its_leadership(persona):
    """R4.3 escalations reach the property's staff: attached and active, plus the company's
    leadership; never a resident; ``only`` keeps those roles."""
    prop = Property.objects.get(code="YGJY")
    everyone = set(access.staff_at(prop.pk).values_list("username", flat=True))
    assert {"ygjy-agent", "ygjy-manager", "leader"} <= everyone
    assert "wlbg-agent" not in everyone and "resident" not in everyone
    managers = set(access.staff_at(prop.pk, Role.MANAGER).values_list("username", flat=True))
    assert managers == {"ygjy-manager"}
    User.objects.filter(username="ygjy-manager").update(is_active=False)
    assert not access.staff_at(prop.pk, Role.MANAGER).exists()


def test_each_refusal_says_why_in_the_user_s_language(persona):
    """Refusals carry a clear message in the user's language (here English)."""
    with translation.override("en"):
        with pytest.raises(Forbidden) as staff:
            access.staff_member(persona("resident"))
        assert staff.value.message == "The console is for staff."
        with pytest.raises(Forbidden) as desk:
            access.desk_member(persona("ygjy-tech1"))
        assert desk.value.message == "Only the service desk and supervisors record and dispatch here."
        with pytest.raises(Forbidden) as setup:
            access.setup_at(persona("ygjy-manager"), "YGJY")
        assert setup.value.message == "Only the company administrator sets a property up."
        with pytest.raises(NotFound) as elsewhere:
            access.desk_at(persona("ygjy-agent"), Property.objects.get(code="WLBG"))
        assert elsewhere.value.message == "There is no property WLBG you work at."
        with pytest.raises(NotFound) as long_code:
            access.property_of(persona("ygjy-agent"), "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        assert long_code.value.message == "There is no property ABCDEFGHIJKLMNOPQRST you work at."


def test_whether_staff_work_at_a_property_read_with_its_attachment_needs_no_query(persona, django_assert_num_queries):
    """property_with_access carries the answer: works_at decides without another query."""
    agent = persona("ygjy-agent")
    ours, theirs = with_access(agent, "YGJY"), with_access(agent, "WLBG")
    with django_assert_num_queries(0):
        assert access.works_at(agent, ours) and not access.works_at(agent, theirs)


def test_a_technician_does_not_see_a_job_at_a_property_they_do_not_work_at(api, persona):
    """Scoping: assigned or not, a technician sees jobs only at their own properties."""
    tech1 = persona("ygjy-tech1")
    theirs = recorded(api("wlbg-agent"), repair_draft(property="WLBG", unit="A-101"))
    Ticket.objects.filter(number=theirs).update(assignee=tech1)
    assert not Ticket.objects.visible_to(tech1).filter(number=theirs).exists()


def test_a_resident_no_longer_follows_a_household_that_moved_out(api, persona):
    """R7.1 scoping: a resident sees the tickets of the households they live in now."""
    resident = persona("resident")
    number = recorded(api("ygjy-agent"), repair_draft())
    assert Ticket.objects.visible_to(resident).filter(number=number).exists()
    homes = list(access.homes_of(resident))
    assert homes
    Household = type(homes[0].household)
    Household.objects.filter(pk__in=[h.household_id for h in homes]).update(moved_out_on=datetime.date(2026, 1, 1))
    assert not access.homes_of(resident).exists()
    assert not Ticket.objects.visible_to(resident).filter(number=number).exists()


def test_a_resident_attached_to_a_property_is_still_not_its_staff(persona):
    """R4.3 escalations never reach a resident, even one attached to the property."""
    resident = persona("resident")
    prop = Property.objects.get(code="YGJY")
    resident.properties.add(prop)
    assert resident not in access.staff_at(prop.pk)


def test_a_resident_sees_the_matters_of_their_own_household_only(api, persona):
    """R7.2 and the resident's pages: the tickets a resident may see are those of the
    households they live in now; a neighbour's stay out."""
    desk = api("ygjy-agent")
    mine = desk.post("/tickets", repair_draft(unit="3-1202")).json()["number"]
    neighbours = desk.post("/tickets", repair_draft(unit="3-1201")).json()["number"]
    seen = set(Ticket.objects.visible_to(persona("resident")).values_list("number", flat=True))
    assert mine in seen and neighbours not in seen
    assert neighbours in set(Ticket.objects.visible_to(persona("neighbour")).values_list("number", flat=True))


def test_where_a_staff_account_works_decides_the_property_it_reaches(persona):
    """R0: ``property_with_access`` answers any property by its code, and ``works_at`` is
    true only where the account works: attached, or its company's for leadership."""
    agent, leader = persona("ygjy-agent"), persona("leader")
    ygjy, wlbg = access.property_with_access(agent, "YGJY"), access.property_with_access(agent, "WLBG")
    assert ygjy is not None and wlbg is not None and (ygjy.code, wlbg.code) == ("YGJY", "WLBG")
    assert access.works_at(agent, ygjy) and not access.works_at(agent, wlbg)
    for code in ("YGJY", "WLBG"):
        prop = access.property_with_access(leader, code)
        assert prop is not None and access.works_at(leader, prop)
    assert access.property_with_access(agent, "NOPE") is None
    resident_view = access.property_with_access(persona("resident"), "YGJY")
    assert resident_view is not None and not access.works_at(persona("resident"), resident_view)
