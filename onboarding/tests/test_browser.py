"""A new property in chromium, from nothing to its first repair: the company
administrator adds it, gives it a team, downloads each template, fills it in, checks
and imports it (buildings, units, residents, staff); then the desk, now working there,
records the first repair at a unit typed as residents say it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from estates.models import Property, Resident, Unit
from people.models import User
from tickets.models import Ticket

pytestmark = pytest.mark.browser

ROWS = {
    "buildings": [["1", "1栋", "2024-06-30", ""]],
    "units": [["1", f"{f}{r:02d}", "", "住宅", "95", ""] for f in (1, 2, 3, 5) for r in (1, 2)],
    "residents": [
        ["1-101", "王宅", "王芳", "13800001111", "业主", "2024-09-01"],
        ["1-101", "", "王小明", "13800002222", "家庭成员", ""],
    ],
    "staff": [
        ["ygjy-agent", "", "", "客服专员", "", "", "是"],
        ["xhy-tech1", "刘强（维修工）", "13900003333", "维修工", "水电班", "水工", "是"],
    ],
}


def filled(template: Path, rows: list[list[Any]]) -> bytes:
    """The downloaded template with its example row replaced by ours."""
    book = load_workbook(template)
    sheet = book.worksheets[0]
    sheet.delete_rows(2)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_new_property_is_set_up_by_its_administrator_and_records_its_first_repair(browser, axe, tmp_path):
    screen = browser()
    page = screen.login("admin")
    assert "/setup/" in page.url
    page.fill("#p-name", "新华苑")
    page.fill("#p-code", "XHY")
    page.click("#property button[type=submit]")
    page.wait_for_url("**/desk/XHY/setup/")
    page.fill("#t-name", "水电班")
    page.check("#team input[name=trades][value=plumbing]")
    page.click("#team form:first-of-type button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "水电班" in page.locator("#team table").inner_text()
    axe(page, "the setup page")
    screen.shot("setup")

    page.click("text=表格导入导出")
    page.wait_for_url("**/desk/XHY/setup/sheets/")
    for code, rows in ROWS.items():
        with page.expect_download() as got:
            page.click(f"a[href='?template={code}&format=xlsx']")
        template = tmp_path / f"{code}.xlsx"
        got.value.save_as(template)
        if code == "staff":  # the desk agent of YGJY comes to work here too, as she is
            agent = User.objects.get(username="ygjy-agent")
            rows[0][1:3] = [agent.display_name, agent.phone]
        page.select_option("#s-dataset", code)
        page.set_input_files(
            "#s-file",
            files=[{"name": f"{code}.xlsx", "mimeType": "application/octet-stream", "buffer": filled(template, rows)}],
        )
        page.click("#upload button[value=preview]")
        page.wait_for_load_state("networkidle")
        counts = page.locator("#preview [data-counts]").get_attribute("data-counts") or ""
        assert counts.split()[3] == "0", page.locator("#preview").inner_text()
        if code == "residents":
            axe(page, "the spreadsheets' preview")
            screen.shot("setup-sheets-preview")
        page.click("#preview button[value=import]")
        page.wait_for_load_state("networkidle")
        assert "已导入" in page.locator(".said").inner_text()
    prop = Property.objects.get(code="XHY")
    assert Unit.objects.filter(property=prop).count() == 8
    assert Resident.objects.filter(property=prop).count() == 2

    desk = browser()
    intake = desk.login("ygjy-agent")
    intake.goto(f"{desk.base}/desk/XHY/intake/")
    intake.wait_for_load_state("networkidle")
    intake.fill("#f-place", "1栋101室")
    intake.wait_for_selector("button.hit[data-unit='1-101']")
    intake.click("button.hit[data-unit='1-101']")
    intake.wait_for_selector("#history .place-history")
    assert intake.input_value("#f-phone") == "13800001111"
    intake.select_option("#f-category", "plumbing")
    intake.fill("#f-description", "卫生间地漏堵塞")
    intake.keyboard.press("Control+Enter")
    intake.wait_for_url("**/t/**")
    ticket = Ticket.objects.get(property=prop)
    assert ticket.unit.label == "1-101" and ticket.reporter_name == "王芳"  # type: ignore[union-attr]
    assert ticket.number in intake.text_content("h1")  # type: ignore[operator]
