"""Follow-up windows and coverage (R6.1, R6.2): defaults from RULES, overridden per
property by FollowUpPolicy rows."""

from __future__ import annotations

from dataclasses import dataclass

from followups.models import FollowUpPolicy, Service


@dataclass(frozen=True)
class Window:
    from_days: int
    to_days: int
    coverage: int  # percent


DEFAULTS: dict[str, Window] = {
    # R6.1: a complaint within 3 days after it is closed; R6.2: every one.
    Service.COMPLAINT: Window(0, 3, 100),
    # Repairs between 1 and 2 months after completion; 80 %.
    Service.REPAIR: Window(30, 60, 80),
    # A medical emergency within a week; help requests 80 %.
    Service.MEDICAL: Window(0, 7, 80),
    Service.HELP: Window(0, 7, 80),
    # Special paid services mid-contract and at the end; 80 %.
    Service.SPECIAL: Window(0, 7, 80),
    # Newsletters and community events within a month; 20 %.
    Service.EVENT: Window(0, 30, 20),
    # Other services within a week, at a rate the supervisor sets (none by default).
    Service.OTHER: Window(0, 7, 0),
    # R3.5: warranty visits, each given a month.
    Service.WARRANTY: Window(0, 30, 100),
}


def window_for(property_id: int, service: str) -> Window:
    row = FollowUpPolicy.objects.filter(property_id=property_id, service=service).first()
    if row:
        return Window(row.window_from_days, row.window_to_days, row.coverage_percent)
    return DEFAULTS[Service(service)]
