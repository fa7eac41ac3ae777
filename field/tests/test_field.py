"""The technician's phone pages: my jobs, the whole job from acceptance to sign-off with
photos and signatures, upload checks, and page weight for a slow connection."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from conftest import login, recorded, repair_draft
from tickets.models import Attachment, Ticket

FIELD_STATIC = Path(settings.BASE_DIR) / "field" / "static" / "field"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(size: tuple[int, int] = (40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return out.getvalue()


def signature() -> str:
    return "data:image/png;base64," + base64.b64encode(png()).decode()


def dispatched(api, **over) -> str:
    desk = api("ygjy-agent")
    number = desk.post("/tickets", repair_draft(**over)).json()["number"]
    assert desk.act(number, "dispatch", {"assignee": "ygjy-tech1"}).status_code == 200
    return number


def test_technician_lands_on_my_jobs_with_only_their_jobs(api):
    mine = dispatched(api)
    other = api("ygjy-agent").post("/tickets", repair_draft()).json()["number"]
    c = login("ygjy-tech1")
    assert c.get("/")["Location"] == "/field/"
    page = c.get("/field/").content.decode()
    assert mine in page and other not in page
    assert login("ygjy-tech3").get(f"/field/j/{mine}/").status_code == 404
    assert login("ygjy-agent").get("/field/").status_code == 403


def test_a_paid_job_from_acceptance_to_sign_off_on_the_phone(api):
    """R2.4, R2.7, R2.9, R2.10, R2.11: accept, arrive with the checklist, confirm the
    items, the customer's consent signed, complete with a photo, signed off."""
    number = dispatched(api)
    c = login("ygjy-tech1")
    assert c.post(f"/field/j/{number}/act/accept/").status_code == 302
    r = c.post(f"/field/j/{number}/act/arrive/", {"checklist": ["uniform", "shoe_covers", "mat"]})
    assert r.status_code == 302
    r = c.post(f"/field/j/{number}/act/confirm/", {"items-0-item": "PL-01", "items-0-quantity": "1"})
    assert r.status_code == 302 and Ticket.objects.get(number=number).status == "awaiting_consent"
    assert "¥" in c.get(f"/field/j/{number}/").content.decode()  # the quote is shown for consent
    r = c.post(f"/field/j/{number}/act/consent/", {"signature": signature()})
    assert r.status_code == 302 and Ticket.objects.get(number=number).status == "in_progress"
    photo = io.BytesIO(png((800, 600)))
    photo.name = "after.png"
    r = c.post(f"/field/j/{number}/act/complete/", {"result_note": "更换角阀", "photos": [photo]})
    assert r.status_code == 302
    r = c.post(f"/field/j/{number}/act/sign_off/", {"satisfaction": "5", "satisfied": "on", "signature": signature()})
    assert r.status_code == 302
    ticket = Ticket.objects.get(number=number)
    assert ticket.status == "signed_off"
    kinds = sorted((a.kind, a.event.action if a.event else "") for a in Attachment.objects.filter(ticket=ticket))
    assert kinds == [("photo", "complete"), ("signature", "consent"), ("signature", "sign_off")]
    stored = Attachment.objects.get(ticket=ticket, kind="photo")
    assert stored.file.read()[:8] == b"\x89PNG\r\n\x1a\n" and stored.content_type == "image/png"
    # The desk's page of the ticket shows each step with its photo and signatures.
    desk = login("ygjy-agent", "en")
    timeline = desk.get(f"/t/{number}/").content.decode().split('id="timeline"')[1]
    for a in Attachment.objects.filter(ticket=ticket):
        assert f'<img class="thumb" src="/a/{a.pk}/" alt="{a.kind}" loading="lazy">' in timeline
        assert desk.get(f"/a/{a.pk}/").status_code == 200
    assert timeline.index("complete → completed") < timeline.index("→ signed off")


def _on_site(api) -> tuple[Client, str]:
    number = dispatched(api)
    c = login("ygjy-tech1")
    c.post(f"/field/j/{number}/act/accept/")
    return c, number


def test_a_file_that_is_not_an_image_is_refused_and_changes_nothing(api):
    c, number = _on_site(api)
    fake = io.BytesIO(b"%PDF-1.4 not a photo")
    fake.name = "photo.jpg"
    r = c.post(f"/field/j/{number}/act/arrive/", {"photos": [fake]})
    assert r.status_code == 422 and "JPEG" in r.content.decode()
    assert Ticket.objects.get(number=number).status == "accepted" and not Attachment.objects.exists()


def test_a_photo_over_the_limit_is_refused_with_its_size(api):
    c, number = _on_site(api)
    big = io.BytesIO(png() + b"\0" * (9 * 1024 * 1024))
    big.name = "big.png"
    r = c.post(f"/field/j/{number}/act/arrive/", {"photos": [big]})
    body = r.content.decode()
    assert r.status_code == 422 and "9.0 MB" in body and "8.0 MB" in body
    assert Ticket.objects.get(number=number).status == "accepted" and not Attachment.objects.exists()


def test_sign_off_needs_the_customers_signature(api):
    c, number = _on_site(api)
    c.post(f"/field/j/{number}/act/arrive/")
    c.post(f"/field/j/{number}/act/confirm/", {"items-0-item": "PL-01"})
    r = c.post(f"/field/j/{number}/act/consent/", {"signature": ""})
    assert r.status_code == 422 and "签名" in r.content.decode()
    assert Ticket.objects.get(number=number).status == "awaiting_consent"


