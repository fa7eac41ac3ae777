"""The daily contact log as an Excel workbook: the rows, then the subtotals (R2.25)."""

from __future__ import annotations

import io
import zoneinfo

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from base.spreadsheets import row_append
from contacts.selectors import DailyLog, row_tag


def daily_log_xlsx(log: DailyLog) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Contact log")[:31]
    title = _("%(property)s contact log %(day)s") % {"property": log.property.name, "day": f"{log.day:%Y-%m-%d}"}
    row_append(sheet, [title])
    sheet["A1"].font = Font(bold=True)
    headers = [_("Time"), _("Channel"), _("Caller"), _("Phone"), _("Unit"), _("What was said")]
    headers += [_("Tickets"), _("Tag"), _("Status"), _("Taken by")]
    row_append(sheet, headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    tz = log.property.time_zone
    for c in log.rows:
        tickets = [link.ticket for link in c.links]  # type: ignore[attr-defined]
        done = _("done")
        statuses = [f"{t.number} {t.status_label}" + (f" ({done})" if t.closed_at else "") for t in tickets]
        row_append(
            sheet,
            [
                timezone.localtime(c.at, timezone=zoneinfo.ZoneInfo(tz)).strftime("%H:%M"),
                c.get_channel_display(),
                c.caller_name,
                c.phone,
                c.unit.label if c.unit else "",
                c.summary,
                " ".join(t.number for t in tickets),
                row_tag(c),
                "; ".join(statuses),
                c.staff_name,
            ],
        )
    row_append(sheet, [])
    row_append(sheet, [_("Subtotals per tag")])
    for code, label, count in log.by_tag:
        row_append(sheet, [code or "—", label, count])
    row_append(sheet, [_("Subtotals per kind")])
    for _code, label, count in log.by_kind:
        row_append(sheet, ["", label, count])
    for column, width in zip("ABCDEFGHIJ", (8, 8, 12, 14, 10, 40, 22, 6, 30, 14), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
