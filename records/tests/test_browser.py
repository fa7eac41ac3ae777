"""The key register in chromium: the desk adds a key, lends it to a contractor with the
signature drawn on the screen and a time due back, sees it out with its countdown, and
takes it back (R7.3-R7.4); the archive's page opens a household with a reason and shows
the confidentiality line. Every page passes the accessibility audit."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from records.models import ArchiveAccess, Key, KeyLoan

pytestmark = pytest.mark.browser


def sign(page, form: str) -> None:
    pad = page.locator(f"{form} canvas.pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for x, y in ((60, 90), (110, 50), (160, 110), (210, 60)):
        page.mouse.move(box["x"] + x, box["y"] + y, steps=4)
    page.mouse.up()


def test_the_desk_lends_a_key_against_a_signature_and_takes_it_back(browser, axe, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    screen = browser()
    desk = screen.login("ygjy-agent")
    desk.goto(f"{screen.base}/desk/YGJY/keys/")
    desk.click("#add-key summary")
    desk.fill("#k-code", "R-3-1202")
    desk.fill("#k-name", "3栋1202室入户门")
    desk.fill("#k-unit", "3-1202")
    desk.select_option("#k-purpose", "renovation")
    desk.fill("#k-kept", "客服中心钥匙柜A")
    desk.click("#add-key button[type=submit]")
    desk.wait_for_load_state("networkidle")
    key = Key.objects.get(code="R-3-1202")
    row = desk.locator(f"#key-{key.pk}")
    assert "在柜" in row.inner_text()
    axe(desk, "keys page")

    # Lend without a signature: refused, nothing written.
    row.locator("summary").click()
    due = (timezone.localtime() + datetime.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
    form = f"#key-{key.pk} form.lend-form"
    desk.select_option(f"{form} select[name=borrower_kind]", "contractor")
    desk.fill(f"{form} input[name=borrower_name]", "李师傅")
    desk.fill(f"{form} input[name=purpose]", "装修进场")
    desk.fill(f"{form} input[name=due_at]", due)
    desk.click(f"{form} button[type=submit]")
    desk.wait_for_load_state("networkidle")
    assert "签名" in desk.locator("#keys-error").inner_text() and not KeyLoan.objects.exists()

    row = desk.locator(f"#key-{key.pk}")
    row.locator("summary").click()
    desk.select_option(f"{form} select[name=borrower_kind]", "contractor")
    desk.fill(f"{form} input[name=borrower_name]", "李师傅")
    desk.fill(f"{form} input[name=purpose]", "装修进场")
    desk.fill(f"{form} input[name=due_at]", due)
    sign(desk, form)
    desk.click(f"{form} button[type=submit]")
    desk.wait_for_load_state("networkidle")
    loan = KeyLoan.objects.get()
    assert loan.borrower_name == "李师傅" and loan.signature.read()[:4] == b"\x89PNG"
    row = desk.locator(f"#key-{key.pk}")
    assert "已借给 李师傅" in row.inner_text() and "还剩" in row.locator("time.due").inner_text()
    screen.shot("console-keys-out")

    row.locator("button", has_text="收回").click()
    desk.wait_for_load_state("networkidle")
    loan.refresh_from_db()
    assert loan.returned_at is not None and loan.received_by_name
    assert "在柜" in desk.locator(f"#key-{key.pk}").inner_text()
    assert "已收回" in desk.locator(".said").inner_text()


def test_the_desk_opens_a_household_with_a_reason(browser, axe):
    screen = browser()
    desk = screen.login("ygjy-agent")
    desk.goto(f"{screen.base}/desk/YGJY/archive/")
    desk.fill("#a-unit", "3-1202")
    desk.keyboard.press("Enter")
    desk.wait_for_load_state("networkidle")
    assert "请勿复制" in desk.locator(".privacy").inner_text()
    axe(desk, "archive search")
    desk.locator("input[name=reason]").first.fill("维修预约")
    desk.locator("form[action*='/archive/'] button[type=submit]").first.click()
    desk.wait_for_load_state("networkidle")
    assert "个人资料" in desk.locator("main").inner_text()
    assert ArchiveAccess.objects.filter(reason="维修预约", what="details").count() == 1
    axe(desk, "household details")
    screen.shot("console-archive-household")