def test_a_job_page_weighs_less_than_100_kb_before_images(api):
    c, number = _on_site(api)
    page = c.get(f"/field/j/{number}/").content
    assets = sum(p.stat().st_size for p in FIELD_STATIC.iterdir())
    print(f"\njob page {len(page)} B + stylesheet and script {assets} B")  # quoted in docs/console.md
    assert len(page) + assets < 100 * 1024, (len(page), assets)


def test_photos_and_signatures_are_served_only_to_who_may_see_the_ticket(api):
    number = dispatched(api)
    c = login("ygjy-tech1")
    c.post(f"/field/j/{number}/act/accept/")
    photo = io.BytesIO(png())
    photo.name = "door.png"
    assert c.post(f"/field/j/{number}/act/arrive/", {"photos": [photo]}).status_code == 302
    item = Attachment.objects.get()
    url = f"/a/{item.pk}/"
    desk = login("ygjy-agent")
    assert url in desk.get(f"/t/{number}/").content.decode()  # on the timeline
    r = desk.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "image/png" and r.getvalue() == png()
    for username in ("wlbg-agent", "ygjy-tech3", "neighbour"):
        assert login(username).get(url).status_code == 404, username
    assert Client().get(url).status_code == 302  # to the login page


def test_too_many_photos_or_a_decompression_bomb_are_refused(api):
    c, number = _on_site(api)
    many = []
    for i in range(7):
        f = io.BytesIO(png())
        f.name = f"p{i}.png"
        many.append(f)
    r = c.post(f"/field/j/{number}/act/arrive/", {"photos": many})
    assert r.status_code == 422 and "6" in r.content.decode()
    bomb = io.BytesIO()
    Image.new("1", (8000, 6000)).save(bomb, "PNG")  # small file, 48 megapixels
    bomb.seek(0)
    bomb.name = "bomb.png"
    r = c.post(f"/field/j/{number}/act/arrive/", {"photos": [bomb]})
    assert r.status_code == 422 and "40" in r.content.decode()
    assert Ticket.objects.get(number=number).status == "accepted" and not Attachment.objects.exists()


def test_my_jobs_read_the_same_queries_for_two_jobs_or_six(api):
    """The job list reads only what its rows show: six jobs cost the queries two cost,
    and each shows its number, place and category."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    desk, c = api("ygjy-agent"), login("ygjy-tech1")

    def jobs(n: int) -> list[str]:
        numbers = []
        for _ in range(n):
            number = desk.post("/tickets", repair_draft(category="electrical")).json()["number"]
            assert desk.act(number, "dispatch", {"assignee": "ygjy-tech1"}).status_code == 200
            numbers.append(number)
        return numbers

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            r = c.get("/field/")
        assert r.status_code == 200
        return len(ctx.captured_queries), r.content.decode()

    numbers = jobs(2)
    small, _page = count()
    numbers += jobs(4)
    many, page = count()
    assert many == small
    assert all(n in page for n in numbers) and page.count("3-1202") >= 6 and page.count("电") >= 6


def test_my_jobs_are_the_first_of_every_job_i_may_see_in_the_lists_order(api):
    """R2.5: the list reads the technician's own jobs and their team's each up to the
    page and chooses the page from both; what it shows is exactly the first of all the
    open jobs they may see, in the list's order (emergencies, then appointment, then
    the next promise), with a job of a property they do not work at left out and
    taking no place, and closed jobs left out."""
    import datetime

    from django.db.models import F
    from django.utils import timezone

    from people.models import User
    from tickets.selectors import jobs_open

    desk = api("ygjy-agent")
    tech = User.objects.get(username="ygjy-tech1")
    mate = User.objects.get(username="ygjy-tech2")
    soon = timezone.now() + datetime.timedelta(hours=1)
    numbers = [recorded(desk, repair_draft()) for _ in range(9)]
    # (assignee, team, urgency, appointment in hours or None)
    shapes = [
        (tech, tech.team, "routine", None),
        (mate, tech.team, "emergency", 5),  # the team's, not mine
        (None, tech.team, "routine", 2),
        (tech, None, "emergency", None),
        (tech, tech.team, "routine", 1),
        (mate, tech.team, "routine", None),
        (tech, None, "routine", 3),
        (None, None, "emergency", 1),  # nobody's: not mine
        (tech, tech.team, "routine", 4),
    ]
    for number, (assignee, team, urgency, hours) in zip(numbers, shapes, strict=True):
        at = soon + datetime.timedelta(hours=hours) if hours is not None else None
        Ticket.objects.filter(number=number).update(assignee=assignee, team=team, urgency=urgency, appointment_at=at)
    Ticket.objects.filter(number=numbers[8]).update(closed_at=timezone.now(), status="closed")
    elsewhere = recorded(api("wlbg-agent"), repair_draft(property="WLBG", unit="A-101"))
    Ticket.objects.filter(number=elsewhere).update(assignee=tech, urgency="emergency", appointment_at=soon)

    everything = list(
        Ticket.objects.visible_to(tech)
        .filter(closed_at__isnull=True)
        .order_by("urgency", F("appointment_at").asc(nulls_last=True), F("next_due_at").asc(nulls_last=True), "id")
        .values_list("number", flat=True)
    )
    assert elsewhere not in everything and numbers[7] not in everything and numbers[8] not in everything
    assert len(everything) == 7
    for limit in (1, 2, 3, 5, 7, 20):
        assert [row.number for row in jobs_open(tech, limit=limit)] == everything[:limit], limit
    alone = User.objects.get(username="ygjy-tech3")
    User.objects.filter(pk=alone.pk).update(team=None)
    alone.refresh_from_db()
    Ticket.objects.filter(number=numbers[0]).update(assignee=alone)
    assert [row.number for row in jobs_open(alone, limit=5)] == [numbers[0]]
