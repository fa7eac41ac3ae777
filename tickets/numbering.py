"""Readable ticket numbers (R1.5): kind prefix, the property's local date, and a
sequence for that prefix and day, e.g. ``BX-20261123-0007``.

The counter row is bumped with one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``
statement, which both SQLite (3.35+) and PostgreSQL run atomically, so two desks
recording at the same instant never get the same number.
"""

from __future__ import annotations

import datetime

from django.db import connection

from tickets.models import Kind

PREFIX = {
    Kind.REPAIR: "BX",  # 报修
    Kind.COMPLAINT: "TS",  # 投诉
    Kind.HELP: "QZ",  # 求助
    Kind.CONSULTATION: "ZX",  # 咨询
    Kind.SUGGESTION: "JY",  # 建议
}

_SQL = (
    "INSERT INTO tickets_numbercounter (key, value) VALUES (%s, 1) "
    "ON CONFLICT (key) DO UPDATE SET value = tickets_numbercounter.value + 1 "
    "RETURNING value"
)


def ticket_number_next(*, kind: str, day: datetime.date) -> str:
    key = f"{PREFIX[Kind(kind)]}{day:%Y%m%d}"
    with connection.cursor() as cursor:
        cursor.execute(_SQL, [key])
        (value,) = cursor.fetchone()
    return f"{key[:2]}-{key[2:]}-{value:04d}"
