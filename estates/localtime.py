"""A property's local day: the rules count days and months as the office lives them
(the property's time zone), not in UTC."""

from __future__ import annotations

import datetime
import zoneinfo


def day_bounds(day: datetime.date, time_zone: str) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of ``day`` and of the next day, in ``time_zone``."""
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zoneinfo.ZoneInfo(time_zone))
    return start, start + datetime.timedelta(days=1)


def end_of_day(moment: datetime.datetime, time_zone: str) -> datetime.datetime:
    """The last second of the local day ``moment`` falls in ("the same day")."""
    local = moment.astimezone(zoneinfo.ZoneInfo(time_zone))
    return local.replace(hour=23, minute=59, second=59, microsecond=0)


def local_today(time_zone: str, now: datetime.datetime | None = None) -> datetime.date:
    """The property's date at ``now`` (by default the current time)."""
    moment = now if now is not None else datetime.datetime.now(datetime.UTC)
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone)).date()
