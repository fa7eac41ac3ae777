"""Noting that a piece of background work ran, and reading how long ago."""

from __future__ import annotations

import datetime

from django.utils import timezone

from ops.models import Heartbeat

WORKER, SWEEP, BACKUP = "worker", "sweep", "backup"


def heartbeat(name: str, note: str = "", at: datetime.datetime | None = None) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"at": at or timezone.now(), "note": note[:300]})


def last_beats() -> dict[str, Heartbeat]:
    return {h.name: h for h in Heartbeat.objects.all()}
