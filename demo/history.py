"""A year of history for the demo properties, so the dashboards, the quarterly review,
the follow-up workbench and the monthly packs show real figures.

Every row is written by the project's own services (``ticket_create``, the kinds'
actions through ``ticket_act``, the promise sweep, the follow-up sampling and
records, surveys, announcements, the duty log of the last days) while ``time_machine`` moves the clock from a year
ago to now, so each timeline, clock and figure is what the office would have made.
Each matter is a generator that does one step and yields how long until its next
step; a queue runs the steps of all matters in time order and runs the background
work (the sweep every hour, the sign-off lapse and the follow-up sampling every day)
as the clock passes them. Seeded random: the same history every time.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
import random
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Min
from django.utils import timezone

from announcements.models import Announcement
from announcements.services import announcement_publish
from assistance.checklists import required_steps
from duty import services as duty
from estates.hours import Post
from estates.models import CommonArea, Household, Property, Unit
from followups.models import FollowUp
from followups.review import corrective_action_open, corrective_action_progress
from followups.services import followup_record, followups_sample_due
from people.models import User
from promises.models import Deadline
from promises.services import sweep
from repairs.services import work_orders_sign_off_lapsed
from surveys.defaults import default_aspects, default_title
from surveys.models import SurveyAnswer
from surveys.services import survey_answer, survey_open
from tickets.actions import ticket_act
from tickets.kinds import draft_from
from tickets.models import Ticket
from tickets.services import ticket_create

DAYS = 365
MIN = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
DUTY_DAYS = 3  # the duty log of the last days: enough to page through, quick to write

Step = Iterator[datetime.timedelta]

# category, the item the technician confirms, what the resident says
REPAIRS = [
    ("plumbing", "PL-01", "厨房水龙头关不紧，一直滴水"),
    ("plumbing", "PL-02", "卫生间下水道堵了"),
    ("plumbing", "PL-03", "洗手盆下面的角阀漏水"),
    ("plumbing", "PL-04", "马桶水箱一直流水"),
    ("electrical", "EL-01", "客厅插座没电"),
    ("electrical", "EL-02", "阳台灯要换，灯具已买好"),
    ("electrical", "EL-04", "空气开关老是跳"),
    ("gas", "GS-01", "厨房有点燃气味，请来查一下"),
    ("doors_windows", "DW-01", "入户门锁芯坏了"),
    ("doors_windows", "DW-02", "卧室窗户关不严"),
    ("lift", "LF-01", "电梯门开关异常"),
    ("waterproofing", "WP-01", "卫生间渗水到楼下"),
    ("structure", None, "客厅墙面出现细裂缝"),
    ("hvac", "HV-01", "空调不制冷"),
    ("public", "PB-01", "楼道灯不亮"),
    ("public", "PB-02", "单元门闭门器坏了"),
    ("low_voltage", "LV-01", "可视对讲没有声音"),
]
# Categories the builder still answers for in the newer buildings (R2.22).
WARRANTY_CATEGORIES = {"waterproofing", "structure", "hvac"}
COMPLAINTS = [
    ("minor", "cleaning", "楼道垃圾两天没人清", "当天清理"),
    ("minor", "greening", "楼下绿化带杂草太多", "本周内修剪"),
    ("minor", "security", "快递放在门岗没人通知", "以后到件通知"),
    ("important", "security", "夜间装修噪音，保安劝阻无效", "今晚前停止夜间施工"),
    ("important", "engineering", "维修师傅两次没按约定时间上门", "给个说法"),
    ("important", "service_desk", "前台电话一直没人接", "改进接听"),
    ("major", "management", "地下车库积水淹了车", "赔偿损失"),
    ("major", "engineering", "电梯一周内困人两次", "彻底检修电梯"),
]
HELP = [
    ("medical", "老人在家摔倒，起不来"),
    ("security", "楼道里有陌生人挨家敲门"),
    ("disaster", "暴雨后地下室进水"),
    ("other", "钥匙锁在家里了，能帮忙联系开锁吗"),
]
CONSULTATIONS = ["物业费的收费标准是多少", "装修需要办理什么手续", "车位月租怎么办理", "停水通知什么时候发"]
SUGGESTIONS = ["建议中心花园增设儿童游乐设施", "建议增加电动车充电桩", "建议大堂放一把共享雨伞"]
ANNOUNCEMENTS = [
    ("outage", "计划停水通知", "因管网检修，本周六9:00-15:00停水，请提前储水。"),
    ("maintenance", "电梯年检", "电梯将于下周二进行年度检验，检验期间请走楼梯。"),
    ("event", "中秋游园会", "中秋节晚上在中心花园举办游园会，欢迎全家参加。"),
    ("other", "春节值班安排", "春节期间客服中心照常值班，报修电话不变。"),
]


class History:
    def __init__(self, prop: Property, rng: random.Random):
        self.prop = prop
        self.rng = rng
        p = prop.code.lower()
        users = {u.username: u for u in User.objects.filter(username__startswith=f"{p}-")}
        self.agent, self.supervisor = users[f"{p}-agent"], users[f"{p}-supervisor"]
        self.engineer, self.manager = users[f"{p}-engineer"], users[f"{p}-manager"]
        self.security = users[f"{p}-security"]
        self.leader = User.objects.get(username="leader")
        self.techs = {name[len(p) + 1 :]: u for name, u in users.items() if name.startswith(f"{p}-tech")}
        self.units = list(Unit.objects.filter(property=prop, households__isnull=False).order_by("id"))
        self.areas = list(CommonArea.objects.filter(property=prop).order_by("id"))
        self.builder = prop.buildings.filter(builder__isnull=False).values_list("builder__code", flat=True).first()

    def base(self, **fields: Any) -> dict[str, Any]:
        unit = self.rng.choice(self.units)
        return {
            "property": self.prop.code,
            "unit": unit.label,
            "reporter_phone": f"139{self.rng.randrange(10**8):08d}",
            "channel": self.rng.choice(["phone", "phone", "phone", "walk_in", "online"]),
            **fields,
        }

    def act(self, ticket: Ticket, action: str, by: User, **data: Any) -> Any:
        return ticket_act(ticket=Ticket.objects.get(pk=ticket.pk), action=action, by=by, data=data)

    # --- the matters --------------------------------------------------------------

    def repair(self) -> Step:
        rng = self.rng
        category, item, text = rng.choice(REPAIRS)
        fields = self.base(category=category, description=text)
        if category in ("public", "lift") and self.areas:
            fields.pop("unit")
            fields["common_area"] = rng.choice(self.areas).name
        unit = Unit.objects.filter(property=self.prop, label=fields.get("unit")).select_related("building").first()
        in_warranty = (
            unit is not None
            and category in WARRANTY_CATEGORIES
            and unit.building.completion_date is not None
            and unit.building.completion_date.year >= 2024
        )
        if in_warranty and self.builder:
            fields.update(route="Z", party=self.builder)
        ticket = ticket_create(by=self.agent, draft=draft_from(fields))
        if in_warranty and self.builder:
            yield datetime.timedelta(hours=rng.choice((5, 20, 30)))  # now and then past the 24 hours
            self.act(ticket, "party_update", self.agent, update="arrived")
            yield datetime.timedelta(days=rng.choice((3, 8, 12, 18)))
            self.act(ticket, "party_update", self.agent, update="done", signed_by="业主")
            yield datetime.timedelta(hours=rng.choice((2, 20)))
            self.act(ticket, "close", self.agent, note="已与业主确认修好")
            return
        if item is None:  # nothing we can do ourselves: not done
            yield 10 * MIN
            self.act(ticket, "cancel", self.agent, reason="业主改为自行处理")
            return
        tech = self.techs[rng.choice(sorted(self.techs))]
        yield rng.choice((1, 1, 1, 2, 2, 2, 4)) * MIN  # the team is told within 2 minutes, mostly
        self.act(ticket, "dispatch", self.agent, assignee=tech.username)
        yield rng.choice((1, 2, 3)) * MIN
        self.act(ticket, "accept", tech)
        yield rng.choice((5, 7, 8, 10, 10, 11, 12, 25)) * MIN  # a late arrival now and then
        self.act(ticket, "arrive", tech)
        yield 10 * MIN
        self.act(ticket, "confirm", tech, items=[{"item": item}], fault_note=text)
        if rng.random() < 0.15:  # the customer bought the part: checked before it goes in (R2.8)
            yield 5 * MIN
            passed = rng.random() < 0.85
            self.act(ticket, "check_material", tech, material=rng.choice(MATERIALS), passed=passed)
        if Ticket.objects.get(pk=ticket.pk).status == "awaiting_consent":
            yield rng.choice((10, 30)) * MIN
            if rng.random() < 0.1:
                self.act(ticket, "decline_quote", self.agent, note="业主嫌贵，自己找人修")
                return
            self.act(ticket, "consent", self.agent)
        yield rng.choice((30, 60, 120, 60 * 30)) * MIN
        self.act(ticket, "complete", tech, result_note="已修复，试用正常")
        yield rng.choice((5, 10)) * MIN
        unhappy = rng.random() < 0.06
        score = 2 if unhappy else rng.choices((3, 4, 5), weights=(1, 4, 8))[0]
        rework = self.act(ticket, "sign_off", tech, satisfaction=score, signed_by="业主")
        yield rng.choice((3, 5, 5, 8, 10, 40)) * MIN  # the report back is late now and then
        self.act(ticket, "report_back", tech, materials_used="按工单")
        yield rng.choice((30, 120)) * MIN
        self.act(ticket, "close", self.agent)
        if rework is not None:
            yield 20 * MIN
            self.act(rework, "dispatch", self.agent, assignee=tech.username)
            yield 5 * MIN
            self.act(rework, "accept", tech)
            yield 30 * MIN
            self.act(rework, "arrive", tech)
            yield 10 * MIN
            self.act(rework, "confirm", tech, items=[{"item": item}], fault_note="返修")
            if Ticket.objects.get(pk=rework.pk).status == "awaiting_consent":
                self.act(rework, "consent", self.agent)
            yield HOUR
            self.act(rework, "complete", tech, result_note="返修完成")
            yield 10 * MIN
            self.act(rework, "sign_off", tech, satisfaction=4, signed_by="业主")
            self.act(rework, "report_back", tech)
            yield HOUR
            self.act(rework, "close", self.agent)

    def complaint(self) -> Step:
        rng = self.rng
        severity, department, text, demand = rng.choice(COMPLAINTS)
        fields = self.base(
            kind="complaint",
            description=text,
            complaint={"severity": severity, "department": department, "demand": demand},
        )
        ticket = ticket_create(by=self.agent, draft=draft_from(fields))
        if severity != "minor":
            yield rng.choice((10, 30, 45, 90)) * MIN
            self.act(ticket, "take_up", self.manager if severity == "important" else self.leader)
        yield rng.choice((5, 30, 60 * 5)) * MIN
        self.act(ticket, "forward", self.agent)
        yield rng.choice((20, 60, 60 * 20)) * MIN
        handler = self.security if department == "security" else self.supervisor
        self.act(ticket, "acknowledge", handler)
        yield rng.choice((60 * 3, 60 * 24, 60 * 24 * 3)) * MIN  # some miss the resolve clock
        self.act(ticket, "answer", self.agent, answer="已向业主说明处理安排")
        self.act(ticket, "handle", handler, handling=f"已处理：{demand}")
        yield rng.choice((30, 60 * 5)) * MIN
        self.act(ticket, "close", self.agent, result="业主认可处理结果")

    def help(self) -> Step:
        category, text = self.rng.choice(HELP)
        ticket = ticket_create(
            by=self.agent, draft=draft_from(self.base(kind="help", description=text, help={"category": category}))
        )
        yield self.rng.choice((1, 2, 3, 8)) * MIN
        self.act(ticket, "reply", self.agent, note="已安排人员前往")
        option = self.rng.choice(("hospital", "ambulance")) if category == "medical" else ""
        for step in required_steps(category, option):
            yield self.rng.choice((3, 10, 30)) * MIN
            self.act(ticket, "check_step", self.agent, step=step, option=option if step == "decide" else None)
        yield 10 * MIN
        self.act(ticket, "resolve", self.security, result="已处置完毕，已回复来电人")

    def consultation(self) -> Step:
        text = self.rng.choice(CONSULTATIONS)
        ticket = ticket_create(by=self.agent, draft=draft_from(self.base(kind="consultation", description=text)))
        yield self.rng.choice((2, 3, 4, 4, 15)) * MIN
        self.act(ticket, "answer", self.agent, answer="已按物业服务规定答复")

    def suggestion(self) -> Step:
        text = self.rng.choice(SUGGESTIONS)
        ticket = ticket_create(by=self.agent, draft=draft_from(self.base(kind="suggestion", description=text)))
        yield HOUR
        self.act(ticket, "acknowledge", self.agent)
        yield self.rng.choice((2, 5)) * DAY
        self.act(ticket, "answer", self.supervisor, answer="已纳入下季度改进计划，谢谢建议")


# What each property receives in a week: (matter, how many on average).
WEEKLY = {
    "YGJY": [("repair", 2.6), ("complaint", 0.6), ("help", 0.25), ("consultation", 0.5), ("suggestion", 0.15)],
    "WLBG": [("repair", 1.2), ("complaint", 0.25), ("help", 0.1), ("consultation", 0.25), ("suggestion", 0.08)],
}


def seed_history(days: int = DAYS, *, seed: int = 20261203) -> None:
    """Write ``days`` of history for both demo properties, ending now. Call once, inside
    a transaction, on the demo company before anything else happens in it."""
    import time_machine  # a development requirement: make run installs it, a production server needs none of this

    end = timezone.now()
    start = (end - days * DAY).replace(minute=0, second=0, microsecond=0)
    rng = random.Random(seed)
    props = {p.code: p for p in Property.objects.filter(code__in=WEEKLY).order_by("code")}
    lives = {code: History(prop, rng) for code, prop in props.items()}
    queue: list[tuple[datetime.datetime, int, Callable[[], datetime.timedelta | None]]] = []
    order = itertools.count()

    def schedule(at: datetime.datetime, step: Step) -> None:
        def run() -> datetime.timedelta | None:
            return next(step, None)

        heapq.heappush(queue, (at, next(order), run))

    # The matters: arrival times in office hours mostly, a few at night.
    for code, mix in WEEKLY.items():
        life = lives[code]
        for day in range(days - 1):
            midnight = start + day * DAY
            for name, per_week in mix:
                count = sum(rng.random() < per_week / 7 / 3 for _ in range(3))
                for _ in range(count):
                    hour = rng.choice((8, 9, 10, 10, 11, 14, 15, 16, 17, 19, 21))
                    at = midnight + datetime.timedelta(hours=hour, minutes=rng.randrange(60))
                    schedule(at, getattr(life, name)())
    extras: list[tuple[datetime.datetime, Callable[[], None]]] = []
    for n, (kind, title, body) in enumerate(ANNOUNCEMENTS):
        for code in props:
            at = start + datetime.timedelta(days=40 + n * 80 + (3 if code == "WLBG" else 0), hours=9)
            extras.append((at, _announce(lives[code], kind, title, body)))
    extras.append((start + datetime.timedelta(days=days - 120, hours=9), _survey_round(lives["YGJY"], days=30)))
    for code in props:  # the quarterly review's corrective actions (R6.6): two quarters back and the last
        for back, finished in ((150, True), (60, False)):
            extras.append((end - datetime.timedelta(days=back, hours=-10), _corrective_action(lives[code], finished)))
    for at, job in extras:
        heapq.heappush(queue, (at, next(order), lambda job=job: job()))  # type: ignore[misc]
    for code, prop in props.items():  # the duty log: from 08:30 on the property's clock DUTY_DAYS days ago
        first = (end - DUTY_DAYS * DAY).astimezone(ZoneInfo(prop.time_zone))
        schedule(first.replace(hour=8, minute=30, second=0, microsecond=0), _duty(lives[code]))

    with time_machine.travel(start, tick=False) as traveller:
        night = _next_night(start)
        while queue:
            at, _n, run = heapq.heappop(queue)
            if at >= end:
                break
            _catch_up(traveller, at)
            while night <= at:  # the nightly work: lapsed sign-offs, the follow-ups sampled and called
                traveller.move_to(night)
                _catch_up(traveller, night)
                work_orders_sign_off_lapsed(night)
                followups_sample_due(now=night)
                _follow_up_calls(lives, night, rng)
                night += DAY
            traveller.move_to(at)
            wait = run()
            if wait is not None:
                heapq.heappush(queue, (at + wait, next(order), run))
    sweep()


def _duty(life: History) -> Step:
    """The duty log of the last days (值班记录): each morning the desk's agent starts the
    service desk's shift and hands it over at 13:00 to the second agent, who writes what
    the night should know and ends it when the office closes at 17:30; the night duty
    keeps the monitoring room from then, patrols, hands over in the morning and ends its
    shift when the desk opens (R1.4). Today's desk shift stays open; whatever falls after
    now is not written."""
    code = life.prop.code.lower()
    agent2 = User.objects.get(username=f"{code}-agent2")
    night = User.objects.get(username=f"{code}-night")
    last_night = None
    for day in range(DUTY_DAYS + 1):
        if last_night is not None:  # 08:30: the office opens, the monitoring room stands down
            duty.shift_end(by=night, shift=last_night)
        desk = duty.shift_start(by=life.agent, property=life.prop, post=Post.SERVICE_DESK)
        if day == DUTY_DAYS:
            return  # today's shift at the desk, open
        yield 70 * MIN  # 09:40
        duty.entry_add(by=life.agent, shift=desk, kind="patrol", text="巡查大堂、电梯厅和快递柜，正常")
        yield 3 * HOUR + 20 * MIN  # 13:00
        duty.shift_hand_over(
            by=life.agent,
            shift=desk,
            note="上午来电已全部登记；停水通知已张贴到各栋大堂。",
            open_items=["2栋801插座没电，维修工下午上门，需回访", "快递柜3号格门锁坏，已报厂家"],
        )
        desk = duty.shift_receive(by=agent2, shift=desk)
        yield 2 * HOUR + 20 * MIN  # 15:20
        duty.entry_add(
            by=agent2, shift=desk, kind="incident", text="3栋2号电梯困人，已通知电梯维保，15:45解困，无人受伤"
        )
        yield 2 * HOUR + 5 * MIN  # 17:25
        duty.shift_hand_over(
            by=agent2, shift=desk, note="今日来电已处理完毕；夜间如有5栋车库积水报警请通知工程值班。", open_items=[]
        )
        yield 5 * MIN  # 17:30: the office closes, the monitoring room takes the phone
        duty.shift_end(by=agent2, shift=desk)
        last_night = duty.shift_start(by=night, property=life.prop, post=Post.MONITORING_ROOM)
        yield 3 * HOUR + 30 * MIN  # 21:00
        duty.entry_add(by=night, shift=last_night, kind="patrol", text="夜间巡查各栋出入口及地下车库，正常")
        if day % 2 == 0:
            yield 2 * HOUR + 40 * MIN  # 23:40
            duty.entry_add(
                by=night, shift=last_night, kind="incident", text="5栋地下车库积水报警，已通知工程值班，00:20排水完毕"
            )
            yield 8 * HOUR + 40 * MIN  # 08:20
        else:
            yield 11 * HOUR + 20 * MIN  # 08:20
        duty.shift_hand_over(by=night, shift=last_night, note="夜间监控正常，车库排水泵已复位。", open_items=[])
        yield 10 * MIN  # 08:30


def _next_night(after: datetime.datetime) -> datetime.datetime:
    """The next 02:00 in China, when the nightly work runs."""
    night = after.astimezone(datetime.UTC).replace(hour=18, minute=0, second=0, microsecond=0)
    return night if night > after else night + DAY


def _catch_up(traveller: Any, until: datetime.datetime) -> None:
    """Run the sweep a minute after each clock falls due before ``until``, as the
    every-minute task would, so each breach is recorded when it happened."""
    while True:
        due = Deadline.objects.filter(status=Deadline.Status.OPEN, breached_at__isnull=True, due_at__lt=until)
        first = due.aggregate(first=Min("due_at"))["first"]
        if first is None:
            return
        moment = first.replace(second=0, microsecond=0) + MIN
        traveller.move_to(moment)
        sweep(moment)


def _follow_up_calls(lives: dict[str, History], now: datetime.datetime, rng: random.Random) -> None:
    """The follow-up specialist calls what is due (R6.4); one in ten is not reached."""
    by_prop = {life.prop.pk: life for life in lives.values()}
    due = FollowUp.objects.filter(status=FollowUp.Status.PLANNED, next_try_at__lte=now, property_id__in=by_prop)
    for f in due.order_by("id"):
        life = by_prop[f.property_id]
        reached = rng.random() > 0.1
        followup_record(
            followup=f,
            by=f.assignee or life.supervisor,
            reached=reached,
            satisfaction=rng.choices((3, 4, 5), weights=(1, 4, 6))[0] if reached else None,
            quality="良好" if reached else "",
            confirmed_by="业主" if reached else "",
        )


def _announce(life: History, kind: str, title: str, body: str) -> Callable[[], None]:
    def job() -> None:
        now = timezone.now()
        starts = now + 2 * DAY if kind == Announcement.Kind.OUTAGE else None
        ends = starts + 6 * HOUR if starts else None
        announcement_publish(
            by=life.agent, property=life.prop, title=title, body=body, kind=kind, starts_at=starts, ends_at=ends
        )

    return job


def _survey_round(life: History, days: int) -> Callable[[], None]:
    def job() -> None:
        today = timezone.localdate()
        survey = survey_open(
            prop=life.prop,
            by=life.manager,
            title=default_title(f"{today:%Y-%m}"),
            opens_on=today,
            closes_on=today + datetime.timedelta(days=days - 1),
            aspects=default_aspects(),
        )
        questions = list(survey.questions.order_by("position"))
        households = Household.objects.filter(property=life.prop).order_by("id")
        for household in households[1::4]:
            scores = {q.pk: life.rng.choices(range(1, 6), weights=(1, 1, 3, 8, 7))[0] for q in questions}
            survey_answer(
                survey=survey, household=household, by=life.agent, scores=scores, method=SurveyAnswer.Method.PHONE
            )

    return job


MATERIALS = ("业主自购水龙头", "业主自购灯具", "业主自购门锁", "业主自购马桶配件")


def _corrective_action(life: History, finished: bool) -> Callable[[], None]:
    """After a quarter's review the manager opens a corrective action on the matters that
    went wrong; its owner reports it done and the manager checks the effect."""

    def job() -> None:
        now = timezone.now()
        unhappy = list(
            Ticket.objects.filter(property=life.prop, kind="repair", closed_at__lte=now)
            .filter(work_order__satisfaction__lte=3)
            .order_by("-closed_at")[:3]
        )
        ca = corrective_action_open(
            prop=life.prop,
            by=life.manager,
            title="回访不满意：维修后复查不到位",
            owner=life.engineer.username,
            root_cause="完工后未当场试用，业主发现仍有问题",
            action="完工后与业主一起试用并在工单上签字确认；班组长每周抽查五单",
            due_on=timezone.localdate(now, ZoneInfo(life.prop.time_zone)) + datetime.timedelta(days=30),
            tickets=unhappy,
        )
        if finished:
            corrective_action_progress(ca=ca, by=life.engineer, step="done", note="已培训全体维修工，抽查五单均合格")
            corrective_action_progress(ca=ca, by=life.manager, step="verify", note="下季度回访满意度回升")

    return job
