"""The channels through their real protocols on 127.0.0.1: e-mail to an SMTP server,
SMS to the office's gateway and a JSON webhook over HTTP, the WeCom, DingTalk and Feishu
robots over HTTPS; each message arrives once with its text and recipient. A receiver
that fails or hangs is retried with backoff and then shown failed on the supervisor's
outbox page, which sends it again; a channel that is down never stops a ticket."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.test import override_settings

from conftest import T0, login, repair_draft
from notify import outbox
from notify.models import ChannelRoute, Delivery
from notify.services import notice_role, notice_team, preference_set
from notify.tests.receivers import ROBOT_HOSTS, HttpReceiver, RobotProxy, SmtpReceiver, free_port, robot_certificate
from people.models import Role
from promises.services import sweep
from tickets.models import Ticket

MIN = datetime.timedelta(minutes=1)


def record(api, **over) -> str:
    r = api("ygjy-agent").post("/tickets", repair_draft(**over))
    assert r.status_code == 201, r.content
    return r.json()["number"]


def dispatched(api, number: str, who: str = "ygjy-tech1") -> None:
    assert api("ygjy-agent").act(number, "dispatch", {"assignee": who}).status_code == 200


def test_a_missed_promise_arrives_once_by_e_mail_at_the_supervisors_mailbox(clock, api, persona):
    """E-mail through Django's mail to a real SMTP server; the same breach swept and the
    outbox passed again sends nothing more."""
    supervisor = persona("ygjy-supervisor")
    supervisor.email = "zhuguan@example.cn"
    supervisor.save(update_fields=["email"])
    assert (
        api("ygjy-supervisor")
        .client.put("/api/v1/notifications/preferences", {"by_email": True}, content_type="application/json")
        .json()["by_email"]
    )
    with (
        SmtpReceiver() as smtp,
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=smtp.port
        ),
    ):
        number = record(api)
        clock.shift(4 * 60)
        sweep()
        assert outbox.deliveries_send() >= 1
        sweep()
        outbox.deliveries_send()
        mails = [m for m in smtp.mails if number in m.body]
    assert len(mails) == 1
    (mail,) = mails
    assert mail.to == ["zhuguan@example.cn"] and number in mail.subject
    assert f"/t/{number}/" in mail.body  # the link to the ticket
    delivery = Delivery.objects.get(ticket__number=number, channel="email")
    assert delivery.status == "sent" and delivery.attempts == 1
    assert f"delivery-{delivery.pk}" in mail.message_id  # a resend carries the same Message-ID


def test_the_technicians_sms_goes_through_the_gateway_once_with_the_number_and_a_key(clock, api, persona):
    tech = persona("ygjy-tech1")
    with HttpReceiver() as gateway, override_settings(SMS_GATEWAY_URL=f"json://{gateway.address}/sms"):
        number = record(api, unit="1-1001")
        dispatched(api, number)
        outbox.deliveries_send()
        outbox.deliveries_send()
    to_tech = [c for c in gateway.calls if c.body.get("to") == tech.phone]
    assert len(to_tech) == 1
    (call,) = to_tech
    delivery = Delivery.objects.get(ticket__number=number, address=tech.phone)
    assert call.path.startswith("/sms") and call.body["number"] == number
    assert number in call.body["message"] and len(call.body["message"]) <= 70
    assert call.headers["idempotency-key"] == f"delivery-{delivery.pk}"
    assert delivery.status == "sent"
    # The caller without an account got the number by SMS too (R1.5).
    assert any(c.body.get("to") == "13800138000" and number in c.body["message"] for c in gateway.calls)


def test_the_group_robots_of_wecom_dingtalk_and_feishu_get_their_teams_and_roles_news(
    clock, api, persona, tmp_path, monkeypatch, caplog
):
    """The robots' own addresses (https://qyapi.weixin.qq.com ...) reached over HTTPS
    through a proxy on 127.0.0.1 that answers for them; their keys never reach a log,
    even with everything logged."""
    caplog.set_level(logging.DEBUG)
    number = record(api)
    ticket = Ticket.objects.get(number=number)
    team = persona("ygjy-tech1").team
    ChannelRoute.objects.create(property=ticket.property, name="水电班群", url="wecombot://teamkey123", team=team)
    ChannelRoute.objects.create(
        property=ticket.property, name="客服主管群", url="dingtalk://dingtoken456/", role=Role.SERVICE_SUPERVISOR
    )
    ChannelRoute.objects.create(
        property=ticket.property, name="设备主管群", url="feishu://feishutoken789", role=Role.EQUIPMENT_SUPERVISOR
    )
    cert, key = robot_certificate(tmp_path)
    with RobotProxy(cert, key) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", f"http://{proxy.address}")
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
        notice_team(ticket=ticket, team_id=team.pk, kind="job", wording=lambda: f"新工单 {number}", key="t:team")
        for role in (Role.SERVICE_SUPERVISOR, Role.EQUIPMENT_SUPERVISOR):
            notice_role(ticket=ticket, role=role, kind="escalation", wording=lambda: f"升级 {number}", key=f"t:{role}")
        assert outbox.deliveries_send() >= 3
    by_host = {c.host: c for c in proxy.calls}
    assert sorted(by_host) == sorted(ROBOT_HOSTS) and len(proxy.calls) == 3
    assert by_host["qyapi.weixin.qq.com"].path == "/cgi-bin/webhook/send?key=teamkey123"
    assert "新工单" in str(by_host["qyapi.weixin.qq.com"].body)
    assert "dingtoken456" in by_host["oapi.dingtalk.com"].path and "升级" in str(by_host["oapi.dingtalk.com"].body)
    assert "feishutoken789" in by_host["open.feishu.cn"].path
    robots = Delivery.objects.filter(ticket=ticket, channel="robot")
    assert {d.status for d in robots} == {"sent"} and robots.count() == 3
    assert not any("token" in d.address or "key" in d.address for d in robots)  # the secret stays on the route
    assert not any(s in caplog.text for s in ("teamkey123", "dingtoken456", "feishutoken789"))


@override_settings(NOTIFY_ATTEMPTS=3)
def test_a_gateway_answering_500_is_retried_with_backoff_then_failed_and_sent_again_from_the_page(clock, api, persona):
    tech = persona("ygjy-tech1")
    with (
        HttpReceiver(status=500) as gateway,
        override_settings(SMS_GATEWAY_URL=f"json://office:s3cretpass@{gateway.address}/sms"),
    ):
        number = record(api, reporter_phone="02188886666")
        dispatched(api, number)
        delivery = Delivery.objects.get(ticket__number=number, address=tech.phone)
        outbox.deliveries_send()
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("pending", 1, T0 + MIN)
        assert "s3cretpass" not in delivery.error and "500" in delivery.error
        assert outbox.deliveries_send() == 0  # not due yet
        clock.shift(60)
        outbox.deliveries_send()
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("pending", 2, T0 + 3 * MIN)
        clock.shift(120)
        outbox.deliveries_send()
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("failed", 3) and delivery.error
        assert len([c for c in gateway.calls if c.body["to"] == tech.phone]) == 3
        clock.shift(3600)
        assert outbox.deliveries_send() == 0  # failed stays failed until someone acts

        # The desk supervisor sees it with the channel's error, and sends it again.
        supervisor = login("ygjy-supervisor", "en")
        page = supervisor.get("/desk/YGJY/outbox/", {"status": "failed"}).content.decode()
        assert f'id="d{delivery.pk}"' in page and "failed" in page and "Send again" in page
        assert "s3cretpass" not in page
        gateway.status = 200
        r = supervisor.post("/desk/YGJY/outbox/?status=failed", {"delivery": str(delivery.pk)})
        assert r.status_code == 302
        outbox.deliveries_send()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == ("sent", 1, "")
    assert len([c for c in gateway.calls if c.body["to"] == tech.phone]) == 4
    assert "1 delivery will be sent again." in supervisor.get(r["Location"]).content.decode()


def test_a_gateway_that_hangs_times_out_and_is_tried_again_later(clock, api, persona):
    tech = persona("ygjy-tech1")
    with HttpReceiver(delay=3) as gateway, override_settings(SMS_GATEWAY_URL=f"json://{gateway.address}/sms?rto=0.5"):
        number = record(api, reporter_phone="02188886666")
        dispatched(api, number)
        outbox.deliveries_send()
    delivery = Delivery.objects.get(ticket__number=number, address=tech.phone)
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.error


def test_a_channel_that_is_down_never_stops_a_ticket_being_recorded_or_dispatched(
    clock, api, persona, django_capture_on_commit_callbacks
):
    """An urgent delivery is tried as soon as the change commits, a routine one with the
    next pass; the gateway's refusal leaves them waiting and the ticket as it was made."""
    tech = persona("ygjy-tech1")
    with override_settings(SMS_GATEWAY_URL=f"json://127.0.0.1:{free_port()}/sms"):
        with django_capture_on_commit_callbacks(execute=True):
            number = record(api, unit="1-1001", reporter_phone="13912345678")
            dispatched(api, number)
        assert Ticket.objects.get(number=number).status == "dispatched"
        job = Delivery.objects.get(ticket__number=number, address=tech.phone)
        assert job.urgent and job.status == "pending" and job.attempts == 1 and job.error
        recorded = Delivery.objects.get(ticket__number=number, address="13912345678", text__contains="已登记")
        assert recorded.attempts == 0  # routine: with the worker's pass
        outbox.deliveries_send()
    recorded.refresh_from_db()
    assert recorded.status == "pending" and recorded.attempts == 1 and recorded.error


