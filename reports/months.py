"""Months as the reports name them ("2026-11"), and their bounds in a property's time zone."""

from __future__ import annotations

import datetime
import zoneinfo


def months_add(month: str, n: int) -> str:
    """The month ``n`` months after (negative: before) ``month``."""
    year, m = (int(x) for x in month.split("-"))
    index = year * 12 + m - 1 + n
    return f"{index // 12}-{index % 12 + 1:02d}"


def month_start(month: str, time_zone: str) -> datetime.datetime:
    year, m = (int(x) for x in month.split("-"))
    return datetime.datetime(year, m, 1, tzinfo=zoneinfo.ZoneInfo(time_zone))


def month_bounds(month: str, time_zone: str) -> tuple[datetime.datetime, datetime.datetime]:
    return month_start(month, time_zone), month_start(months_add(month, 1), time_zone)


def month_of(at: datetime.datetime, time_zone: str) -> str:
    return at.astimezone(zoneinfo.ZoneInfo(time_zone)).strftime("%Y-%m")
