"""The monthly report pack's rules pinned exactly (R8.1-R8.3, R2.20, R6.2, R6.8): each
table's month to the microsecond (00:00 on the 1st and 23:59:59.999999 on the last day
are in; 23:59:59.999999 the day before and 00:00 on the next month's 1st are out), what one
property's pack leaves to the others, what counts as a major repair, a promise whose
breach was recorded, the order of ties and the top-N cut-off, the people's figures and
the titles in both languages. Each data set is small and built from model rows with the
helpers of ``test_monthly_pack`` (November 2026, Asia/Shanghai), so every figure is
known by construction. Names in Latin letters (a person may be written so) make the
order of names visible against the placeholders a name must never be taken for."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

import assistance.kind
import complaints.kind
import repairs.kind
from catalog.models import Category
from estates.models import Household, Property
from followups.models import FollowUp, Service
from people.models import Role, User
from promises.models import Clock
from reports.tests.test_monthly_pack import Rows, company_pack, local, ygjy_pack
from tickets.models import Channel, Impact, Ticket, Urgency

REPAIR, COMPLAINT = repairs.kind.REPAIR, complaints.kind.COMPLAINT
US = datetime.timedelta(microseconds=1)
DAY = datetime.timedelta(days=1)
START = local(2026, 11, 1)  # the first instant of November, Shanghai
END = local(2026, 12, 1)  # the first instant of December: out
LAST = END - US  # 2026-11-30 23:59:59.999999: in
BEFORE = START - US  # 2026-10-31 23:59:59.999999: out
DASH = "—"


def technician(username: str, name: str) -> User:
    """A YGJY technician with the display name the tables show."""
    return User.objects.create(username=username, display_name=name, role=Role.TECHNICIAN)


def tech(username: str) -> User:
    return User.objects.get(username=username)


def repair(d: Rows, at: datetime.datetime, **fields: Any) -> Ticket:
    return d.ticket(d.ygjy, REPAIR, at, **fields)


# --- Tickets by kind, category and channel (R8.1) --------------------------------------------


def test_r8_1_a_category_name_is_shown_as_written_even_when_it_spells_a_channel(estate):
    """R8.1: the category table shows a category's own name; only the channel table reads a
    channel's code as its label. A category named "online" is not the online channel."""
    d = Rows()
    plumbing = Category.objects.get(code="plumbing")
    broadband = Category.objects.create(code="broadband", name="online", trade_id=plumbing.trade_id)
    d.categories[broadband.code] = broadband
    repair(d, local(2026, 11, 5, 9), category="broadband", channel=Channel.PHONE, unit="1-101")
    pack = ygjy_pack()
    assert pack.table("by_category").rows == [[_("repair request"), "online", 1]]
    assert pack.table("by_channel").rows == [[_("repair request"), _("phone"), 1]]
    assert _("online") != "online"  # the test language does translate the channel


def test_r8_1_ties_within_a_kind_go_by_name_and_no_category_comes_last(estate):
    """R8.1: within a kind the most tickets first; equal counts by category name or channel
    code, a repair without a category ("—") after the named ones; kinds by their code."""
    d = Rows()
    repair(d, local(2026, 11, 3, 9), channel=Channel.WRITTEN, unit="1-101")  # no category
    repair(d, local(2026, 11, 4, 9), category="plumbing", channel=Channel.ONLINE, unit="1-102")
    d.ticket(d.ygjy, COMPLAINT, local(2026, 11, 5, 9), channel=Channel.PHONE, unit="1-201")
    d.ticket(d.ygjy, COMPLAINT, local(2026, 11, 6, 9), channel=Channel.PHONE, unit="1-202")
    pack = ygjy_pack()
    plumbing = Category.objects.get(code="plumbing").name
    assert pack.table("by_category").rows == [
        [_("complaint"), DASH, 2],
        [_("repair request"), plumbing, 1],
        [_("repair request"), DASH, 1],
    ]
    assert pack.table("by_channel").rows == [
        [_("complaint"), _("phone"), 2],
        [_("repair request"), _("online"), 1],
        [_("repair request"), _("written"), 1],
    ]


