"""The rules of writing notices (docs/notifications.md), proved at the services of
notify.services: who is told (a role's staff and robots at the property, a team's active
members and robots, the resident who reported or the caller by SMS, R1.5, R2.4, R5.2),
on which channels (the bell always; e-mail and SMS as chosen, with their address, text
and link), each once (keyed per event and person), quiet hours read on the property's
clock and held for residents only, the person's choices and their refusals, the bell's
count and reading, and the outbox's "send it again" and single SMS.

The property is put in Asia/Tokyo where the hour matters, so that its clock (22:30) and the
process's (Asia/Shanghai, 21:30) tell different stories about quiet hours."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from base.errors import InvalidInput
from conftest import T0
from estates.models import Property, Resident
from notify.models import ChannelRoute, Delivery, NoticePreference, Notification
from notify.services import (
    Words,
    bell_of,
    deliveries_retry_failed,
    notice,
    notice_reporter,
    notice_role,
    notice_team,
    notification_read,
    notifications_read,
    preference_of,
    preference_set,
    sms_send,
    unread_count,
)
from people.models import Role, User
from tickets.models import Ticket

MIN = datetime.timedelta(minutes=1)
TOKYO = ZoneInfo("Asia/Tokyo")
NIGHT = T0.replace(hour=21, minute=30)  # 22:30 in Tokyo, 21:30 in Shanghai
MORNING = datetime.datetime(2026, 11, 24, 7, 0, tzinfo=TOKYO)  # the end of the night's quiet hours there
MOBILE = "13912345678"


@pytest.fixture
def tokyo(clock) -> Property:
    """The estate on Tokyo's clock, at 22:30 there."""
    Property.objects.filter(code="YGJY").update(time_zone="Asia/Tokyo")
    clock.move_to(NIGHT)
    return Property.objects.get(code="YGJY")


def ygjy() -> Property:
    return Property.objects.get(code="YGJY")


def ticket_at(prop: Property, number: str, *, resident: Resident | None = None, phone: str = MOBILE) -> Ticket:
    ticket = Ticket.objects.create(
        number=number,
        property=prop,
        kind="repair",
        status="recorded",
        resident=resident,
        reporter_name="王芳",
        reporter_phone=phone,
        description="厨房水龙头漏水",
        reported_at=T0,
        created_at=T0,
        updated_at=T0,
    )
    return Ticket.objects.select_related("property", "resident").get(pk=ticket.pk)


def said(message: str, sms: str = "", subject: str = "") -> Callable[[], Words]:
    return lambda: Words(message, sms=sms, subject=subject)


def row_of(n: Notification) -> tuple[object, ...]:
    n = Notification.objects.get(pk=n.pk)
    return (n.property_id, n.recipient_id, n.ticket_id, n.kind, n.message, n.link, n.created_at, n.key, n.read_at)


def sent_of(d: Delivery) -> tuple[object, ...]:
    """Every field a notice writes on a delivery, as the database has it."""
    return (
        d.property_id,
        d.notification_id,
        d.ticket_id,
        d.recipient_id,
        d.recipient_name,
        d.channel,
        d.address,
        d.route_id,
        d.subject,
        d.text,
        d.urgent,
        d.status,
        d.next_attempt_at,
        d.created_at,
        d.key,
    )


# --- Quiet hours and who is held ---------------------------------------------------------


