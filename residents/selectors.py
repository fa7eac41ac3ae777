"""What a resident's home page says of their registrations: the homes they are
registered at now, and their requests to join a household that the desk has not
confirmed. Hand-written statements: the home page is every resident's first, and
through the ORM building these two small statements cost more than running them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection

from people.access import HOUSEHOLD_IDS_SQL
from residents.models import JoinRequest

if TYPE_CHECKING:
    from people.models import User


@dataclass(frozen=True)
class Home:
    property_name: str
    unit_label: str


def homes_named(user: User) -> list[Home]:
    """The households the resident belongs to now (people.access.household_ids), by
    their property's name and their unit's label, in the order they joined."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.name, u.label FROM estates_household h"  # noqa: S608 - values are parameters
            " JOIN estates_property p ON p.id = h.property_id JOIN estates_unit u ON u.id = h.unit_id"
            f" WHERE h.id IN ({HOUSEHOLD_IDS_SQL}) ORDER BY h.id",
            [user.pk],
        )
        return [Home(name, label) for name, label in cursor.fetchall()]


@dataclass(frozen=True)
class JoinWaiting:
    pk: int
    status: str
    unit_label: str
    reason: str


def joins_not_confirmed(user: User, limit: int = 5) -> list[JoinWaiting]:
    """The resident's requests to join a household still waiting for the desk or
    refused, newest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT j.id, j.status, u.label, j.reason FROM residents_joinrequest j"
            " JOIN estates_unit u ON u.id = j.unit_id"
            " WHERE j.user_id = %s AND j.status <> %s ORDER BY j.created_at DESC, j.id DESC LIMIT %s",
            [user.pk, JoinRequest.Status.CONFIRMED, limit],
        )
        return [JoinWaiting(*row) for row in cursor.fetchall()]
