"""R2.3, R2.9, R2.11: the customer's signatures drawn on the technician's phone, for the
consent to the price and for the sign-off, are printed on the work order, each with
its caption and time; the PDF is read back to prove the images are in it."""

from __future__ import annotations

import base64
import io

import pytest
from django.utils import translation
from PIL import Image

from conftest import login, repair_draft
from console.tests.test_print import _weasyprint_or_skip
from repairs.printing import SIGNED, signatures
from tickets.models import Attachment, Ticket


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def drawn(size: tuple[int, int], colour: str) -> str:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


CONSENT, SIGN_OFF = (60, 30), (90, 45)  # two sizes, to tell the two images apart in the PDF


def signed_job(api, clock) -> str:
    """A paid job: consent signed at 09:07, signed off at 09:31 (the property's time)."""
    desk = api("ygjy-agent")
    number = desk.post("/tickets", repair_draft()).json()["number"]
    desk.act(number, "dispatch", {"assignee": "ygjy-tech1"})
    c = login("ygjy-tech1")
    for action, form, minutes in (
        ("accept", {}, 1),
        ("arrive", {}, 2),
        ("confirm", {"items-0-item": "PL-01"}, 2),
        ("consent", {"signature": drawn(CONSENT, "red")}, 2),
        ("complete", {"result_note": "更换水龙头"}, 12),
        ("sign_off", {"satisfaction": "5", "satisfied": "yes", "signature": drawn(SIGN_OFF, "blue")}, 12),
    ):
        clock.shift(minutes * 60)
        assert c.post(f"/field/j/{number}/act/{action}/", form).status_code == 302, action
    assert Ticket.objects.get(number=number).status == "signed_off"
    return number


def test_the_signatures_go_to_the_printed_work_order_as_embedded_images(clock, api):
    number = signed_job(api, clock)
    ticket = Ticket.objects.get(number=number)
    found = signatures(ticket)
    assert [str(s.caption) for s in found] == [str(SIGNED["consent"]), str(SIGNED["sign_off"])]
    stored = {
        action: Attachment.objects.get(kind="signature", event__action=action).file.open("rb").read()
        for action in ("consent", "sign_off")
    }
    for s, action in zip(found, ("consent", "sign_off"), strict=True):
        assert s.image == "data:image/png;base64," + base64.b64encode(stored[action]).decode()


def test_the_pdf_carries_both_signatures_with_caption_and_time_on_every_copy(clock, api):
    _weasyprint_or_skip()
    from pypdf import PdfReader

    number = signed_job(api, clock)
    r = login("ygjy-agent").get(f"/t/{number}/print.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(r.content))
    assert len(pdf.pages) == 3
    with translation.override("zh-hans"):
        captions = [str(SIGNED["consent"]), str(SIGNED["sign_off"])]
    for page in pdf.pages:
        images = [image.image for image in page.images if image.image is not None]
        sizes = sorted(image.size for image in images)
        assert sizes == sorted([CONSENT, SIGN_OFF]), sizes  # the two drawn images, as drawn
        colours = {image.size: image.convert("RGB").getpixel((5, 5)) for image in images}
        assert colours[CONSENT] == (255, 0, 0) and colours[SIGN_OFF] == (0, 0, 255)
        text = " ".join(page.extract_text().split())
        assert f"{captions[0]} 2026-11-23 09:07" in text, text  # each with its caption and time
        assert f"{captions[1]} 2026-11-23 09:31" in text, text


def test_a_job_not_signed_prints_without_the_signatures_row(clock, api):
    desk = api("ygjy-agent")
    number = desk.post("/tickets", repair_draft()).json()["number"]
    assert signatures(Ticket.objects.get(number=number)) == []