def test_quiet_hours_hold_a_residents_routine_notice_till_7_on_the_propertys_clock_but_never_staff(tokyo, persona):
    """Quiet hours (docs/notifications.md): at 22:30 on the property's clock a resident's
    routine SMS is held until 07:00 there, though it is only 21:30 in Shanghai; a desk agent
    with the same quiet hours and a technician are told at once (quiet hours are the
    residents'); a notice is routine unless it says it is urgent."""
    resident, agent, tech = persona("resident"), persona("ygjy-agent"), persona("ygjy-tech1")
    NoticePreference.objects.filter(user__in=[resident, tech]).delete()
    preference_set(user=agent, by_email=False, by_sms=True, quiet_from=datetime.time(22), quiet_to=datetime.time(7))
    ticket = ticket_at(tokyo, "BX-20261123-9001")
    made = notice(
        to=[resident, agent, tech],
        kind=Notification.Kind.UPDATE,
        wording=said("水管已修好", sms="水管已修好 9001"),
        ticket=ticket,
    )
    n = ticket.number
    links = {resident.pk: f"/my/m/{n}/", agent.pk: f"/t/{n}/", tech.pk: f"/field/j/{n}/"}
    assert [row_of(r) for r in made] == [
        (tokyo.pk, u.pk, ticket.pk, "update", "水管已修好", links[u.pk], NIGHT, None, None)
        for u in (resident, agent, tech)
    ]
    for row, user, status, when in (
        (made[0], resident, Delivery.Status.HELD, MORNING),
        (made[1], agent, Delivery.Status.PENDING, NIGHT),
        (made[2], tech, Delivery.Status.PENDING, NIGHT),
    ):
        (sms,) = Delivery.objects.filter(recipient=user, ticket=ticket)
        assert sent_of(sms) == (
            tokyo.pk,
            row.pk,
            ticket.pk,
            user.pk,
            str(user),
            "sms",
            user.phone,
            None,
            "",
            "水管已修好 9001",
            False,
            status,
            when,
            NIGHT,
            None,
        ), user.username


# --- Each once, on the channels chosen ----------------------------------------------------


def test_each_once_a_keyed_notice_is_written_once_per_person_and_an_unkeyed_one_every_time(clock, persona):
    """Each once: a notice without a key is written every time it is given (no key on it or
    its SMS); with a key, once per person: a second notice of the same event skips who was
    told and still tells the others, even when unkeyed notices lie about."""
    t1, t2 = persona("ygjy-tech1"), persona("ygjy-tech2")
    ticket = ticket_at(ygjy(), "BX-20261123-9002")
    job = said("新工单 9002", sms="新工单 9002 3-1202")
    first = notice(to=[t1, t2, None, t1], kind=Notification.Kind.JOB, wording=job, ticket=ticket)
    second = notice(to=[t1, t2], kind=Notification.Kind.JOB, wording=job, ticket=ticket)
    assert [(r.recipient_id, r.key) for r in first + second] == [(t1.pk, None), (t2.pk, None)] * 2
    assert [row_of(r) for r in first] == [
        (ticket.property_id, u.pk, ticket.pk, "job", "新工单 9002", f"/field/j/{ticket.number}/", T0, None, None)
        for u in (t1, t2)
    ]
    unkeyed = Delivery.objects.filter(ticket=ticket).order_by("id")
    assert [(d.recipient_id, d.address, d.text, d.key, d.urgent) for d in unkeyed] == [
        (u.pk, u.phone, "新工单 9002 3-1202", None, False) for u in (t1, t2)
    ] * 2

    (keyed,) = notice(to=[t1], kind=Notification.Kind.JOB, wording=job, ticket=ticket, key="job:9002", urgent=True)
    assert keyed.key == f"job:9002:user:{t1.pk}"
    again = notice(to=[t1, t2], kind=Notification.Kind.JOB, wording=job, ticket=ticket, key="job:9002", urgent=True)
    assert [row_of(r) for r in again] == [
        (
            ticket.property_id,
            t2.pk,
            ticket.pk,
            "job",
            "新工单 9002",
            f"/field/j/{ticket.number}/",
            T0,
            f"job:9002:user:{t2.pk}",
            None,
        )
    ]
    assert Notification.objects.filter(ticket=ticket, recipient=t1).count() == 3
    for user, row in ((t1, keyed), (t2, again[0])):
        (sms,) = Delivery.objects.filter(notification=row)
        assert (sms.channel, sms.address, sms.key, sms.urgent, sms.status, sms.next_attempt_at) == (
            "sms",
            user.phone,
            f"job:9002:user:{user.pk}:sms",
            True,
            "pending",
            T0,
        )


