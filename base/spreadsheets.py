"""Cells a spreadsheet would run as a formula are written as plain text: every text that
starts with =, +, -, @, a tab or a carriage return gets a leading apostrophe (OWASP's
advice against formula injection), so a caller's name like ``=HYPERLINK(...)`` shows as
typed and runs nothing. Every workbook the project writes appends its rows through here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def row_append(sheet: Worksheet, values: Iterable[Any]) -> None:
    sheet.append([safe(v) for v in values])
