"""Reading the outbox: a property's deliveries for the supervisor's page and the API."""

from __future__ import annotations

from django.db.models import Count

from estates.models import Property
from notify.models import Delivery


def outbox(
    prop: Property, *, status: str = "", before: int | None = None, limit: int = 100
) -> tuple[list[Delivery], dict[str, int]]:
    """The newest ``limit`` deliveries of the property (of one status if given, older
    than the id ``before`` if given), and how many there are of each status."""
    mine = Delivery.objects.filter(property=prop)
    rows = mine.select_related("ticket").order_by("-id")
    if status in Delivery.Status.values:
        rows = rows.filter(status=status)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    counts = dict(mine.values_list("status").order_by().annotate(n=Count("id")))
    return list(rows[:limit]), {value: counts.get(value, 0) for value in Delivery.Status.values}
