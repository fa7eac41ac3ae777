"""The time limits of service promises: defaults from RULES, overridden per property
by PromisePolicy rows that an administrator can change."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from people.models import Role
from promises.models import Clock, PromisePolicy


@dataclass(frozen=True)
class Limit:
    minutes: int
    emergency_minutes: int | None
    escalate_to: str

    def for_urgency(self, emergency: bool) -> datetime.timedelta:
        minutes = self.emergency_minutes if emergency and self.emergency_minutes else self.minutes
        return datetime.timedelta(minutes=minutes)


DEFAULTS: dict[tuple[str, str], Limit] = {
    # R2.16: record the request within 2 minutes of the call; notify the team within 2.
    ("repair", Clock.RECORD): Limit(2, None, Role.SERVICE_SUPERVISOR),
    ("repair", Clock.NOTIFY): Limit(2, None, Role.SERVICE_SUPERVISOR),
    # R2.17: arrive within 15 minutes of notification, emergencies within 5.
    ("repair", Clock.ARRIVE): Limit(15, 5, Role.ENGINEERING_SUPERVISOR),
    # R2.18: report the result back within 20 minutes of completion.
    ("repair", Clock.REPORT_BACK): Limit(20, None, Role.ENGINEERING_SUPERVISOR),
    # R2.13: a promised time given to the customer; its length is set case by case.
    ("repair", Clock.PROMISE): Limit(0, None, Role.SERVICE_SUPERVISOR),
}


def limits_for(property_id: int, kind: str) -> dict[str, Limit]:
    """All clocks of a kind at a property, in one query."""
    limits = {clock: limit for (k, clock), limit in DEFAULTS.items() if k == kind}
    for row in PromisePolicy.objects.filter(property_id=property_id, kind=kind):
        limits[row.clock] = Limit(row.minutes, row.emergency_minutes, row.escalate_to)
    return limits


def limit_for(property_id: int, kind: str, clock: str) -> Limit:
    return limits_for(property_id, kind)[clock]


def policies_seed(property_id: int) -> None:
    """Write the defaults as editable rows for a new property."""
    for (kind, clock), limit in DEFAULTS.items():
        PromisePolicy.objects.get_or_create(
            property_id=property_id,
            kind=kind,
            clock=clock,
            defaults={
                "minutes": limit.minutes,
                "emergency_minutes": limit.emergency_minutes,
                "escalate_to": limit.escalate_to,
            },
        )