def test_with_no_channel_configured_messages_wait_in_the_local_outbox_page(clock, api, persona):
    """The demo: nothing leaves; the supervisor reads what the phones would have got."""
    number = record(api)
    dispatched(api, number)
    outbox.deliveries_send()
    tech = persona("ygjy-tech1")
    kept = Delivery.objects.get(ticket__number=number, address=tech.phone)
    assert kept.status == "kept" and kept.sent_at == T0
    page = login("ygjy-supervisor", "en").get("/desk/YGJY/outbox/").content.decode()
    assert kept.text in page and tech.phone in page and "kept in the local outbox" in page
    kept_only = login("ygjy-supervisor", "en").get("/desk/YGJY/outbox/", {"status": "kept"}).content.decode()
    assert kept.text in kept_only


@pytest.mark.parametrize("who", ["ygjy-agent", "ygjy-tech1", "resident", "wlbg-supervisor"])
def test_only_the_supervisor_and_the_leads_of_the_property_read_its_outbox(clock, who):
    from conftest import login as login_as

    r = login_as(who).get("/desk/YGJY/outbox/")
    assert r.status_code in (403, 404)
    assert login_as("ygjy-manager").get("/desk/YGJY/outbox/").status_code == 200


def test_another_propertys_failed_delivery_cannot_be_sent_again_from_this_page(clock, api, persona):
    other = Delivery.objects.create(
        property=persona("wlbg-supervisor").properties.get(),
        channel="sms",
        address="13900000000",
        text="x",
        status="failed",
        next_attempt_at=T0,
        created_at=T0,
    )
    login("ygjy-supervisor").post("/desk/YGJY/outbox/", {"delivery": str(other.pk)})
    other.refresh_from_db()
    assert other.status == "failed"


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("https://hooks.example.cn/x", "Give an address that starts with one of"),
        ("wecombot://", "This address is not understood"),
        ("dingtalk://", "This address is not understood"),
        ("", "Give an address"),
    ],
)
def test_an_invalid_robot_address_is_refused_in_the_admin_with_a_clear_message(clock, persona, url, said):
    from people.models import User

    User.objects.create_superuser("root", "root@example.cn", "pw-for-test-only", role=Role.EXECUTIVE)
    from django.test import Client

    c = Client(headers={"Accept-Language": "en"})
    assert c.login(username="root", password="pw-for-test-only")
    prop = persona("ygjy-supervisor").properties.get()
    before = ChannelRoute.objects.count()
    r = c.post(
        "/admin/notify/channelroute/add/",
        {"property": prop.pk, "name": "群", "url": url, "role": Role.SERVICE_SUPERVISOR, "active": "on"},
    )
    assert r.status_code == 200 and said in r.content.decode()
    assert ChannelRoute.objects.count() == before


