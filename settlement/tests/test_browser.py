"""Settling a paid job in chromium (R2.11-R2.12): the desk charges the signed-off job
from its ticket page, opens the printed receipt, and finance reconciles the day with a
payment missing, the difference flagged. Each page passes the accessibility audit."""

from __future__ import annotations

import io
import re

import pytest

from settlement.models import Charge, Reconciliation
from settlement.tests.conftest import job

pytestmark = pytest.mark.browser


def test_the_desk_settles_a_paid_job_and_finance_reconciles_the_day(browser, axe, persona):
    t = job(persona)
    screen = browser()
    desk = screen.login("ygjy-agent")
    desk.goto(f"{screen.base}/t/{t.number}/")
    settle = desk.locator("#settle")
    assert "¥40.00" in settle.inner_text()
    axe(desk, "ticket page with the charge form")
    desk.select_option("#charge-method", "wechat")
    settle.locator("button[type=submit]").click()
    desk.wait_for_load_state("networkidle")
    charge = Charge.objects.get()
    assert charge.method == "wechat" and charge.total == 40
    assert re.fullmatch(r"SJ-YGJY-\d{4}-000001", charge.receipt_no)
    assert charge.receipt_no in desk.locator("#receipt").inner_text()
    assert charge.receipt_no in desk.locator(".said").inner_text()
    screen.shot("console-ticket-settled")

    href = desk.locator("#receipt-print").get_attribute("href")
    assert href is not None
    printed = screen.context.request.get(f"{screen.base}{href}")
    assert printed.ok and printed.headers["content-type"] == "application/pdf"
    try:
        from pypdf import PdfReader

        text = PdfReader(io.BytesIO(printed.body())).pages[0].extract_text()
    except OSError as e:  # pragma: no cover - WeasyPrint's libraries missing
        pytest.skip(f"PDF not read: {e}")
    assert charge.receipt_no in text and "3-1202" in text and "40.00" in text and "微信支付" in text

    office = browser()
    finance = office.login("ygjy-finance")
    assert finance.url.endswith("/desk/YGJY/finance/")
    assert charge.receipt_no in finance.locator("#receipts").inner_text()
    assert t.number in finance.locator("#jobs").inner_text()
    axe(finance, "finance page")
    for method, value in (("cash", "0"), ("card", "0"), ("wechat", "0"), ("alipay", "0")):
        finance.fill(f"#handed-{method}", value)
    finance.click("#reconcile-form button[type=submit]")
    finance.wait_for_load_state("networkidle")
    rec = Reconciliation.objects.get()
    assert rec.differences == {"wechat": "-40.00"}
    row = finance.locator("#method-wechat")
    assert "flag" in (row.get_attribute("class") or "") and "-40.00" in row.inner_text()
    assert "短款" in row.inner_text()
    office.shot("console-finance-reconciled")
    axe(finance, "finance page reconciled")
