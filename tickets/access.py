"""Who may see what: the one scoping rule used by the API, the admin and the pages.

- A resident sees the tickets of the households they belong to.
- A technician sees the tickets assigned to them or to their team.
- Company leadership sees every property of its company.
- Other staff see the properties they are attached to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from people.models import Role

if TYPE_CHECKING:
    from estates.models import Property
    from people.models import User
    from tickets.models import TicketQuerySet


def property_ids(user: User) -> QuerySet:
    """The ids of the properties a staff account works at, as a subquery."""
    from estates.models import Property

    if user.role == Role.EXECUTIVE:
        return Property.objects.filter(company_id=user.company_id or 0).values("id")
    return user.properties.through.objects.filter(user_id=user.pk).values("property_id")


def works_at(user: User, property: Property) -> bool:
    if not user.is_authenticated or not user.is_active or user.role == Role.RESIDENT:
        return False
    if user.is_superuser:
        return True
    if user.role == Role.EXECUTIVE:
        return property.company_id == user.company_id
    attached = getattr(property, "user_attached", None)  # from property_with_access
    if attached is not None:
        return bool(attached)
    return user.properties.filter(pk=property.pk).exists()


def property_with_access(user: User, code: str) -> Property | None:
    """The property with this code, carrying what ``works_at`` needs to decide without
    another query."""
    from estates.models import Property

    attached = user.properties.through.objects.filter(user_id=user.pk, property_id=OuterRef("pk"))
    return Property.objects.filter(code=code).annotate(user_attached=Exists(attached)).first()


def household_ids(user: User) -> QuerySet:
    from estates.models import Resident

    return Resident.objects.filter(user_id=user.pk).values("household_id")


def visible_tickets(qs: TicketQuerySet, user: User) -> TicketQuerySet:
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    if user.role == Role.RESIDENT:
        return qs.filter(household_id__in=household_ids(user))
    if user.role == Role.TECHNICIAN:
        mine = Q(assignee_id=user.pk)
        if user.team_id:
            mine |= Q(team_id=user.team_id)
        return qs.filter(mine, property_id__in=property_ids(user))
    return qs.filter(property_id__in=property_ids(user))