def test_e_mail_and_sms_go_only_to_those_who_chose_them_with_subject_text_link_and_key(clock, persona):
    """Channels: e-mail to whoever chose it and has an address (subject: the given one or the
    message's first 60 characters; body: the message and, when the notice opens a page, its
    link on the office's site), SMS to whoever chose it; an address alone is no choice. The
    bell keeps 300 characters. A notice must say which property it is for."""
    agent, tech, supervisor = persona("ygjy-agent"), persona("ygjy-tech1"), persona("ygjy-supervisor")
    for user, address in ((agent, "kefu@example.cn"), (tech, "weixiu@example.cn")):
        User.objects.filter(pk=user.pk).update(email=address)
        user.refresh_from_db()
    NoticePreference.objects.filter(user__in=[tech, supervisor]).delete()
    preference_set(user=agent, by_email=True, by_sms=False, quiet_from=None, quiet_to=None)
    assert supervisor.phone  # a number, but no SMS chosen
    prop = ygjy()
    long = "钥匙 K-12 逾期未还，请联系借用人：" + "阳光嘉园三栋一二零二室王芳" * 24
    assert len(long) > 300

    made = notice(
        to=[agent, tech, supervisor],
        kind=Notification.Kind.REVIEW,
        wording=lambda: long,
        property_id=prop.pk,
        key="keys:12",
    )
    assert [row_of(r) for r in made] == [
        (prop.pk, u.pk, None, "review", long[:300], "", T0, f"keys:12:user:{u.pk}", None)
        for u in (agent, tech, supervisor)
    ]
    assert [sent_of(d) for d in Delivery.objects.filter(notification__in=made).order_by("id")] == [
        (
            prop.pk,
            made[0].pk,
            None,
            agent.pk,
            str(agent),
            "email",
            "kefu@example.cn",
            None,
            long[:60],
            long,
            False,
            "pending",
            T0,
            T0,
            f"keys:12:user:{agent.pk}:email",
        ),
        (
            prop.pk,
            made[1].pk,
            None,
            tech.pk,
            str(tech),
            "sms",
            tech.phone,
            None,
            "",
            long,
            False,
            "pending",
            T0,
            T0,
            f"keys:12:user:{tech.pk}:sms",
        ),
    ]

    ticket = ticket_at(prop, "BX-20261123-9003")
    (call,) = notice(
        to=[agent], kind=Notification.Kind.TELL_CUSTOMER, wording=said("请回电", subject="回电提醒"), ticket=ticket
    )
    assert row_of(call) == (
        prop.pk,
        agent.pk,
        ticket.pk,
        "tell_customer",
        "请回电",
        f"/t/{ticket.number}/",
        T0,
        None,
        None,
    )
    (mail,) = Delivery.objects.filter(notification=call)
    assert (mail.channel, mail.subject, mail.text, mail.key) == (
        "email",
        "回电提醒",
        f"请回电\n\n{settings.SITE_URL}/t/{ticket.number}/",
        None,
    )

    with pytest.raises(AssertionError):
        notice(to=[agent], kind=Notification.Kind.REVIEW, wording=lambda: "无处可属")


# --- A role, a team ----------------------------------------------------------------------


