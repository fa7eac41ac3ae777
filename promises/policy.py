"""The time limits of service promises: defaults from RULES, overridden per property
by PromisePolicy rows that an administrator can change.

A policy is keyed by the ticket's kind, or by kind and variant where the rules give
different limits within a kind (complaint severity, oral or written consultation):
see ``Workflow.policy_key``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from estates.localtime import end_of_day
from people.models import Role
from promises.models import Clock, PromisePolicy

DAY = 24 * 60
END_OF_DAY = 0  # minutes: "the same day", i.e. by the end of the property's local day


@dataclass(frozen=True)
class Limit:
    minutes: int
    emergency_minutes: int | None
    escalate_to: str

    def for_urgency(self, emergency: bool) -> datetime.timedelta:
        minutes = self.emergency_minutes if emergency and self.emergency_minutes else self.minutes
        return datetime.timedelta(minutes=minutes)

    def due(
        self, start: datetime.datetime, *, emergency: bool = False, time_zone: str = "Asia/Shanghai"
    ) -> datetime.datetime:
        """When a clock started at ``start`` falls due; ``END_OF_DAY`` means the end of
        that local day (R4.3: major complaints reach leadership the same day)."""
        if self.minutes == END_OF_DAY and not emergency:
            return end_of_day(start, time_zone)
        return start + self.for_urgency(emergency)


S, M, X = Role.SERVICE_SUPERVISOR, Role.MANAGER, Role.EXECUTIVE

DEFAULTS: dict[tuple[str, str], Limit] = {
    # R2.16: record the request within 2 minutes of the call; notify the team within 2.
    ("repair", Clock.RECORD): Limit(2, None, S),
    ("repair", Clock.NOTIFY): Limit(2, None, S),
    # R2.17: arrive within 15 minutes of notification, emergencies within 5.
    ("repair", Clock.ARRIVE): Limit(15, 5, Role.ENGINEERING_SUPERVISOR),
    # R2.18: report the result back within 20 minutes of completion.
    ("repair", Clock.REPORT_BACK): Limit(20, None, Role.ENGINEERING_SUPERVISOR),
    # R2.13: a promised time given to the customer; its length is set case by case.
    ("repair", Clock.PROMISE): Limit(0, None, S),
    # R3.3, R2.22-R2.23: a builder comes within 24 hours and fixes within 15 days; a
    # provider's own promise replaces these (catalog.Provider.response_hours).
    ("repair", Clock.PARTY_ARRIVE): Limit(DAY, None, S),
    ("repair", Clock.PARTY_FIX): Limit(15 * DAY, None, S),
    # R4.3, R4.5: minor complaints: the service supervisor, resolved within 2 days.
    ("complaint:minor", Clock.RESOLVE): Limit(2 * DAY, None, M),
    ("complaint:minor", Clock.MONTH): Limit(30 * DAY, None, X),
    # Important: the property manager within 1 hour, resolved within 3 days.
    ("complaint:important", Clock.TAKE_UP): Limit(60, None, X),
    ("complaint:important", Clock.RESOLVE): Limit(3 * DAY, None, X),
    ("complaint:important", Clock.MONTH): Limit(30 * DAY, None, X),
    # Major: leadership the same day, a clear answer within 2 days, resolved within 10.
    ("complaint:major", Clock.TAKE_UP): Limit(END_OF_DAY, None, X),
    ("complaint:major", Clock.ANSWER): Limit(2 * DAY, None, X),
    ("complaint:major", Clock.RESOLVE): Limit(10 * DAY, None, X),
    # R5.2: a help request is answered within 5 minutes.
    ("help", Clock.REPLY): Limit(5, None, S),
    # R5.5: an oral consultation is answered at once (the supervisor within 5 minutes);
    # a written one in writing within 2 days.
    ("consultation:oral", Clock.REPLY): Limit(5, None, S),
    ("consultation:written", Clock.REPLY): Limit(2 * DAY, None, M),
    # Suggestions: acknowledged and answered; 2 days, as written consultations.
    ("suggestion", Clock.REPLY): Limit(2 * DAY, None, M),
}


def limits_for(property_id: int, key: str) -> dict[str, Limit]:
    """All clocks of a policy key (a kind, or kind:variant) at a property, in one query."""
    limits = {clock: limit for (k, clock), limit in DEFAULTS.items() if k == key}
    for row in PromisePolicy.objects.filter(property_id=property_id, kind=key):
        limits[row.clock] = Limit(row.minutes, row.emergency_minutes, row.escalate_to)
    return limits


def limit_for(property_id: int, key: str, clock: str) -> Limit:
    return limits_for(property_id, key)[clock]


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
