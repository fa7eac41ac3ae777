"""A resident's leak from their 360 px phone in chromium, in Chinese: signing in with a
code sent by SMS, reporting with a photo, seeing the technician the desk dispatched and
the time promised, agreeing to the price the engineering supervisor approved, and
signing off with four stars."""

from __future__ import annotations

import re

import pytest
from PIL import Image

from notify.models import Delivery
from people.models import User
from repairs.models import WorkOrder
from tickets.actions import ticket_act
from tickets.models import Ticket, TicketEvent
from tickets.selectors import ticket_for_action

pytestmark = pytest.mark.browser

PAGE_MAX = 100 * 1024  # bytes of HTML for a phone on a slow connection


def fits(page) -> None:
    """The resident's page is small and has no sideways scroll on a 360 px phone."""
    page.wait_for_load_state("networkidle")
    size = len(page.content().encode())
    assert size < PAGE_MAX, (page.url, size)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, (page.url, width)


def step(username: str, number: str, action: str, data: dict | None = None) -> None:
    """A staff step through the same service as the API and the console."""
    by = User.objects.get(username=username)
    ticket_act(ticket=ticket_for_action(by, number), action=action, by=by, data=data or {})


def test_a_resident_reports_a_leak_follows_it_agrees_to_the_price_and_signs_off(browser, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    resident = User.objects.get(username="resident")
    phone = browser(phone=True)
    page = phone.page

    # 1. Sign in with the mobile number and the code the SMS brought (the local outbox).
    page.goto(f"{phone.base}/my/login/")
    fits(page)
    page.fill("#phone", resident.phone)
    page.click("button:text-is('获取验证码')")
    page.wait_for_selector("#code")
    fits(page)
    sms = Delivery.objects.filter(channel="sms", address=resident.phone).order_by("-created_at", "-id").first()
    assert sms is not None
    code = re.search(r"(?<!\d)\d{6}(?!\d)", sms.text)
    assert code is not None, sms.text
    page.fill("#code", code.group())
    page.click("button:text-is('登录')")
    page.wait_for_url("**/my/")
    fits(page)

    # 2. Report the leak with a photo; the matter page shows its number and where it stands.
    page.goto(f"{phone.base}/my/report/")
    fits(page)
    photo = tmp_path / "leak.jpg"
    Image.new("RGB", (640, 480), "gray").save(photo, "JPEG")
    page.check("input[name=kind][value=repair]")
    page.select_option("#place", label="阳光嘉园小区 3-1202")
    page.select_option("#category", "plumbing")
    page.fill("#description", "卫生间天花板漏水")
    page.set_input_files("#photos", str(photo))
    page.click("button:text-is('提交')")
    page.wait_for_url("**/my/m/*/?new=1")
    fits(page)
    ticket = Ticket.objects.get(description="卫生间天花板漏水")
    number = ticket.number
    assert number.startswith("BX-")
    assert ticket.channel == "online" and ticket.unit is not None and ticket.unit.label == "3-1202"
    assert ticket.category is not None and ticket.category.code == "plumbing"
    assert number in page.text_content("h1")
    assert page.text_content("p.stand") == "已登记，客服中心正在派维修工。"
    assert page.locator(".photos img").count() == 1
    phone.shot("resident-reported")

    # 3. The desk dispatches it from the console, on a desktop.
    desk = browser()
    console = desk.login("ygjy-agent")
    console.goto(f"{desk.base}/t/{number}/")
    console.click("summary:has-text('派单')")
    console.select_option("form[action$='/act/dispatch/'] select[name=assignee]", "ygjy-tech1")
    console.click("form[action$='/act/dispatch/'] button[type=submit]")
    console.wait_for_load_state("networkidle")
    assert Ticket.objects.get(number=number).status == "dispatched"

    # 4. The resident sees who comes, can call them, and the time promised counting down.
    tech = User.objects.get(username="ygjy-tech1")
    page.reload()
    fits(page)
    assert str(tech) in page.text_content("main")
    assert page.get_attribute("a.call", "href") == f"tel:{tech.phone}"
    page.wait_for_function("[...document.querySelectorAll('.countdown')].some(e => e.textContent.trim())")
    assert page.locator(".countdown").first.text_content().strip()
    phone.shot("resident-dispatched")

    # 5. On site, an item outside the fee schedule, approved by the engineering supervisor.
    step("ygjy-tech1", number, "accept")
    step("ygjy-tech1", number, "arrive")
    item = {"description": "更换水龙头（业主指定款）", "labour_fee": "30", "material_fee": "45", "service_fee": "10"}
    step("ygjy-tech1", number, "confirm", {"items": [item]})
    assert Ticket.objects.get(number=number).status == "awaiting_review"
    item_id = WorkOrder.objects.get(ticket__number=number).items.get().pk
    step("ygjy-engineer", number, "review", {"decisions": [{"item_id": item_id, "approve": True}]})
    assert Ticket.objects.get(number=number).status == "awaiting_consent"

    # 6. The resident reads the price and agrees to it from the phone.
    page.reload()
    fits(page)
    quote = page.text_content("#quote")
    for amount in ("30.00", "45.00", "10.00", "¥85.00"):
        assert amount in quote, amount
    phone.shot("resident-quote")
    page.click("button:text-is('同意 ¥85.00')")
    page.wait_for_url(f"**/my/m/{number}/")
    fits(page)
    assert Ticket.objects.get(number=number).status == "in_progress"
    consent = TicketEvent.objects.get(ticket__number=number, action="consent")
    assert consent.actor_id == resident.pk

    # 7. The work is done; the resident accepts it with four stars and a word.
    step("ygjy-tech1", number, "complete", {"result_note": "已更换水龙头"})
    page.reload()
    fits(page)
    page.check("input[name=fixed][value=yes]")
    page.click("label[for=star4]")
    assert page.is_checked("#star4")
    page.fill("#comment", "师傅很专业，修得很快")
    phone.shot("resident-sign-off")
    page.click("#sign-off button:text-is('签收')")
    page.wait_for_url(f"**/my/m/{number}/")
    fits(page)
    ticket = Ticket.objects.get(number=number)
    assert ticket.status == "signed_off"
    assert WorkOrder.objects.get(ticket=ticket).satisfaction == 4
    assert page.text_content("p.stand") == "已签收，谢谢。"
    phone.shot("resident-signed-off")