def test_r5_2_a_roles_notice_reaches_its_staff_and_its_active_robots_at_that_property_each_once(clock, persona):
    """R5.2, R2.16: the staff of the role at the ticket's property, on their channels, and the
    active robots of that role there (not a switched-off one, not another property's), in
    the office's language whatever language is active; each once per event and robot; at
    the moment and urgency given, else now and routine."""
    supervisor = persona("ygjy-supervisor")
    preference_set(user=supervisor, by_email=False, by_sms=True, quiet_from=None, quiet_to=None)
    prop = ygjy()
    robot = ChannelRoute.objects.create(
        property=prop, name="客服主管群", url="wecombot://k1", role=Role.SERVICE_SUPERVISOR
    )
    ChannelRoute.objects.create(
        property=prop, name="旧客服群", url="wecombot://k2", role=Role.SERVICE_SUPERVISOR, active=False
    )
    ChannelRoute.objects.create(
        property=Property.objects.get(code="WLBG"), name="五凌客服群", url="wecombot://k3", role=Role.SERVICE_SUPERVISOR
    )
    ticket = ticket_at(prop, "BX-20261123-9004")

    def words() -> Words:
        return Words(_("promise missed"), subject=_("escalation"))

    with translation.override("zh-hans"):
        zh = (_("promise missed"), _("escalation"))
    assert zh != ("promise missed", "escalation")

    def robots() -> list[tuple[object, ...]]:
        return [sent_of(d) for d in Delivery.objects.filter(ticket=ticket, channel="robot").order_by("id")]

    def robot_row(
        route: ChannelRoute, at: datetime.datetime, key: str | None, urgent: bool = False
    ) -> tuple[object, ...]:
        return (
            prop.pk,
            None,
            ticket.pk,
            None,
            route.name,
            "robot",
            "",
            route.pk,
            zh[1],
            zh[0],
            urgent,
            "pending",
            at,
            at,
            key,
        )

    ss = Role.SERVICE_SUPERVISOR
    with translation.override("en"):
        (routine,) = notice_role(ticket=ticket, role=ss, kind=Notification.Kind.BREACH, wording=words)
    assert row_of(routine) == (
        prop.pk,
        supervisor.pk,
        ticket.pk,
        "breach",
        zh[0],
        f"/t/{ticket.number}/",
        T0,
        None,
        None,
    )
    (sms,) = Delivery.objects.filter(notification=routine)
    assert (sms.channel, sms.address, sms.urgent, sms.status, sms.next_attempt_at, sms.created_at, sms.key) == (
        "sms",
        supervisor.phone,
        False,
        "pending",
        T0,
        T0,
        None,
    )
    assert robots() == [robot_row(robot, T0, None)]

    at = T0 - 2 * MIN
    with translation.override("en"):
        (missed,) = notice_role(
            ticket=ticket, role=ss, kind=Notification.Kind.BREACH, wording=words, key="breach:9004", urgent=True, at=at
        )
    assert row_of(missed) == (
        prop.pk,
        supervisor.pk,
        ticket.pk,
        "breach",
        zh[0],
        f"/t/{ticket.number}/",
        at,
        f"breach:9004:user:{supervisor.pk}",
        None,
    )
    (sms,) = Delivery.objects.filter(notification=missed)
    assert (sms.urgent, sms.status, sms.next_attempt_at, sms.created_at, sms.key) == (
        True,
        "pending",
        at,
        at,
        f"breach:9004:user:{supervisor.pk}:sms",
    )
    # A missed promise reaches the robot as urgently as the people.
    assert robots() == [robot_row(robot, T0, None), robot_row(robot, at, f"breach:9004:route:{robot.pk}", True)]

    # The same event again, after a second robot was set up: only the new robot hears of it.
    second = ChannelRoute.objects.create(property=prop, name="客服值班群", url="wecombot://k4", role=ss)
    assert (
        notice_role(ticket=ticket, role=ss, kind=Notification.Kind.BREACH, wording=words, key="breach:9004", at=at)
        == []
    )
    assert robots() == [
        robot_row(robot, T0, None),
        robot_row(robot, at, f"breach:9004:route:{robot.pk}", True),
        robot_row(second, at, f"breach:9004:route:{second.pk}"),
    ]


