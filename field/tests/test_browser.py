"""The technician's job on a 360 px phone screen in chromium: accept, arrive with the
checklist, record an item, the customer's consent drawn with a finger, complete with a
photo, and the customer's sign-off."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from conftest import repair_draft
from tickets.models import Attachment, Ticket

pytestmark = pytest.mark.browser


def sign(page, form: str) -> None:
    pad = page.locator(f"{form} canvas.pad")
    pad.scroll_into_view_if_needed()  # below the quote's lines on a phone
    box = pad.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for x, y in ((60, 90), (100, 50), (140, 110), (200, 60)):
        page.mouse.move(box["x"] + x, box["y"] + y, steps=4)
    page.mouse.up()


def test_a_paid_job_on_the_technicians_phone(browser, api, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    desk = api("ygjy-agent")
    number = desk.post("/tickets", repair_draft(description="卫生间角阀漏水")).json()["number"]
    desk.act(number, "dispatch", {"assignee": "ygjy-tech1"})

    phone = browser(phone=True)
    page = phone.login("ygjy-tech1")
    assert page.url.endswith("/field/")
    phone.shot("field-jobs")
    page.click(f"a[href$='/j/{number}/']")

    def act(label: str) -> None:
        form = f"form[action$='/act/{label}/']"
        page.click(f"{form} button[type=submit]")
        page.wait_for_load_state("networkidle")

    act("accept")
    for code in ("uniform", "knock", "shoe_covers", "mat"):
        page.check(f"form[action$='/act/arrive/'] input[value={code}]")
    act("arrive")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the items form fits the phone
    page.select_option("form[action$='/act/confirm/'] select[name='items-0-item']", "PL-01")
    act("confirm")
    assert Ticket.objects.get(number=number).status == "awaiting_consent"
    sign(page, "form[action$='/act/consent/']")
    phone.shot("field-consent")
    act("consent")
    assert Ticket.objects.get(number=number).status == "in_progress"
    photo = tmp_path / "after.jpg"
    Image.new("RGB", (640, 480), "gray").save(photo, "JPEG")
    page.fill("form[action$='/act/complete/'] textarea[name=result_note]", "更换角阀")
    page.set_input_files("form[action$='/act/complete/'] input[name=photos]", str(photo))
    act("complete")
    page.click("form[action$='/act/sign_off/'] label[for=sign_off-star5]")  # the fifth star
    page.check("form[action$='/act/sign_off/'] input[name=satisfied][value=yes]")
    sign(page, "form[action$='/act/sign_off/']")
    act("sign_off")
    ticket = Ticket.objects.get(number=number)
    assert ticket.status == "signed_off"
    kinds = sorted(Attachment.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == ["photo", "signature", "signature"]
    signature = Attachment.objects.filter(ticket=ticket, kind="signature").first()
    assert signature is not None
    with Image.open(io.BytesIO(signature.file.read())) as drawn:
        assert drawn.getbbox() is not None  # something was drawn
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # nothing wider than a 360 px phone
