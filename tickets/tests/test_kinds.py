"""One front door for every kind of matter (R1.1, R1.4, R1.5, R4.8)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import recorded
from promises.models import Deadline
from tickets.models import Ticket

DETAILS: dict[str, dict[str, Any]] = {
    "repair": {"category": "plumbing"},
    "complaint": {"complaint": {"department": "engineering"}},
    "help": {"help": {"category": "other"}},
    "consultation": {},
    "suggestion": {},
}
PREFIX = {"repair": "BX", "complaint": "TS", "help": "QZ", "consultation": "ZX", "suggestion": "JY"}


@pytest.mark.parametrize("kind", list(DETAILS))
@pytest.mark.parametrize("who", ["ygjy-agent", "ygjy-night", "ygjy-security"])
def test_every_kind_is_recorded_by_the_desk_night_duty_or_any_staff_with_its_own_number(api, kind, who):
    """R1.1, R1.3, R1.4, R1.5: any staff member (the night duty after hours, security on
    patrol) records any kind of matter, which gets a tracking number with its kind's
    prefix and lands in the service centre's queue of that kind."""
    body = {"kind": kind, "property": "YGJY", "unit": "3-1202", "description": "夜间来电", **DETAILS[kind]}
    number = recorded(api(who), body)
    assert number.startswith(PREFIX[kind] + "-")
    ticket = Ticket.objects.get(number=number)
    assert (ticket.kind, ticket.status, ticket.closed_at) == (kind, "new", None)
    queue = api("ygjy-agent").get("/tickets", kind=kind, open="true", ordering="due").json()["items"]
    assert number in [t["number"] for t in queue]


def test_a_complaint_by_letter_follows_the_same_process(api):
    """R4.8: a letter is handled like a call: the same clocks and the same first step."""
    base: dict[str, Any] = {"kind": "complaint", "property": "YGJY", "unit": "3-1202", "description": "来函投诉"}
    base["complaint"] = {"severity": "important", "department": "security"}
    by_phone = recorded(api("ygjy-agent"), base | {"channel": "phone"})
    by_letter = recorded(api("ygjy-agent"), base | {"channel": "written"})

    def clocks(number: str) -> list[tuple[str, float]]:
        rows = Deadline.objects.filter(ticket__number=number).order_by("clock")
        return [(d.clock, (d.due_at - d.started_at).total_seconds()) for d in rows]

    assert clocks(by_letter) == clocks(by_phone)
    actions = {a["action"] for a in api("ygjy-agent").get(f"/tickets/{by_letter}/actions").json()}
    assert "forward" in actions
