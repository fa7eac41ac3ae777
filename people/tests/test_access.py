"""Who may see and do what (people.access): the same question gets the same answer on
every face, each role in turn, and the admin shows a staff user only their properties."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.utils import timezone

from assistance.models import ContingencyPlan
from base.errors import NotFound
from conftest import login, recorded, repair_draft
from estates.models import Company, Property, Resident
from followups.models import FollowUpPolicy
from people import access
from people.models import Role, User
from tickets.models import Ticket

OFFICE = ["ygjy-agent", "ygjy-night", "ygjy-supervisor", "ygjy-engineer", "ygjy-equipment", "ygjy-manager", "leader"]
NOT_OFFICE = ["ygjy-finance", "ygjy-security", "ygjy-tech1"]


@pytest.mark.parametrize("username", OFFICE + NOT_OFFICE)
def test_the_contact_log_gets_the_same_answer_on_the_api_and_the_console(api, username):
    """R1.6: the log holds every caller's name, phone and words; the desk and supervisors
    read it, finance, security and technicians are refused on both faces."""
    through_api = api(username).get("/contacts", property="YGJY").status_code
    on_page = login(username).get("/desk/YGJY/log/").status_code
    on_sheet = login(username).get("/desk/YGJY/log/", {"format": "xlsx"}).status_code
    expected = 200 if username in OFFICE else 403
    assert (through_api, on_page, on_sheet) == (expected, expected, expected)


@pytest.mark.parametrize("username", OFFICE + NOT_OFFICE)
def test_dispatch_suggestions_get_the_same_answer_on_the_api_and_the_board(api, username):
    """R2.5: technicians with their duty and load are for the desk and supervisors; the
    board and the API's candidates agree for every role."""
    number = recorded(api("ygjy-agent"), repair_draft())
    through_api = api(username).get(f"/tickets/{number}/candidates").status_code
    on_board = login(username).get("/desk/YGJY/board/").status_code
    if username in OFFICE:
        assert (through_api, on_board) == (200, 200)
    else:
        # A technician does not even see an unassigned ticket (404); finance and security
        # see it but not the suggestions (403). Both are refused on the board.
        assert through_api == (404 if username == "ygjy-tech1" else 403)
        assert on_board == 403


def test_residents_are_refused_the_log_and_the_suggestions_everywhere(api):
    number = recorded(api("resident"), repair_draft(reporter_phone=None, reporter_name=None))
    assert api("resident").get("/contacts", property="YGJY").status_code == 404
    assert api("resident").get(f"/tickets/{number}/candidates").status_code == 403
    assert login("resident").get("/desk/YGJY/log/").status_code == 403
    assert login("resident").get("/desk/YGJY/board/").status_code == 403


def test_leadership_works_at_every_property_of_its_company(persona):
    leader = persona("leader")
    assert [p.code for p in access.properties_of(leader)] == ["WLBG", "YGJY"]
    assert access.works_at(leader, Property.objects.get(code="WLBG"))
    assert access.property_of(leader, "YGJY").code == "YGJY"
    # Attached to no property, but among the staff of each, for escalations (R4.3).
    assert leader in access.staff_at(Property.objects.get(code="YGJY").pk, Role.EXECUTIVE)
    assert leader not in access.staff_at(Property.objects.get(code="YGJY").pk, Role.MANAGER)


def test_another_company_s_leadership_works_at_none_of_ours(persona):
    other = User.objects.create(username="other-leader", role=Role.EXECUTIVE, company=Company.objects.create(name="X"))
    assert access.properties_of(other) == []
    assert not access.works_at(other, Property.objects.get(code="YGJY"))
    assert other not in access.staff_at(Property.objects.get(code="YGJY").pk)


def test_a_superuser_works_everywhere_and_holds_every_role(api, persona):
    number = recorded(api("ygjy-agent"), repair_draft())
    root = User.objects.create(username="root", is_superuser=True, is_staff=True, role=Role.AGENT)
    assert [p.code for p in access.properties_of(root)] == ["WLBG", "YGJY"]
    assert access.works_at(root, Property.objects.get(code="WLBG"))
    assert Ticket.objects.visible_to(root).filter(number=number).exists()
    assert access.holds(root, {Role.EXECUTIVE}) and access.may_read_company_reports(root)


def test_an_inactive_account_sees_nothing_and_may_do_nothing(api, persona):
    number = recorded(api("ygjy-agent"), repair_draft())
    agent = persona("ygjy-agent")
    agent.is_active = False
    agent.save()
    assert not Ticket.objects.visible_to(agent).filter(number=number).exists()
    assert access.properties_of(agent) == []
    assert not access.works_at(agent, Property.objects.get(code="YGJY"))
    assert not access.may_work_desk(agent) and not access.is_staff_member(agent)
    assert agent not in access.staff_at(Property.objects.get(code="YGJY").pk)