def test_r2_4_a_teams_job_reaches_its_active_members_and_its_active_robots_each_once(clock, persona):
    """R2.4: the members of the maintenance team still active (a deactivated one is not told,
    nor anyone outside the team) and the team's active robots; each once per event; at the
    moment given, else now; a job (urgent) goes to the robots urgently too, else routine."""
    t1, t2 = persona("ygjy-tech1"), persona("ygjy-tech2")
    team = t1.team
    assert team is not None and t2.team_id == team.pk
    User.objects.filter(pk=t2.pk).update(is_active=False)
    prop = ygjy()
    robot = ChannelRoute.objects.create(property=prop, name="水电班群", url="wecombot://t1", team=team)
    ChannelRoute.objects.create(property=prop, name="水电班旧群", url="wecombot://t2", team=team, active=False)
    ticket = ticket_at(prop, "BX-20261123-9005")
    job = said("新工单 9005", sms="新工单 9005")

    def told() -> list[tuple[object, ...]]:
        return [
            (r.recipient_id, r.kind, r.message, r.created_at, r.key)
            for r in Notification.objects.filter(ticket=ticket).order_by("id")
        ]

    def robots() -> list[tuple[object, ...]]:
        return [
            (d.route_id, d.recipient_name, d.text, d.next_attempt_at, d.created_at, d.key, d.urgent)
            for d in Delivery.objects.filter(ticket=ticket, channel="robot").order_by("id")
        ]

    notice_team(ticket=ticket, team_id=team.pk, kind=Notification.Kind.JOB, wording=job)
    assert told() == [(t1.pk, "job", "新工单 9005", T0, None)]
    assert robots() == [(robot.pk, "水电班群", "新工单 9005", T0, T0, None, False)]

    at = T0 - 3 * MIN
    for _time in range(2):
        notice_team(
            ticket=ticket, team_id=team.pk, kind=Notification.Kind.JOB, wording=job, key="job:9005", urgent=True, at=at
        )
    assert told() == [
        (t1.pk, "job", "新工单 9005", T0, None),
        (t1.pk, "job", "新工单 9005", at, f"job:9005:user:{t1.pk}"),
    ]
    assert robots() == [
        (robot.pk, "水电班群", "新工单 9005", T0, T0, None, False),
        (robot.pk, "水电班群", "新工单 9005", at, at, f"job:9005:route:{robot.pk}", True),
    ]
    assert [d.urgent for d in Delivery.objects.filter(ticket=ticket, recipient=t1).order_by("id")] == [False, True]


# --- The resident who reported (R1.5) ------------------------------------------------------


def test_r1_5_the_reporter_with_an_account_is_told_on_it_once_at_the_given_moment(tokyo, persona):
    """R1.5: a resident who reported and has an active account is told on it (the bell and
    their SMS, held for their quiet hours), keyed to the event, at the moment given; the
    number on the ticket gets nothing more. A deactivated account falls back to the SMS."""
    resident = persona("resident")
    NoticePreference.objects.filter(user=resident).delete()
    ticket = ticket_at(tokyo, "BX-20261123-9006", resident=Resident.objects.get(user=resident))
    at = NIGHT - 10 * MIN  # 22:20 there: inside the quiet hours
    for _time in range(2):
        notice_reporter(
            ticket=ticket, wording=said("已登记 9006", sms="已登记 9006 短信"), key="ticket:9006:recorded", at=at
        )
    (row,) = Notification.objects.filter(ticket=ticket)
    key = f"ticket:9006:recorded:user:{resident.pk}"
    assert row_of(row) == (
        tokyo.pk,
        resident.pk,
        ticket.pk,
        "update",
        "已登记 9006",
        f"/my/m/{ticket.number}/",
        at,
        key,
        None,
    )
    (sms,) = Delivery.objects.filter(ticket=ticket)
    assert sent_of(sms) == (
        tokyo.pk,
        row.pk,
        ticket.pk,
        resident.pk,
        str(resident),
        "sms",
        resident.phone,
        None,
        "",
        "已登记 9006 短信",
        False,
        "held",
        MORNING,
        at,
        f"{key}:sms",
    )

    User.objects.filter(pk=resident.pk).update(is_active=False)
    gone = ticket_at(tokyo, "BX-20261123-9007", resident=Resident.objects.get(user=resident))
    notice_reporter(ticket=gone, wording=said("已登记 9007"), key="ticket:9007:recorded")
    assert not Notification.objects.filter(ticket=gone).exists()
    assert [(d.recipient_id, d.address) for d in Delivery.objects.filter(ticket=gone)] == [(None, MOBILE)]


