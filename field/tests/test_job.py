"""The job page designed for the technician's phone: the number and the next promise,
the items form (the job's own category first, rows added beyond the drawn ones), the
quote's lines the customer sees before signing, and the sign-off with nothing chosen
beforehand, offered once."""

from __future__ import annotations

import base64
import io
import re

import pytest
from django.test import Client
from PIL import Image

from conftest import login, repair_draft
from repairs.models import WorkOrder, WorkOrderItem
from tickets.models import Ticket, TicketEvent


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def signature() -> str:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def dispatched(api, **over) -> str:
    desk = api("ygjy-agent")
    number = desk.post("/tickets", repair_draft(**over)).json()["number"]
    assert desk.act(number, "dispatch", {"assignee": "ygjy-tech1"}).status_code == 200
    return number


def on_site(api, **over) -> tuple[Client, str]:
    number = dispatched(api, **over)
    c = login("ygjy-tech1")
    assert c.post(f"/field/j/{number}/act/accept/").status_code == 302
    assert c.post(f"/field/j/{number}/act/arrive/").status_code == 302
    return c, number


def form_of(page: str, action: str) -> str:
    """The HTML of one action's form on the job page."""
    start = page.index(f"/act/{action}/")
    return page[start : page.index("</form>", start)]


def status(number: str) -> str:
    return Ticket.objects.get(number=number).status


# --- The number and the next promise -------------------------------------------------


def test_the_job_shows_its_number_and_the_next_promise_as_a_time_without_the_script(clock, api):
    """R2.17: the technician sees by when they must be on site; the script counts it
    down, and without it the time itself is there."""
    number = dispatched(api)
    ticket = Ticket.objects.get(number=number)
    assert ticket.next_due_at is not None
    page = login("ygjy-tech1").get(f"/field/j/{number}/").content.decode()
    assert number in page
    promise = re.search(r'<p class="promise">(.*?)</p>', page, re.S)
    assert promise is not None
    assert "到场" in promise.group(1)  # the arrival promise (R2.17: 15 minutes from dispatch)
    due = re.search(r'<time class="countdown[^"]*" datetime="([^"]+)"[^>]*>([^<]+)</time>', promise.group(1))
    assert due is not None and due.group(2) == "11-23 09:15"  # the property's local time
    assert due.group(1).startswith("2026-11-23T09:15")
    assert "field/job.js" in page  # the countdown's own small script, no library


def test_a_job_with_no_open_promise_shows_no_countdown(clock, api):
    c, number = on_site(api)  # arriving met the arrival promise; nothing is open
    assert Ticket.objects.get(number=number).next_due_at is None
    assert 'class="promise"' not in c.get(f"/field/j/{number}/").content.decode()


# --- Recording items -----------------------------------------------------------------


def _optgroups(form: str) -> list[str]:
    return re.findall(r'<optgroup label="([^"]+)"', form)


def test_the_items_form_lists_the_jobs_own_category_first(api):
    """R2.7: the items of the job's category come first, then the rest of the catalogue."""
    c, number = on_site(api, category="electrical", description="插座不通电")
    form = form_of(c.get(f"/field/j/{number}/").content.decode(), "confirm")
    groups = _optgroups(form)
    assert groups[0] == "电气" and "给排水" in groups[1:]
    first = form[form.index("<optgroup") :]
    assert re.findall(r'<option value="([A-Z]{2}-\d\d)"', first)[:4] == ["EL-01", "EL-02", "EL-03", "EL-04"]
    # Three rows without the script, each with item, quantity and the fields of an item
    # outside the catalogue; the script's blank row and its buttons are there for it.
    for n in range(3):
        for name in ("item", "quantity", "description", "labour_fee", "material_fee", "service_fee"):
            assert f'name="items-{n}-{name}"' in form
    assert 'name="items-3-item"' not in form and 'name="items-__i__-item"' in form
    assert 'class="add-row" hidden' in form and 'class="remove-row" hidden' in form


def test_rows_the_script_added_and_removed_are_recorded_as_posted(api):
    """The script numbers the rows it adds after the drawn ones and a removed row
    leaves a gap: every row posted is read, as the API would take the same items."""
    c, number = on_site(api)
    r = c.post(
        f"/field/j/{number}/act/confirm/",
        {
            "items-0-item": "PL-01",
            "items-1-item": "",  # a blank row left as drawn
            "items-4-item": "PL-03",  # a row the script added after two added and one removed
            "items-4-quantity": "2",
            "fault_note": "角阀老化",
        },
    )
    assert r.status_code == 302 and status(number) == "awaiting_consent"
    items = WorkOrderItem.objects.filter(order__ticket__number=number, removed_at__isnull=True).order_by("id")
    assert [(i.service_item.code if i.service_item else None, i.quantity) for i in items] == [
        ("PL-01", 1),
        ("PL-03", 2),
    ]
    assert WorkOrder.objects.get(ticket__number=number).fault_note == "角阀老化"