def test_preferences_refuse_a_channel_without_its_address_and_half_quiet_hours(clock, api, persona):
    agent = api("ygjy-agent", lang="en")
    put = agent.client.put
    r = put("/api/v1/notifications/preferences", {"by_email": True}, content_type="application/json")
    assert r.status_code == 422 and "no e-mail address" in r.json()["detail"]
    r = put("/api/v1/notifications/preferences", {"quiet_from": "22:00"}, content_type="application/json")
    assert r.status_code == 422 and "both ends" in r.json()["detail"]
    r = put(
        "/api/v1/notifications/preferences",
        {"quiet_from": "25:00", "quiet_to": "07:00"},
        content_type="application/json",
    )
    assert r.status_code == 422
    r = put("/api/v1/notifications/preferences", {"language": "fr"}, content_type="application/json")
    assert r.status_code == 422
    r = put(
        "/api/v1/notifications/preferences",
        {"by_sms": True, "quiet_from": "22:30", "quiet_to": "06:45", "language": "en"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json() | {"email": "", "phone": ""} == {
        "by_email": False,
        "by_sms": True,
        "quiet_from": "22:30",
        "quiet_to": "06:45",
        "language": "en",
        "email": "",
        "phone": "",
    }
    assert agent.get("/notifications/preferences").json()["quiet_to"] == "06:45"
    preference_set(user=persona("ygjy-agent"), by_email=False, by_sms=False, quiet_from=None, quiet_to=None)
    assert agent.get("/notifications/preferences").json()["quiet_from"] is None


def test_the_outbox_api_lists_and_sends_again_as_the_page_does(clock, api, persona):
    number = record(api)
    dispatched(api, number)
    tech = persona("ygjy-tech1")
    failed = Delivery.objects.get(ticket__number=number, address=tech.phone)
    Delivery.objects.filter(pk=failed.pk).update(status="failed", attempts=6, error="网关拒收")
    supervisor = api("ygjy-supervisor")
    listed = supervisor.get("/outbox", property="YGJY", status="failed").json()
    assert listed["counts"]["failed"] == 1
    assert [(d["id"], d["address"], d["error"], d["ticket"]) for d in listed["items"]] == [
        (failed.pk, tech.phone, "网关拒收", number)
    ]
    for who in ("ygjy-agent", "ygjy-tech1", "wlbg-supervisor"):
        assert api(who).get("/outbox", property="YGJY").status_code in (403, 404)
        assert api(who).post("/outbox/retry", {"property": "YGJY"}).status_code in (403, 404)
    r = supervisor.post("/outbox/retry", {"property": "YGJY", "ids": [failed.pk, 2**62]})
    assert r.status_code == 200 and r.json() == {"retried": 1}
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == ("pending", 0, "")
    assert supervisor.post("/outbox/retry", {"property": "YGJY", "ids": [10**30]}).status_code == 422


def test_forged_ids_in_the_outbox_and_the_notices_answer_without_an_error(clock, api):
    big = "9" * 30
    supervisor = login("ygjy-supervisor")
    assert supervisor.get("/desk/YGJY/outbox/", {"before": big}).status_code == 200
    assert supervisor.post("/desk/YGJY/outbox/", {"delivery": big}).status_code == 302
    assert supervisor.get("/notices/", {"before": big}).status_code == 200
    assert supervisor.get(f"/notices/{big}/").status_code == 404
    assert api("ygjy-supervisor").get("/outbox", property="YGJY", before=big).status_code == 422