def test_r8_1_top_repair_categories_count_repairs_only(estate):
    """R8.1: a complaint may carry a category (the intake takes one for any kind), but the
    top repair categories count repairs alone."""
    d = Rows()
    d.ticket(d.ygjy, COMPLAINT, local(2026, 11, 3, 9), category="plumbing", unit="1-101")
    d.ticket(d.ygjy, assistance.kind.HELP, local(2026, 11, 3, 10), category="plumbing", unit="1-102")
    repair(d, local(2026, 11, 4, 9), category="electrical", unit="1-201")
    pack = ygjy_pack()
    assert pack.table("top_categories").rows == [[Category.objects.get(code="electrical").name, 1]]
    assert pack.charts["categories"] == [[Category.objects.get(code="electrical").name, 1]]


def test_r8_1_repeat_units_are_cut_at_ten_ties_by_label(estate):
    """R8.1: units with two or more repairs, the most first; equal counts by the unit's
    label (as text: 1-1001 before 1-101), and no more than ten rows, so the ties at the
    cut-off are decided by the label, not by the order the units were built in."""
    d = Rows()
    day = iter(range(1, 31))
    for _n in range(3):
        repair(d, local(2026, 11, next(day), 9), category="plumbing", unit="1-301")
    twice = ["1-101", "1-102", "1-201", "1-202", "1-401", "1-1001", "1-1002", "1-1101", "1-1102", "1-1201", "1-1202"]
    for label in twice:
        repair(d, local(2026, 11, 10, 9), category="plumbing", unit=label)
        repair(d, local(2026, 11, 11, 9), category="plumbing", unit=label)
    repair(d, local(2026, 11, 12, 9), category="plumbing", unit="2-101")  # once: not repeated
    d.ticket(d.ygjy, COMPLAINT, local(2026, 11, 12, 10), unit="2-101")  # a complaint is no repair
    assert ygjy_pack().table("repeat_units").rows == [
        ["1-301", 3],
        ["1-1001", 2],
        ["1-1002", 2],
        ["1-101", 2],
        ["1-102", 2],
        ["1-1101", 2],
        ["1-1102", 2],
        ["1-1201", 2],
        ["1-1202", 2],
        ["1-201", 2],
    ]


# --- Promises kept (R8.1, R8.2) ---------------------------------------------------------------


def test_r8_1_a_promise_whose_breach_was_recorded_stays_missed(estate):
    """R8.1/R8.2: a clock the sweep recorded as breached counts as missed even when the
    meeting time written afterwards is not after the due time (a request read its clock
    before the due time and wrote after the sweep): the breach was escalated, and a
    missed promise stays missed, for the property and for the technician."""
    d = Rows()
    t1 = tech("ygjy-tech1")
    kept = repair(d, local(2026, 11, 3, 9), category="plumbing", unit="1-101", assignee=t1)
    raced = repair(d, local(2026, 11, 4, 9), category="plumbing", unit="1-102", assignee=t1)
    d.deadline(kept, Clock.ARRIVE, local(2026, 11, 3, 10), met=local(2026, 11, 3, 9, 50))
    d.deadline(raced, Clock.ARRIVE, local(2026, 11, 4, 10), met=local(2026, 11, 4, 9, 59), breached=True)
    pack = ygjy_pack()
    assert pack.table("on_time").rows == [[_("arrive on site"), 2, 1, 1, 50.0, 100.0]]
    assert pack.table("technicians").rows == [[str(t1), 0, 0, 50.0, None]]


# --- Quality targets (R2.20) ------------------------------------------------------------------


def major(d: Rows, prop: Property, closed: datetime.datetime, *, kind: str = REPAIR, **fields: Any) -> Ticket:
    """A ticket reported two days before it was closed (its report time is not what counts)."""
    return d.ticket(prop, kind, closed - 2 * DAY, closed=closed, **fields)


