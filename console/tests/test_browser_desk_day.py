"""The desk's day by keyboard in a real browser: a repeat call joined to the open leak
from the ticket page (N), a ticket found by the last four digits of the phone or by its
number typed in lower case ("/"). The key counts are in docs/console.md."""

from __future__ import annotations

import pytest

from contacts.models import Contact
from tickets.models import Ticket

pytestmark = pytest.mark.browser


def test_a_repeat_call_is_joined_and_tickets_are_found_by_keyboard(browser):
    desk = browser()
    page = desk.login("ygjy-agent")
    counted = {"keys": 0}

    def press(key: str) -> None:
        page.keyboard.press(key)
        counted["keys"] += 1

    def type_text(text: str) -> None:
        page.keyboard.type(text)
        counted["keys"] += len(text)

    def intake_leak(words: str) -> None:
        type_text("3-1202")
        page.wait_for_selector("button.hit[data-unit='3-1202']")
        press("Enter")
        page.wait_for_selector("#history .place-history")
        options = page.locator("#f-category option").all_text_contents()
        for _ in range(options.index("给排水")):
            press("ArrowDown")
        press("Tab")
        type_text(words)
        press("Control+Enter")

    page.keyboard.press("n")
    page.wait_for_url("**/intake/")
    page.wait_for_load_state("networkidle")
    intake_leak("厨房水管漏水")
    page.wait_for_url("**/t/**")
    number = Ticket.objects.get().number

    # The next call comes in while the ticket is open: N from the ticket page.
    counted["keys"] = 0
    press("n")
    page.wait_for_url("**/intake/")
    page.wait_for_load_state("networkidle")
    intake_leak("还在漏")
    page.wait_for_selector(f"button[name=join][value='{number}']")
    desk.shot("intake-repeat")
    press("Enter")  # the offered open ticket has the focus
    page.wait_for_url(f"**/t/{number}/**")
    joined_keys = counted["keys"]
    assert Ticket.objects.count() == 1 and Contact.objects.count() == 2
    assert "还在漏" in page.text_content("#timeline")

    # Found by the last four digits of the caller's phone, from any page.
    phone = Ticket.objects.get().reporter_phone
    counted["keys"] = 0
    press("/")
    type_text(phone[-4:])
    press("Enter")
    page.wait_for_url("**/desk/search/**")
    assert number in page.text_content("table.search")
    found_keys = counted["keys"]

    # A number typed in lower case opens its ticket.
    press("/")
    page.keyboard.type(number.lower())
    press("Enter")
    page.wait_for_url(f"**/t/{number}/")
    print(f"\nrepeat call joined: {joined_keys} keys; found by phone: {found_keys} keys")  # docs/console.md
    assert joined_keys <= 25 and found_keys == 6


def test_the_common_intake_fits_a_1366_by_768_screen(browser):
    """The record button of a repair's intake is on screen without scrolling."""
    desk = browser()
    desk.page.set_viewport_size({"width": 1366, "height": 768})
    page = desk.login("ygjy-agent")
    page.goto(f"{desk.base}/desk/YGJY/intake/")
    box = page.locator("#intake button[type=submit]").last.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768, box
