"""A realistic data set of repair tickets, written straight into the tables.

Each ticket's history is built in Python the way the services would have left it
(tickets.services.ticket_create, repairs.services, promises.services): the work order,
its items and quote, one Deadline row per clock, one TicketEvent per step, the
``next_due_at`` / ``closed_at`` cache, numbers ``BX-YYYYMMDD-NNNN`` and the day
counters. Rows go in with COPY on PostgreSQL (executemany on SQLite), chunk by chunk;
the ORM one row at a time would take hours for a million tickets.

Tickets are spread over the last two years, 75 % at the residential estate YGJY and
25 % at the office building WLBG. Old tickets are finished (mostly closed, some
cancelled or declined); a tail of recent ones is still open in every state. Their
open clocks are left unbreached, so the first sweep has a few thousand to record.
"""

from __future__ import annotations

import datetime
import json
import multiprocessing
import random
import time
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, connections, models, transaction
from django.db.models import NOT_PROVIDED
from django.utils.translation import gettext
from psycopg.types.json import set_json_dumps

from catalog.models import Category, ServiceItem
from estates.models import CommonArea, Household, Property, Resident, Unit
from people.models import Role, User
from promises.models import Clock, Deadline
from promises.policy import limits_for
from repairs.models import Quote, WorkOrder, WorkOrderItem
from reports.models import TicketMonth
from tickets.kinds import kind_for
from tickets.models import NumberCounter, Ticket, TicketEvent

UTC = datetime.UTC
DAYS = 730
CHUNK = 20_000
MIN, HOUR, DAY = 60.0, 3600.0, 86400.0
SWEEP_LAG = 60.0  # the sweep runs every minute, so a missed clock is recorded within one

