"""Readable ticket numbers (R1.5): the kind's prefix (tickets.kinds), the property's
local date, and a sequence for that prefix and day, e.g. ``BX-20261123-0007``; and the
other gap-free series (a property's receipts, R2.11) on the same counters.

The counter row is bumped with one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``
statement, which both SQLite (3.35+) and PostgreSQL run atomically, so two desks
recording at the same instant never get the same number.
"""

from __future__ import annotations

import datetime

from django.db import connection

from tickets.kinds import kind_for
from tickets.models import Ticket

_SQL = (
    "INSERT INTO tickets_numbercounter (key, value) VALUES (%s, 1) "
    "ON CONFLICT (key) DO UPDATE SET value = tickets_numbercounter.value + 1 "
    "RETURNING value"
)


def counter_next(key: str) -> int:
    """The next value of the series named ``key`` (at most 20 characters), from 1. Taken
    inside the caller's transaction, the counter row stays locked until it commits, and
    a failure rolls the value back with it: the series keeps no gap."""
    with connection.cursor() as cursor:
        cursor.execute(_SQL, [key])
        (value,) = cursor.fetchone()
    return int(value)


def ticket_id_reserve() -> int | None:
    """The id of a ticket about to be written, taken from its sequence on PostgreSQL (a
    sequence takes no lock and is never rolled back), so that the rows pointing at the
    ticket can be written before its number is taken; None on SQLite, which gives the id
    at the insert (and runs one writing transaction at a time anyway)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        table, column = connection.ops.quote_name(Ticket._meta.db_table), str(Ticket._meta.pk.column)
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", [table, column])
        (value,) = cursor.fetchone()
    return int(value)


def ticket_number_next(*, kind: str, day: datetime.date) -> str:
    key = f"{kind_for(kind).prefix}{day:%Y%m%d}"
    return f"{key[:2]}-{key[2:]}-{counter_next(key):04d}"
