"""The time limits of service promises: defaults from RULES, overridden per property
by PromisePolicy rows that an administrator can change.

A policy is keyed by the ticket's kind, or by kind and variant where the rules give
different limits within a kind (complaint severity, oral or written consultation):
see ``tickets.kinds.TicketKind.policy_key``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from base.remembered import Remembered
from estates.localtime import end_of_day
from promises.models import PromisePolicy

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


# The default limits, {(policy key, clock): Limit}, added by each kind of ticket when it
# registers (tickets.kinds.TicketKind.promises), from the numbers of RULES. They are
# defaults only: a property's PromisePolicy rows override them, and a new property gets
# them as its own rows (policies_seed), so changing a default here changes nothing for
# an existing property; change its rows in the admin, or re-apply the defaults to it
# there (policies_reset).
DEFAULTS: dict[tuple[str, str], Limit] = {}


def limit_text(limit: Limit) -> str:
    """A limit as people say it: "within 2 days", "within 1 hour", "the same day"."""
    minutes = limit.minutes
    if minutes == END_OF_DAY:
        return _("the same day")
    if minutes % DAY == 0:
        return ngettext("within %(n)d day", "within %(n)d days", minutes // DAY) % {"n": minutes // DAY}
    if minutes % 60 == 0:
        return ngettext("within %(n)d hour", "within %(n)d hours", minutes // 60) % {"n": minutes // 60}
    return ngettext("within %(n)d minute", "within %(n)d minutes", minutes) % {"n": minutes}


def defaults_add(key: str, clocks: Mapping[str, Limit]) -> None:
    for clock, limit in clocks.items():
        DEFAULTS[(key, clock)] = limit


def defaults_remove(key: str) -> None:
    for k in [k for k in DEFAULTS if k[0] == key]:
        del DEFAULTS[k]


def limits_for(property_id: int, key: str) -> dict[str, Limit]:
    """All clocks of a policy key (a kind, or kind:variant) at a property, in one query."""
    return dict(remembered_limits.get((property_id, key), lambda: _limits_read(property_id, key)) or {})


# A property's limits, remembered by each process (base.remembered): creation reads them
# on every ticket. A row saved or deleted is forgotten at once (promises.apps).
remembered_limits: Remembered[dict[str, Limit]] = Remembered("REFERENCE_CACHE_SECONDS")


def _limits_read(property_id: int, key: str) -> dict[str, Limit]:
    limits = {clock: limit for (k, clock), limit in DEFAULTS.items() if k == key}
    for row in PromisePolicy.objects.filter(property_id=property_id, kind=key):
        limits[row.clock] = Limit(row.minutes, row.emergency_minutes, row.escalate_to)
    return limits


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


def policies_reset(property_id: int) -> int:
    """Put the property's rows back to the defaults (rows for clocks without a default
    are left alone). Returns how many rows changed or were added."""
    changed = 0
    for (kind, clock), limit in DEFAULTS.items():
        values = {
            "minutes": limit.minutes,
            "emergency_minutes": limit.emergency_minutes,
            "escalate_to": limit.escalate_to,
        }
        row, created = PromisePolicy.objects.get_or_create(
            property_id=property_id, kind=kind, clock=clock, defaults=values
        )
        if created:
            changed += 1
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save(update_fields=list(values))  # saved: the remembered limits hear of it
            changed += 1
    return changed
