"""The office hours on the property's clock at their edges (R1.4): an office open across
midnight, and hours that open and close at the same minute."""

from __future__ import annotations

import datetime

import pytest

from conftest import SHANGHAI
from estates.hours import Post, in_office_hours, post_on_duty
from estates.models import Property


def at(hour: int, minute: int, second: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 11, 23, hour, minute, second, tzinfo=SHANGHAI)


def office(opens: datetime.time, closes: datetime.time) -> Property:
    return Property(code="T", name="T", time_zone="Asia/Shanghai", office_opens=opens, office_closes=closes)


@pytest.mark.parametrize(
    ("moment", "open_then"),
    [
        (at(21, 59, 59), False),
        (at(22, 0), True),  # opens at 22:00
        (at(23, 30), True),
        (at(0, 0), True),  # through midnight
        (at(5, 59, 59), True),
        (at(6, 0), False),  # closed from 06:00
        (at(12, 0), False),
    ],
)
def test_r1_4_an_office_open_across_midnight_is_open_from_opening_to_the_closing_minute(moment, open_then):
    """R1.4: a night office (22:00-06:00) is open from the minute it opens, through
    midnight, up to but not including the minute it closes; the monitoring room has the
    day."""
    night = office(datetime.time(22), datetime.time(6))
    assert in_office_hours(night, moment) is open_then
    assert post_on_duty(night, moment) == (Post.SERVICE_DESK if open_then else Post.MONITORING_ROOM)


@pytest.mark.parametrize("moment", [at(0, 0), at(8, 29, 59), at(8, 30), at(12, 0), at(23, 59, 59)])
def test_r1_4_hours_that_open_and_close_at_the_same_minute_leave_the_monitoring_room_on_duty(moment):
    """R1.4: an office whose hours close the minute they open (which setting up a property
    refuses) is never open: the monitoring room, staffed round the clock, takes the phone."""
    assert post_on_duty(office(datetime.time(8, 30), datetime.time(8, 30)), moment) == Post.MONITORING_ROOM
