"""Races: numbers stay unique, a retried create never duplicates, and of two people
taking the same action at once exactly one wins (R1.5; the state-machine quality bar).
These run real threads against the real database (SQLite file or PostgreSQL)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from conftest import Api, repair_draft
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db(transaction=True)


def race(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in n threads released together; return their results."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - report any failure as the thread's result
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_concurrent_intake_gets_unique_sequential_numbers(persona):
    """R1.5: a readable unique number, kind prefix + date + sequence, under concurrent intake."""
    clients = [Api(persona("ygjy-agent")), Api(persona("ygjy-agent2"))] * 4
    results = race(8, lambda i: clients[i].post("/tickets", repair_draft(description=f"并发报修 {i}")))
    assert [r.status_code for r in results] == [201] * 8, results
    numbers = sorted(r.json()["number"] for r in results)
    assert len(set(numbers)) == 8
    assert all(re.fullmatch(r"BX-\d{8}-\d{4}", n) for n in numbers)
    assert [int(n[-4:]) for n in numbers] == list(range(1, 9))


def test_retried_create_with_the_same_key_never_duplicates(persona):
    """A retried request does not duplicate: the same Idempotency-Key from five retries at once."""
    desk = Api(persona("ygjy-agent"))
    results = race(5, lambda i: desk.post("/tickets", repair_draft(), **{"Idempotency-Key": "call-0931-a"}))
    assert {r.status_code for r in results} == {201}, results
    assert len({r.json()["number"] for r in results}) == 1
    assert Ticket.objects.count() == 1
    replayed = [r for r in results if r.headers.get("Idempotent-Replayed") == "true"]
    assert len(replayed) == 4


def test_two_people_dispatching_at_once_exactly_one_wins(persona):
    agents = [Api(persona("ygjy-agent")), Api(persona("ygjy-agent2"))]
    number = agents[0].post("/tickets", repair_draft()).json()["number"]
    targets = ["ygjy-tech1", "ygjy-tech2"]
    results = race(2, lambda i: agents[i].act(number, "dispatch", {"assignee": targets[i]}))
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409], [r.content for r in results]
    assert TicketEvent.objects.filter(ticket__number=number, action="dispatch").count() == 1
    loser = next(r for r in results if r.status_code == 409).json()
    assert loser["code"] in ("conflict", "illegal_transition")
    winner = next(r for r in results if r.status_code == 200).json()
    assignee = Ticket.objects.get(number=number).assignee
    assert assignee is not None and assignee.username == winner["assignee"]["username"]


def _statements(work: Callable[[], Any]) -> list[str]:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        work()
    return [q["sql"] for q in ctx.captured_queries]


def _first(statements: list[str], table: str) -> int:
    return next(i for i, sql in enumerate(statements) if table in sql)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite gives a ticket its id only at the insert")
def test_the_days_counter_is_held_only_for_what_needs_the_number(persona):
    """R1.5 under load: the day's counter stays locked until the commit and every
    creation of the kind waits for it, so the rows that only point at the new ticket
    (its clocks, its first event, the request's key) are written before it is taken."""
    desk = Api(persona("ygjy-agent"))
    statements = _statements(lambda: desk.post("/tickets", repair_draft(), **{"Idempotency-Key": "call-1"}))
    counter = _first(statements, "tickets_numbercounter")
    for table in ("promises_deadline", "tickets_ticketevent", "tickets_idempotencykey"):
        assert _first(statements, f'INSERT INTO "{table}"') < counter, table
    assert _first(statements, 'INSERT INTO "tickets_ticket"') > counter
    ticket = Ticket.objects.get()
    assert ticket.deadlines.count() == 2 and ticket.events.get().action == "create"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite gives a ticket its id only at the insert")
def test_a_replayed_key_never_takes_the_days_counter(persona):
    """A retry fails on its key's insert, before the counter, so it never waits for
    the desks recording new matters; the answer is the first ticket."""
    desk = Api(persona("ygjy-agent"))
    first = desk.post("/tickets", repair_draft(), **{"Idempotency-Key": "call-2"})
    statements = _statements(lambda: desk.post("/tickets", repair_draft(), **{"Idempotency-Key": "call-2"}))
    assert not any("tickets_numbercounter" in sql for sql in statements), statements
    again = desk.post("/tickets", repair_draft(), **{"Idempotency-Key": "call-2"})
    assert again.headers["Idempotent-Replayed"] == "true" and again.json()["number"] == first.json()["number"]
    assert Ticket.objects.count() == 1
