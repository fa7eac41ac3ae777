"""A second call about an open matter is joined to it, not recorded again (R1.6, R2.20):
the desk is offered the open ticket first; "record a new one anyway" stays one key away.
The caller is never lost: a call for a unit nobody is registered at keeps the caller."""

from __future__ import annotations

from conftest import intake_post, login
from contacts.models import Contact
from estates.models import Household
from notify.models import Delivery
from tickets.models import Ticket, TicketEvent


def leak(desk, **over):
    fields = {
        "kind": "repair",
        "category": "plumbing",
        "description": "厨房水管漏水",
        "reporter_phone": "13800138000",
        "anyway": "",
    }
    fields.update(over)
    return intake_post(desk, **fields)


def test_r2_20_a_second_call_about_the_same_open_leak_is_joined_not_duplicated(clock):
    desk = login("ygjy-agent")
    first = leak(desk)
    number = first["Location"].split("/")[2]
    offered = leak(desk, description="还在漏，很急", reporter_phone="13911112222", reporter_name="王先生")
    page = offered.content.decode()
    assert offered.status_code == 200 and f'name="join" value="{number}"' in page
    assert Ticket.objects.filter(kind="repair", unit__label="3-1202").count() == 1  # nothing recorded yet
    key = page.split('name="key" value="')[1].split('"')[0]
    joined = leak(
        desk, description="还在漏，很急", reporter_phone="13911112222", reporter_name="王先生", join=number, key=key
    )
    assert joined.status_code == 302 and joined["Location"] == f"/t/{number}/"
    assert Ticket.objects.filter(kind="repair", unit__label="3-1202").count() == 1
    call = Contact.objects.get(phone="13911112222")
    assert list(call.tickets.values_list("number", flat=True)) == [number]
    assert TicketEvent.objects.filter(ticket__number=number, action="contact", note__contains="还在漏").exists()
    sms = Delivery.objects.get(address="13911112222")
    assert number in sms.text
    again = leak(
        desk, description="还在漏，很急", reporter_phone="13911112222", reporter_name="王先生", join=number, key=key
    )
    assert again.status_code == 302 and Contact.objects.filter(phone="13911112222").count() == 1  # a double click


def test_record_a_new_one_anyway(clock):
    desk = login("ygjy-agent")
    leak(desk)
    r = leak(desk, description="另一处漏水：阳台", anyway="1")
    assert r.status_code == 302
    assert Ticket.objects.filter(kind="repair", unit__label="3-1202").count() == 2


def test_another_category_or_a_closed_ticket_is_no_repeat(clock, api):
    desk = login("ygjy-agent")
    number = leak(desk)["Location"].split("/")[2]
    assert leak(desk, category="electrical", description="插座冒火花")["Location"].startswith("/t/")
    api("ygjy-agent").act(number, "cancel", {"reason": "重复"})
    assert leak(desk, description="又漏了", category="plumbing").status_code == 302


def test_a_call_for_a_unit_nobody_lives_in_keeps_the_callers_phone(clock, persona):
    from estates.models import Unit

    empty = Unit.objects.filter(property__code="YGJY", label__startswith="2-").order_by("label").first()
    assert empty is not None
    Household.objects.filter(unit=empty).update(moved_out_on="2026-01-01")
    desk = login("ygjy-agent")
    missing = intake_post(
        desk,
        kind="help",
        place=empty.label,
        help_category="medical",
        description="老人摔倒",
        reporter_name="",
        reporter_phone="",
    )
    assert missing.status_code == 422 and "请留下来电人的电话" in missing.content.decode()
    r = intake_post(
        desk,
        kind="help",
        place=empty.label,
        help_category="medical",
        description="老人摔倒",
        reporter_name="李女士",
        reporter_phone="13955556666",
    )
    assert r.status_code == 302
    t = Ticket.objects.get(number=r["Location"].split("/")[2])
    agent = persona("ygjy-agent")
    assert (t.reporter_name, t.reporter_phone) == ("李女士", "13955556666") != (str(agent), agent.phone)
    assert Contact.objects.get(tickets=t).phone == "13955556666"


def test_complaint_and_help_intake_show_no_repair_routing(clock):
    page = login("ygjy-agent").get("/desk/YGJY/intake/").content.decode()
    route = page.split('id="route"')[1].split(">")[0]
    assert 'data-kind="repair"' in route


def test_the_review_form_approves_one_item_and_refuses_another(clock, api):
    """R2.6: each out-of-catalogue item with the technician's fees, decided one by one."""
    desk, tech = api("ygjy-agent"), api("ygjy-tech1")
    number = desk.post(
        "/tickets",
        {"kind": "repair", "property": "YGJY", "unit": "3-1202", "category": "plumbing", "description": "漏水"},
    ).json()["number"]
    desk.act(number, "dispatch", {"assignee": "ygjy-tech1"})
    tech.act(number, "accept")
    tech.act(number, "arrive")
    items = [
        {"description": "定做橱柜门", "labour_fee": "120", "material_fee": "300"},
        {"description": "进口龙头", "labour_fee": "30", "material_fee": "450"},
    ]
    r = tech.act(number, "confirm", {"items": items})
    assert r.json()["status"] == "awaiting_review"
    engineer = login("ygjy-engineer")
    page = engineer.get(f"/t/{number}/").content.decode()
    assert "定做橱柜门" in page and "进口龙头" in page and 'value="300.00"' in page and 'id="work-order-items"' in page
    ids = [i["id"] for i in r.json()["work_order"]["items"]]
    form = {
        "decisions-0-item_id": ids[0],
        "decisions-0-decision": "approve",
        "decisions-0-labour_fee": "100",
        "decisions-0-material_fee": "300",
        "decisions-0-service_fee": "0",
        "decisions-1-item_id": ids[1],
        "decisions-1-decision": "refuse",
        "decisions-1-note": "太贵",
        "decisions-1-labour_fee": "30",
        "decisions-1-material_fee": "450",
        "decisions-1-service_fee": "0",
    }
    assert engineer.post(f"/t/{number}/act/review/", form).status_code == 302
    items_now = {
        i["description"]: i for i in api("ygjy-engineer").get(f"/tickets/{number}").json()["work_order"]["items"]
    }
    assert items_now["定做橱柜门"]["review"] == "approved" and str(items_now["定做橱柜门"]["labour_fee"]) in (
        "100",
        "100.00",
    )
    assert items_now["进口龙头"]["review"] == "rejected"
