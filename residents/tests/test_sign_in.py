"""Residents sign in with their mobile number and a one-time code sent through the
outbox; the answer never tells whether a number is registered; codes expire, are used
once and are limited per number and per address. New people ask to join a household
and the desk confirms them (业主认证), or the desk invites a resident directly."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from base.errors import InvalidInput
from conftest import login
from estates.models import Resident
from notify.models import Delivery
from people.models import User
from residents.models import JoinRequest, SignInCode


def code_sent_to(phone: str) -> str:
    """The code in the newest SMS to ``phone`` on the outbox (the local outbox in the demo)."""
    text = Delivery.objects.filter(address=phone, channel="sms").order_by("-id").values_list("text", flat=True).first()
    assert text, f"no SMS to {phone}"
    found = re.search(r"\d{6}", text)
    assert found, text
    return found.group(0)


def ask(client: Client, phone: str, **extra: str):
    return client.post("/my/login/", {"phone": phone, **extra}, REMOTE_ADDR=extra.pop("addr", "10.0.0.1"))


@pytest.fixture
def resident_phone(persona) -> str:
    return persona("resident").phone


def test_a_resident_signs_in_with_the_code_sent_to_their_number(clock, resident_phone):
    c = Client()
    page = ask(c, resident_phone)
    assert page.status_code == 200 and "code" in page.content.decode()
    code = code_sent_to(resident_phone)
    d = Delivery.objects.filter(address=resident_phone).latest("id")
    assert d.recipient is not None
    assert d.urgent and d.recipient.username == "resident" and "minutes" not in d.text  # said in Chinese
    signed = c.post("/my/login/", {"phone": resident_phone, "code": code})
    assert signed.status_code == 302 and signed["Location"] == "/my/"
    assert c.get("/my/").status_code == 200


def test_the_answer_is_the_same_for_an_unknown_number_and_nothing_is_sent(clock, resident_phone):
    known = ask(Client(), resident_phone).content.decode()
    unknown = ask(Client(), "13600000000", addr="10.0.0.2").content.decode()
    said = "如果该号码已登记，验证码已通过短信发出"
    assert said in known and said in unknown
    assert not Delivery.objects.filter(address="13600000000").exists()
    assert SignInCode.objects.filter(phone="13600000000").count() == 1  # counted all the same


def test_a_code_is_used_once_and_expires(clock, resident_phone):
    c = Client()
    ask(c, resident_phone)
    code = code_sent_to(resident_phone)
    assert c.post("/my/login/", {"phone": resident_phone, "code": code}).status_code == 302
    again = Client().post("/my/login/", {"phone": resident_phone, "code": code})
    assert again.status_code == 422 and "验证码不对或已过期" in again.content.decode()

    clock.shift(120)
    ask(Client(), resident_phone)
    late = code_sent_to(resident_phone)
    clock.shift(5 * 60 + 1)
    assert Client().post("/my/login/", {"phone": resident_phone, "code": late}).status_code == 422


def test_five_wrong_codes_spend_it(clock, resident_phone):
    ask(Client(), resident_phone)
    code = code_sent_to(resident_phone)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert Client().post("/my/login/", {"phone": resident_phone, "code": wrong}).status_code == 422
    assert Client().post("/my/login/", {"phone": resident_phone, "code": code}).status_code == 422


def test_codes_are_limited_per_number_and_per_address(clock, resident_phone):
    assert ask(Client(), resident_phone).status_code == 200
    soon = ask(Client(), resident_phone, addr="10.9.9.9")
    assert soon.status_code == 429 and "刚刚已向该号码发送验证码" in soon.content.decode()
    for _ in range(4):
        clock.shift(61)
        assert ask(Client(), resident_phone).status_code == 200
    clock.shift(61)
    assert ask(Client(), resident_phone).status_code == 429  # five an hour
    assert Delivery.objects.filter(address=resident_phone).count() == 5

    for n in range(20):
        ask(Client(), f"1390000{n:04d}", addr="10.1.1.1")
    assert ask(Client(), "13900009999", addr="10.1.1.1").status_code == 429


def test_a_deactivated_account_gets_no_code(clock, persona, resident_phone):
    User.objects.filter(username="resident").update(is_active=False)
    ask(Client(), resident_phone)
    assert not Delivery.objects.filter(address=resident_phone).exists()


def test_a_number_the_desk_registered_signs_in_and_gets_its_account(clock):
    r = Resident.objects.filter(user__isnull=True, property__code="YGJY").select_related("household__unit").first()
    assert r is not None
    ask(Client(), r.phone)
    c = Client()
    assert c.post("/my/login/", {"phone": r.phone, "code": code_sent_to(r.phone)}).status_code == 302
    r.refresh_from_db()
    assert r.user is not None and r.user.role == "resident" and r.user.phone == r.phone
    assert r.household.unit.label in c.get("/my/").content.decode()


def test_bad_numbers_get_a_clear_message(clock):
    page = ask(Client(), "12345")
    assert page.status_code == 422 and "不是有效的电话号码" in page.content.decode()
    page = ask(Client(), "0731-88888888")
    assert page.status_code == 422 and "手机号" in page.content.decode()


def test_a_new_person_asks_to_join_and_sees_nothing_until_the_desk_confirms(clock, api):
    desk = api("ygjy-agent")
    mine = desk.post(
        "/tickets",
        {
            "kind": "repair",
            "property": "YGJY",
            "unit": "3-1202",
            "category": "plumbing",
            "description": "厨房水龙头漏水",
            "reporter_name": "王",
            "reporter_phone": "13907310001",
        },
    ).json()["number"]
    c = Client()
    form = {"property": "YGJY", "unit": "3-1202", "name": "王小明", "role": "family", "phone": "13711112222"}
    first = c.post("/my/join/", form)
    assert first.status_code == 200 and "验证码已通过短信发往" in first.content.decode()
    joined = c.post("/my/join/", {**form, "code": code_sent_to("13711112222")})
    assert joined.status_code == 302
    home = c.get("/my/").content.decode()
    assert "等待客服中心核实" in home and mine not in home
    request = JoinRequest.objects.get(phone="13711112222")
    assert request.status == "pending"

    assert api("ygjy-tech1").post(f"/residents/join-requests/{request.pk}/confirm").status_code == 403
    assert api("wlbg-agent").post(f"/residents/join-requests/{request.pk}/confirm").status_code == 404
    queue = desk.get("/residents/join-requests", property="YGJY").json()
    assert [r["phone"] for r in queue] == ["13711112222"]
    assert desk.post(f"/residents/join-requests/{request.pk}/confirm").json()["status"] == "confirmed"
    assert desk.post(f"/residents/join-requests/{request.pk}/confirm").status_code == 409
    assert mine in c.get("/my/").content.decode()


def test_the_desk_refuses_with_a_reason_the_person_reads(clock, api):
    c = Client()
    form = {"property": "YGJY", "unit": "3-1201", "name": "李四", "role": "owner", "phone": "13722223333"}
    c.post("/my/join/", form)
    c.post("/my/join/", {**form, "code": code_sent_to("13722223333")})
    request = JoinRequest.objects.get(phone="13722223333")
    desk = api("ygjy-agent")
    assert desk.post(f"/residents/join-requests/{request.pk}/refuse", {"reason": ""}).status_code == 422
    assert desk.post(f"/residents/join-requests/{request.pk}/refuse", {"reason": "业主不认识此人"}).status_code == 200
    assert "业主不认识此人" in c.get("/my/").content.decode()
    assert not Resident.objects.filter(phone="13722223333").exists()


def test_a_wrong_unit_is_said_before_any_code_is_sent(clock):
    page = Client().post("/my/join/", {"property": "YGJY", "unit": "9-9999", "name": "张三", "phone": "13733334444"})
    assert page.status_code == 422 and "9-9999" in page.content.decode()
    assert not Delivery.objects.filter(address="13733334444").exists()


def test_the_desk_invites_a_resident_who_then_signs_in(clock, api):
    desk = api("ygjy-agent")
    made = desk.post("/residents/invite", {"property": "YGJY", "unit": "1-101", "name": "赵六", "phone": "13744445555"})
    assert made.status_code == 201, made.content
    sms = Delivery.objects.get(address="13744445555")
    assert "1-101" in sms.text and "/my/" in sms.text
    again = desk.post(
        "/residents/invite", {"property": "YGJY", "unit": "1-101", "name": "赵六", "phone": "13744445555"}
    )
    assert again.json()["id"] == made.json()["id"] and Delivery.objects.filter(address="13744445555").count() == 1
    assert api("resident").post(
        "/residents/invite", {"property": "YGJY", "unit": "1-101", "name": "x", "phone": "13744445556"}
    ).status_code in (403, 404)

    clock.shift(61)
    r = Client().post("/api/v1/auth/code", {"phone": "13744445555"}, content_type="application/json")
    assert r.status_code == 202
    token = Client().post(
        "/api/v1/auth/code/token",
        {"phone": "13744445555", "code": code_sent_to("13744445555")},
        content_type="application/json",
    )
    assert token.status_code == 201
    me = Client(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}").get("/api/v1/me").json()
    assert me["role"] == "resident"


def test_the_qr_code_opens_the_matter_for_the_household_and_a_styled_sign_in_otherwise(clock, api):
    number = (
        api("ygjy-agent")
        .post(
            "/tickets",
            {"kind": "repair", "property": "YGJY", "unit": "3-1202", "category": "plumbing", "description": "漏水"},
        )
        .json()["number"]
    )
    anonymous = Client().get(f"/t/{number}/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/my/login/?next=")
    page = Client().get(anonymous["Location"])
    assert page.status_code == 200 and "用手机号登录" in page.content.decode()
    assert login("resident").get(f"/t/{number}/")["Location"] == f"/my/m/{number}/"
    assert login("neighbour").get(f"/my/m/{number}/").status_code == 404


def test_the_desk_confirms_refuses_and_invites_on_its_page(clock):
    c = Client()
    for phone, unit in (("13755550001", "3-1201"), ("13755550002", "1-102")):
        form = {"property": "YGJY", "unit": unit, "name": "申请人", "role": "tenant", "phone": phone}
        c.post("/my/join/", form)
        c.post("/my/join/", {**form, "code": code_sent_to(phone)})
        c = Client()
    desk = login("ygjy-agent")
    page = desk.get("/desk/YGJY/residents/").content.decode()
    assert "13755550001" in page and "13755550002" in page
    first, second = JoinRequest.objects.filter(phone__startswith="1375555").order_by("phone")
    assert desk.post("/desk/YGJY/residents/", {"do": "confirm", "request": first.pk}).status_code == 302
    refused = desk.post("/desk/YGJY/residents/", {"do": "refuse", "request": second.pk, "reason": ""})
    assert refused.status_code == 422 and "此项不能为空" in refused.content.decode()
    assert (
        desk.post("/desk/YGJY/residents/", {"do": "refuse", "request": second.pk, "reason": "查无此人"}).status_code
        == 302
    )
    assert Resident.objects.filter(phone="13755550001", household__unit__label="3-1201").exists()
    assert not Resident.objects.filter(phone="13755550002").exists()
    assert desk.post("/desk/YGJY/residents/", {"do": "confirm", "request": second.pk}).status_code == 422
    made = desk.post("/desk/YGJY/residents/", {"do": "invite", "unit": "1-102", "name": "钱七", "phone": "13755550003"})
    assert made.status_code == 302 and Delivery.objects.filter(address="13755550003").exists()
    bad = desk.post("/desk/YGJY/residents/", {"do": "invite", "unit": "9-9999", "name": "钱七", "phone": "13755550004"})
    assert bad.status_code == 422 and "9-9999" in bad.content.decode()
    assert login("ygjy-tech1").get("/desk/YGJY/residents/").status_code == 403
    assert login("wlbg-agent").get("/desk/YGJY/residents/").status_code == 404
    assert login("resident").get("/desk/YGJY/residents/").status_code == 403


def test_a_code_sent_through_a_real_gateway_is_masked_on_the_outbox(clock, api, resident_phone):
    ask(Client(), resident_phone)
    code = code_sent_to(resident_phone)
    row = Delivery.objects.filter(address=resident_phone).latest("id")
    supervisor = login("ygjy-supervisor")
    assert code not in supervisor.get("/desk/YGJY/outbox/").content.decode()  # on its way: masked
    Delivery.objects.filter(pk=row.pk).update(status="kept")
    assert code in supervisor.get("/desk/YGJY/outbox/").content.decode()  # kept locally: read there
    Delivery.objects.filter(pk=row.pk).update(status="sent")
    page = supervisor.get("/desk/YGJY/outbox/").content.decode()
    assert code not in page and "******" in page
    listed = api("ygjy-supervisor").get("/outbox", property="YGJY").json()
    assert code not in str(listed)


def test_the_api_says_the_same_for_any_number_and_limits_it(clock, resident_phone):
    def send(phone: str):
        return Client().post("/api/v1/auth/code", {"phone": phone}, content_type="application/json")

    known, unknown = send(resident_phone), send("13600000001")
    assert known.status_code == unknown.status_code == 202 and known.json() == unknown.json()
    again = send(resident_phone)
    assert again.status_code == 429 and "分钟后再试" in again.json()["detail"]
    bad = Client().post(
        "/api/v1/auth/code/token", {"phone": resident_phone, "code": "000000"}, content_type="application/json"
    )
    assert bad.status_code == 422


def test_without_an_sms_gateway_codes_are_refused_outside_the_demo(clock, settings, resident_phone):
    settings.SIGN_IN_CODES_IN_OUTBOX = False
    page = ask(Client(), resident_phone)
    assert page.status_code == 403 and "密码" in page.content.decode()
    assert not Delivery.objects.filter(address=resident_phone).exists()


def test_a_sent_code_is_scrubbed_from_the_outbox_row(clock, settings, resident_phone):
    from notify.outbox import delivery_send

    ask(Client(), resident_phone)
    row = Delivery.objects.filter(address=resident_phone).latest("id")
    code = re.search(r"\d{6}", row.text)
    assert code
    settings.SMS_GATEWAY_URL = "json://127.0.0.1:9/sms"  # refused at once: stays pending, text kept
    delivery_send(row.pk)
    row.refresh_from_db()
    assert row.status == "pending" and code.group(0) in row.text
    settings.SMS_GATEWAY_URL = ""
    delivery_send(row.pk, now=row.next_attempt_at)
    row.refresh_from_db()
    assert row.status == "kept" and code.group(0) in row.text  # the demo reads it there


def test_wrong_guesses_at_once_never_pass_the_limit(clock, resident_phone):
    from residents.services import TRIES, code_check

    ask(Client(), resident_phone)
    code = code_sent_to(resident_phone)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(TRIES + 3):
        with pytest.raises(InvalidInput):
            code_check(phone=resident_phone, code=wrong)
    assert SignInCode.objects.filter(phone=resident_phone).latest("id").attempts == TRIES
    with pytest.raises(InvalidInput):
        code_check(phone=resident_phone, code=code)


def test_a_former_resident_reports_and_sees_nothing_of_the_new_household(clock, api, persona):
    import datetime

    from estates.models import Household

    number = (
        api("ygjy-agent")
        .post(
            "/tickets",
            {"kind": "repair", "property": "YGJY", "unit": "3-1202", "category": "plumbing", "description": "旧事"},
        )
        .json()["number"]
    )
    Household.objects.filter(residents__user__username="resident").update(moved_out_on=datetime.date(2026, 11, 1))
    me = api("resident")
    assert me.get(f"/tickets/{number}").status_code == 404
    r = me.post("/tickets", {"kind": "repair", "unit": "3-1202", "description": "漏水"})
    assert r.status_code in (403, 422)