# Share of calls by local hour of the day.
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 15, 13, 11, 12, 13, 13, 12, 11, 10, 9, 7, 5, 3, 2]
CATEGORY_WEIGHTS = {
    "residential": {
        "plumbing": 30,
        "electrical": 18,
        "doors_windows": 12,
        "hvac": 8,
        "waterproofing": 8,
        "gas": 5,
        "low_voltage": 6,
        "structure": 2,
    },
    "office": {"plumbing": 15, "electrical": 22, "hvac": 25, "doors_windows": 12, "low_voltage": 14, "structure": 2},
    "area": {"public": 35, "electrical": 20, "plumbing": 12, "low_voltage": 15, "waterproofing": 8, "structure": 5},
}
DESCRIPTIONS = {
    "plumbing": ["厨房水龙头漏水", "卫生间下水道堵塞", "马桶水箱不停流水", "角阀滴水", "洗手盆下水管漏水", "水管爆裂"],
    "electrical": ["客厅插座没电", "卫生间跳闸", "灯不亮，开关坏了", "空气开关频繁跳闸", "厨房插座冒火花"],
    "gas": ["厨房有燃气气味", "燃气灶打不着火", "燃气表不走字"],
    "doors_windows": ["入户门锁坏了进不了门", "窗户关不严", "阳台推拉门卡住", "卧室门合页松动"],
    "lift": ["电梯困人", "电梯门关不上", "电梯运行有异响", "电梯按钮失灵"],
    "waterproofing": ["卫生间楼下渗水", "外墙渗水，墙面发霉", "顶楼漏雨"],
    "structure": ["墙面裂缝", "天花板抹灰脱落", "阳台栏杆松动"],
    "hvac": ["空调不制冷", "空调外机噪音大", "空调漏水", "新风系统不出风"],
    "public": ["楼道灯不亮", "单元门禁损坏", "垃圾站排水不畅", "车库照明损坏", "花园喷灌漏水"],
    "low_voltage": ["可视对讲没声音", "门禁卡刷不开", "监控画面黑屏", "网络面板没信号"],
}
PREFIXES = ["", "", "", "业主来电：", "住户反映", "急："]
SUFFIXES = ["", "", "，请尽快安排", "，下午在家", "，已关总阀", "，周末上门", "，第二次报修"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文斌辉鹏飞宇浩然欣怡"
CHANNELS = (["phone", "walk_in", "online", "written", "patrol"], [60, 10, 25, 2, 3])
# States of the open tail, with weights; see _Life.run.
OPEN_STATES = {
    "new": 8,
    "dispatched": 12,
    "accepted": 10,
    "on_site": 8,
    "awaiting_review": 3,
    "awaiting_consent": 6,
    "in_progress": 20,
    "deferred": 10,
    "completed": 10,
    "signed_off": 5,
    "reported": 8,
}
DEFER_REASONS = ["等待配件到货", "业主不在家，改约时间", "需要厂家上门", "需物业公司审批"]


def open_probability(age: float) -> float:
    """How likely a ticket reported ``age`` seconds ago is still open."""
    for limit, p in ((6 * HOUR, 0.9), (DAY, 0.5), (3 * DAY, 0.25), (14 * DAY, 0.06), (60 * DAY, 0.01)):
        if age < limit:
            return p
    return 0.0


# --- Reference data from the seeded demo ---------------------------------------------------


@dataclass
class Person:
    id: int
    name: str  # what str(user) gives: kept on events as actor_name
    username: str = ""
    team_id: int | None = None
    team_name: str | None = None


@dataclass
class Place:
    property: PropertyRef
    unit_id: int | None
    area_id: int | None
    building_id: int | None
    household_id: int | None = None
    resident: tuple[int, str, str] | None = None  # id, name, phone
    lift: bool = False


@dataclass
class PropertyRef:
    id: int
    code: str
    kind: str
    units: list[Place] = field(default_factory=list)
    areas: list[Place] = field(default_factory=list)
    desk: list[Person] = field(default_factory=list)
    night: list[Person] = field(default_factory=list)
    engineer: Person | None = None
    techs: dict[str, list[Person]] = field(default_factory=dict)  # by category code
    escalate_to: dict[str, str] = field(default_factory=dict)  # by clock
    limits: dict[str, tuple[float, float]] = field(default_factory=dict)  # clock -> (routine, emergency) seconds


@dataclass
class Item:
    id: int
    code: str
    name: str
    fees: tuple[Decimal, Decimal, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.fees, Decimal("0"))


def _person(u: User) -> Person:
    return Person(u.pk, str(u), u.username, u.team_id, u.team.name if u.team else None)


Reference = tuple[list[PropertyRef], dict[str, int], dict[str, list[Item]]]


def reference() -> Reference:
    """Properties with their places and staff, category ids, catalogue items by category."""
    categories = {c.code: c for c in Category.objects.select_related("trade")}
    items: dict[str, list[Item]] = defaultdict(list)
    for s in ServiceItem.objects.filter(active=True).select_related("category").order_by("code"):
        items[s.category.code].append(Item(s.pk, s.code, s.name, (s.labour_fee, s.material_fee, s.service_fee)))
    props = []
    for p in Property.objects.filter(code__in=["YGJY", "WLBG"]).order_by("id"):
        ref = PropertyRef(p.pk, p.code, p.kind)
        households = dict(
            Household.objects.filter(property=p, moved_out_on__isnull=True).order_by("id").values_list("unit_id", "id")
        )
        residents: dict[int, tuple[int, str, str]] = {}
        for r in Resident.objects.filter(property=p).order_by("-id"):
            residents[r.household_id] = (r.pk, r.name, r.phone)  # the first by id wins
        for unit_id, building_id in Unit.objects.filter(property=p).order_by("id").values_list("id", "building_id"):
            hh = households.get(unit_id)
            ref.units.append(Place(ref, unit_id, None, building_id, hh, residents.get(hh) if hh else None))
        for a in CommonArea.objects.filter(property=p).order_by("id"):
            ref.areas.append(Place(ref, None, a.pk, a.building_id, lift="电梯" in a.name))
        staff = list(
            User.objects.filter(properties=p, is_active=True).select_related("team").prefetch_related("trades")
        )
        ref.desk = [_person(u) for u in staff if u.role == Role.AGENT]
        ref.night = [_person(u) for u in staff if u.role == Role.NIGHT_DUTY] or ref.desk
        ref.engineer = next((_person(u) for u in staff if u.role == Role.ENGINEERING_SUPERVISOR), ref.desk[0])
        techs = [u for u in staff if u.role == Role.TECHNICIAN]
        for code, c in categories.items():
            able = [u for u in techs if any(t.pk == c.trade_id for t in u.trades.all())] or techs
            ref.techs[code] = [_person(u) for u in able]
        for clock, limit in limits_for(p.pk, "repair").items():
            ref.escalate_to[clock] = limit.escalate_to
            ref.limits[clock] = (limit.for_urgency(False).total_seconds(), limit.for_urgency(True).total_seconds())
        if not (ref.units and ref.desk and techs):
            raise RuntimeError(f"bench: property {p.code} lacks units, agents or technicians; is the demo seeded?")
        props.append(ref)
    if [p.code for p in props] != ["YGJY", "WLBG"]:
        raise RuntimeError("bench: the demo properties YGJY and WLBG are missing; run demo.seed.seed('full')")
    return props, {code: c.pk for code, c in categories.items()}, dict(items)


# --- Table layouts -------------------------------------------------------------------------

TICKET_COLS = (
    "id number property_id kind status channel category_id urgency impact building_id unit_id common_area_id "
    "household_id resident_id reporter_name reporter_phone description reported_at created_at created_by_id "
    "appointment_at assignee_id team_id next_due_at closed_at updated_at version"
).split()
ORDER_COLS = (
    "id ticket_id property_id is_paid dispatched_at accepted_at arrived_at started_at completed_at signed_off_at "
    "reported_at fault_note result_note materials_used satisfaction satisfied signed_by deferred_reason promised_at"
).split()
ITEM_COLS = (
    "id order_id property_id service_item_id description quantity labour_fee material_fee service_fee review added_at"
).split()
QUOTE_COLS = (
    "id order_id property_id version status lines labour_total material_total service_total total created_at "
    "decided_at decided_by_name"
).split()
DEADLINE_COLS = "id ticket_id property_id clock status started_at due_at met_at breached_at assignee_id".split()
EVENT_COLS = "id ticket_id property_id at actor_id actor_name action from_status to_status note data".split()


@dataclass
class Table:
    """The columns the generator fills, plus every other column at its model default
    (so a field added later with a default needs no change here)."""

    model: type[models.Model]
    given: list[str]
    columns: list[str] = field(init=False)
    tail: tuple = field(init=False)
    oids: list[int] = field(default_factory=list)  # PostgreSQL column types, for binary COPY

    def __post_init__(self) -> None:
        fields = {f.column: f for f in self.model._meta.concrete_fields}
        unknown = [c for c in self.given if c not in fields]
        if unknown:
            raise RuntimeError(f"bench: {self.model.__name__} has no column(s) {unknown}; update bench/dataset.py")
        extra, tail = [], []
        for column, f in fields.items():
            if column in self.given or getattr(f, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
                continue
            value = f.get_default()
            if value is None and not f.null:
                raise RuntimeError(f"bench: no value for {self.model.__name__}.{f.name}; update bench/dataset.py")
            extra.append(column)
            tail.append(json.dumps(value) if isinstance(f, models.JSONField) else value)
        self.columns, self.tail = self.given + extra, tuple(tail)

    @property
    def name(self) -> str:
        return self.model._meta.db_table


# --- One ticket's life -------------------------------------------------------------------------


class _Life:
    """The rows the services write for one ticket, step by step, stopping at ``now`` or
    at the state the ticket is to be left in. Times are POSIX seconds."""

    def __init__(self, gen: Generator, ticket_id: int, place: Place, emergency: bool, reported: float):
        self.g, self.id, self.place, self.prop = gen, ticket_id, place, place.property
        self.emergency = emergency
        self.reported = reported
        self.status = "new"
        self.version = 1
        self.updated = reported
        self.closed: float | None = None
        self.events: list[tuple] = []  # (at, actor, action, from, to, note, data)
        self.open: dict[str, list] = {}  # clock -> [clock, status, start, due, met, breached]
        self.deadlines: list[list] = []
        self.order: dict[str, Any] = {}
        self.items: list[tuple] = []  # (item, review)
        self.quote: tuple | None = None  # (status, decided_at, total, created_at)
        self.assignee: Person | None = None
        # Set by Generator.life / Generator.ticket:
        self.category = self.description = self.channel = self.number = ""
        self.reporter_name = self.reporter_phone = ""
        self.resident_id: int | None = None
        self.appointment: float | None = None
        self.created = reported
        self.created_by: Person | None = None

    def limit(self, clock: str) -> float:
        routine, emergency = self.prop.limits[clock]
        return emergency if self.emergency else routine

    def event(self, at: float, actor: Person | None, action: str, to: str = "", note: str = "", data: str = "{}"):
        """A step through ticket_transition: bumps the version unless it is the creation."""
        self.events.append((at, actor, action, self.status if action != "create" else "", to, note, data))
        if action != "create":
            self.version += 1
        if to:
            self.status = to
        self.updated = at

    def start(self, clock: str, at: float, due: float) -> None:
        row = [clock, Deadline.Status.OPEN, at, due, None, None]
        self.open[clock] = row
        self.deadlines.append(row)

    def meet(self, clock: str, at: float) -> None:
        """deadline_meet; a clock that ran past due for more than a minute was already
        found and escalated by the sweep (breach event and all)."""
        row = self.open.pop(clock, None)
        if row is None:
            return
        row[1], row[4] = Deadline.Status.MET, at
        due = row[3]
        if at > due:
            swept = due + self.g.rng.uniform(1, SWEEP_LAG)
            row[5] = min(at, swept)
            if swept < at:
                self.breach(clock, due, swept)

    def breach(self, clock: str, due: float, at: float) -> None:
        note = self.g.breach_notes[clock] % {"due": self.g.local(due).strftime("%Y-%m-%d %H:%M")}
        data = json.dumps({"clock": clock, "due_at": self.g.iso(due), "escalated_to": self.prop.escalate_to[clock]})
        self.events.append((at, None, "breach", "", "", note, data))

    def cancel_clocks(self) -> None:
        for row in self.open.values():
            row[1] = Deadline.Status.CANCELLED
        self.open.clear()

    def close(self, at: float, actor: Person, action: str, to: str, note: str = "", data: str = "{}") -> None:
        self.event(at, actor, action, to, note, data)
        self.cancel_clocks()
        self.closed = at

    def run(self, created: float, desk: Person, stop: str | None, cancel_at: str | None, decline: bool) -> None:
        """The happy path of R2 from recording to closing, left at ``stop`` (an open state),
        cancelled at ``cancel_at`` or declined at the quote, and never past now."""
        g, rng, now = self.g, self.g.rng, self.g.now
        self.event(created, desk, "create", "new", self.description[:200])
        self.start(Clock.RECORD, self.reported, self.reported + self.limit(Clock.RECORD))
        self.meet(Clock.RECORD, created)
        self.start(Clock.NOTIFY, created, created + self.limit(Clock.NOTIFY))
        if stop == "new" or self._cancel(cancel_at, "new", created, desk):
            return
        dispatched = created + rng.uniform(10, 130)
        if dispatched > now:
            return
        tech = self.assignee = rng.choice(self.prop.techs[self.category])
        self.event(dispatched, desk, "dispatch", "dispatched", data=g.dispatch_data(tech))
        self.order["dispatched_at"] = dispatched
        self.meet(Clock.NOTIFY, dispatched)
        arrive_due = dispatched + self.limit(Clock.ARRIVE)
        if self.appointment and self.appointment > arrive_due:
            arrive_due = self.appointment
        self.start(Clock.ARRIVE, dispatched, arrive_due)
        if stop == "dispatched" or self._cancel(cancel_at, "dispatched", dispatched, desk):
            return
        accepted = dispatched + rng.uniform(20, 300)
        if accepted > now:
            return
        self.event(accepted, tech, "accept", "accepted")
        self.order["accepted_at"] = accepted
        if stop == "accepted" or self._cancel(cancel_at, "accepted", accepted, desk):
            return
        if stop == "deferred" and rng.random() < 0.5:
            return self._defer(accepted, tech)
        base = self.appointment - rng.uniform(0, 20 * MIN) if self.appointment else dispatched
        arrived = max(accepted + 60, base + rng.uniform(0.25, 1.08) * self.limit(Clock.ARRIVE))
        if arrived > now:
            return
        self.event(arrived, tech, "arrive", "on_site")
        self.order["arrived_at"] = arrived
        self.meet(Clock.ARRIVE, arrived)
        if stop == "on_site":
            return
        confirmed = arrived + rng.uniform(2 * MIN, 20 * MIN)
        if confirmed > now:
            return
        if not self._confirm(confirmed, tech, stop, decline):
            return
        if stop in ("in_progress", "awaiting_consent"):  # a free job never waits for consent
            return
        if stop == "deferred":
            return self._defer(self.order["started_at"] + rng.uniform(5 * MIN, HOUR), tech)
        completed = self.order["started_at"] + min(rng.lognormvariate(7.8, 0.9), 3 * DAY)
        if completed > now:
            return
        self.event(completed, tech, "complete", "completed", g.result_note)
        self.order.update(completed_at=completed, result_note=g.result_note)
        self.start(Clock.REPORT_BACK, completed, completed + self.limit(Clock.REPORT_BACK))
        if stop == "completed":
            return
        signed = completed + rng.uniform(30, 15 * MIN)
        if signed > now:
            return
        satisfaction = rng.choices((5, 4, 3), (65, 28, 7))[0]
        name = self.reporter_name
        data = json.dumps({"satisfaction": satisfaction, "satisfied": True, "signed_by": name}, ensure_ascii=False)
        self.event(signed, tech, "sign_off", "signed_off", data=data)
        self.order.update(signed_off_at=signed, satisfaction=satisfaction, satisfied=True, signed_by=name)
        if stop == "signed_off":
            return
        reported_back = max(signed + 30, completed + rng.uniform(3 * MIN, 22 * MIN))
        if reported_back > now:
            return
        self.event(reported_back, tech, "report_back", "reported", data=g.report_data)
        self.order.update(reported_at=reported_back, materials_used="")
        self.meet(Clock.REPORT_BACK, reported_back)
        if stop == "reported":
            return
        closed = reported_back + rng.uniform(10 * MIN, 2 * DAY)
        if closed <= now:
            self.close(closed, rng.choice(self.prop.desk), "close", "closed")

    def _cancel(self, cancel_at: str | None, state: str, since: float, desk: Person) -> bool:
        if cancel_at != state:
            return False
        at = since + self.g.rng.uniform(MIN, 2 * HOUR)
        if at <= self.g.now:
            self.close(at, desk, "cancel", "cancelled", "业主已自行处理，撤销报修")
        return True

    def _defer(self, at: float, tech: Person) -> None:
        """Left deferred with a promised time around now, so some promises are overdue."""
        now, rng = self.g.now, self.g.rng
        if at > now:
            return
        promised = max(at + 2 * HOUR, now + rng.uniform(-DAY, 6 * DAY))
        reason = rng.choice(DEFER_REASONS)
        data = json.dumps({"promised_at": self.g.iso(promised), "renewal": False})
        self.event(at, tech, "defer", "deferred", reason, data)
        self.order.update(deferred_reason=reason, promised_at=promised)
        row = self.open.get(Clock.ARRIVE)
        if row:
            row[1] = Deadline.Status.CANCELLED
            del self.open[Clock.ARRIVE]
        self.start(Clock.PROMISE, at, promised)

    def _confirm(self, at: float, tech: Person, stop: str | None, decline: bool) -> bool:
        """Items on site, then review and consent as repairs.services._target decides.
        Returns whether work started."""
        g, rng, now = self.g, self.g.rng, self.g.now
        choices = g.items.get(self.category) or g.items["public"]
        item = rng.choice(choices)
        outside = stop == "awaiting_review" or rng.random() < 0.03
        paid = self.place.unit_id is not None and item.total > 0
        target = "awaiting_review" if outside else ("awaiting_consent" if paid else "in_progress")
        self.items.append((item, WorkOrderItem.Review.PENDING if outside else WorkOrderItem.Review.NOT_NEEDED, at))
        quote = {"version": 1, "total": str(item.total)} if target == "awaiting_consent" else None
        data = {"items": [item.name], "reported_item_wrong": False} | ({"quote": quote} if quote else {})
        self.event(at, tech, "confirm", target, data=json.dumps(data, ensure_ascii=False))
        self.order.update(fault_note=g.fault_note, is_paid=paid)
        if target == "awaiting_review":
            if stop == "awaiting_review":
                return False
            at += rng.uniform(10 * MIN, 4 * HOUR)
            if at > now:
                return False
            self.items[0] = (item, WorkOrderItem.Review.APPROVED, self.items[0][2])
            target = "awaiting_consent" if paid else "in_progress"
            self.event(at, self.prop.engineer, "review", target, data=json.dumps({"approved": [item.name]}))
        if target == "awaiting_consent":
            self.quote = ("pending", None, item.total, at)
            if stop == "awaiting_consent":
                return False
            at += rng.uniform(MIN, 30 * MIN)
            if at > now:
                return False
            customer = self.reporter_name
            data = json.dumps({"quote_version": 1, "total": str(item.total), "customer": customer}, ensure_ascii=False)
            if decline:
                self.quote = ("declined", at, item.total, self.quote[3])
                self.close(at, rng.choice(self.prop.desk), "decline_quote", "declined", data=data)
                return False
            self.quote = ("consented", at, item.total, self.quote[3])
            self.event(at, rng.choice(self.prop.desk), "consent", "in_progress", data=data)
        self.order["started_at"] = at
        return True


# --- The generator -----------------------------------------------------------------------------


class Generator:
    def __init__(self, ref: Reference, seed: int, now: float):
        self.props, self.categories, self.items = ref
        self.rng = random.Random(seed)
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.now = now
        # promises.services.breach_note, with the clock's label filled in once.
        self.breach_notes = {
            c: gettext("Promise missed: %(clock)s (due %(due)s).").replace("%(clock)s", str(Clock(c).label))
            for c in Clock.values
        }
        self.result_note = "已修复，试用正常"
        self.fault_note = "现场确认故障属实"
        self.report_data = json.dumps({"materials_used": ""})
        self._dispatch_data: dict[int, str] = {}

    def iso(self, ts: float) -> str:
        return datetime.datetime.fromtimestamp(ts, UTC).isoformat()

    def local(self, ts: float) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(ts, self.tz)

    def dispatch_data(self, tech: Person) -> str:
        if tech.id not in self._dispatch_data:
            self._dispatch_data[tech.id] = json.dumps(
                {"assignee": tech.username, "team": tech.team_name}, ensure_ascii=False
            )
        return self._dispatch_data[tech.id]

    def life(self, ticket_id: int, reported: float) -> _Life:
        rng = self.rng
        prop = self.props[0] if rng.random() < 0.75 else self.props[1]
        on_unit = rng.random() < 0.8
        place = rng.choice(prop.units if on_unit else prop.areas)
        if place.lift:
            category = "lift" if rng.random() < 0.8 else "electrical"
        else:
            weights = CATEGORY_WEIGHTS["area" if not on_unit else prop.kind]
            category = rng.choices(list(weights), list(weights.values()))[0]
        emergency = rng.random() < (0.3 if category in ("gas", "lift") else 0.04)
        life = _Life(self, ticket_id, place, emergency, reported)
        life.category = category
        life.description = rng.choice(PREFIXES) + rng.choice(DESCRIPTIONS[category]) + rng.choice(SUFFIXES)
        if place.resident and rng.random() < 0.75:
            life.reporter_name, life.reporter_phone, life.resident_id = (
                place.resident[1],
                place.resident[2],
                place.resident[0],
            )
        else:
            life.reporter_name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            life.reporter_phone = rng.choice(["138", "139", "150", "186", "173"]) + f"{rng.randrange(10**8):08d}"
            life.resident_id = place.resident[0] if place.resident else None
        life.channel = "patrol" if not on_unit and rng.random() < 0.15 else rng.choices(*CHANNELS)[0]
        if life.channel == "patrol" and on_unit:
            life.channel = "phone"
        life.appointment = reported + rng.uniform(2 * HOUR, 2 * DAY) if on_unit and rng.random() < 0.1 else None
        return life

    def ticket(self, ticket_id: int, number: str, reported: float, created: float) -> _Life:
        """Build one ticket; the caller turns it into rows."""
        rng, now = self.rng, self.now
        life = self.life(ticket_id, reported)
        hour = self.local(created).hour
        desk = rng.choice(life.prop.night if hour < 8 or hour >= 21 else life.prop.desk)
        life.number, life.created, life.created_by = number, created, desk
        stop = cancel_at = None
        decline = False
        if rng.random() < open_probability(now - reported):
            stop = rng.choices(list(OPEN_STATES), list(OPEN_STATES.values()))[0]
        else:
            roll = rng.random()
            if roll < 0.05:
                cancel_at = rng.choices(("new", "dispatched", "accepted"), (4, 4, 2))[0]
            decline = roll > 0.97
        life.run(created, desk, stop, cancel_at, decline)
        return life


# --- Rows and loading ---------------------------------------------------------------------------


@dataclass
class Ids:
    """The last id used in each table."""

    ticket: int = 0
    order: int = 0
    item: int = 0
    quote: int = 0
    deadline: int = 0
    event: int = 0


# Chunks run in parallel, so each gets its own id range: this many ids per ticket.
SLOTS = Ids(ticket=1, order=1, item=1, quote=1, deadline=8, event=24)


def _rows(g: Generator, lives: Sequence[_Life], ids: Ids, fmt: Callable[[float | None], Any], tables: dict):
    t_rows, o_rows, i_rows, q_rows, d_rows, e_rows = [], [], [], [], [], []
    for life in lives:
        pid, tid = life.prop.id, life.id
        place = life.place
        next_due = None if life.closed else min((r[3] for r in life.open.values()), default=None)
        a = life.assignee
        t_rows.append(
            (
                tid,
                life.number,
                pid,
                "repair",
                life.status,
                life.channel,
                g.categories[life.category],
                "emergency" if life.emergency else "routine",
                "household" if place.unit_id else "building",
                place.building_id,
                place.unit_id,
                place.area_id,
                place.household_id,
                life.resident_id,
                life.reporter_name,
                life.reporter_phone,
                life.description,
                fmt(life.reported),
                fmt(life.created),
                life.created_by.id,
                fmt(life.appointment),
                a.id if a else None,
                a.team_id if a else None,
                fmt(next_due),
                fmt(life.closed),
                fmt(life.updated),
                life.version,
            )
            + tables["ticket"].tail
        )
        ids.order += 1
        o = life.order
        o_rows.append(
            (
                ids.order,
                tid,
                pid,
                o.get("is_paid", False),
                fmt(o.get("dispatched_at")),
                fmt(o.get("accepted_at")),
                fmt(o.get("arrived_at")),
                fmt(o.get("started_at")),
                fmt(o.get("completed_at")),
                fmt(o.get("signed_off_at")),
                fmt(o.get("reported_at")),
                o.get("fault_note", ""),
                o.get("result_note", ""),
                o.get("materials_used", ""),
                o.get("satisfaction"),
                o.get("satisfied"),
                o.get("signed_by", ""),
                o.get("deferred_reason", ""),
                fmt(o.get("promised_at")),
            )
            + tables["order"].tail
        )
        for item, review, added in life.items:
            ids.item += 1
            in_catalogue = review == WorkOrderItem.Review.NOT_NEEDED
            i_rows.append(
                (ids.item, ids.order, pid, item.id if in_catalogue else None, item.name, Decimal("1"), *item.fees)
                + (review, fmt(added))
                + tables["item"].tail
            )
        if life.quote:
            status, decided, total, created = life.quote
            ids.quote += 1
            item = life.items[0][0]
            line = {"item": item.code, "description": item.name, "quantity": "1.00", "total": str(total)}
            line |= {
                "labour_fee": str(item.fees[0]),
                "material_fee": str(item.fees[1]),
                "service_fee": str(item.fees[2]),
            }
            q_rows.append(
                (ids.quote, ids.order, pid, 1, status, json.dumps([line], ensure_ascii=False), *item.fees, total)
                + (fmt(created), fmt(decided), life.reporter_name if decided else "")
                + tables["quote"].tail
            )
        for clock, status, start, due, met, breached in life.deadlines:
            ids.deadline += 1
            held_by = a.id if a and (met is not None or breached is not None) else None  # deadline_meet, sweep
            d_rows.append(
                (ids.deadline, tid, pid, clock, status, fmt(start), fmt(due), fmt(met), fmt(breached), held_by)
                + tables["deadline"].tail
            )
        life.events.sort(key=lambda e: e[0])
        for at, actor, action, from_status, to_status, note, data in life.events:
            ids.event += 1
            e_rows.append(
                (
                    ids.event,
                    tid,
                    pid,
                    fmt(at),
                    actor.id if actor else None,
                    actor.name if actor else "",
                    action,
                    from_status,
                    to_status,
                    note,
                    data,
                )
                + tables["event"].tail
            )
    return {
        "ticket": t_rows,
        "order": o_rows,
        "item": i_rows,
        "quote": q_rows,
        "deadline": d_rows,
        "event": e_rows,
    }


class _Loader:
    """Writes rows into one table: binary COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"

    @staticmethod
    def fmt_postgres(ts: float | None) -> datetime.datetime | None:
        return None if ts is None else datetime.datetime.fromtimestamp(ts, UTC)

    @staticmethod
    def fmt_sqlite(ts: float | None) -> str | None:
        """Django keeps SQLite datetimes as naive UTC text, "YYYY-MM-DD HH:MM:SS[.ffffff]"."""
        return None if ts is None else datetime.datetime.fromtimestamp(ts, UTC).replace(tzinfo=None).isoformat(" ")

    @property
    def fmt(self) -> Callable[[float | None], Any]:
        return self.fmt_postgres if self.postgres else self.fmt_sqlite

    def write(self, table: Table, rows: Sequence[tuple]) -> None:
        cols = ", ".join(connection.ops.quote_name(c) for c in table.columns)
        with connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor
                set_json_dumps(_json_text, raw)  # JSON columns arrive as text already
                with raw.copy(f"COPY {table.name} ({cols}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(table.oids)
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(table.columns))
                cursor.executemany(f"INSERT INTO {table.name} ({cols}) VALUES ({marks})", [_sqlite(r) for r in rows])


def _json_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _sqlite(row: tuple) -> tuple:
    return tuple(str(v) if isinstance(v, Decimal) else v for v in row)


def _column_types(table: Table) -> list[int]:
    """PostgreSQL type oids of the table's columns, in COPY order (binary COPY needs them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
            [table.name],
        )
        types = dict(cursor.fetchall())
    return [types[c] for c in table.columns]


def _secondary_indexes(tables: Iterable[str]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of each index not backing a constraint (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [list(tables)],
        )
        return cursor.fetchall()


MODELS = {
    "ticket": (Ticket, TICKET_COLS),
    "order": (WorkOrder, ORDER_COLS),
    "item": (WorkOrderItem, ITEM_COLS),
    "quote": (Quote, QUOTE_COLS),
    "deadline": (Deadline, DEADLINE_COLS),
    "event": (TicketEvent, EVENT_COLS),
}


@dataclass
class Plan:
    """Decided up front so that chunks can be built in any order and in parallel: the
    call and recording times (sorted), the numbers, and the ids already in use."""

    seed: int
    now: float
    reported: list[float]
    created: list[float]
    numbers: list[str]
    counters: dict[str, int]
    base: Ids

    @property
    def n(self) -> int:
        return len(self.reported)


def _plan(n: int, seed: int) -> Plan:
    rng = random.Random(seed)
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    now = time.time()
    midnight = datetime.datetime.fromtimestamp(now, tz).replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    reported = []
    for h in rng.choices(range(24), HOUR_WEIGHTS, k=n):
        t = midnight - rng.randrange(DAYS) * DAY + h * HOUR + rng.random() * HOUR
        if t > now - MIN:  # later today: somewhere between midnight and now instead
            t = midnight + rng.random() * (now - MIN - midnight)
        reported.append(t)
    reported.sort()
    # Recorded a few seconds (online) to a few minutes (phone) after the call; the record clock is 2 minutes.
    created = [min(now, t + (rng.uniform(0, 20) if rng.random() < 0.25 else rng.uniform(20, 135))) for t in reported]
    counters = dict(NumberCounter.objects.values_list("key", "value"))
    prefix = kind_for("repair").prefix
    numbers = []
    for t in created:
        key = f"{prefix}{datetime.datetime.fromtimestamp(t, tz):%Y%m%d}"
        counters[key] = counters.get(key, 0) + 1
        numbers.append(f"{key[:2]}-{key[2:]}-{counters[key]:04d}")
    base = Ids(**{key: model.objects.aggregate(m=models.Max("id"))["m"] or 0 for key, (model, _c) in MODELS.items()})
    return Plan(
        seed, now, reported, created, numbers, {k: v for k, v in counters.items() if k.startswith(prefix)}, base
    )


# Shared with the worker processes (they are forked after it is set).
_JOB: dict[str, Any] = {}


def _chunk(k: int) -> dict[str, int]:
    """Build and load tickets [k * CHUNK, (k + 1) * CHUNK) of the plan, in one transaction."""
    plan: Plan = _JOB["plan"]
    tables: dict[str, Table] = _JOB["tables"]
    start, end = k * CHUNK, min(plan.n, (k + 1) * CHUNK)
    g = Generator(_JOB["ref"], seed=plan.seed * 1000 + k, now=plan.now)
    lives = [
        g.ticket(plan.base.ticket + i + 1, plan.numbers[i], plan.reported[i], plan.created[i])
        for i in range(start, end)
    ]
    first = Ids(**{f: getattr(plan.base, f) + start * getattr(SLOTS, f) for f in Ids.__dataclass_fields__})
    ids = Ids(**vars(first))
    loader = _Loader()
    rows = _rows(g, lives, ids, loader.fmt, tables)
    for f in Ids.__dataclass_fields__:
        if f != "ticket" and getattr(ids, f) > getattr(first, f) + (end - start) * getattr(SLOTS, f):
            raise RuntimeError(f"bench: more {f} rows per ticket than SLOTS.{f}; raise it")
    with transaction.atomic():
        if loader.postgres:
            with connection.cursor() as cursor:
                # No FK triggers: the rows are consistent by construction.
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute("SET LOCAL synchronous_commit = off")
        for key, table_rows in rows.items():
            loader.write(tables[key], table_rows)
    return {key: len(r) for key, r in rows.items()}


def generate(
    n: int, *, seed: int = 20261123, workers: int = 2, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """Add ``n`` repair tickets with their records; returns row counts and timings.

    On PostgreSQL the secondary indexes are dropped for the load and built again at the
    end (faster than keeping them up to date row by row), and chunks are built by
    ``workers`` forked processes, each loading its own chunks with binary COPY. If the
    load fails half-way the data set is not recorded as complete, so the next run
    starts again from an empty database.
    """
    t0 = time.perf_counter()
    ref = reference()
    plan = _plan(n, seed)
    tables = {key: Table(model, cols) for key, (model, cols) in MODELS.items()}
    postgres = connection.vendor == "postgresql"
    indexes: list[tuple[str, str]] = []
    if postgres:
        for t in tables.values():
            t.oids = _column_types(t)
        indexes = _secondary_indexes(t.name for t in tables.values())
        with connection.cursor() as cursor:
            for name, _ddl in indexes:
                cursor.execute(f"DROP INDEX {name}")
    _JOB.update(plan=plan, tables=tables, ref=ref)
    chunks = range((n + CHUNK - 1) // CHUNK)
    counts = dict.fromkeys(MODELS, 0)
    done = 0

    def tally(result: dict[str, int]) -> None:
        nonlocal done
        for key, value in result.items():
            counts[key] += value
        done += 1
        if done % 10 == 0 or done == len(chunks):
            progress(f"  {min(done * CHUNK, n):>9,} tickets  {time.perf_counter() - t0:6.1f} s")

    if postgres and workers > 1:
        connections.close_all()  # the forked workers open their own
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for result in pool.imap_unordered(_chunk, chunks):
                tally(result)
    else:
        with transaction.atomic():
            for k in chunks:
                tally(_chunk(k))
    _JOB.clear()
    timings = {"rows_seconds": round(time.perf_counter() - t0, 1)}

    t1 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for _name, ddl in indexes:
            cursor.execute(ddl)
        cursor.executemany(
            "INSERT INTO tickets_numbercounter (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            list(plan.counters.items()),
        )
        # bulk loading skips the signal that forgets a month's kept counts (reports.tallies)
        TicketMonth.objects.all().delete()
        for statement in connection.ops.sequence_reset_sql(no_style(), [m for m, _c in MODELS.values()]):
            cursor.execute(statement)
    timings["index_seconds"] = round(time.perf_counter() - t1, 1)

    t2 = time.perf_counter()
    with connection.cursor() as cursor:
        if postgres:
            for t in tables.values():  # VACUUM also sets the visibility map, as autovacuum would
                cursor.execute(f"VACUUM (ANALYZE) {t.name}")
        else:
            cursor.execute("ANALYZE")
    timings["analyze_seconds"] = round(time.perf_counter() - t2, 1)
    timings["total_seconds"] = round(time.perf_counter() - t0, 1)
    return {
        "rows": counts,
        "first_ticket_id": plan.base.ticket + 1,
        "last_ticket_id": plan.base.ticket + n,
        "generated_at": datetime.datetime.fromtimestamp(plan.now, UTC).isoformat(),
        "workers": workers if postgres else 1,
        **timings,
    }


def remove_tickets_after(last_id: int) -> int:
    """Delete the tickets a benchmark run created (ids above the generated ones) with
    everything that points at them, so a stored data set stays the same run after run.
    On PostgreSQL the tables are vacuumed too: the deleted rows would otherwise stay in
    the indexes until autovacuum comes (after a fifth of a table has changed), and the
    indexes of open tickets, which every created ticket entered, would grow with dead
    entries from run to run and slow the queues and the lists."""
    from notify.models import Delivery, Notification
    from repairs.models import MaterialCheck
    from tickets.models import IdempotencyKey

    extra = Ticket.objects.filter(id__gt=last_id)
    count = extra.count()
    if not count:
        return 0
    touched = (
        (IdempotencyKey, "ticket"),
        (Delivery, "ticket"),
        (Notification, "ticket"),
        (TicketEvent, "ticket"),
        (Deadline, "ticket"),
        (WorkOrderItem, "order__ticket"),
        (Quote, "order__ticket"),
        (MaterialCheck, "order__ticket"),
        (WorkOrder, "ticket"),
    )
    with transaction.atomic():
        for model, path in touched:
            model.objects.filter(**{f"{path}__id__gt": last_id}).delete()
        extra.delete()
    if connection.vendor == "postgresql":
        tables = ", ".join(model._meta.db_table for model in (Ticket, *(m for m, _path in touched)))
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {tables}")
    return count
