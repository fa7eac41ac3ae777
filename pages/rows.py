"""What a list row shows, worked out once in Python for the faces' long lists (the
desk's queues, the technician's jobs): the template only places the values. A row
drawn with the template language's tags and filters (a URL, a time zone per row, a
truncation) costs more than the query behind it (docs/performance.md)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.urls import reverse

SHORT_CHARS = 40


def short(text: str, chars: int = SHORT_CHARS) -> str:
    """The text cut to ``chars`` characters, an ellipsis marking the cut."""
    return text if len(text) <= chars else text[: chars - 1] + "…"


def local(at: datetime.datetime | None, tz: ZoneInfo, fmt: str) -> str:
    """A moment as read on the place's clock, or "" for none."""
    return at.astimezone(tz).strftime(fmt) if at else ""


def iso(at: datetime.datetime | None, tz: ZoneInfo) -> str:
    """A moment in ISO 8601 on the place's clock (a ``<time datetime>``), or "" for none."""
    return at.astimezone(tz).isoformat() if at else ""


def url_maker(name: str, *after: str) -> Callable[[str], str]:
    """A function from a ticket number to the URL of the view ``name`` (with the
    arguments ``after`` the number, if it takes more), reversed once."""
    pattern = reverse(name, args=["NUMBER", *after])
    return lambda number: pattern.replace("NUMBER", quote(number))