def test_r1_5_a_caller_without_an_account_gets_an_sms_held_for_quiet_hours_and_a_landline_nothing(tokyo):
    """R1.5: a caller without an account (or whose household member has none) is told by SMS
    to the mobile number given, in its short wording, keyed to the event and the number;
    routine news waits for the end of the default quiet hours (07:00 on the property's
    clock), urgent news goes now; a landline or a number that is not a mobile gets nothing."""
    accountless = Resident.objects.filter(property=tokyo, user__isnull=True).first()
    assert accountless is not None
    caller = ticket_at(tokyo, "BX-20261123-9008")
    member = ticket_at(tokyo, "BX-20261123-9009", resident=accountless, phone="13800138000")
    wording = said("您的报修 BX-20261123-9008 已登记，我们会尽快安排师傅上门。", sms="报修 9008 已登记")
    notice_reporter(ticket=caller, wording=wording, key="ticket:9008:recorded")
    urgent_at = NIGHT - 5 * MIN
    notice_reporter(ticket=caller, wording=wording, key="event:1:reporter", urgent=True, at=urgent_at)
    notice_reporter(ticket=member, wording=wording, key="ticket:9009:recorded")

    def sms(
        ticket: Ticket, phone: str, urgent: bool, status: str, when: datetime.datetime, at: datetime.datetime, key: str
    ):
        return (
            tokyo.pk,
            None,
            ticket.pk,
            None,
            "王芳",
            "sms",
            phone,
            None,
            "",
            "报修 9008 已登记",
            urgent,
            status,
            when,
            at,
            key,
        )

    # The routine one waits, held, until 07:00 there; the urgent one goes at once.
    assert [sent_of(d) for d in Delivery.objects.filter(ticket=caller).order_by("id")] == [
        sms(caller, MOBILE, False, "held", MORNING, NIGHT, f"ticket:9008:recorded:phone:{MOBILE}"),
        sms(caller, MOBILE, True, "pending", urgent_at, urgent_at, f"event:1:reporter:phone:{MOBILE}"),
    ]
    assert [sent_of(d) for d in Delivery.objects.filter(ticket=member)] == [
        sms(member, "13800138000", False, "held", MORNING, NIGHT, "ticket:9009:recorded:phone:13800138000")
    ]

    for number, phone in (("BX-20261123-9010", "02188886666"), ("BX-20261123-9011", "1391234567")):
        ticket = ticket_at(tokyo, number, phone=phone)
        notice_reporter(ticket=ticket, wording=wording, key=f"{number}:recorded")
        assert not Delivery.objects.filter(ticket=ticket).exists(), phone


# --- Choices -------------------------------------------------------------------------------


def test_by_default_technicians_and_residents_get_sms_and_residents_keep_quiet_from_22_to_7(clock, persona):
    """Preferences: without choices of their own, technicians and residents get SMS, others
    the bell only; a resident's routine notices keep quiet from 22:00 to 07:00, staff's never.
    Choices saved are the ones used."""
    cases = (
        ("resident", True, datetime.time(22), datetime.time(7)),
        ("ygjy-tech1", True, None, None),
        ("ygjy-agent", False, None, None),
    )
    NoticePreference.objects.filter(user__username__in=[c[0] for c in cases]).delete()
    for username, by_sms, quiet_from, quiet_to in cases:
        user = persona(username)
        p = preference_of(user)
        assert (p.pk, p.user, p.by_email, p.by_sms, p.quiet_from, p.quiet_to) == (
            None,
            user,
            False,
            by_sms,
            quiet_from,
            quiet_to,
        ), username
    agent = persona("ygjy-agent")
    saved = preference_set(
        user=agent, by_email=False, by_sms=True, quiet_from=datetime.time(13), quiet_to=datetime.time(14)
    )
    p = preference_of(agent)
    assert (p.pk, p.by_email, p.by_sms, p.quiet_from, p.quiet_to) == (
        saved.pk,
        False,
        True,
        datetime.time(13),
        datetime.time(14),
    )


