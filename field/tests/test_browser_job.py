"""The job on a 360 px phone in chromium: the promise counted down, item rows added and
removed, the quote's lines before the consent, and the taps a simple free job takes
from acceptance to the report back."""

from __future__ import annotations

import pytest

from conftest import repair_draft
from field.tests.test_browser import sign
from repairs.models import WorkOrderItem
from tickets.models import Ticket

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360


def fits(page) -> None:
    """Nothing wider than the phone: no horizontal scroll."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def submit(page, action: str) -> None:
    page.click(f"form[action$='/act/{action}/'] button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_item_rows_are_added_and_removed_and_confirmed_on_a_360px_phone(browser, api, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    desk = api("ygjy-agent")
    number = desk.post("/tickets", repair_draft(description="卫生间角阀漏水")).json()["number"]
    desk.act(number, "dispatch", {"assignee": "ygjy-tech1"})

    phone = browser(phone=True)
    page = phone.login("ygjy-tech1")
    page.goto(f"{phone.base}/field/j/{number}/")
    assert page.text_content(".ticket-no") is not None and number in page.text_content(".ticket-no")
    countdown = page.text_content("time.countdown") or ""
    assert "还剩" in countdown and "分钟" in countdown, countdown  # counted down by the script
    fits(page)
    submit(page, "accept")
    submit(page, "arrive")

    form = "form[action$='/act/confirm/']"
    rows = page.locator(f"{form} .item-rows .item-row")
    assert rows.count() == 1  # the script keeps one blank row of the three drawn
    page.click(f"{form} button.add-row")
    page.click(f"{form} button.add-row")
    assert rows.count() == 3
    fits(page)
    # The first added row: a catalogue item; its out-of-catalogue fields stay hidden.
    page.select_option(f"{form} .item-row:nth-child(2) select", "PL-03")
    page.fill(f"{form} .item-row:nth-child(2) input[name$='-quantity']", "2")
    assert not rows.nth(1).locator(".extra").is_visible()
    # The second added row: outside the catalogue shows its fields, then it is removed.
    rows.nth(2).locator("select").select_option(index=1)
    assert rows.nth(2).locator("input[name$='-description']").is_visible()
    fits(page)
    rows.nth(2).locator("button.remove-row").click()
    assert rows.count() == 2
    page.select_option(f"{form} .item-row:nth-child(1) select", "PL-01")
    fits(page)
    submit(page, "confirm")

    assert Ticket.objects.get(number=number).status == "awaiting_consent"
    items = WorkOrderItem.objects.filter(order__ticket__number=number).order_by("id")
    assert [(i.service_item.code, i.quantity) for i in items if i.service_item] == [("PL-01", 1), ("PL-03", 2)]
    assert len(items) == 2  # the removed row recorded nothing
    # The customer sees each line before signing, on the phone's width.
    lines = page.locator("form[action$='/act/consent/'] .lines")
    assert lines.is_visible()
    text = lines.text_content() or ""
    assert "更换水龙头" in text and "更换角阀" in text and "80.00" in text and "¥120.00" in text
    fits(page)
    sign(page, "form[action$='/act/consent/']")
    submit(page, "consent")
    assert Ticket.objects.get(number=number).status == "in_progress"
    fits(page)


def test_a_simple_free_job_from_accept_to_report_back_in_eleven_taps(browser, api, tmp_path, settings):
    """A lobby light (a common area: free, R2.6): counted as the technician taps.
    Accept 1, arrive 1, the item 2 (open the list, pick) and confirm 1, complete 1,
    the customer's sign-off 4 (a star, "accepted", the signature drawn, sign off),
    report back 1. Each next step opens by itself; nothing is typed."""
    settings.MEDIA_ROOT = tmp_path / "media"
    desk = api("ygjy-agent")
    draft = repair_draft(unit=None, common_area="3栋大堂", category="public", description="大堂吊灯不亮")
    number = desk.post("/tickets", draft).json()["number"]
    desk.act(number, "dispatch", {"assignee": "ygjy-tech1"})

    phone = browser(phone=True)
    page = phone.login("ygjy-tech1")
    page.click(f"a[href$='/j/{number}/']")
    page.wait_for_load_state("networkidle")
    taps = 0

    def tap(selector: str) -> None:
        nonlocal taps
        assert page.locator(selector).is_visible() or page.locator(selector).count() == 1, selector
        page.click(selector)
        taps += 1

    def done(action: str) -> None:
        tap(f"form[action$='/act/{action}/'] button[type=submit]")
        page.wait_for_load_state("networkidle")
        fits(page)

    done("accept")
    done("arrive")
    page.select_option("form[action$='/act/confirm/'] select[name='items-0-item']", "PB-01")
    taps += 2  # the list opened, the item picked: the job's own category comes first
    done("confirm")
    assert Ticket.objects.get(number=number).status == "in_progress"  # free: no consent to ask
    done("complete")
    tap("form[action$='/act/sign_off/'] label[for=sign_off-star5]")
    tap("form[action$='/act/sign_off/'] input[name=satisfied][value=yes]")
    sign(page, "form[action$='/act/sign_off/']")
    taps += 1  # the customer's signature, one stroke
    done("sign_off")
    done("report_back")
    ticket = Ticket.objects.get(number=number)
    assert ticket.status == "reported" and ticket.work_order.satisfaction == 5  # type: ignore[attr-defined]
    assert taps == 11, taps
