"""The health endpoint a monitor polls (``/health/``): the database answers, the worker
beats, the promise sweep ran lately, and how old the last backup is. No secrets: ages and
yes or no only. 200 when the database, the worker and the sweep are well, else 503."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ops.heartbeats import BACKUP, SWEEP, WORKER, last_beats

STALE = {WORKER: datetime.timedelta(minutes=3), SWEEP: datetime.timedelta(minutes=5)}


def _age(beats: dict[str, Any], name: str, now: datetime.datetime, limit: datetime.timedelta) -> dict[str, Any]:
    beat = beats.get(name)
    if beat is None:
        return {"ok": False, "last": None, "age_seconds": None}
    age = (now - beat.at).total_seconds()
    return {"ok": age <= limit.total_seconds(), "last": beat.at.isoformat(), "age_seconds": round(age)}


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    now = timezone.now()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        beats = last_beats()
    except DatabaseError:
        return JsonResponse({"status": "failing", "database": {"ok": False}}, status=503)
    checks = {
        "database": {"ok": True},
        "worker": _age(beats, WORKER, now, STALE[WORKER]),
        "sweep": _age(beats, SWEEP, now, STALE[SWEEP]),
        "backup": _age(beats, BACKUP, now, datetime.timedelta(hours=settings.BACKUP_MAX_AGE_HOURS)),
    }
    well = all(checks[name]["ok"] for name in ("database", "worker", "sweep"))
    return JsonResponse({"status": "ok" if well else "failing", **checks}, status=200 if well else 503)


@never_cache
@require_GET
def live(request: HttpRequest) -> HttpResponse:
    """``/health/live/``: the process answers, nothing more (no database): what a load
    balancer polls to know a worker is up, and the floor ``make bench`` measures every
    page against (the same middleware, no work)."""
    return HttpResponse(b"ok", content_type="text/plain")
