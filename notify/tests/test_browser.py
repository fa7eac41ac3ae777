"""The bell in chromium: a technician's job list shows a new dispatch without a reload,
the bell counts it and clears when it is opened; the desk records "customer told"."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from conftest import repair_draft
from tickets.models import TicketEvent

pytestmark = pytest.mark.browser


def test_a_new_dispatch_appears_on_the_technicians_phone_and_the_bell_counts_and_clears(browser, api, settings):
    settings.NOTIFY_BELL_SECONDS = 1
    phone = browser(phone=True)
    page = phone.login("ygjy-tech1")
    assert page.url.endswith("/field/")
    assert page.locator("a.bell .bell-count").is_hidden()

    desk = api("ygjy-agent")
    number = desk.post("/tickets", repair_draft(description="楼上漏水到客厅")).json()["number"]
    assert desk.act(number, "dispatch", {"assignee": "ygjy-tech1"}).status_code == 200

    # No reload: the page asks the bell, sees news and refreshes its list.
    page.wait_for_selector(f"a[href$='/j/{number}/']", timeout=15000)
    page.wait_for_function("document.querySelector('a.bell .bell-count').textContent === '1'", timeout=15000)
    assert page.locator("a.bell .bell-count").is_visible()
    phone.shot("field-bell")

    page.click("a.bell")
    page.wait_for_load_state("networkidle")
    assert number in page.locator("ul.notices").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the notices fit the phone
    page.goto(f"{phone.base}/notices/preferences/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.go_back()
    page.click("ul.notices li.unread a")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/field/j/{number}/")
    assert page.locator("a.bell .bell-count").is_hidden()


def test_the_desk_records_that_the_customer_was_told(browser, api):
    desk, tech = api("ygjy-agent"), api("ygjy-tech1")
    number = desk.post("/tickets", repair_draft()).json()["number"]
    for who, action, body in (
        (desk, "dispatch", {"assignee": "ygjy-tech1"}),
        (tech, "accept", {}),
        (tech, "arrive", {}),
        (tech, "defer", {"reason": "等配件", "promised_at": (timezone.now() + datetime.timedelta(days=2)).isoformat()}),
    ):
        assert who.act(number, action, body).status_code == 200, action

    screen = browser()
    page = screen.login("ygjy-agent")
    assert page.locator("a.bell .bell-count").inner_text() == "1"
    page.goto(f"{screen.base}/t/{number}/")
    form = "form[action$='/act/tell_customer/']"
    page.click(f"details:has({form}) summary")
    page.fill(f"{form} textarea[name$=note]", "已电话告知业主，等配件")
    page.click(f"{form} button[type=submit]")
    page.wait_for_load_state("networkidle")
    event = TicketEvent.objects.get(ticket__number=number, action="tell_customer")
    assert event.actor is not None and event.actor.username == "ygjy-agent" and event.note == "已电话告知业主，等配件"
    assert page.locator(form).count() == 0  # nothing left to tell
    assert page.locator("a.bell .bell-count").is_hidden()  # the reminder left the bell
    screen.shot("console-customer-told")
