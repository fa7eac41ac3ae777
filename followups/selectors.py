"""What the follow-up workbench shows: the calls to make today (and overdue ones), per
specialist, and the records waiting for the supervisor's review."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import TYPE_CHECKING

from estates.localtime import end_of_day
from followups.models import FollowUp

if TYPE_CHECKING:
    from estates.models import Property
    from people.models import User


def calls_today(prop: Property, now: datetime.datetime, *, assignee: User | None = None) -> dict[str, list[FollowUp]]:
    """Planned calls whose time to call has come by the end of today (local), overdue
    first, grouped by the specialist's name."""
    end = end_of_day(now, prop.time_zone)
    qs = (
        FollowUp.objects.filter(property=prop, status=FollowUp.Status.PLANNED, next_try_at__lte=end)
        .select_related("ticket", "ticket__unit", "building", "assignee")
        .order_by("due_by", "id")
    )
    if assignee is not None:
        qs = qs.filter(assignee=assignee)
    groups: dict[str, list[FollowUp]] = defaultdict(list)
    for f in qs[:500]:
        f.is_overdue = f.overdue(now)  # type: ignore[attr-defined]
        groups[str(f.assignee) if f.assignee else ""].append(f)
    return dict(groups)


def to_review(prop: Property) -> list[FollowUp]:
    """Recorded follow-ups the supervisor has not reviewed yet, unsatisfied ones first (R6.5)."""
    rows = list(
        FollowUp.objects.filter(property=prop, status=FollowUp.Status.DONE, reviewed_at__isnull=True)
        .select_related("ticket")
        .order_by("satisfaction", "done_at")[:200]
    )
    return rows
