"""The queues' header counts what waits for the desk besides tickets (R7.2, R7.4), by
one hand-written statement: each test here fails if it counts a row it should not."""

from __future__ import annotations

import datetime

from conftest import T0
from estates.models import Household, Property
from records.models import CallRequest, Key, KeyLoan
from records.selectors import desk_waiting

HOUR = datetime.timedelta(hours=1)


def _loan(prop: Property, code: str, *, due: datetime.datetime, returned: bool = False) -> None:
    key = Key.objects.create(property=prop, code=code, name=code, purpose="other", kept_at="desk")
    KeyLoan.objects.create(
        property=prop,
        key=key,
        borrower_kind="contractor",
        borrower_name="张师傅",
        purpose="x",
        out_at=due - 2 * HOUR,
        due_at=due,
        signature="records/keys/x.png",
        lent_by_name="desk",
        returned_at=due + HOUR if returned else None,
    )


def _call(prop: Property, status: str) -> None:
    CallRequest.objects.create(
        property=prop,
        household=Household.objects.filter(property=prop)[0],
        message="请回电",
        asked_at=T0 - HOUR,
        asked_by_name="工程部",
        status=status,
    )


def test_r7_4_only_keys_out_past_their_time_at_this_property_are_late(estate, clock):
    """R7.4: a key out past its time is late; one due later, one returned late and one of
    another property are not."""
    ygjy, wlbg = Property.objects.get(code="YGJY"), Property.objects.get(code="WLBG")
    assert desk_waiting(ygjy) == {"keys_late": 0, "calls": 0}
    _loan(ygjy, "L-1", due=T0 - HOUR)  # late
    _loan(ygjy, "L-2", due=T0 - 2 * HOUR)  # late
    _loan(ygjy, "L-3", due=T0 + HOUR)  # not yet due
    _loan(ygjy, "L-4", due=T0 - 3 * HOUR, returned=True)  # back, late but back
    _loan(wlbg, "L-5", due=T0 - HOUR)  # another property's
    assert desk_waiting(ygjy)["keys_late"] == 2
    assert desk_waiting(wlbg)["keys_late"] == 1
    clock.shift(2 * 3600)  # the third is now late too
    assert desk_waiting(ygjy)["keys_late"] == 3


def test_r7_2_only_open_call_requests_at_this_property_wait(estate, clock):
    """R7.2: "please call" requests still open wait for the desk; done ones and another
    property's do not."""
    ygjy, wlbg = Property.objects.get(code="YGJY"), Property.objects.get(code="WLBG")
    _call(ygjy, CallRequest.Status.OPEN)
    _call(ygjy, CallRequest.Status.OPEN)
    for status in {s for s in CallRequest.Status.values if s != CallRequest.Status.OPEN}:
        _call(ygjy, status)
    _call(wlbg, CallRequest.Status.OPEN)
    assert desk_waiting(ygjy) == {"keys_late": 0, "calls": 2}
    assert desk_waiting(wlbg) == {"keys_late": 0, "calls": 1}