def test_another_property_and_no_property_get_the_same_refusal(persona):
    agent = persona("ygjy-agent")
    with pytest.raises(NotFound) as other:
        access.property_of(agent, "WLBG")
    with pytest.raises(NotFound) as none:
        access.property_of(agent, "NOPE")
    assert other.value.message.replace("WLBG", "?") == none.value.message.replace("NOPE", "?")


def test_residents_and_technicians_are_told_apart(persona):
    assert access.is_resident(persona("resident")) and not access.is_staff_member(persona("resident"))
    assert access.is_technician(persona("ygjy-tech1")) and access.is_staff_member(persona("ygjy-tech1"))
    assert not access.may_read_personal_details(persona("ygjy-tech1"))
    assert access.may_read_personal_details(persona("ygjy-agent"))


# --- The admin -------------------------------------------------------------------------


@pytest.fixture
def admin_manager(persona):
    """ygjy-manager given the admin with permission to view every model."""
    manager = persona("ygjy-manager")
    manager.is_staff = True
    manager.save()
    manager.user_permissions.add(*Permission.objects.filter(codename__startswith="view_"))
    return login("ygjy-manager")


@pytest.mark.parametrize("page", ["estates/household", "estates/resident", "estates/unit", "estates/building"])
def test_the_admin_lists_only_the_rows_of_the_staff_user_s_properties(admin_manager, page):
    body = admin_manager.get(f"/admin/{page}/").content.decode()
    assert "阳光嘉园小区" in body
    assert "五凌办公楼" not in body  # neither its rows nor the property filter


def test_the_admin_refuses_another_property_s_row_as_not_there(admin_manager):
    theirs = Resident.objects.filter(property__code="WLBG").earliest("id")
    ours = Resident.objects.filter(property__code="YGJY").earliest("id")
    assert admin_manager.get(f"/admin/estates/resident/{ours.pk}/change/").status_code == 200
    response = admin_manager.get(f"/admin/estates/resident/{theirs.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist" redirect, no details shown
    assert theirs.name not in admin_manager.get(response["Location"], follow=True).content.decode()


@pytest.fixture
def each_property_has_a_plan_and_a_policy(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for prop in Property.objects.all():
        FollowUpPolicy.objects.get_or_create(
            property=prop,
            service="repair",
            defaults={"window_from_days": 1, "window_to_days": 7, "coverage_percent": 30},
        )
        ContingencyPlan.objects.create(
            property=prop,
            category="medical",
            title=f"{prop.code} 急救预案",
            file=ContentFile(b"%PDF-1.4", name="plan.pdf"),
            content_type="application/pdf",
            uploaded_at=timezone.now(),
        )


@pytest.mark.parametrize(
    "page", ["promises/promisepolicy", "assistance/contingencyplan", "followups/followuppolicy", "people/team"]
)
def test_policies_plans_and_teams_of_another_property_stay_out_of_the_admin(
    admin_manager, each_property_has_a_plan_and_a_policy, page
):
    body = admin_manager.get(f"/admin/{page}/").content.decode()
    assert "阳光嘉园小区" in body
    assert "五凌办公楼" not in body and "WLBG 急救预案" not in body


def test_the_admin_of_properties_shows_only_the_user_s_own(admin_manager):
    body = admin_manager.get("/admin/estates/property/").content.decode()
    assert "阳光嘉园小区" in body and "五凌办公楼" not in body


def admin_pages() -> list[str]:
    from django.contrib import admin

    return sorted(f"{m._meta.app_label}/{m._meta.model_name}" for m in admin.site._registry)


@pytest.mark.parametrize("page", admin_pages())
def test_every_admin_list_opens_for_a_scoped_staff_user(admin_manager, page):
    """Each admin list (with its filters) opens for a staff user who may only view;
    nothing of the other property is listed."""
    response = admin_manager.get(f"/admin/{page}/")
    assert response.status_code == 200, page
    assert "五凌办公楼" not in response.content.decode()


def test_the_account_admin_lists_the_staff_and_residents_of_the_user_s_properties(admin_manager):
    body = admin_manager.get("/admin/people/user/?all=").content.decode()
    assert "ygjy-agent" in body and "resident" in body and "neighbour" in body
    assert "wlbg-agent" not in body and "tenant" not in body


@pytest.mark.parametrize(
    ("username", "codes"),
    [("ygjy-agent", ["YGJY"]), ("wlbg-agent", ["WLBG"]), ("leader", ["WLBG", "YGJY"]), ("resident", ["YGJY"])],
)
def test_me_lists_where_the_account_works_the_same_as_every_page(api, persona, username, codes):
    """R0: /me answers with the properties the access module gives (an executive works at
    every property of the company, attached or not)."""
    assert api(username).get("/me").json()["properties"] == codes
    if username != "resident":
        assert [p.code for p in access.properties_of(persona(username))] == codes
