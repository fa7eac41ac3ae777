"""R7.2 in the admin: residents' phone numbers are shown only to the desk roles
(``people.roles.ARCHIVE_KEEPERS``) and superusers. Another staff user with permission on
households and residents sees the names, not the phones: not in the lists, the forms, the
inline rows, nor found by searching a number."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from conftest import login
from estates.models import Household, Resident


def _admin(persona, username: str) -> None:
    user = persona(username)
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="estates", codename__regex=r"^(view|change|add)_")
    )


@pytest.fixture
def resident(estate) -> Resident:
    found = Resident.objects.filter(property__code="YGJY", household__unit__label="3-1202").order_by("id").first()
    assert found is not None
    return found


def _pages(resident: Resident) -> list[str]:
    """The pages that show a resident's phone to the desk: the residents' list, a
    resident's form and the household's form with its residents inline."""
    return [
        "/admin/estates/resident/",
        f"/admin/estates/resident/{resident.pk}/change/",
        f"/admin/estates/household/{resident.household_id}/change/",
    ]


def _found(client, model: str, resident: Resident) -> bool:
    """Whether searching the model's list for the resident's number finds them."""
    body = client.get(f"/admin/estates/{model}/", {"q": resident.phone}).content.decode()
    return f"/{resident.pk if model == 'resident' else resident.household_id}/change/" in body


@pytest.mark.parametrize("username", ["ygjy-manager", "ygjy-engineer", "admin"])
def test_r7_2_other_roles_do_not_see_residents_phones_in_the_admin(persona, resident, username):
    _admin(persona, username)
    client = login(username)
    for page in _pages(resident):
        response = client.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        assert resident.name in body and resident.phone not in body, page
    assert not _found(client, "resident", resident) and not _found(client, "household", resident)
    assert client.get("/admin/estates/resident/add/").status_code == 403  # no resident without a phone


def test_r7_2_a_change_by_another_role_keeps_the_phone(persona, resident):
    """The form without the phone saves the rest and leaves the number as it was."""
    _admin(persona, "ygjy-manager")
    phone = resident.phone
    form = {"property": resident.property_id, "household": resident.household_id, "name": "改名", "role": "owner"}
    response = login("ygjy-manager").post(f"/admin/estates/resident/{resident.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    resident.refresh_from_db()
    assert resident.name == "改名" and resident.phone == phone


@pytest.mark.parametrize("username", ["ygjy-agent", "ygjy-supervisor", "ygjy-night"])
def test_r7_2_the_desk_sees_residents_phones_in_the_admin(persona, resident, username):
    _admin(persona, username)
    client = login(username)
    for page in _pages(resident):
        assert resident.phone in client.get(page).content.decode(), page
    assert _found(client, "resident", resident) and _found(client, "household", resident)


def test_r7_2_a_superuser_sees_residents_phones_in_the_admin(persona, resident):
    root = persona("ygjy-manager")
    root.is_superuser = root.is_staff = True
    root.save()
    body = login("ygjy-manager").get(f"/admin/estates/household/{resident.household_id}/change/").content.decode()
    assert resident.phone in body
    assert Household.objects.filter(pk=resident.household_id).exists()
