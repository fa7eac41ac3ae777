"""The repair work order from intake to sign-off through the API (R2.1-R2.15, R8.4)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from notify.models import Notification
from repairs.models import MaterialCheck, Quote, WorkOrder
from tickets.models import Ticket


@pytest.fixture
def desk(api):
    return api("ygjy-agent")


@pytest.fixture
def tech(api):
    return api("ygjy-tech1")


def create(desk, draft, **over) -> str:
    r = desk.post("/tickets", draft(**over))
    assert r.status_code == 201, r.content
    return r.json()["number"]


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()


def to_site(desk, tech, number) -> None:
    ok(desk.act(number, "dispatch", {"assignee": "ygjy-tech1"}))
    ok(tech.act(number, "accept"))
    ok(tech.act(number, "arrive"))


def test_free_common_area_repair_runs_from_intake_to_close(desk, tech, api, draft):
    """R2.1-R2.4, R2.7, R2.11, R2.12: a common-area job is free and goes straight to work."""
    number = create(desk, draft, unit=None, common_area="3栋大堂", category="public", description="大堂灯不亮")
    t = ok(desk.get(f"/tickets/{number}"))
    assert t["status"] == "new" and t["common_area"] == "3栋大堂" and t["work_order"]["is_paid"] is False
    to_site(desk, tech, number)
    t = ok(tech.act(number, "confirm", {"items": [{"item": "PB-01"}], "fault_note": "灯管老化"}))
    assert t["status"] == "in_progress"
    assert t["work_order"]["started_at"] is not None
    ok(tech.act(number, "complete", {"result_note": "已更换灯管"}))
    t = ok(tech.act(number, "sign_off", {"satisfaction": 5, "signed_by": "王芳"}))
    assert t["status"] == "signed_off" and t["work_order"]["satisfaction"] == 5
    t = ok(tech.act(number, "report_back", {"materials_used": "T8灯管 1支"}))
    assert t["status"] == "reported" and t["work_order"]["materials_used"] == "T8灯管 1支"
    t = ok(desk.act(number, "close", {"note": "回访客户，已恢复"}))
    assert t["status"] == "closed" and t["closed_at"] is not None and t["next_due_at"] is None
    # R8.4: every step is on the timeline, in order, with who did it.
    actions = [e["action"] for e in t["timeline"]]
    assert actions == [
        "create",
        "dispatch",
        "accept",
        "arrive",
        "confirm",
        "complete",
        "sign_off",
        "report_back",
        "close",
    ]
    assert {e["by"] for e in t["timeline"]} >= {str(desk.user), str(tech.user)}
    assert t["timeline"][1]["from_status"] == "new" and t["timeline"][1]["to_status"] == "dispatched"


def test_accept_records_the_acceptance_time(desk, tech, draft):
    """R2.4: the receiver acknowledges and 接单时间 is recorded."""
    number = create(desk, draft)
    ok(desk.act(number, "dispatch", {"assignee": "ygjy-tech1"}))
    assert ok(desk.get(f"/tickets/{number}"))["work_order"]["accepted_at"] is None
    t = ok(tech.act(number, "accept"))
    assert t["status"] == "accepted" and t["work_order"]["accepted_at"] is not None


def test_team_dispatch_lets_a_member_accept_and_become_the_assignee(desk, api, draft, persona):
    """R2.4, R2.5: dispatch to a team; whoever of it accepts becomes the assignee."""
    number = create(desk, draft)
    team_id = persona("ygjy-tech2").team_id
    ok(desk.act(number, "dispatch", {"team": team_id}))
    t = ok(api("ygjy-tech2").act(number, "accept"))
    assert t["assignee"]["username"] == "ygjy-tech2"


def test_paid_repair_needs_consent_before_work_starts(desk, tech, draft):
    """R2.9: a quote split into labour, material and service fee; no work before consent."""
    number = create(desk, draft)
    to_site(desk, tech, number)
    t = ok(tech.act(number, "confirm", {"items": [{"item": "PL-03", "quantity": 2}, {"item": "PL-01"}]}))
    assert t["status"] == "awaiting_consent" and t["work_order"]["is_paid"] is True
    quote = t["work_order"]["quotes"][-1]
    # PL-03: 20 + 15 + 5 per piece, two pieces; PL-01: 30 + 0 + 10.
    assert (quote["labour_total"], quote["material_total"], quote["service_total"], quote["total"]) == (
        "70.00",
        "30.00",
        "20.00",
        "120.00",
    )
    r = tech.act(number, "complete")
    assert r.status_code == 409  # cannot complete (or start) before consent
    assert WorkOrder.objects.get(ticket__number=number).started_at is None
    t = ok(tech.act(number, "consent", {"customer_name": "王芳"}))
    assert t["status"] == "in_progress" and t["work_order"]["quotes"][-1]["status"] == "consented"
    assert t["work_order"]["started_at"] is not None


def test_a_grown_job_needs_a_new_consent(desk, tech, draft):
    """R2.9: a refill becomes a compressor: the new amount is confirmed before going on."""
    number = create(desk, draft, category="hvac", description="空调不制冷")
    to_site(desk, tech, number)
    ok(tech.act(number, "confirm", {"items": [{"item": "HV-01"}]}))
    ok(tech.act(number, "consent"))
    t = ok(tech.act(number, "revise", {"items": [{"item": "HV-02"}], "note": "压缩机损坏"}))
    assert t["status"] == "awaiting_consent"
    quotes = t["work_order"]["quotes"]
    assert [q["status"] for q in quotes] == ["consented", "pending"]
    assert quotes[-1]["total"] == "2070.00"  # 220 for the refill + 1850 for the compressor
    assert tech.act(number, "complete").status_code == 409
    ok(tech.act(number, "consent"))
    assert ok(tech.act(number, "complete"))["status"] == "completed"


def test_customer_declining_the_quote_ends_the_job(desk, tech, draft):
    number = create(desk, draft)
    to_site(desk, tech, number)
    ok(tech.act(number, "confirm", {"items": [{"item": "DW-01"}]}))
    t = ok(tech.act(number, "decline_quote", {"customer_name": "王芳"}))
    assert t["status"] == "declined" and t["closed_at"] is not None
    assert t["work_order"]["quotes"][-1]["status"] == "declined"
    assert all(d["status"] != "open" for d in t["deadlines"])


def test_out_of_catalogue_item_waits_for_the_engineering_supervisor(desk, tech, api, draft, persona):
    """R2.6: outside the catalogue -> supervisor review; the customer is told the decision."""
    number = create(desk, draft)
    to_site(desk, tech, number)
    t = ok(
        tech.act(
            number, "confirm", {"items": [{"description": "定做橱柜门", "labour_fee": "120", "material_fee": "300"}]}
        )
    )
    assert t["status"] == "awaiting_review"
    assert Notification.objects.filter(recipient=persona("ygjy-engineer"), kind="review").exists()
    assert tech.act(number, "consent").status_code in (403, 409)
    assert tech.act(number, "review", {"decisions": []}).status_code == 403  # only the supervisor reviews
    item_id = t["work_order"]["items"][0]["id"]
    engineer = api("ygjy-engineer")
    r = engineer.act(number, "review", {"decisions": []})
    assert r.status_code == 422  # every pending item must be decided
    t = ok(engineer.act(number, "review", {"decisions": [{"item_id": item_id, "approve": True, "labour_fee": "100"}]}))
    assert t["status"] == "awaiting_consent"
    assert t["work_order"]["quotes"][-1]["total"] == "400.00"
    told = Notification.objects.get(recipient=persona("ygjy-agent"), kind="tell_customer")
    assert number in told.message


def test_rejected_out_of_catalogue_job_is_not_done(desk, tech, api, draft):
    number = create(desk, draft)
    to_site(desk, tech, number)
    t = ok(tech.act(number, "confirm", {"items": [{"description": "拆除承重墙"}]}))
    item_id = t["work_order"]["items"][0]["id"]
    t = ok(
        api("ygjy-engineer").act(
            number, "review", {"decisions": [{"item_id": item_id, "approve": False, "note": "涉及结构安全"}]}
        )
    )
    assert t["status"] == "declined"
    assert t["work_order"]["items"][0]["review"] == "rejected"


def test_customer_supplied_material_is_checked_pass_or_fail(desk, tech, draft):
    """R2.8."""
    number = create(desk, draft, category="electrical")
    to_site(desk, tech, number)
    ok(tech.act(number, "check_material", {"material": "业主自购吸顶灯", "passed": True}))
    t = ok(tech.act(number, "check_material", {"material": "业主自购开关", "passed": False, "note": "型号不符"}))
    assert t["status"] == "on_site"
    checks = t["work_order"]["material_checks"]
    assert [(c["material"], c["passed"]) for c in checks] == [("业主自购吸顶灯", True), ("业主自购开关", False)]
    assert MaterialCheck.objects.filter(passed=False, note="型号不符").count() == 1


def test_reported_item_wrong_is_reconfirmed_and_recategorised(desk, tech, draft):
    """R2.7: the reported item was wrong; the content is re-confirmed with the customer."""
    number = create(desk, draft, category="plumbing")
    to_site(desk, tech, number)
    t = ok(
        tech.act(
            number, "confirm", {"items": [{"item": "EL-01"}], "category": "electrical", "reported_item_wrong": True}
        )
    )
    assert t["category"] == "electrical"
    assert t["timeline"][-1]["data"]["reported_item_wrong"] is True


def test_deferral_gives_a_promised_time_and_renewal_is_recorded(desk, tech, draft, persona):
    """R2.13: deferred with a reason and a promised time; renewing it is recorded."""
    number = create(desk, draft)
    to_site(desk, tech, number)
    ok(tech.act(number, "confirm", {"items": [{"item": "PB-02"}]}))
    promised = timezone.now() + datetime.timedelta(days=1)
    t = ok(tech.act(number, "defer", {"reason": "等配件", "promised_at": promised.isoformat()}))
    assert t["status"] == "deferred" and t["work_order"]["deferred_reason"] == "等配件"
    promise = [d for d in t["deadlines"] if d["clock"] == "promise"]
    assert len(promise) == 1 and promise[0]["status"] == "open"
    assert Notification.objects.filter(recipient=persona("ygjy-agent"), kind="tell_customer").exists()
    later = promised + datetime.timedelta(days=1)
    t = ok(tech.act(number, "defer", {"reason": "配件未到", "promised_at": later.isoformat()}))
    promise = [d for d in t["deadlines"] if d["clock"] == "promise"]
    assert [d["status"] for d in promise] == ["cancelled", "open"]
    assert t["timeline"][-1]["data"]["renewal"] is True
    t = ok(tech.act(number, "resume"))
    assert t["status"] == "in_progress"
    assert [d["status"] for d in t["deadlines"] if d["clock"] == "promise"] == ["cancelled", "met"]


def test_escalation_goes_to_the_equipment_supervisor(desk, tech, draft, persona):
    """R2.14."""
    number = create(desk, draft)
    to_site(desk, tech, number)
    t = ok(tech.act(number, "escalate", {"note": "主管道问题，需要协调供水公司"}))
    assert t["status"] == "on_site" and t["work_order"]["escalated_at"] is not None
    note = Notification.objects.get(recipient=persona("ygjy-equipment"), kind="escalation")
    assert number in note.message


def test_unsatisfied_customer_gets_a_linked_rework_order(desk, tech, draft):
    """R2.15: an unsatisfied sign-off opens a rework order linked to the original."""
    number = create(desk, draft, category="public", unit=None, common_area="3栋大堂")
    to_site(desk, tech, number)
    ok(tech.act(number, "confirm", {"items": [{"item": "PB-02"}]}))
    ok(tech.act(number, "complete"))
    t = ok(tech.act(number, "sign_off", {"satisfaction": 2, "satisfied": False, "comment": "还是漏"}))
    assert t["work_order"]["satisfied"] is False
    assert len(t["work_order"]["reworks"]) == 1
    rework = ok(desk.get(f"/tickets/{t['work_order']['reworks'][0]}"))
    assert rework["work_order"]["rework_of"] == number
    assert rework["status"] == "new" and rework["common_area"] == "3栋大堂"
    assert any(e["action"] == "rework_opened" for e in t["timeline"])


def test_desk_can_open_a_rework_after_closing(desk, tech, draft):
    number = create(desk, draft, category="public", unit=None, common_area="3栋大堂")
    to_site(desk, tech, number)
    ok(tech.act(number, "confirm", {"items": [{"item": "PB-02"}]}))
    ok(tech.act(number, "complete"))
    ok(tech.act(number, "report_back"))
    assert desk.act(number, "close").status_code == 409  # R2.11: not signed off yet
    ok(tech.act(number, "sign_off", {"satisfaction": 4}))
    ok(desk.act(number, "close"))
    t = ok(desk.act(number, "rework", {"reason": "一周后又坏了"}))
    assert t["status"] == "closed" and len(t["work_order"]["reworks"]) == 1
    assert Ticket.objects.filter(work_order__rework_of__ticket__number=number).count() == 1


def test_cancel_stops_every_clock(desk, draft):
    number = create(desk, draft)
    t = ok(desk.act(number, "cancel", {"reason": "业主已自行修好"}))
    assert t["status"] == "cancelled" and t["next_due_at"] is None
    assert all(d["status"] in ("met", "cancelled") for d in t["deadlines"])


def test_resident_reports_consents_and_signs_off_online(api, tech, desk, draft):
    """R1.2: the online channel; the resident consents and signs off in the portal API."""
    resident = api("resident")
    r = resident.post(
        "/tickets", {"unit": "3-1202", "category": "plumbing", "description": "马桶漏水", "channel": "online"}
    )
    assert r.status_code == 201, r.content
    t = r.json()
    assert t["reporter_name"] == resident.user.residencies.first().name and t["channel"] == "online"
    number = t["number"]
    to_site(desk, tech, number)
    ok(tech.act(number, "confirm", {"items": [{"item": "PL-04"}]}))
    assert [a["action"] for a in ok(resident.get(f"/tickets/{number}/actions"))] == ["consent", "decline_quote"]
    ok(resident.act(number, "consent"))
    ok(tech.act(number, "complete"))
    t = ok(resident.act(number, "sign_off", {"satisfaction": 5}))
    assert t["work_order"]["signed_by"] == t["reporter_name"]


def test_actions_list_gives_the_fields_each_action_needs(desk, draft):
    number = create(desk, draft)
    actions = {a["action"]: a for a in ok(desk.get(f"/tickets/{number}/actions"))}
    assert set(actions) == {"dispatch", "refer", "cancel"}
    assert set(actions["dispatch"]["fields"]["properties"]) == {"assignee", "team", "note"}
    assert actions["cancel"]["fields"]["required"] == ["reason"]


def test_quote_lines_are_kept_as_shown(desk, tech, draft):
    """R2.9: the quote keeps the lines and prices the customer saw, even if fees change later."""
    from catalog.models import ServiceItem

    number = create(desk, draft)
    to_site(desk, tech, number)
    ok(tech.act(number, "confirm", {"items": [{"item": "PL-01"}]}))
    ServiceItem.objects.filter(code="PL-01").update(labour_fee=999)
    quote = Quote.objects.get(order__ticket__number=number)
    assert quote.lines[0]["labour_fee"] == "30.00" and quote.total == 40


def test_arrival_records_the_visit_conduct_points_ticked(desk, tech, draft):
    """R2.10: the conduct checklist ticked on arrival is on the timeline; an unknown
    point is refused and changes nothing."""
    number = create(desk, draft)
    ok(desk.act(number, "dispatch", {"assignee": "ygjy-tech1"}))
    ok(tech.act(number, "accept"))
    bad = tech.act(number, "arrive", {"checklist": ["uniform", "bribe"]})
    assert bad.status_code == 422 and Ticket.objects.get(number=number).status == "accepted"
    t = ok(tech.act(number, "arrive", {"checklist": ["shoe_covers", "uniform"]}))
    arrive = next(e for e in t["timeline"] if e["action"] == "arrive")
    assert arrive["data"]["checklist"] == ["uniform", "shoe_covers"]
