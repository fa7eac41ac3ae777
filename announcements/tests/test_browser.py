"""Announcements in chromium: the desk publishes with the form, the resident finds it at
the top of their home page on a 360 px phone, opens it (no horizontal scrolling), and
the bell and the desk's count of readers follow."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from announcements.models import Announcement

pytestmark = pytest.mark.browser


def test_the_desk_publishes_and_the_resident_reads_it_on_a_phone(browser):
    screen = browser()
    desk = screen.login("ygjy-agent")
    desk.goto(f"{screen.base}/desk/YGJY/announcements/")
    desk.check("input[name=kind][value=maintenance]")
    desk.fill("#a-title", "3栋电梯年度维保，暂停使用")
    desk.fill(
        "#a-body", "维保期间请使用2号电梯。" * 20 + "https://example.cn/a-very-long-address-without-any-break-" * 3
    )
    desk.check("input[name=building_ids] >> nth=2")  # building 3
    day = timezone.localdate() + datetime.timedelta(days=2)
    desk.fill("#a-starts", f"{day}T09:00")
    desk.fill("#a-ends", f"{day}T17:00")
    desk.click("#publish button[type=submit]")
    desk.wait_for_load_state("networkidle")
    a = Announcement.objects.get()
    assert desk.locator(f"#a{a.pk} td[data-count=told]").inner_text() == "2"
    screen.shot("console-announcements")

    phone = browser(phone=True)
    page = phone.login("resident")
    item = page.locator(f"#news-{a.pk}")
    assert "3栋电梯年度维保" in item.inner_text() and f"{day:%m-%d} 09:00–17:00" in item.inner_text()
    assert page.locator("a.bell .bell-count").inner_text() == "1"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    item.locator("a").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/my/news/{a.pk}/")
    assert "维保期间请使用2号电梯" in page.locator("article").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("a.bell .bell-count").is_hidden()  # read: off the bell
    phone.shot("portal-announcement")

    desk.reload()
    assert desk.locator(f"#a{a.pk} td[data-count=read]").inner_text() == "1"
