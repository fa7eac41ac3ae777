"""The monthly pack as an Excel workbook (one sheet per table, Chinese headers) and as a
printable PDF, both rendered from the same ``MonthlyPack``."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Font

from base.spreadsheets import row_append
from reports.selectors import MonthlyPack

SHEET_NAME_MAX = 31  # Excel's limit
FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def pack_xlsx(pack: MonthlyPack) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    used: set[str] = set()
    for table in pack.tables:
        name = table.title.translate(FORBIDDEN)[:SHEET_NAME_MAX]
        while name in used:
            name = name[: SHEET_NAME_MAX - 1] + "_"
        used.add(name)
        sheet = book.create_sheet(name)
        row_append(sheet, [f"{pack.scope} · {pack.month} · {table.title}"])
        sheet["A1"].font = Font(bold=True)
        row_append(sheet, table.headers)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            row_append(sheet, ["" if v is None else v for v in row])
        sheet.column_dimensions["A"].width = 24
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pack_pdf(pack: MonthlyPack) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_to_string("reports/pack_pdf.html", {"pack": pack})).write_pdf()
