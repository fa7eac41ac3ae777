"""The resident's own pages: report with photos, follow a matter, agree to the price,
sign off and rate, the fee schedule; and that nothing of another household shows."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from conftest import SHANGHAI, login, repair_draft, second_home
from contacts.models import Contact
from estates.models import Property
from repairs.models import WorkOrder
from repairs.services import work_orders_sign_off_lapsed
from tickets.models import Attachment, Ticket


def jpeg(name: str = "leak.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def home(username: str = "resident", label: str = "3-1202") -> str:
    """The report form's value for one of the resident's homes (their registration)."""
    from estates.models import Resident

    return f"home:{Resident.objects.get(user__username=username, household__unit__label=label).pk}"


def report(client, **over):
    form = {
        "kind": "repair",
        "place": home(),
        "category": "plumbing",
        "description": "卫生间天花板漏水",
        "key": "k1",
    }
    form.update(over)
    return client.post("/my/report/", form)


def test_r1_6_a_resident_reports_a_leak_with_a_photo_recorded_online_at_once(clock):
    c = login("resident")
    r = report(c, photos=[jpeg()])
    assert r.status_code == 302, r.content.decode()[:2000]
    number = r["Location"].split("/")[3]
    t = Ticket.objects.get(number=number)
    assert t.channel == "online" and t.status == "new" and t.created_at == timezone.now()
    assert t.deadlines.filter(clock="record").exists()  # the clocks run as for a call
    assert Attachment.objects.filter(ticket=t, kind="photo").count() == 1
    contact = Contact.objects.get(tickets=t)  # R1.6: the contact log shows it
    assert contact.channel == "online" and contact.unit_id == t.unit_id
    page = c.get(r["Location"]).content.decode()
    assert number in page and "已登记，客服中心正在派维修工" in page
    assert "0731-88881234" in page  # no technician yet: the desk's number to call


def test_a_double_tap_records_once(clock):
    c = login("resident")
    first, second = report(c, key="same"), report(c, key="same")
    assert first["Location"] == second["Location"]
    assert Ticket.objects.filter(description="卫生间天花板漏水").count() == 1


@pytest.mark.parametrize(
    ("over", "field_says"),
    [
        ({"description": ""}, "此项不能为空"),
        ({"description": "漏" * 10_000}, "内容过长"),
        ({"place": "home:1"}, "请选择您的住房或公共区域"),
        ({"place": "unit:3-1201"}, "请选择您的住房或公共区域"),
        ({"appointment_at": "2026-02-30T10:00"}, "请填写日期和时间"),
        ({"kind": "help"}, "请选择要报的事项类型"),
        ({"appointment_at": "2026-11-20T10:00"}, "appointment"),
    ],
)
def test_bad_reports_get_a_clear_message_and_change_nothing(clock, over, field_says):
    before = Ticket.objects.count()
    r = report(login("resident"), **over)
    assert r.status_code == 422
    page = r.content.decode()
    assert field_says in page or 'id="appointment-error"' in page
    assert Ticket.objects.count() == before


def test_a_file_that_is_not_a_photo_is_refused(clock):
    fake = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    r = report(login("resident"), photos=[fake])
    assert r.status_code == 422 and "不是照片" in r.content.decode()
    assert not Ticket.objects.filter(description="卫生间天花板漏水").exists()


def test_a_common_area_of_their_property_and_each_kind_they_may_report(clock):
    c = login("resident")
    page = c.get("/my/report/").content.decode()
    area = page.split('value="area:')[1].split('"')[0]
    for kind, extra in (("complaint", {"about": "cleaning"}), ("consultation", {}), ("suggestion", {})):
        r = report(c, kind=kind, place=f"area:{area}", key=kind, category="", **extra)
        assert r.status_code == 302, (kind, r.content.decode()[:500])
    kinds = set(Ticket.objects.filter(channel="online", common_area_id=int(area)).values_list("kind", flat=True))
    assert kinds == {"complaint", "consultation", "suggestion"}
    # R5.5: a question typed online is answered in writing, within the written limit.
    question = Ticket.objects.get(kind="consultation", common_area_id=int(area))
    reply = question.deadlines.get(clock="reply")
    assert reply.due_at - reply.started_at == datetime.timedelta(days=2)


def paid_job(api, clock) -> str:
    """A leak reported by the resident, dispatched, and priced on site: labour 30 +
    material 45 + service fee 10."""
    c = login("resident")
    number = report(c, key=str(Ticket.objects.count()))["Location"].split("/")[3]
    desk, tech = api("ygjy-agent"), api("ygjy-tech1")
    d = desk.act(number, "dispatch", {"assignee": "ygjy-tech1"})
    assert d.status_code == 200, d.content.decode()
    assert tech.act(number, "accept").status_code == 200
    assert tech.act(number, "arrive").status_code == 200
    item = {"description": "更换水龙头（业主指定款）", "labour_fee": "30", "material_fee": "45", "service_fee": "10"}
    r = tech.act(number, "confirm", {"items": [item]})
    assert r.status_code == 200 and r.json()["status"] == "awaiting_review", r.content
    decisions = [{"item_id": i["id"], "approve": True} for i in r.json()["work_order"]["items"]]
    r = api("ygjy-engineer").act(number, "review", {"decisions": decisions})
    assert r.status_code == 200 and r.json()["status"] == "awaiting_consent", r.content
    return number


def test_r2_9_the_resident_sees_the_lines_and_agrees_online(clock, api):
    number = paid_job(api, clock)
    c = login("resident")
    page = c.get(f"/my/m/{number}/").content.decode()
    for amount in ("30", "45", "10", "¥85.00"):
        assert amount in page
    assert "同意 ¥85.00" in page
    assert api("ygjy-tech1").get(f"/tickets/{number}").json()["status"] == "awaiting_consent"
    assert c.post(f"/my/m/{number}/act/consent/").status_code == 302
    t = api("ygjy-tech1").get(f"/tickets/{number}").json()
    assert t["status"] == "in_progress" and t["work_order"]["quotes"][-1]["status"] == "consented"
    consent = [e for e in t["timeline"] if e["action"] == "consent"][-1]
    resident = Ticket.objects.get(number=number).resident
    assert resident is not None and consent["by"] == str(resident.user)
    again = c.post(f"/my/m/{number}/act/decline_quote/")  # answered already
    assert again.status_code == 409 and "error" in again.content.decode()
    assert Ticket.objects.get(number=number).status == "in_progress"


def test_r2_11_signing_off_with_four_stars_and_not_fixed_opens_a_rework(clock, api):
    number = paid_job(api, clock)
    c = login("resident")
    c.post(f"/my/m/{number}/act/consent/")
    tech = api("ygjy-tech1")
    assert tech.act(number, "complete", {"result_note": "已更换"}).status_code == 200
    assert c.post(f"/my/m/{number}/act/sign_off/", {"fixed": "yes"}).status_code == 422  # no stars
    assert (
        c.post(
            f"/my/m/{number}/act/sign_off/", {"fixed": "yes", "satisfaction": "4", "comment": "师傅很专业"}
        ).status_code
        == 302
    )
    order = WorkOrder.objects.get(ticket__number=number)
    assert order.satisfaction == 4 and order.satisfied and order.sign_off_note == "师傅很专业"

    second = paid_job(api, clock)
    c.post(f"/my/m/{second}/act/consent/")
    tech.act(second, "complete")
    c.post(f"/my/m/{second}/act/sign_off/", {"fixed": "no", "satisfaction": "3", "comment": "还在滴水"})
    rework = WorkOrder.objects.get(rework_of__ticket__number=second)
    assert rework.ticket.household_id == Ticket.objects.get(number=second).household_id
    assert rework.ticket.number in c.get("/my/").content.decode()


def test_r2_11_a_job_not_signed_within_the_propertys_days_is_taken_as_signed_off(clock, api):
    number = paid_job(api, clock)
    login("resident").post(f"/my/m/{number}/act/consent/")
    api("ygjy-tech1").act(number, "complete")
    Property.objects.filter(code="YGJY").update(sign_off_days=3)
    clock.shift(3 * 86400 - 60)
    assert work_orders_sign_off_lapsed() == 0
    clock.shift(120)
    assert work_orders_sign_off_lapsed() == 1
    t = Ticket.objects.get(number=number)
    order = WorkOrder.objects.get(ticket=t)
    assert t.status == "signed_off" and order.signed_off_at is not None and order.satisfaction is None
    assert work_orders_sign_off_lapsed() == 0
    Property.objects.filter(code="YGJY").update(sign_off_days=0)
    other = paid_job(api, clock)
    login("resident").post(f"/my/m/{other}/act/consent/")
    api("ygjy-tech1").act(other, "complete")
    clock.shift(30 * 86400)
    assert work_orders_sign_off_lapsed() == 0  # 0: never


def test_the_resident_sees_the_technician_and_the_countdown_not_the_offices_notes(clock, api):
    c = login("resident")
    number = report(c)["Location"].split("/")[3]
    desk = api("ygjy-agent")
    desk.act(number, "dispatch", {"assignee": "ygjy-tech1", "note": "内部备注：该户曾投诉"})
    page = c.get(f"/my/m/{number}/").content.decode()
    tech = Ticket.objects.get(number=number).assignee
    assert tech is not None
    assert str(tech) in page and f"tel:{tech.phone}" in page
    assert "data-due" in page  # the promised arrival counted down
    assert "内部备注" not in page
    detail = api("resident").get(f"/tickets/{number}").json()
    assert "内部备注" not in str(detail["timeline"])
    assert {d["clock"] for d in detail["deadlines"]} <= {
        "arrive",
        "promise",
        "answer",
        "resolve",
        "reply",
        "party_arrive",
        "party_fix",
    }
    assert "record" not in {d["clock"] for d in detail["deadlines"]}


@pytest.mark.parametrize("other", ["neighbour", "tenant"])
def test_nothing_of_another_household_shows(clock, api, other):
    c = login("resident")
    number = report(c, photos=[jpeg()])["Location"].split("/")[3]
    photo = Attachment.objects.get(ticket__number=number)
    them = login(other)
    assert them.get(f"/my/m/{number}/").status_code == 404
    assert them.post(f"/my/m/{number}/act/consent/").status_code == 404
    assert them.get(f"/a/{photo.pk}/").status_code == 404
    assert number not in them.get("/my/").content.decode()
    assert api(other).get(f"/tickets/{number}").status_code == 404
    assert them.get(f"/t/{number}/")["Location"] == f"/my/m/{number}/"  # and that page says 404
    # The same answer as for a number that does not exist: no telling which are real.
    made_up = number[:-4] + "9999"
    assert them.get(f"/my/m/{number}/").content.decode().replace(number, "N") == them.get(
        f"/my/m/{made_up}/"
    ).content.decode().replace(made_up, "N")


def test_staff_and_technicians_are_sent_to_their_own_pages(clock):
    assert login("ygjy-agent").get("/my/report/").status_code == 403
    assert login("ygjy-tech1").get("/my/fees/").status_code == 403


def test_r8_5_the_fee_schedule_is_searchable(clock):
    c = login("resident")
    page = c.get("/my/fees/").content.decode()
    assert "更换水龙头" in page and "疏通下水道" in page
    found = c.get("/my/fees/", {"q": "水龙头"}).content.decode()
    assert "更换水龙头" in found and "疏通下水道" not in found
    assert "没有符合的项目" in c.get("/my/fees/", {"q": "火箭"}).content.decode()


def test_the_resident_api_reports_with_photos_and_a_key(clock, persona):
    from django.test import Client

    from people.tokens import token_create

    user = persona("resident")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='app')[0]}")
    body = {
        "draft": '{"kind": "repair", "unit": "3-1202", "category": "plumbing", "description": "水管漏水"}',
        "photos": [jpeg(), jpeg("b.jpg")],
    }
    r = c.post("/api/v1/my/reports", body, headers={"Idempotency-Key": "abc"})
    assert r.status_code == 201, r.content
    assert r.json()["channel"] == "online" and r.json()["photos"] == 2
    body["photos"] = [jpeg(), jpeg("b.jpg")]
    again = c.post("/api/v1/my/reports", body, headers={"Idempotency-Key": "abc"})
    assert again.json()["number"] == r.json()["number"] and again["Idempotent-Replayed"] == "true"
    seven = {"draft": body["draft"], "photos": [jpeg(f"{n}.jpg") for n in range(7)]}
    assert c.post("/api/v1/my/reports", seven).status_code == 422
    theirs = {"draft": '{"kind": "repair", "unit": "3-1201", "description": "漏水"}'}
    assert c.post("/api/v1/my/reports", theirs).status_code == 403
    assert c.post("/api/v1/my/reports", {"draft": "[1]"}).status_code == 422
    staff = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=persona('ygjy-agent'), name='t')[0]}")
    assert staff.post("/api/v1/my/reports", {"draft": body["draft"]}).status_code == 403


def test_an_appointment_is_kept_in_the_propertys_time(clock):
    r = report(login("resident"), appointment_at="2026-11-24T10:30")
    t = Ticket.objects.get(number=r["Location"].split("/")[3])
    assert t.appointment_at == datetime.datetime(2026, 11, 24, 10, 30, tzinfo=SHANGHAI)


def test_a_resident_of_two_homes_chooses_among_them(clock, persona):
    user = persona("resident")
    unit = second_home(user).unit
    c = login("resident")
    second = home(label="1-101")
    assert f'value="{second}"' in c.get("/my/report/").content.decode()
    r = report(c, place=second, key="second-home")
    assert Ticket.objects.get(number=r["Location"].split("/")[3]).unit_id == unit.pk


def test_repair_draft_helper_still_works_for_the_desk(api):
    assert api("ygjy-agent").post("/tickets", repair_draft()).status_code == 201


def test_r2_9_a_grown_job_asks_the_resident_again(clock, api):
    number = paid_job(api, clock)
    c = login("resident")
    c.post(f"/my/m/{number}/act/consent/")
    r = api("ygjy-tech1").act(number, "revise", {"items": [{"item": "PL-03"}], "note": "角阀也坏了"})
    assert r.json()["status"] == "awaiting_consent", r.content
    page = c.get(f"/my/m/{number}/").content.decode()
    assert "报价（第 2 版）" in page and "同意 ¥" in page
    assert c.post(f"/my/m/{number}/act/consent/").status_code == 302
    assert Ticket.objects.get(number=number).status == "in_progress"


def test_every_resident_page_is_small_for_a_slow_phone(clock, api):
    """Under 100 KB of HTML before photos, whatever the page."""
    number = paid_job(api, clock)
    c = login("resident")
    for path in ("/my/", "/my/report/", f"/my/m/{number}/", "/my/fees/", "/my/join/", "/notices/"):
        page = c.get(path)
        assert page.status_code == 200 and len(page.content) < 100_000, (path, len(page.content))
    assert len(Client().get("/my/login/").content) < 100_000


def test_english_is_complete_on_the_resident_pages(clock, api):
    number = paid_job(api, clock)
    c = login("resident", "en")
    page = c.get(f"/my/m/{number}/").content.decode()
    assert "Waiting for you to agree to the price" in page and "Agree ¥85.00" in page
    assert "What happened?" in c.get("/my/report/").content.decode()


def test_the_resident_reads_the_answer_to_their_question_and_the_result_of_the_work(clock, api):
    c = login("resident")
    r = report(c, kind="consultation", category="", description="小区几点关大门？", key="q")
    number = r["Location"].split("/")[3]
    assert api("ygjy-agent").act(number, "answer", {"answer": "晚上十一点关闭，刷卡可进。"}).status_code == 200
    assert "晚上十一点关闭，刷卡可进。" in c.get(f"/my/m/{number}/").content.decode()

    job = paid_job(api, clock)
    c.post(f"/my/m/{job}/act/consent/")
    api("ygjy-tech1").act(job, "complete", {"result_note": "已更换水龙头", "note": "内部：用了库存件"})
    page = c.get(f"/my/m/{job}/").content.decode()
    assert "您同意了报价" in page and "收费标准以外的项目由工程主管核价" not in page  # answered: no buttons
    assert "已更换水龙头" in page and "内部：用了库存件" not in page
    timeline = api("resident").get(f"/tickets/{job}").json()["timeline"]
    assert "内部：用了库存件" not in str(timeline)


def test_r1_6_a_residents_report_is_online_and_dated_now_whatever_the_draft_says(clock, api):
    r = api("resident").post(
        "/tickets",
        {
            "kind": "repair",
            "unit": "3-1202",
            "description": "漏水",
            "channel": "phone",
            "reported_at": "2026-11-20T08:00:00+08:00",
        },
    )
    assert r.status_code == 201, r.content
    t = Ticket.objects.get(number=r.json()["number"])
    assert (t.channel, t.reported_at) == ("online", timezone.now())
    assert Contact.objects.get(tickets=t).channel == "online"
