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

    # A word of what was said.
    press("/")
    page.keyboard.type("水管")
    with page.expect_navigation(url="**/desk/search/?q=%E6%B0%B4%E7%AE%A1"):
        press("Enter")  # from one results page to the next: wait for the new one
    assert number in page.text_content("table.search")

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


def test_a_help_call_for_an_empty_unit_keeps_the_caller_and_the_review_decides_item_by_item(browser):
    """The caller is never lost (a unit nobody lives in); R2.6 in the browser: one item
    approved, one refused."""
    from estates.models import Household, Unit
    from people.models import User
    from tickets.actions import ticket_act

    empty = Unit.objects.filter(property__code="YGJY", label__startswith="2-").order_by("label").first()
    assert empty is not None
    Household.objects.filter(unit=empty).update(moved_out_on="2026-01-01")
    desk = browser()
    page = desk.login("ygjy-agent")
    page.goto(f"{desk.base}/desk/YGJY/intake/?kind=help")
    page.fill("#f-place", empty.label)  # typed, not picked: taken as the unit
    page.check("input[name=help_category][value=medical]")
    page.fill("#f-description", "老人摔倒，起不来")
    page.fill("#f-name", "李女士")
    page.fill("#f-phone", "13955556666")
    page.keyboard.press("Control+Enter")
    page.wait_for_url("**/t/**")
    help_ticket = Ticket.objects.get(kind="help")
    assert (help_ticket.reporter_name, help_ticket.reporter_phone) == ("李女士", "13955556666")

    agent, tech = User.objects.get(username="ygjy-agent"), User.objects.get(username="ygjy-tech1")
    page.goto(f"{desk.base}/desk/YGJY/intake/")
    page.fill("#f-place", "3-1202")
    page.select_option("#f-category", "plumbing")
    page.fill("#f-description", "橱柜下水管漏水")
    page.keyboard.press("Control+Enter")
    page.wait_for_url("**/t/**")
    repair = Ticket.objects.get(kind="repair")

    def act(action: str, by: User, data: dict | None = None) -> None:
        ticket_act(ticket=Ticket.objects.get(pk=repair.pk), action=action, by=by, data=data or {})

    act("dispatch", agent, {"assignee": "ygjy-tech1"})
    act("accept", tech)
    act("arrive", tech)
    items = [
        {"description": "定做橱柜门", "labour_fee": "120", "material_fee": "300"},
        {"description": "进口龙头", "labour_fee": "30", "material_fee": "450"},
    ]
    act("confirm", tech, {"items": items})
    engineer = browser()
    page = engineer.login("ygjy-engineer")
    page.goto(f"{engineer.base}/t/{repair.number}/")
    review = page.locator("details.action", has=page.locator("input[name=decisions-0-item_id]"))
    review.locator("summary").click()
    review.locator("input[name=decisions-0-decision][value=approve]").check()
    review.locator("input[name=decisions-1-decision][value=refuse]").check()
    review.locator("input[name=decisions-1-note]").fill("太贵")
    engineer.shot("review")
    review.locator("button[type=submit]").click()
    page.wait_for_url(f"**/t/{repair.number}/**")
    reviews = dict(repair.work_order.items.values_list("description", "review"))
    assert reviews == {"定做橱柜门": "approved", "进口龙头": "rejected"}
