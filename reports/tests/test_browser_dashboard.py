"""The monthly dashboard renders its charts in chromium, offline (vendored ECharts)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from conftest import recorded, repair_draft

pytestmark = pytest.mark.browser


def test_the_monthly_dashboard_renders_its_charts(browser, api):
    """R8.1: the trend, the on-time rate per promise, the categories and the technician
    league are drawn from the page's own figures; no request leaves the machine."""
    for category in ("plumbing", "plumbing", "electrical"):
        recorded(api("ygjy-agent"), repair_draft(category=category))
    month = f"{timezone.localdate():%Y-%m}"
    manager = browser()
    page = manager.login("ygjy-manager")
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(manager.base) else None)
    page.goto(f"{manager.base}/reports/YGJY/{month}/")
    page.wait_for_selector("#chart-technicians[data-ready='1']")
    for chart in ("trend", "on-time", "categories", "technicians"):
        assert page.locator(f"#chart-{chart} svg").count() == 1, chart
    assert "给排水" in page.text_content("#t-top_categories")
    assert outside == []
    manager.shot("dashboard")


def test_the_monthly_dashboard_fits_a_360_px_phone(browser):
    """A manager reading the month on a phone: the page does not scroll sideways."""
    phone = browser(phone=True)
    page = phone.login("ygjy-manager")
    page.goto(f"{phone.base}/reports/YGJY/{timezone.localdate():%Y-%m}/")
    page.wait_for_selector("#chart-technicians[data-ready='1']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
