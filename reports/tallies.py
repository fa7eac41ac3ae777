"""The tickets of each finished month, by kind, counted once and kept (``TicketMonth``).

The 12-month trend of the monthly pack would otherwise count a year of tickets on every
view: at a million tickets that one statement cost more than the whole page may. A month
is kept only once it has ended in the property's time zone, so only late entries can
change it: saving a new ticket with a time in a finished month forgets that month's row
(``tally_forget``) and the next report counts it again. It listens to every insert of a
ticket (``post_save``), whichever way it was made; ``bulk_create`` skips it, so a bulk
loader of past tickets empties ``TicketMonth`` itself.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.db.models.signals import post_save
from django.utils import timezone

from estates.models import Property
from reports.models import TicketMonth
from reports.months import month_bounds, month_of, month_start, months_add
from tickets.models import Ticket


def month_counts(property_ids: list[int], months: list[str]) -> dict[str, dict[str, int]]:
    """Tickets by kind in each of ``months``, summed over the properties (each month in its
    property's own time zone). Ended months come from the kept rows, counted and kept the
    first time they are asked for; a month not yet ended is counted and not kept."""
    now = timezone.now()
    zones = dict(Property.objects.filter(pk__in=property_ids).values_list("id", "time_zone"))
    wanted = {(pk, m) for pk in zones for m in months}
    ended = {(pk, m) for pk, m in wanted if month_bounds(m, zones[pk])[1] <= now}
    found = {
        (r.property_id, r.month): r.counts
        for r in TicketMonth.objects.filter(property_id__in=zones, month__in={m for _pk, m in ended})
        if (r.property_id, r.month) in ended
    }
    missing = wanted - set(found)
    if missing:
        counted = _count(missing, zones)
        TicketMonth.objects.bulk_create(
            [
                TicketMonth(property_id=pk, month=m, counts=c, counted_at=now)
                for (pk, m), c in counted.items()
                if (pk, m) in ended
            ],
            ignore_conflicts=True,  # another request kept the same month a moment ago
        )
        found |= counted
    total: dict[str, dict[str, int]] = {m: defaultdict(int) for m in months}
    for (_pk, m), counts in found.items():
        for kind, n in counts.items():
            total[m][kind] += n
    return {m: dict(c) for m, c in total.items()}


def _count(missing: set[tuple[int, str]], zones: dict[int, str]) -> dict[tuple[int, str], dict[str, int]]:
    """Count the missing (property, month) pairs, one query per time zone."""
    counted: dict[tuple[int, str], dict[str, int]] = {pair: {} for pair in missing}
    by_zone: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for pk, m in missing:
        by_zone[zones[pk]].add((pk, m))
    for tz, pairs in by_zone.items():
        months = sorted({m for _pk, m in pairs})
        rows = (
            Ticket.objects.filter(
                property_id__in={pk for pk, _m in pairs},
                reported_at__gte=month_start(months[0], tz),
                reported_at__lt=month_start(months_add(months[-1], 1), tz),
            )
            .annotate(m=TruncMonth("reported_at", tzinfo=zoneinfo.ZoneInfo(tz)))
            .values("property_id", "m", "kind")
            .annotate(n=Count("id"))
            .order_by()
        )
        for r in rows:
            pair = (r["property_id"], month_of(r["m"], tz))
            if pair in counted:
                counted[pair][r["kind"]] = r["n"]
    return counted


def tally_forget(sender: type[Ticket], instance: Ticket, created: bool, **kwargs: Any) -> None:
    """A ticket saved new with a time in an earlier month changes that month's count."""
    if not created:
        return
    tz = instance.property.time_zone
    month = month_of(instance.reported_at, tz)
    if month != month_of(timezone.now(), tz):
        TicketMonth.objects.filter(property_id=instance.property_id, month=month).delete()


post_save.connect(tally_forget, sender=Ticket, dispatch_uid="reports.tally_forget")