def test_an_item_outside_the_catalogue_takes_its_description_and_fees(api):
    """R2.6: an item outside the catalogue, with its fees, goes to the supervisor."""
    c, number = on_site(api)
    r = c.post(
        f"/field/j/{number}/act/confirm/",
        {
            "items-0-description": "更换进水软管",
            "items-0-quantity": "1",
            "items-0-labour_fee": "20",
            "items-0-material_fee": "15.5",
            "items-0-service_fee": "5",
        },
    )
    assert r.status_code == 302 and status(number) == "awaiting_review"
    item = WorkOrderItem.objects.get(order__ticket__number=number)
    assert item.service_item is None and item.description == "更换进水软管"
    assert (item.labour_fee, item.material_fee, item.service_fee) == (20, 15.5, 5)
    assert item.review == WorkOrderItem.Review.PENDING


def test_a_bad_row_is_marked_and_nothing_is_recorded(api):
    c, number = on_site(api)
    r = c.post(
        f"/field/j/{number}/act/confirm/",
        {"items-0-item": "PL-01", "items-6-labour_fee": "20", "items-6-description": ""},  # fees, no description
    )
    assert r.status_code == 422
    form = form_of(r.content.decode(), "confirm")
    assert "不能为空" in form  # "This field cannot be empty." beside the row
    assert 'name="items-6-labour_fee"' in form and 'value="20"' in form  # what was typed is kept
    assert re.search(r'<option value="PL-01" selected>', form)
    assert re.search(r'<option value="" class="other" selected>', form)  # the described row shows its fields
    assert status(number) == "on_site" and not WorkOrderItem.objects.filter(order__ticket__number=number).exists()


def test_no_item_at_all_is_refused_with_the_services_message(api):
    c, number = on_site(api)
    r = c.post(f"/field/j/{number}/act/confirm/", {"items-0-item": "", "items-0-quantity": ""})
    assert r.status_code == 422 and status(number) == "on_site"


def test_the_category_is_corrected_from_a_list(api):
    """R2.7: the reported item was wrong: the category is picked, not typed as a code."""
    c, number = on_site(api)
    form = form_of(c.get(f"/field/j/{number}/").content.decode(), "confirm")
    assert re.search(r'<select id="confirm-category" name="category">', form)
    r = c.post(
        f"/field/j/{number}/act/confirm/",
        {"items-0-item": "EL-01", "category": "electrical", "reported_item_wrong": "on"},
    )
    assert r.status_code == 302
    assert Ticket.objects.filter(number=number, category__code="electrical").exists()


def test_a_grown_job_adds_items_with_the_same_form(api):
    """R2.9: revise takes the same rows; a higher amount asks for consent again."""
    c, number = on_site(api)
    c.post(f"/field/j/{number}/act/confirm/", {"items-0-item": "PL-01"})
    c.post(f"/field/j/{number}/act/consent/", {"signature": signature()})
    assert status(number) == "in_progress"
    form = form_of(c.get(f"/field/j/{number}/").content.decode(), "revise")
    assert 'name="items-2-item"' in form and _optgroups(form)[0] == "给排水"
    r = c.post(f"/field/j/{number}/act/revise/", {"items-3-item": "PL-04"})
    assert r.status_code == 302 and status(number) == "awaiting_consent"
    live = WorkOrderItem.objects.filter(order__ticket__number=number, removed_at__isnull=True)
    assert sorted(live.values_list("service_item__code", flat=True)) == ["PL-01", "PL-04"]


# --- The quote's lines before the customer signs ---------------------------------------


def test_the_customer_sees_each_line_and_the_totals_before_signing(api):
    """R2.9: before work starts the items and the amount, split into labour, material
    and service fee, are shown; the consent and the refusal both show them."""
    c, number = on_site(api)
    c.post(
        f"/field/j/{number}/act/confirm/", {"items-0-item": "PL-03", "items-0-quantity": "2", "items-1-item": "PL-01"}
    )
    page = c.get(f"/field/j/{number}/").content.decode()
    for action in ("consent", "decline_quote"):
        form = form_of(page, action)
        table = form[form.index('<div class="lines">') : form.index("</table>")]
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", table, re.S)]
        # item, then quantity, labour, material, service fee and the line's total
        assert cells[5:11] == ["更换角阀", "2", "20.00", "15.00", "5.00", "80.00"], cells
        assert cells[11:17] == ["更换水龙头", "1", "30.00", "0.00", "10.00", "40.00"], cells
        assert "¥120.00" in table  # to pay
        assert form.index('<div class="lines">') < form.index("canvas")  # seen before signing


