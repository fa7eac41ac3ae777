"""R3.4: damage from misuse is marked with a reason and is outside warranty (the fee
schedule in full); after a warranty has expired only labour and material are charged
when the property's policy says so; the quote says why, on the desk's page, the API, the
technician's page and the resident's price page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from conftest import login
from estates.models import Property
from repairs import services as work
from repairs.models import Quote, WorkOrder
from repairs.schemas import ItemIn
from tickets.kinds import draft_from
from tickets.models import TicketEvent
from tickets.services import ticket_create

# In the small demo, building 1 was accepted in 2019 (plumbing's 24 months are long over)
# and building 3 in 2025 (still in warranty on 2026-11-23).
EXPIRED, IN_WARRANTY = "1-101", "3-1202"


def _on_site(persona, unit: str):
    agent, tech = persona("ygjy-agent"), persona("ygjy-tech1")
    t = ticket_create(
        by=agent,
        draft=draft_from(
            {
                "kind": "repair",
                "property": "YGJY",
                "unit": unit,
                "category": "plumbing",
                "reporter_name": "王芳",
                "reporter_phone": "13800138000",
                "description": "水龙头坏了",
            }
        ),
    )
    work.work_order_dispatch(ticket=t, by=agent, assignee="ygjy-tech1")
    work.work_order_accept(ticket=t, by=tech)
    work.work_order_arrive(ticket=t, by=tech)
    return t, tech


def _quote(t) -> Quote:
    return Quote.objects.filter(order__ticket=t).latest("version")


def test_r3_4_after_the_warranty_only_labour_and_material_are_charged(clock, persona, api):
    t, tech = _on_site(persona, EXPIRED)
    work.work_order_confirm(ticket=t, by=tech, items=[ItemIn.model_validate({"item": "PL-01"})])
    q = _quote(t)
    assert (q.labour_total, q.service_total, q.total) == (Decimal("30.00"), Decimal("0.00"), Decimal("30.00"))
    assert q.fee_basis == "warranty_expired"
    quotes = api("ygjy-agent", lang="en").get(f"/tickets/{t.number}").json()["work_order"]["quotes"]
    assert quotes[-1]["fee_note"] == "warranty expired: labour and material only"
    quotes = api("ygjy-agent").get(f"/tickets/{t.number}").json()["work_order"]["quotes"]
    assert quotes[-1]["fee_note"] == "已过保修期：只收人工费和材料费"
    assert "已过保修期" in login("ygjy-agent").get(f"/t/{t.number}/").content.decode()
    assert "已过保修期" in login("ygjy-tech1").get(f"/field/j/{t.number}/").content.decode()


def test_r3_4_the_property_s_policy_may_keep_the_service_fee_after_the_warranty(clock, persona):
    Property.objects.filter(code="YGJY").update(labour_and_material_after_warranty=False)
    t, tech = _on_site(persona, EXPIRED)
    work.work_order_confirm(ticket=t, by=tech, items=[ItemIn.model_validate({"item": "PL-01"})])
    q = _quote(t)
    assert (q.service_total, q.total, q.fee_basis) == (Decimal("10.00"), Decimal("40.00"), "")


def test_r3_4_in_warranty_the_fee_schedule_applies_and_nothing_is_said(clock, persona):
    t, tech = _on_site(persona, IN_WARRANTY)
    work.work_order_confirm(ticket=t, by=tech, items=[ItemIn.model_validate({"item": "PL-01"})])
    assert (_quote(t).service_total, _quote(t).fee_basis) == (Decimal("10.00"), "")


def test_r3_4_misuse_is_marked_with_a_reason_and_priced_in_full_with_the_reason_shown(clock, persona, api):
    t, tech = _on_site(persona, EXPIRED)
    r = api("ygjy-tech1").act(t.number, "mark_misuse", {"reason": "用硬物敲击水龙头"})
    assert r.status_code == 200, r.content
    assert WorkOrder.objects.get(ticket=t).misuse_reason == "用硬物敲击水龙头"
    assert TicketEvent.objects.filter(ticket=t, action="mark_misuse", note="用硬物敲击水龙头").exists()
    t.refresh_from_db()
    work.work_order_confirm(ticket=t, by=tech, items=[ItemIn.model_validate({"item": "PL-01"})])
    q = _quote(t)
    assert (q.service_total, q.total) == (Decimal("10.00"), Decimal("40.00"))  # out of warranty: in full
    assert (q.fee_basis, q.fee_reason) == ("misuse", "用硬物敲击水龙头")
    with translation.override("zh-hans"):
        assert q.fee_note == "使用不当：用硬物敲击水龙头"
    with translation.override("en"):
        assert q.fee_note == "misuse: 用硬物敲击水龙头"  # said in the reader's language


def test_r3_4_the_resident_s_price_page_says_why(clock, persona):
    t, tech = _on_site(persona, IN_WARRANTY)  # the resident's own home
    work.work_order_mark_misuse(ticket=t, by=tech, reason="装修时损坏水管")
    work.work_order_confirm(ticket=t, by=tech, items=[ItemIn.model_validate({"item": "PL-01"})])
    page = login("resident").get(f"/my/m/{t.number}/").content.decode()
    assert 'id="fee-note"' in page and "使用不当：装修时损坏水管" in page


@pytest.mark.parametrize(("username", "status"), [("ygjy-engineer", 200), ("ygjy-agent", 403), ("ygjy-finance", 403)])
def test_r3_4_the_technician_or_the_engineering_supervisor_marks_misuse(clock, persona, api, username, status):
    t, _tech = _on_site(persona, IN_WARRANTY)
    r = api(username).act(t.number, "mark_misuse", {"reason": "人为损坏"})
    assert r.status_code == status, r.content
    assert bool(WorkOrder.objects.get(ticket=t).misuse_reason) is (status == 200)


def test_r3_4_misuse_needs_its_reason(clock, persona, api):
    t, _tech = _on_site(persona, IN_WARRANTY)
    r = api("ygjy-tech1", lang="en").act(t.number, "mark_misuse", {"reason": "  "})
    assert r.status_code == 422
    assert WorkOrder.objects.get(ticket=t).misuse_reason == ""
    assert not TicketEvent.objects.filter(ticket=t, action="mark_misuse").exists()


def test_r3_4_the_charge_and_receipt_carry_the_reason(clock, api, paid_job):
    t = paid_job(unit=EXPIRED)
    body = api("ygjy-agent").post(f"/work-orders/{t.number}/charge", {"method": "cash"}).json()
    assert (body["service"], body["total"]) == ("0.00", "30.00")
    assert body["fee_note"] == "已过保修期：只收人工费和材料费"