def followed(d: Rows, ticket: Ticket, *, purpose: str = FollowUp.Purpose.SERVICE) -> FollowUp:
    """The ticket's follow-up (by default the service follow-up), done the day after it closed."""
    service = Service.REPAIR if ticket.kind == REPAIR else Service.COMPLAINT
    closed = ticket.closed_at
    assert closed is not None
    return d.followup(ticket, service, closed + 5 * DAY, purpose=purpose, done=closed + DAY)


def test_r2_20_major_repairs_are_emergencies_or_beyond_one_household(estate):
    """R2.20: a major repair is an emergency, or one reaching beyond one household (a
    building, the whole property); a routine repair of one home is not major."""
    d = Rows()
    y = d.ygjy
    followed(d, major(d, y, local(2026, 11, 10, 9), urgency=Urgency.EMERGENCY, unit="1-101"))
    followed(d, major(d, y, local(2026, 11, 11, 9), impact=Impact.BUILDING, area="3栋电梯"))
    major(d, y, local(2026, 11, 12, 9), impact=Impact.PROPERTY, area="小区大门")  # not followed up
    major(d, y, local(2026, 11, 13, 9), unit="1-102")  # routine, one home: not major
    assert ygjy_pack().table("quality").rows[1] == [_("major repairs followed up"), 2, 3, 66.7, 100.0]


def test_r2_20_major_repairs_closed_in_the_month_at_this_property(estate):
    """R2.20: the major repairs closed (status closed) in the month to the microsecond, of
    this property; a cancelled repair (closed_at set, but cancelled), a complaint and the
    other property's repair are not; the company's pack adds the other property's."""
    d = Rows()
    y, w = d.ygjy, d.wlbg
    building = {"impact": Impact.BUILDING, "area": "3栋电梯"}
    followed(d, major(d, y, BEFORE, **building))  # October
    followed(d, major(d, y, START, urgency=Urgency.EMERGENCY, unit="1-101"))
    last = major(d, y, LAST, impact=Impact.PROPERTY, area="小区大门")
    followed(d, last, purpose=FollowUp.Purpose.QUICK_CALL)  # only a quick call
    followed(d, major(d, y, END, **building))  # December
    cancelled = major(d, y, local(2026, 11, 15, 9), urgency=Urgency.EMERGENCY, unit="1-102")
    followed(d, cancelled)
    Ticket.objects.filter(pk=cancelled.pk).update(status="cancelled")  # the workflow sets closed_at on cancelling
    followed(d, major(d, y, local(2026, 11, 16, 9), kind=COMPLAINT, **building))
    followed(d, major(d, w, local(2026, 11, 17, 9), impact=Impact.PROPERTY))
    assert ygjy_pack().table("quality").rows[1] == [_("major repairs followed up"), 1, 2, 50.0, 100.0]
    assert company_pack().table("quality").rows[1] == [_("major repairs followed up"), 2, 3, 66.7, 100.0]


