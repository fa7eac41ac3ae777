"""What every page's frame needs: the bell (counted only when a page shows it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notify.services import bell_of
from people.access import is_active


def bell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not is_active(user):
        return {}
    return {"bell": SimpleLazyObject(lambda: bell_of(user)), "bell_seconds": settings.NOTIFY_BELL_SECONDS}