def test_preferences_refuse_a_channel_without_its_address_half_or_empty_quiet_hours_and_other_languages(clock, persona):
    """Preferences: e-mail needs an address and SMS a mobile number on the account; quiet
    hours need both ends, and different ones; the language is one of those offered. Each
    refusal says why in the reader's language and names its field; nothing is saved."""
    agent, supervisor = persona("ygjy-agent"), persona("ygjy-supervisor")
    User.objects.filter(pk=supervisor.pk).update(phone="")
    supervisor.refresh_from_db()
    assert agent.phone and not agent.email
    before = list(NoticePreference.objects.filter(user__in=[agent, supervisor]).values())
    ten, seven = datetime.time(22), datetime.time(7)
    no: dict[str, object] = {"by_email": False, "by_sms": False, "quiet_from": None, "quiet_to": None}
    cases = (
        (agent, {"by_email": True}, _("Your account has no e-mail address; ask the office to add it."), "by_email"),
        (supervisor, {"by_sms": True}, _("Your account has no mobile number; ask the office to add it."), "by_sms"),
        (agent, {"quiet_from": ten}, _("Give both ends of the quiet hours, or neither."), "quiet_to"),
        (agent, {"quiet_to": seven}, _("Give both ends of the quiet hours, or neither."), "quiet_to"),
        (agent, {"quiet_from": ten, "quiet_to": ten}, _("The quiet hours start and end at the same time."), "quiet_to"),
        (agent, {"language": "fr"}, _("Choose one of the languages offered."), "language"),
    )
    for who, choice, message, field in cases:
        with pytest.raises(InvalidInput) as refused:
            preference_set(user=who, **{**no, **choice})  # type: ignore[arg-type]
        assert (refused.value.message, refused.value.field) == (message, field), choice
    assert list(NoticePreference.objects.filter(user__in=[agent, supervisor]).values()) == before
    assert User.objects.get(pk=agent.pk).language == "zh-hans"


# --- The bell ------------------------------------------------------------------------------


def test_the_bell_counts_and_reads_only_the_persons_own_unread_notices(clock, persona):
    """The bell: how many of one's own are unread and the newest one's id; opening one marks
    it read now (not another's, not one read already); "all read" marks the rest and says
    how many."""
    Notification.objects.all().delete()
    supervisor, manager, engineer = persona("ygjy-supervisor"), persona("ygjy-manager"), persona("ygjy-engineer")
    prop = ygjy()
    earlier = T0 - 60 * MIN

    def told(user: User | None, message: str, read_at: datetime.datetime | None = None) -> Notification:
        return Notification.objects.create(
            property=prop, recipient=user, kind="review", message=message, created_at=T0, read_at=read_at
        )

    first, second, seen = (
        told(supervisor, "请审核一"),
        told(supervisor, "请审核二"),
        told(supervisor, "已看过", earlier),
    )
    theirs = told(manager, "请决定")
    orphan = told(None, "账号已删除")  # its account was removed: nobody's

    assert unread_count(supervisor) == 2
    assert bell_of(supervisor) == {"unread": 2, "latest": seen.pk}
    assert bell_of(engineer) == {"unread": 0, "latest": None}

    def read_at(n: Notification) -> datetime.datetime | None:
        return Notification.objects.get(pk=n.pk).read_at

    assert notification_read(user=supervisor, notification_id=theirs.pk) is False
    assert notification_read(user=supervisor, notification_id=seen.pk) is False
    assert notification_read(user=supervisor, notification_id=first.pk) is True
    assert [read_at(n) for n in (first, second, seen, theirs, orphan)] == [T0, None, earlier, None, None]
    assert bell_of(supervisor) == {"unread": 1, "latest": seen.pk}

    clock.shift(60)
    assert notifications_read(user=supervisor) == 1
    assert [read_at(n) for n in (first, second, seen, theirs, orphan)] == [T0, T0 + MIN, earlier, None, None]
    assert notifications_read(user=supervisor) == 0
    assert unread_count(supervisor) == 0 and unread_count(manager) == 1