def test_r2_20_reworks_of_the_months_repairs_at_this_property(estate):
    """R2.20: the rework rate counts the reworks among the repairs reported in the month
    (to the microsecond) at this property, charged to whoever did the original job; a
    rework reported just before or just after the month, or at the other property, is
    not this month's (the company's pack adds the other property's)."""
    d = Rows()
    t1, wt1 = tech("ygjy-tech1"), tech("wlbg-tech1")

    def rework(prop: Property, at: datetime.datetime, by: User, unit: str) -> None:
        old = d.ticket(prop, REPAIR, local(2026, 9, 10, 9), unit=unit, assignee=by, closed=local(2026, 9, 11, 9))
        original = d.order(old, completed=local(2026, 9, 10, 11), satisfaction=5)
        d.order(d.ticket(prop, REPAIR, at, unit=unit), rework_of=original)  # not completed yet

    rework(d.ygjy, BEFORE, t1, "1-101")
    rework(d.ygjy, START, t1, "1-102")
    rework(d.ygjy, LAST, t1, "1-201")
    rework(d.ygjy, END, t1, "1-202")
    rework(d.wlbg, local(2026, 11, 15, 9), wt1, "A-101")
    repair(d, local(2026, 11, 5, 9), unit="2-101")
    repair(d, local(2026, 11, 6, 9), unit="2-102")
    ygjy, company = ygjy_pack(), company_pack()
    assert ygjy.table("quality").rows[0] == [_("rework rate"), 2, 4, 50.0, 1.0]
    assert ygjy.table("technicians").rows == [[str(t1), 0, 2, None, None]]
    assert company.table("quality").rows[0] == [_("rework rate"), 3, 5, 60.0, 1.0]
    assert company.table("technicians").rows == [[str(t1), 0, 2, None, None], [str(wt1), 0, 1, None, None]]


# --- Follow-ups (R6.2, R6.8) and satisfaction (R8.1) ------------------------------------------


def test_r6_2_and_r6_8_follow_ups_whose_window_ended_in_the_month(estate, persona):
    """R6.2/R6.8: coverage and each person's follow-ups count the windows that ended in
    the month to the microsecond: one ending at 23:59:59.999999 on 31 October or at 00:00
    on 1 December is another month's, done or not."""
    d = Rows()
    agent = persona("ygjy-agent")
    windows = [
        (BEFORE, local(2026, 10, 30, 9), 1),  # October's, done
        (START, local(2026, 10, 31, 9), 5),  # done within its window
        (LAST, None, None),  # still to call
        (END, local(2026, 11, 20, 9), 2),  # December's, done early
    ]
    for i, (due_by, done, satisfaction) in enumerate(windows):
        t = repair(d, local(2026, 9, 1 + i, 9), unit="1-101")
        d.followup(t, Service.REPAIR, due_by, done=done, satisfaction=satisfaction, assignee=agent, attempts=1)
    pack = ygjy_pack()
    assert pack.table("follow_up").rows == [[_("repair"), 2, 1, 50.0, 80]]
    assert pack.table("follow_up_staff").rows == [[str(agent), 2, 1, 1, 1, 2, 50.0, 5.0]]


def test_r6_8_people_with_as_many_follow_ups_go_by_name_unassigned_first(estate, persona):
    """R6.8: the most follow-ups first; equal totals by the person's name, the unassigned
    ones (shown as such) before any name, so the order never depends on who was added to
    the system first."""
    d = Rows()
    agent = persona("ygjy-agent")
    zhang = technician("ygjy-zhang", "Zhang Wei")  # added first,
    li = technician("ygjy-li", "Li Na")  # listed first
    due = local(2026, 11, 20)
    people = [(agent, local(2026, 11, 18, 9), 4, 0), (agent, None, None, 2), (zhang, None, None, 0)]
    people += [(li, None, None, 1), (None, None, None, 0)]
    for i, (who, done, satisfaction, attempts) in enumerate(people):
        t = repair(d, local(2026, 10, 1 + i, 9), unit="1-101")
        d.followup(t, Service.REPAIR, due, done=done, satisfaction=satisfaction, assignee=who, attempts=attempts)
    assert ygjy_pack().table("follow_up_staff").rows == [
        [str(agent), 2, 1, 1, 1, 2, 50.0, 4.0],
        [_("unassigned"), 1, 0, 0, 1, 0, 0.0, None],
        ["Li Na", 1, 0, 0, 1, 1, 0.0, None],
        ["Zhang Wei", 1, 0, 0, 1, 0, 0.0, None],
    ]