# --- Sign-off ------------------------------------------------------------------------


def completed(api) -> tuple[Client, str]:
    c, number = on_site(api)
    c.post(f"/field/j/{number}/act/confirm/", {"items-0-item": "PL-01"})
    c.post(f"/field/j/{number}/act/consent/", {"signature": signature()})
    assert c.post(f"/field/j/{number}/act/complete/", {"result_note": "更换水龙头"}).status_code == 302
    assert status(number) == "completed"
    return c, number


def test_sign_off_starts_with_nothing_ticked_and_five_stars_to_tap(api):
    """R2.11: the customer chooses; the page chooses nothing for them."""
    c, number = completed(api)
    form = form_of(c.get(f"/field/j/{number}/").content.decode(), "sign_off")
    assert "checked" not in form and "selected" not in form
    stars = re.findall(r'<input type="radio" id="sign_off-star(\d)" name="satisfaction" value="(\d)" required>', form)
    assert sorted(v for _, v in stars) == ["1", "2", "3", "4", "5"]
    for n in "12345":  # each star has its own visible label, the tap target
        assert re.search(
            rf'<label for="sign_off-star{n}"><span class="star" aria-hidden="true">★</span>'
            rf'<span class="n">{n}</span></label>',
            form,
        )
    assert re.findall(r'name="satisfied" value="(\w+)" required', form) == ["yes", "no"]


def test_sign_off_without_the_customers_answer_is_refused(api):
    _c, number = completed(api)
    c = login("ygjy-tech1", "en")
    r = c.post(f"/field/j/{number}/act/sign_off/", {"satisfaction": "5", "signature": signature()})
    assert r.status_code == 422 and status(number) == "completed"
    assert "Ask the customer whether they accept the work." in r.content.decode()
    r = c.post(f"/field/j/{number}/act/sign_off/", {"satisfied": "yes", "signature": signature()})
    form = form_of(r.content.decode(), "sign_off")
    assert r.status_code == 422 and status(number) == "completed"
    assert 'value="yes" required checked' in form and 'fieldset class="stars invalid"' in form  # kept, marked


def test_the_customer_accepts_with_stars(api):
    c, number = completed(api)
    r = c.post(
        f"/field/j/{number}/act/sign_off/",
        {"satisfaction": "4", "satisfied": "yes", "signed_by": "王芳", "signature": signature()},
    )
    assert r.status_code == 302 and status(number) == "signed_off"
    order = WorkOrder.objects.get(ticket__number=number)
    assert (order.satisfaction, order.satisfied, order.signed_by) == (4, True, "王芳")


def test_a_customer_who_does_not_accept_gets_a_rework_order(api):
    """R2.15: not accepted: a rework order is opened, linked to this one."""
    c, number = completed(api)
    r = c.post(f"/field/j/{number}/act/sign_off/", {"satisfaction": "3", "satisfied": "no", "signature": signature()})
    assert r.status_code == 302
    order = WorkOrder.objects.get(ticket__number=number)
    assert order.satisfied is False and order.reworks.count() == 1


def test_a_job_signed_off_after_reporting_back_is_not_offered_sign_off_again(api):
    """A job reported back before the customer signed may still be signed off, once."""
    c, number = completed(api)
    assert c.post(f"/field/j/{number}/act/report_back/", {"materials_used": "水龙头1个"}).status_code == 302
    assert status(number) == "reported"
    assert "/act/sign_off/" in c.get(f"/field/j/{number}/").content.decode()  # not signed yet: offered
    r = c.post(f"/field/j/{number}/act/sign_off/", {"satisfaction": "5", "satisfied": "yes", "signature": signature()})
    assert r.status_code == 302 and status(number) == "reported"
    assert WorkOrder.objects.get(ticket__number=number).signed_off_at is not None
    page = c.get(f"/field/j/{number}/").content.decode()
    assert "/act/sign_off/" not in page
    # A second sign-off (a stale page, a double tap) is refused and changes nothing.
    r = c.post(f"/field/j/{number}/act/sign_off/", {"satisfaction": "1", "satisfied": "no", "signature": signature()})
    assert r.status_code == 409
    assert TicketEvent.objects.filter(ticket__number=number, action="sign_off").count() == 1
    assert WorkOrder.objects.get(ticket__number=number).satisfaction == 5


def test_a_job_signed_off_before_reporting_back_offers_only_the_report(api):
    c, number = completed(api)
    c.post(f"/field/j/{number}/act/sign_off/", {"satisfaction": "5", "satisfied": "yes", "signature": signature()})
    page = c.get(f"/field/j/{number}/").content.decode()
    assert "/act/sign_off/" not in page and "/act/report_back/" in page
