"""The demo company: 长沙友元物业 with a residential estate and an office building,
staff for every role, residents, teams with trades, the service catalogue with fees
and warranty terms, and a few tickets in different states.

``seed()`` is idempotent; ``size="small"`` makes the same shape with fewer units for
the test suite.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from catalog.models import Builder, Category, Provider, ServiceItem, WarrantyTerm
from contacts.models import DirectoryEntry
from demo.history import seed_history
from demo.settlement import demo_settlement
from estates.localtime import local_today
from estates.models import Building, CommonArea, Company, Household, Property, Resident, Unit
from onboarding.services import administrator_grant
from people.models import Role, Team, Trade, User
from promises.policy import policies_seed
from repairs import services as work
from repairs.schemas import ItemIn
from surveys.defaults import default_aspects, default_title
from surveys.models import SurveyAnswer, SurveyPlan
from surveys.services import survey_answer, survey_open
from tickets.kinds import draft_from
from tickets.schemas import TicketDraft
from tickets.services import ticket_create

PASSWORD = "demo-2026"
COMPANY = "长沙友元物业"

TRADES = [
    ("plumbing", "水工"),
    ("electrical", "电工"),
    ("gas", "燃气"),
    ("carpentry", "木工门窗"),
    ("lift", "电梯"),
    ("civil", "土建防水"),
    ("hvac", "空调暖通"),
    ("low_voltage", "弱电"),
]
WARRANTY = [("结构（设计年限）", None), ("防水与外墙渗漏", 60), ("供暖与制冷", 24), ("电气、给排水、设备与装修", 24)]
# code, name, trade, warranty term index, emergency words
CATEGORIES = [
    ("plumbing", "给排水", "plumbing", 3, "爆裂,爆管,漏水,水浸,跑水"),
    ("electrical", "电气", "electrical", 3, "停电,跳闸,冒烟,火花,漏电"),
    ("gas", "燃气", "gas", 3, "燃气,煤气,气味"),
    ("doors_windows", "门窗", "carpentry", 3, "锁坏,进不了门"),
    ("lift", "电梯", "lift", 3, "困人,关人,电梯停"),
    ("waterproofing", "防水渗漏", "civil", 1, "渗水,漏雨"),
    ("structure", "结构", "civil", 0, "裂缝,脱落"),
    ("hvac", "空调暖通", "hvac", 2, ""),
    ("public", "公共设施", "electrical", 3, ""),
    ("low_voltage", "弱电门禁", "low_voltage", 3, ""),
]
# code, name, category, labour, material, service
ITEMS = [
    ("PL-01", "更换水龙头", "plumbing", 30, 0, 10),
    ("PL-02", "疏通下水道", "plumbing", 50, 0, 10),
    ("PL-03", "更换角阀", "plumbing", 20, 15, 5),
    ("PL-04", "马桶水箱配件维修", "plumbing", 40, 25, 10),
    ("PL-05", "水管爆裂抢修", "plumbing", 80, 30, 20),
    ("EL-01", "更换开关插座", "electrical", 15, 12, 5),
    ("EL-02", "更换灯具（业主自备）", "electrical", 20, 0, 5),
    ("EL-03", "户内线路故障检修", "electrical", 60, 0, 20),
    ("EL-04", "更换空气开关", "electrical", 20, 35, 5),
    ("GS-01", "燃气管道检漏", "gas", 0, 0, 0),
    ("DW-01", "更换门锁", "doors_windows", 40, 80, 10),
    ("DW-02", "门窗合页调整", "doors_windows", 30, 0, 5),
    ("LF-01", "电梯困人解救", "lift", 0, 0, 0),
    ("WP-01", "卫生间防水补漏", "waterproofing", 150, 120, 30),
    ("HV-01", "空调加氟", "hvac", 80, 120, 20),
    ("HV-02", "更换空调压缩机", "hvac", 300, 1500, 50),
    ("PB-01", "公共区域灯具更换", "public", 0, 0, 0),
    ("PB-02", "公共设施维修", "public", 0, 0, 0),
    ("LV-01", "可视对讲维修", "low_voltage", 30, 0, 10),
]
# code, name, service, phone, promised hours on site (R2.23)
PROVIDERS = [
    ("DX-KD", "长沙电信宽带", "宽带与电话", "10000", 24),
    ("YD-KD", "长沙移动宽带", "宽带", "10086", 24),
    ("HX-RSQ", "华星热水器售后", "热水器", "400-800-1234", 48),
    ("AJ-DJ", "安居可视对讲", "可视对讲", "0731-85551234", 24),
    ("FD-M", "盼盼防盗门售后", "防盗门", "400-600-5678", 48),
]
# group, name, phone, note (R1.7)
DIRECTORY = [
    ("public", "急救中心", "120", ""),
    ("public", "火警", "119", ""),
    ("public", "报警", "110", ""),
    ("public", "岳麓区中心医院急诊", "0731-88123120", "最近的医院，车程10分钟"),
    ("public", "供电抢修", "95598", ""),
    ("public", "燃气抢修", "0731-96577", ""),
    ("supplier", "五金建材（阳光店）", "0731-88990011", "水管配件、灯具"),
    ("subcontractor", "绿城保洁外包", "13807310001", "大面积清洁、消杀"),
    ("subcontractor", "通力电梯维保", "400-880-2345", "电梯困人24小时"),
    ("resident", "3-1202 王女士之子", "13907310002", "业主年迈独居，急事联系"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文斌辉鹏飞宇浩然欣怡子轩梓涵雨婷俊杰志强晓东海燕春梅"
)


@dataclass(frozen=True)
class Size:
    buildings: int
    floors: int
    per_floor: int
    office_floors: int
    office_per_floor: int


SIZES = {"full": Size(6, 12, 4, 20, 6), "small": Size(3, 12, 2, 1, 2)}


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return rng.choice(["138", "139", "135", "150", "186", "187", "173"]) + f"{rng.randrange(10**8):08d}"


@transaction.atomic
def seed(size: str = "full", *, history: bool = False) -> dict[str, str]:
    """Create the demo data unless it is there already; returns the demo logins. With
    ``history`` (``make run``), the full size also gets a year of past matters first
    (demo.history)."""
    logins: dict[str, str] = {}
    if Company.objects.filter(name=COMPANY).exists():
        return _logins()
    rng = random.Random(20261123)
    shape = SIZES[size]
    password = make_password(PASSWORD)
    company = Company.objects.create(name=COMPANY)

    trades = {code: Trade.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in TRADES}
    terms = [
        WarrantyTerm.objects.get_or_create(name=n, defaults={"months": m, "seasonal": n.startswith("防水")})[0]
        for n, m in WARRANTY
    ]
    categories = {}
    for code, name, trade, term, words in CATEGORIES:
        categories[code] = Category.objects.get_or_create(
            code=code,
            defaults={"name": name, "trade": trades[trade], "warranty_term": terms[term], "emergency_words": words},
        )[0]
    ServiceItem.objects.bulk_create(
        ServiceItem(
            company=company,
            code=c,
            name=n,
            category=categories[cat],
            labour_fee=Decimal(lab),
            material_fee=Decimal(mat),
            service_fee=Decimal(svc),
        )
        for c, n, cat, lab, mat, svc in ITEMS
    )

    def user(username: str, role: str, name: str, props: list[Property], **extra: object) -> User:
        u = User.objects.create(
            username=username,
            password=password,
            role=role,
            display_name=name,
            company=company,
            phone=_phone(rng),
            **extra,
        )
        u.properties.set(props)
        logins[username] = str(Role(role).label)
        return u

    estate = Property.objects.create(
        company=company,
        name="阳光嘉园小区",
        code="YGJY",
        kind=Property.Kind.RESIDENTIAL,
        address="长沙市岳麓区阳光路88号",
        desk_phone="0731-88881234",
    )
    office = Property.objects.create(
        company=company,
        name="五凌办公楼",
        code="WLBG",
        kind=Property.Kind.OFFICE,
        address="长沙市芙蓉区五一大道168号",
        desk_phone="0731-84445678",
    )
    for prop in (estate, office):
        policies_seed(prop.pk)
    builder = Builder.objects.create(
        company=company, code="ZJ-YG", name="湖南中建阳光置业", contact_name="刘工", phone="0731-88886666"
    )
    older = Builder.objects.create(company=company, code="ZJ-WL", name="五凌建设集团", phone="0731-84442222")
    for code, name, service, phone, hours in PROVIDERS:
        Provider.objects.create(
            company=company, code=code, name=name, service=service, phone=phone, response_hours=hours
        )
    for prop in (estate, office):
        DirectoryEntry.objects.bulk_create(
            DirectoryEntry(property=prop, group=g, name=n, phone=ph, note=note) for g, n, ph, note in DIRECTORY
        )

    # 阳光嘉园: buildings 1-N; the newer half was accepted recently and is still in warranty.
    units: list[Unit] = []
    for b in range(1, shape.buildings + 1):
        done = datetime.date(2019, 6, 28) if b <= shape.buildings // 2 else datetime.date(2025, 1, 15)
        building = Building.objects.create(
            property=estate, code=str(b), name=f"{b}栋", completion_date=done, builder=builder
        )
        units += [
            Unit(property=estate, building=building, code=f"{f}{r:02d}", label=f"{b}-{f}{r:02d}", floor=f)
            for f in range(1, shape.floors + 1)
            for r in range(1, shape.per_floor + 1)
        ]
        CommonArea.objects.create(property=estate, building=building, name=f"{b}栋电梯")
        CommonArea.objects.create(property=estate, building=building, name=f"{b}栋大堂")
    for name in ("小区大门", "地下车库", "中心花园", "垃圾站", "监控室"):
        CommonArea.objects.create(property=estate, name=name)
    tower = Building.objects.create(
        property=office, code="A", name="A座", completion_date=datetime.date(2016, 3, 1), builder=older
    )
    units += [
        Unit(property=office, building=tower, code=f"{f}{r:02d}", label=f"A-{f}{r:02d}", floor=f)
        for f in range(1, shape.office_floors + 1)
        for r in range(1, shape.office_per_floor + 1)
    ]
    for name in ("A座大堂", "A座电梯厅", "地下停车场", "空调机房"):
        CommonArea.objects.create(property=office, building=tower, name=name)
    Unit.objects.bulk_create(units)
    units = list(Unit.objects.filter(property__company=company).order_by("id"))

    households, residents = [], []
    for unit in units:
        if unit.label in ("3-1202", "3-1201", "1-101", "1-102", "A-101", "A-102") or rng.random() < 0.85:
            name = (
                (_name(rng)[0] + "宅")
                if unit.property_id == estate.pk
                else f"{rng.choice('华中南新')}{rng.choice('信达科创远')}公司"
            )
            households.append(
                Household(property_id=unit.property_id, unit=unit, name=name, moved_in_on=datetime.date(2020, 1, 1))
            )
    Household.objects.bulk_create(households)
    for h in Household.objects.filter(property__company=company).select_related("unit"):
        for n in range(rng.choice((1, 2, 3))):
            residents.append(
                Resident(
                    property_id=h.property_id,
                    household=h,
                    name=_name(rng),
                    phone=_phone(rng),
                    role=Resident.Role.OWNER if n == 0 else Resident.Role.FAMILY,
                )
            )
    Resident.objects.bulk_create(residents)

    # Staff: every role at each property, and leadership for the company.
    for prop, p in ((estate, "ygjy"), (office, "wlbg")):
        user(f"{p}-agent", Role.AGENT, f"{_name(rng)}（客服）", [prop])
        user(f"{p}-agent2", Role.AGENT, f"{_name(rng)}（客服）", [prop])
        user(f"{p}-supervisor", Role.SERVICE_SUPERVISOR, f"{_name(rng)}（客服主管）", [prop])
        user(f"{p}-engineer", Role.ENGINEERING_SUPERVISOR, f"{_name(rng)}（工程主管）", [prop])
        user(f"{p}-equipment", Role.EQUIPMENT_SUPERVISOR, f"{_name(rng)}（设备主管）", [prop])
        user(f"{p}-manager", Role.MANAGER, f"{_name(rng)}（经理）", [prop])
        user(f"{p}-night", Role.NIGHT_DUTY, f"{_name(rng)}（监控室）", [prop])
        user(f"{p}-finance", Role.FINANCE, f"{_name(rng)}（财务）", [prop])
        user(f"{p}-security", Role.SECURITY, f"{_name(rng)}（保安）", [prop])
        water = Team.objects.create(property=prop, name="水电班")
        water.trades.set([trades["plumbing"], trades["electrical"], trades["gas"]])
        general = Team.objects.create(property=prop, name="综合班")
        general.trades.set(
            [trades["carpentry"], trades["civil"], trades["hvac"], trades["low_voltage"], trades["lift"]]
        )
        crew = [
            ("tech1", water, ["plumbing"], True),
            ("tech2", water, ["electrical", "gas"], True),
            ("tech3", general, ["carpentry", "civil"], True),
            ("tech4", general, ["hvac", "lift", "low_voltage"], False),
        ]
        for suffix, team, skills, on_duty in crew:
            t = user(f"{p}-{suffix}", Role.TECHNICIAN, f"{_name(rng)}（维修工）", [prop], team=team, on_duty=on_duty)
            t.trades.set([trades[s] for s in skills])
    user("leader", Role.EXECUTIVE, f"{_name(rng)}（总经理）", [])
    administrator_grant(user("admin", Role.ADMINISTRATOR, f"{_name(rng)}（系统管理员）", []))

    # Resident logins: two neighbours in building 3 and an office tenant.
    for username, label in (("resident", "3-1202"), ("neighbour", "3-1201"), ("tenant", "A-101")):
        r = Resident.objects.filter(household__unit__label=label, household__unit__property__company=company).first()
        assert r is not None
        r.user = User.objects.create(
            username=username,
            password=password,
            role=Role.RESIDENT,
            display_name=r.name,
            phone=r.phone,
            company=company,
        )
        r.save(update_fields=["user"])
        logins[username] = f"{Role.RESIDENT.label} {label}"
    if size == "full":
        if history:
            seed_history()  # a year of matters, before today's few tickets
        demo_tickets()
        demo_settlement()
        demo_surveys()
    return logins


def demo_tickets() -> None:
    """A few tickets in different states, made through the services like real work."""
    agent, tech = User.objects.get(username="ygjy-agent"), User.objects.get(username="ygjy-tech1")

    def draft(**fields: object) -> TicketDraft:
        base = {"property": "YGJY", "category": "plumbing", "reporter_phone": "13800138000", "channel": "phone"}
        return draft_from({**base, **fields})

    ticket_create(by=agent, draft=draft(unit="3-1202", urgency="emergency", description="厨房水管爆裂，水流到楼下"))
    t = ticket_create(by=agent, draft=draft(unit="2-801", category="electrical", description="卧室插座没电"))
    work.work_order_dispatch(ticket=t, by=agent, assignee="ygjy-tech2")
    t = ticket_create(by=agent, draft=draft(unit="1-1102", category="hvac", description="空调不制冷"))
    work.work_order_dispatch(ticket=t, by=agent, assignee="ygjy-tech1")
    work.work_order_accept(ticket=t, by=tech)
    work.work_order_arrive(ticket=t, by=tech)
    work.work_order_confirm(ticket=t, by=tech, items=[ItemIn.model_validate({"item": "HV-01"})], fault_note="缺氟")
    t = ticket_create(by=agent, draft=draft(common_area="3栋大堂", category="public", description="大堂吊灯不亮"))
    work.work_order_dispatch(ticket=t, by=agent, assignee="ygjy-tech1")
    work.work_order_accept(ticket=t, by=tech)
    work.work_order_arrive(ticket=t, by=tech)
    work.work_order_confirm(ticket=t, by=tech, items=[ItemIn.model_validate({"item": "PB-01"})])
    work.work_order_complete(ticket=t, by=tech, result_note="更换灯管两支")
    work.work_order_sign_off(ticket=t, by=tech, satisfaction=5, signed_by="王芳")
    work.work_order_report_back(ticket=t, by=tech, materials_used="LED灯管 2支")
    work.work_order_close(ticket=t, by=agent, note="已回访，客户满意")
    # A repair in warranty sent to the builder, a broadband fault with the provider.
    ticket_create(
        by=agent,
        draft=draft(unit="5-601", category="waterproofing", description="卫生间渗水到楼下", route="Z", party="ZJ-YG"),
    )
    ticket_create(
        by=agent,
        draft=draft(unit="2-302", category="low_voltage", description="宽带断网两天", route="Q", party="DX-KD"),
    )
    # A complaint, a help request, a written consultation and a suggestion.
    ticket_create(
        by=agent,
        draft=draft(
            kind="complaint",
            unit="1-101",
            category=None,
            description="夜间装修噪音，保安多次劝阻无效",
            complaint={"severity": "important", "department": "security", "demand": "今晚前停止夜间施工"},
        ),
    )
    ticket_create(
        by=agent,
        draft=draft(
            kind="help", unit="3-1201", category=None, description="老人在家摔倒，起不来", help={"category": "medical"}
        ),
    )
    ticket_create(
        by=agent,
        draft=draft(
            kind="consultation",
            unit="2-801",
            category=None,
            channel="written",
            description="来函询问2027年物业费调整依据",
        ),
    )
    ticket_create(
        by=agent,
        draft=draft(kind="suggestion", unit="1-102", category=None, description="建议中心花园增设儿童游乐设施"),
    )


# Comments residents leave on the demo survey.
SURVEY_COMMENTS = [
    "中心花园的草坪很久没修剪了，杂草多",
    "维修师傅上门很快，态度好",
    "希望公布物业费的使用明细",
    "晚上小区门口的灯坏了两盏",
    "前台小姑娘很耐心，点赞",
]


def demo_surveys() -> None:
    """A survey plan for each property and this month's survey at 阳光嘉园, answered by
    some households through the desk and by ``neighbour`` online; greening scores low,
    so the results page has a weak aspect to act on (R8.3). ``resident`` (3-1202) has not
    answered yet and can try the survey on the resident pages."""
    estate, office = Property.objects.get(code="YGJY"), Property.objects.get(code="WLBG")
    SurveyPlan.objects.create(property=estate, every_months=3, days_open=30)
    SurveyPlan.objects.create(property=office, every_months=6, days_open=30)
    manager, agent = User.objects.get(username="ygjy-manager"), User.objects.get(username="ygjy-agent")
    today = local_today(estate.time_zone)
    survey = survey_open(
        prop=estate,
        by=manager,
        title=default_title(f"{today:%Y-%m}"),
        opens_on=today,
        closes_on=today + datetime.timedelta(days=29),
        aspects=default_aspects(),
    )
    questions = list(survey.questions.order_by("position"))
    rng = random.Random(83)
    good, weak = (1, 1, 3, 8, 7), (3, 5, 6, 4, 2)  # weights of the scores 1..5
    methods = [SurveyAnswer.Method.PHONE, SurveyAnswer.Method.FACE_TO_FACE, SurveyAnswer.Method.PAPER]
    households = Household.objects.filter(property=estate).exclude(unit__label__in=("3-1202", "3-1201"))
    for n, household in enumerate(households.order_by("id")[:60:3]):
        scores = {q.pk: rng.choices(range(1, 6), weights=weak if q.position == 6 else good)[0] for q in questions}
        comment = SURVEY_COMMENTS[n % len(SURVEY_COMMENTS)] if n % 4 == 0 else ""
        survey_answer(
            survey=survey, household=household, by=agent, scores=scores, comment=comment, method=methods[n % 3]
        )
    neighbour = User.objects.get(username="neighbour")
    home = Household.objects.get(residents__user=neighbour)
    survey_answer(
        survey=survey,
        household=home,
        by=neighbour,
        scores={q.pk: 2 if q.position == 6 else 4 for q in questions},
        comment="绿化带里的枯树一直没人清理",
    )


def _logins() -> dict[str, str]:
    return {u.username: str(Role(u.role).label) for u in User.objects.filter(company__name=COMPANY).order_by("id")}