# --- The outbox ----------------------------------------------------------------------------


def test_a_single_sms_is_written_whatever_notify_enabled_says_and_handed_to_the_worker_at_once(
    clock, persona, settings, django_capture_on_commit_callbacks
):
    """A sign-in code or an invitation (docs/residents.md): one SMS to the number, due now and
    urgent, named by the name given, else the account, else the number; it is written even
    with notices switched off and goes to the worker as soon as the change commits."""
    settings.NOTIFY_ENABLED = False
    resident = persona("resident")
    prop = ygjy()
    with django_capture_on_commit_callbacks(execute=True) as handed:
        code = sms_send(property_id=prop.pk, phone=MOBILE, text="验证码 483920", recipient=resident, key="code:9:1")
    assert len(handed) == 1
    invite = sms_send(property_id=prop.pk, phone="13800138000", text="请登录", recipient=resident, name="王芳")
    bare = sms_send(property_id=prop.pk, phone="13700000000", text="请登录")

    def stored(d: Delivery) -> tuple[object, ...]:
        d = Delivery.objects.get(pk=d.pk)
        return (
            d.property_id,
            d.recipient_id,
            d.recipient_name,
            d.channel,
            d.address,
            d.text,
            d.urgent,
            d.created_at,
            d.key,
        )

    assert [stored(d) for d in (code, invite, bare)] == [
        (prop.pk, resident.pk, str(resident), "sms", MOBILE, "验证码 483920", True, T0, "code:9:1"),
        (prop.pk, resident.pk, "王芳", "sms", "13800138000", "请登录", True, T0, None),
        (prop.pk, None, "13700000000", "sms", "13700000000", "请登录", True, T0, None),
    ]
    # The worker took the code at once (no gateway here: kept in the local outbox); the
    # others were written waiting and due now.
    code.refresh_from_db()
    assert (code.status, code.attempts, code.sent_at) == ("kept", 1, T0)
    for d in (invite, bare):
        d.refresh_from_db()
        assert (d.status, d.attempts, d.next_attempt_at) == ("pending", 0, T0)


def test_sending_failed_deliveries_again_hands_only_those_to_the_worker(clock, django_capture_on_commit_callbacks):
    """Failures are retried (docs/notifications.md): the supervisor sends the chosen failed
    deliveries of the property again; once that commits the worker sends exactly those, not
    whatever else is waiting or another property's failures."""
    Delivery.objects.all().delete()
    prop, office = ygjy(), Property.objects.get(code="WLBG")

    def delivery(p: Property, status: str, **over: object) -> Delivery:
        fields: dict[str, object] = {
            "property": p,
            "recipient_name": "王芳",
            "channel": Delivery.Channel.SMS,
            "address": MOBILE,
            "text": "报修 9012 已登记",
            "status": status,
            "next_attempt_at": T0 - MIN,
            "created_at": T0 - 60 * MIN,
        }
        fields.update(over)
        return Delivery.objects.create(**fields)

    chosen = delivery(prop, "failed", attempts=6, error="网关 500")
    left = delivery(prop, "failed", attempts=6, error="网关 500")
    elsewhere = delivery(office, "failed", attempts=6, error="网关 500")
    waiting = delivery(prop, "pending")
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_retry_failed(property_id=prop.pk, ids=[chosen.pk, elsewhere.pk, waiting.pk]) == 1

    def state(d: Delivery) -> tuple[object, ...]:
        d.refresh_from_db()
        return (d.status, d.attempts, d.next_attempt_at, d.sent_at, d.error)

    assert state(chosen) == ("kept", 1, T0, T0, "")
    assert state(left) == state(elsewhere) == ("failed", 6, T0 - MIN, None, "网关 500")
    assert state(waiting) == ("pending", 0, T0 - MIN, None, "")