def test_r8_1_follow_up_satisfaction_counts_the_calls_done_in_the_month(estate):
    """R8.1: the follow-up satisfaction reads the calls done in the month to the
    microsecond, whatever their window: 23:59:59.999999 on 31 October and 00:00 on
    1 December are not November's."""
    d = Rows()
    for i, (done, satisfaction) in enumerate([(BEFORE, 1), (START, 5), (LAST, 2), (END, 1)]):
        t = repair(d, local(2026, 9, 1 + i, 9), unit="1-101")
        d.followup(t, Service.REPAIR, local(2026, 12, 20), done=done, satisfaction=satisfaction)
    assert ygjy_pack().table("satisfaction").rows[1] == [_("follow-up"), 2, 3.5, 1]


# --- Technicians (R8.2) -----------------------------------------------------------------------


def test_r8_2_technicians_with_as_many_jobs_go_by_name_and_no_job_comes_last(estate):
    """R8.2: the most jobs first; equal numbers of jobs by name, not by who was added to
    the system first; a technician charged only with a rework (no job of their own this
    month) counts no job and comes after those with one."""
    d = Rows()
    zhang = technician("ygjy-zhang", "Zhang Wei")  # added first
    li = technician("ygjy-li", "Li Na")
    qian = technician("ygjy-qian", "Qian Hao")  # no job this month, one reworked
    for who, satisfaction, unit in [(zhang, 5, "1-101"), (li, 4, "1-102")]:
        t = repair(d, local(2026, 11, 5, 9), unit=unit, assignee=who)
        d.order(t, completed=local(2026, 11, 5, 11), satisfaction=satisfaction)
    old = repair(d, local(2026, 10, 5, 9), unit="1-201", assignee=qian, closed=local(2026, 10, 6, 9))
    first = d.order(old, completed=local(2026, 10, 5, 11))
    d.order(repair(d, local(2026, 11, 8, 9), unit="1-201"), rework_of=first)
    pack = ygjy_pack()
    assert pack.table("technicians").rows == [
        ["Li Na", 1, 0, None, 4.0],
        ["Zhang Wei", 1, 0, None, 5.0],
        ["Qian Hao", 0, 1, None, None],
    ]
    assert pack.charts["technicians"] == [["Li Na", 1, None], ["Zhang Wei", 1, None], ["Qian Hao", 0, None]]


# --- Surveys (R8.3) and the titles ------------------------------------------------------------


def test_r8_3_a_survey_nobody_answered_has_no_weakest_aspect(clock, persona):
    """R8.3: a survey that closed in the month without an answer is listed with a response
    rate of 0, no average and no weakest aspect (a dash), not left out."""
    from surveys.services import survey_open

    ygjy = Property.objects.get(code="YGJY")
    clock.move_to(local(2026, 11, 16, 9))
    survey_open(
        prop=ygjy,
        by=persona("ygjy-manager"),
        title="绿化调查",
        opens_on=datetime.date(2026, 11, 16),
        closes_on=datetime.date(2026, 11, 30),
        aspects=["绿化养护"],
    )
    asked = Household.objects.filter(property=ygjy).count()
    assert asked > 0
    assert ygjy_pack().table("surveys").rows == [[ygjy.name, "绿化调查", "2026-11-30", asked, 0, 0.0, None, DASH, None]]


TITLES = [
    "Tickets by kind and category",
    "Tickets by kind and channel",
    "On-time rate of each promise",
    "Quality targets",
    "Follow-up coverage",
    "Satisfaction",
    "Paid and free repairs",
    "Jobs over the standard working time",
    "Top repair categories",
    "Units with repeated repairs",
    "Technicians",
    "Follow-ups by person",
    "Satisfaction surveys",
    "Tickets over 12 months",
]


def test_r8_1_each_tables_title_in_chinese_and_in_english(estate):
    """R8.1: every table (a sheet of the workbook, a section of the PDF) has its own title,
    in Chinese for the company and in English for a reader who chose English."""
    for language in ("zh-hans", "en"):
        with translation.override(language):
            titles = [t.title for t in ygjy_pack().tables]
            assert titles == [_(m) for m in TITLES], language
    with translation.override("en"):
        assert titles == TITLES
