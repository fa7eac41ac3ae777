"""Archiving (R6.7): tickets closed more than two years ago are kept, read-only and out
of the working lists; nothing is deleted."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tickets.models import Ticket

KEEP_WORKING = datetime.timedelta(days=2 * 365)
BATCH = 5000


def tickets_archive(*, now: datetime.datetime | None = None) -> int:
    """Mark closed tickets older than two years as archived, in batches; returns how many."""
    now = now or timezone.now()
    cutoff = now - KEEP_WORKING
    total = 0
    while True:
        ids = list(
            Ticket.objects.filter(archived_at__isnull=True, closed_at__lt=cutoff).values_list("id", flat=True)[:BATCH]
        )
        if not ids:
            return total
        total += Ticket.objects.filter(pk__in=ids, archived_at__isnull=True).update(archived_at=now)
