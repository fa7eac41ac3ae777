"""Spreadsheets in and out, with openpyxl (already used for the reports' workbooks) and
the standard csv module: read a file of rows under named headers in any column order,
write a template (headers, an example row, a sheet of what each column takes) and an
export in the same shape. What the columns mean is each data set's business
(``onboarding.imports``)."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from base.errors import InvalidInput

ROWS_MAX = 50_000  # a property's units or residents; more is not one property's file
FILE_MAX = 20 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    key: str  # the field, also accepted as a header
    header: str  # the template's (Chinese) header
    required: bool = False
    allowed: tuple[Any, ...] = ()  # the values it takes, listed in the template
    example: str = ""
    note: str | Promise = ""


def _norm(text: str) -> str:
    return "".join(str(text or "").split()).replace("*", "").replace("＊", "").lower()


def cell_text(value: Any) -> str:
    """A cell as the text a person typed: dates as 2024-05-01, 12.0 as 12."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value).strip()


def _rows_xlsx(content: bytes) -> list[list[Any]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InvalidInput(
            _("The spreadsheet could not be read: it is damaged or not an Excel file (.xlsx)."), field="file"
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > ROWS_MAX + 1:
                break
        return rows
    except Exception:  # noqa: BLE001 - a damaged sheet fails in many ways inside openpyxl
        raise InvalidInput(
            _("The spreadsheet could not be read: it is damaged or not an Excel file (.xlsx)."), field="file"
        ) from None
    finally:
        book.close()


def _rows_csv(content: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise InvalidInput(_("The file is not text in UTF-8 or GBK."), field="file")
    if "\x00" in text:
        raise InvalidInput(_("The file is not a spreadsheet (.xlsx) or a CSV file."), field="file")
    try:
        return list(itertools.islice(csv.reader(io.StringIO(text)), ROWS_MAX + 2))
    except csv.Error:
        raise InvalidInput(_("The CSV file could not be read."), field="file") from None


def read(name: str, content: bytes, columns: Sequence[Column]) -> list[tuple[int, dict[str, str]]]:
    """The rows of an uploaded file as (row number as the spreadsheet shows it, {key:
    text}); the headers are matched by name, in any order. A file of another type, a
    damaged one, a missing required column or an unknown header is refused."""
    if not content:
        raise InvalidInput(_("The file is empty."), field="file")
    if len(content) > FILE_MAX:
        raise InvalidInput(_("The file is larger than 20 MB."), field="file")
    lower = (name or "").lower()
    if content[:4] == b"PK\x03\x04" or lower.endswith(".xlsx"):
        rows = _rows_xlsx(content)
    elif lower.endswith((".csv", ".txt")):
        rows = _rows_csv(content)
    else:
        raise InvalidInput(
            _("“%(name)s” is neither an Excel file (.xlsx) nor a CSV file.") % {"name": (name or "")[:60]}, field="file"
        )
    while rows and not any(cell_text(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise InvalidInput(_("The file is empty."), field="file")
    if len(rows) > ROWS_MAX + 1:
        raise InvalidInput(_("The file has more than %(n)d rows.") % {"n": ROWS_MAX}, field="file")
    names = {}
    for c in columns:
        names[_norm(c.header)] = c.key
        names[_norm(c.key)] = c.key
    keys: list[str | None] = []
    for value in rows[0]:
        text = cell_text(value)
        if not text:
            keys.append(None)
            continue
        key = names.get(_norm(text))
        if key is None:
            raise InvalidInput(
                _("The column “%(header)s” is not one of this template's; download the template to see its columns.")
                % {"header": text[:30]},
                field="file",
            )
        keys.append(key)
    missing = [c.header for c in columns if c.required and c.key not in keys]
    if missing:
        raise InvalidInput(_("The column “%(header)s” is missing.") % {"header": missing[0]}, field="file")
    out = []
    for number, row in enumerate(rows[1:], start=2):
        values = {k: cell_text(v) for k, v in zip(keys, row, strict=False) if k}
        if any(values.values()):
            out.append((number, values))
    return out


def workbook(title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, guide: bool) -> bytes:
    """An .xlsx: the headers (required ones marked *), the rows, and for a template a
    second sheet saying what each column takes."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append([c.header + ("*" if c.required else "") for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for i, c in enumerate(columns):
        sheet.column_dimensions[sheet.cell(row=1, column=i + 1).column_letter].width = max(12, len(c.header) * 2 + 4)
    if guide:
        notes = book.create_sheet(_("How to fill it in")[:31])
        notes.append([_("Column"), _("Required"), _("Allowed values"), _("Note")])
        for cell in notes[1]:
            cell.font = Font(bold=True)
        for c in columns:
            notes.append(
                [c.header, _("yes") if c.required else _("no"), "、".join(str(a) for a in c.allowed), str(c.note)]
            )
        notes.column_dimensions["C"].width = 40
        notes.column_dimensions["D"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV with a byte-order mark, so Excel opens the Chinese headers right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header + ("*" if c.required else "") for c in columns])
    for row in rows:
        writer.writerow([cell_text(v) for v in row])
    return out.getvalue().encode("utf-8-sig")
