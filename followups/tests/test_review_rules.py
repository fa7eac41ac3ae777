"""The quarterly review's rules pinned one by one (R6.6): quarters and their boundaries,
what counts as a finding and what it lists, the manager's decision as recorded, and the
corrective action's steps, messages and events."""

from __future__ import annotations

import datetime
import itertools
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from base.errors import Conflict, Forbidden, IllegalTransition, InvalidInput
from catalog.models import Category
from complaints.models import Complaint
from conftest import SHANGHAI, T0
from estates.models import Building, CommonArea, Property, Unit
from followups import review
from followups.models import CorrectiveAction, FollowUp, ReviewDecision
from followups.review import (
    corrective_action_open,
    corrective_action_progress,
    finding_decide,
    quarter_bounds,
    quarter_of,
    quarterly_findings,
)
from people.models import User
from tickets.models import Ticket

DAY = datetime.timedelta(days=1)
TICK = datetime.timedelta(microseconds=1)
Q4_START = datetime.datetime(2026, 10, 1, tzinfo=SHANGHAI)
Q4_END = datetime.datetime(2027, 1, 1, tzinfo=SHANGHAI)
EMPTY = "This field cannot be empty."
_SEQ = itertools.count()


@pytest.fixture
def ygjy(clock) -> Property:
    return Property.objects.get(code="YGJY")


def unit(label: str, code: str = "YGJY") -> Unit:
    return Unit.objects.get(property__code=code, label=label)


def area(name: str) -> CommonArea:
    return CommonArea.objects.get(property__code="YGJY", name=name)


def category(code: str) -> Category:
    return Category.objects.get(code=code)


def tickets(
    prop: Property,
    n: int,
    *,
    kind: str = "repair",
    at: datetime.datetime = T0,
    step: datetime.timedelta = datetime.timedelta(minutes=1),
    place: Unit | CommonArea | None = None,
    cat: Category | None = None,
    department: str | None = None,
) -> list[Ticket]:
    """``n`` tickets reported ``step`` apart from ``at`` (made with bulk_create), in ``id`` order;
    complaints get their department when one is given."""
    numbers = [f"RVW{next(_SEQ):06d}" for _ in range(n)]
    Ticket.objects.bulk_create(
        Ticket(
            number=number,
            property=prop,
            kind=kind,
            status="closed",
            unit=place if isinstance(place, Unit) else None,
            common_area=place if isinstance(place, CommonArea) else None,
            category=cat,
            reporter_name="王芳",
            reporter_phone="13800138000",
            description="复查",
            reported_at=at + i * step,
            created_at=at + i * step,
            updated_at=at + i * step,
        )
        for i, number in enumerate(numbers)
    )
    made = list(Ticket.objects.filter(number__in=numbers).order_by("id"))
    if department is not None:
        Complaint.objects.bulk_create(Complaint(ticket=t, property=prop, department=department) for t in made)
    return made


def unhappy(
    prop: Property,
    *,
    ticket: Ticket | None = None,
    building: Building | None = None,
    done_at: datetime.datetime = T0,
    satisfaction: int = 2,
    status: str = FollowUp.Status.DONE,
    shortcomings: str = "",
    quality: str = "",
) -> FollowUp:
    return FollowUp.objects.create(
        property=prop,
        ticket=ticket,
        building=building,
        purpose=FollowUp.Purpose.SERVICE if ticket else FollowUp.Purpose.WARRANTY_PERIODIC,
        service="repair",
        status=status,
        satisfaction=satisfaction,
        shortcomings=shortcomings,
        quality=quality,
        due_from=done_at,
        due_by=done_at + DAY,
        next_try_at=done_at,
        planned_at=done_at,
        done_at=done_at,
    )


def by_finding(prop: Property, quarter: str = "2026Q4") -> dict[str, list[review.FindingRow]]:
    out: dict[str, list[review.FindingRow]] = {}
    for row in quarterly_findings(prop, quarter):
        out.setdefault(row.finding, []).append(row)
    return out


def numbers(row: review.FindingRow) -> list[str]:
    return [t.number for t in row.tickets]


def an_action(prop: Property, manager: User, **over: object) -> CorrectiveAction:
    fields: dict[str, object] = {
        "title": "立管反复漏水",
        "owner": "ygjy-engineer",
        "root_cause": "立管老化",
        "action": "更换立管",
        "due_on": datetime.date(2026, 12, 31),
        "tickets": [],
    }
    fields.update(over)
    return corrective_action_open(prop=prop, by=manager, **fields)  # type: ignore[arg-type]


# --- Quarters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "quarter"),
    [(1, "Q1"), (3, "Q1"), (4, "Q2"), (6, "Q2"), (7, "Q3"), (9, "Q3"), (10, "Q4"), (12, "Q4")],
)
def test_r6_6_a_day_belongs_to_the_quarter_of_its_month(month, quarter):
    """R6.6: January to March is Q1, ..., October to December is Q4 (first and last month of each)."""
    assert quarter_of(datetime.date(2026, month, 15)) == f"2026{quarter}"


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        ("2026Q1", datetime.date(2026, 1, 1), datetime.date(2026, 4, 1)),
        ("2026Q2", datetime.date(2026, 4, 1), datetime.date(2026, 7, 1)),
        ("2026Q3", datetime.date(2026, 7, 1), datetime.date(2026, 10, 1)),
        ("2026Q4", datetime.date(2026, 10, 1), datetime.date(2027, 1, 1)),
    ],
)
def test_r6_6_each_quarter_runs_from_its_first_local_day_to_the_next_quarters(quarter, start, end):
    """R6.6: the bounds of every quarter, in the property's time zone."""
    tz = zoneinfo.ZoneInfo("Europe/London")
    midnight = datetime.time(tzinfo=tz)
    assert quarter_bounds(quarter, "Europe/London") == (
        datetime.datetime.combine(start, midnight),
        datetime.datetime.combine(end, midnight),
    )


def test_r6_6_a_badly_written_quarter_is_refused_with_its_message():
    """R6.6: a quarter not written like 2026Q4 is refused, naming the quarter field."""
    with pytest.raises(InvalidInput) as err:
        quarter_bounds("2026Q5", "Asia/Shanghai")
    assert (err.value.message, err.value.field) == (_("A quarter is written like 2026Q4."), "quarter")


# --- Unsatisfactory follow-ups ----------------------------------------------------------


def test_r6_6_unsatisfactory_follow_ups_done_in_the_quarter_are_findings_in_order(ygjy):
    """R6.6: a done follow-up with satisfaction 2 or less, done from the quarter's first instant
    until before the next quarter's, is a finding keyed by the follow-up, its label the ticket
    number and what went wrong, listed by when it was done."""
    late, first, mid = tickets(ygjy, 3, place=unit("1-101"))
    f_late = unhappy(ygjy, ticket=late, done_at=Q4_END - TICK, satisfaction=1, shortcomings="又漏了")
    f_first = unhappy(ygjy, ticket=first, done_at=Q4_START, quality="态度差")
    f_mid = unhappy(ygjy, ticket=mid, done_at=T0, satisfaction=2)
    [a, b, c] = by_finding(ygjy)["unsatisfied"]
    assert [(r.key, r.label, r.tickets) for r in (a, b, c)] == [
        (f"followup:{f_first.pk}", f"{first.number}: 态度差", [first]),
        (f"followup:{f_mid.pk}", f"{mid.number}: 2", [mid]),
        (f"followup:{f_late.pk}", f"{late.number}: 又漏了", [late]),
    ]


def test_r6_6_only_done_unsatisfied_follow_ups_of_the_property_and_quarter_count(ygjy):
    """R6.6: satisfaction 3 is not unsatisfactory; a follow-up not done, one done the instant
    before the quarter or at the next quarter's start, or one of another property is not a finding."""
    wlbg = Property.objects.get(code="WLBG")
    ours = tickets(ygjy, 4, place=unit("1-102"))
    theirs = tickets(wlbg, 1, place=unit(Unit.objects.filter(property=wlbg).first().label, "WLBG"))  # type: ignore[union-attr]
    unhappy(ygjy, ticket=ours[0], satisfaction=3)
    unhappy(ygjy, ticket=ours[1], status=FollowUp.Status.PLANNED, satisfaction=1)
    unhappy(ygjy, ticket=ours[2], done_at=Q4_START - TICK)
    unhappy(ygjy, ticket=ours[3], done_at=Q4_END)
    unhappy(wlbg, ticket=theirs[0], satisfaction=1)
    assert quarterly_findings(ygjy, "2026Q4") == []
    [previous] = quarterly_findings(ygjy, "2026Q3")
    assert previous.tickets == [ours[2]]


def test_r6_6_an_unsatisfactory_building_visit_is_a_finding_without_tickets(ygjy):
    """R6.6: a warranty visit has no ticket: its finding lists none and is labelled by the building."""
    building = Building.objects.filter(property=ygjy).order_by("id").first()
    assert building is not None
    unhappy(ygjy, building=building, satisfaction=1, quality="外墙渗水")
    [row] = quarterly_findings(ygjy, "2026Q4")
    assert (row.tickets, row.label) == ([], f"{building}: 外墙渗水")


def test_r6_6_a_long_complaint_about_the_follow_up_is_cut_to_200_characters(ygjy):
    """R6.6: the finding's label holds at most 200 characters."""
    [t] = tickets(ygjy, 1, place=unit("1-1001"))
    unhappy(ygjy, ticket=t, shortcomings="漏" * 300)
    [row] = quarterly_findings(ygjy, "2026Q4")
    assert row.label == f"{t.number}: {'漏' * 300}"[:200] and len(row.label) == 200


# --- The same complaint twice, the same repair three times ------------------------------


def test_r6_6_the_same_complaint_twice_at_a_unit_lists_its_tickets_by_report_time(ygjy):
    """R6.6: two complaints about one department from one unit are a finding keyed by the unit
    and department, labelled with the place, the department's name and the count, listing only
    those complaints by when they were reported; another unit's complaint is not in it."""
    place = unit("1-1002")
    two = tickets(ygjy, 2, kind="complaint", place=place, department="cleaning", step=-datetime.timedelta(hours=1))
    tickets(ygjy, 1, kind="complaint", place=unit("1-1101"), department="cleaning")
    tickets(ygjy, 1, kind="repair", place=place, cat=category("plumbing"))
    [row] = by_finding(ygjy)["repeat_complaint"]
    assert row.key == f"complaint:u{place.pk}:cleaning"
    cleaning = _("cleaning")
    assert row.label == f"{place.label} · {cleaning} × 2"
    assert numbers(row) == [two[1].number, two[0].number]


def test_r6_6_the_same_complaint_twice_at_a_common_area_is_keyed_by_the_area(ygjy):
    """R6.6: complaints from one common area are one finding keyed by the area, listing only
    that area's complaints; a complaint from another area is not in it."""
    lift = area("1栋电梯")
    two = tickets(ygjy, 2, kind="complaint", place=lift, department="security")
    tickets(ygjy, 1, kind="complaint", place=area("1栋大堂"), department="security")
    [row] = by_finding(ygjy)["repeat_complaint"]
    security = _("security")
    assert (row.key, row.label) == (f"complaint:a{lift.pk}:security", f"{lift.name} · {security} × 2")
    assert numbers(row) == [t.number for t in two]


def test_r6_6_a_department_no_longer_in_the_list_is_shown_by_its_code(ygjy):
    """R6.6: a complaint's department that is not one of today's departments is named by its code."""
    place = unit("1-1102")
    tickets(ygjy, 2, kind="complaint", place=place, department="canteen")
    [row] = by_finding(ygjy)["repeat_complaint"]
    assert row.label == f"{place.label} · canteen × 2"


def test_r6_6_only_complaints_count_as_repeated_complaints(ygjy):
    """R6.6: complaint tickets with no department recorded are grouped together, and a repair
    at the same unit is not one of the complaints listed."""
    place = unit("1-201")
    two = tickets(ygjy, 2, kind="complaint", place=place)
    tickets(ygjy, 1, kind="repair", place=place)
    [row] = by_finding(ygjy)["repeat_complaint"]
    assert numbers(row) == [t.number for t in two]


def test_r6_6_the_same_repair_three_times_at_a_unit_lists_its_tickets_by_report_time(ygjy):
    """R6.6: three repairs of one category at one unit are a finding keyed by the unit and the
    category, labelled with the place, the category's name and the count, listing those repairs
    by when they were reported; a complaint about the same category is not one of them."""
    place, plumbing = unit("1-202"), category("plumbing")
    three = tickets(ygjy, 3, place=place, cat=plumbing, step=-datetime.timedelta(hours=1))
    tickets(ygjy, 1, kind="complaint", place=place, cat=plumbing, department="engineering")
    tickets(ygjy, 1, place=unit("1-301"), cat=plumbing)
    [row] = by_finding(ygjy)["repeat_repair"]
    assert row.key == f"repair:u{place.pk}:{plumbing.pk}"
    assert row.label == f"{place.label} · {plumbing.name} × 3"
    assert numbers(row) == [t.number for t in reversed(three)]


def test_r6_6_the_same_repair_three_times_at_a_common_area_is_keyed_by_the_area(ygjy):
    """R6.6: repairs at one common area are one finding keyed by the area, without another area's."""
    lift, lifts = area("2栋电梯"), category("lift")
    three = tickets(ygjy, 3, place=lift, cat=lifts)
    tickets(ygjy, 1, place=area("2栋大堂"), cat=lifts)
    [row] = by_finding(ygjy)["repeat_repair"]
    assert (row.key, row.label) == (f"repair:a{lift.pk}:{lifts.pk}", f"{lift.name} · {lifts.name} × 3")
    assert numbers(row) == [t.number for t in three]


def test_r6_6_uncategorised_repairs_and_other_kinds_do_not_make_a_repeated_repair(ygjy):
    """R6.6: repairs without a category are not the same repair, and two repairs plus a ticket
    of another kind with that category are not three repairs."""
    tickets(ygjy, 3, place=unit("1-302"))
    tickets(ygjy, 2, place=unit("1-401"), cat=category("electrical"))
    tickets(ygjy, 1, kind="help", place=unit("1-401"), cat=category("electrical"))
    assert quarterly_findings(ygjy, "2026Q4") == []


def test_r6_6_repeats_count_tickets_of_the_property_reported_within_the_quarter(ygjy):
    """R6.6: a repair reported the instant before the quarter, or another property's repairs,
    do not count; one reported at the quarter's first instant does."""
    wlbg = Property.objects.get(code="WLBG")
    theirs = Unit.objects.filter(property=wlbg).order_by("id").first()
    gas, place = category("gas"), unit("1-402")
    tickets(wlbg, 3, place=theirs, cat=gas)
    tickets(ygjy, 1, place=place, cat=gas, at=Q4_START - TICK)
    tickets(ygjy, 2, place=place, cat=gas)
    assert quarterly_findings(ygjy, "2026Q4") == []
    [first] = tickets(ygjy, 1, place=place, cat=gas, at=Q4_START)
    [row] = quarterly_findings(ygjy, "2026Q4")
    assert row.tickets[0] == first and len(row.tickets) == 3
    assert [r.finding for r in quarterly_findings(wlbg, "2026Q4")] == ["repeat_repair"]


def test_r6_6_findings_and_their_decisions_are_read_in_a_fixed_number_of_queries(ygjy, persona):
    """R6.6: the review reads the follow-ups with their tickets, each finding's tickets with
    their place and category, and the decisions with their actions: no query per row."""
    [t] = tickets(ygjy, 1, place=unit("1-501"))
    unhappy(ygjy, ticket=t)
    tickets(ygjy, 2, kind="complaint", place=unit("1-502"), department="cleaning")
    tickets(ygjy, 2, kind="complaint", place=area("3栋大堂"), department="cleaning")
    tickets(ygjy, 3, place=unit("1-601"), cat=category("plumbing"))
    tickets(ygjy, 3, place=area("3栋电梯"), cat=category("lift"))
    for row in quarterly_findings(ygjy, "2026Q4"):
        finding_decide(
            prop=ygjy,
            quarter="2026Q4",
            finding=row.finding,
            key=row.key,
            by=persona("ygjy-manager"),
            open_action=True,
            owner="ygjy-engineer",
            root_cause="原因",
            action="措施",
            due_on=datetime.date(2026, 12, 31),
        )
    with CaptureQueriesContext(connection) as read:
        rows = quarterly_findings(ygjy, "2026Q4")
    assert len(read) == 8  # follow-ups, 2 complaint groups, 2 repair groups, decisions
    with CaptureQueriesContext(connection) as more:
        seen = [
            (r.decision.action.title if r.decision and r.decision.action else None, t.unit, t.common_area, t.category)
            for r in rows
            if r.finding != "unsatisfied"
            for t in r.tickets
        ]
        [followup] = [r.tickets[0].number for r in rows if r.finding == "unsatisfied"]
    assert len(more) == 0 and len(seen) == 10 and all(s[0] for s in seen) and followup == t.number


def test_r6_6_a_decision_belongs_to_its_property_and_quarter(ygjy, persona):
    """R6.6: the same repair found again next quarter is undecided there, and another
    property's decision with the same key decides nothing here."""
    place, plumbing = unit("1-602"), category("plumbing")
    tickets(ygjy, 3, place=place, cat=plumbing, at=datetime.datetime(2026, 8, 1, tzinfo=SHANGHAI))
    tickets(ygjy, 3, place=place, cat=plumbing)
    key = f"repair:u{place.pk}:{plumbing.pk}"
    finding_decide(prop=ygjy, quarter="2026Q3", finding="repeat_repair", key=key, by=persona("ygjy-manager"))
    ReviewDecision.objects.create(
        property=Property.objects.get(code="WLBG"),
        quarter="2026Q4",
        finding="repeat_repair",
        key=key,
        decided_at=T0,
        decided_by_name="x",
    )
    [row] = quarterly_findings(ygjy, "2026Q4")
    assert row.key == key and row.decision is None


# --- The manager's decision -------------------------------------------------------------


def test_r6_6_only_the_manager_decides_with_the_reason_said(ygjy, persona):
    """R6.6: anyone else is refused with the message that the manager decides."""
    tickets(ygjy, 3, place=unit("1-701"), cat=category("plumbing"))
    [row] = quarterly_findings(ygjy, "2026Q4")
    with pytest.raises(Forbidden) as err:
        finding_decide(prop=ygjy, quarter="2026Q4", finding=row.finding, key=row.key, by=persona("ygjy-agent"))
    assert err.value.message == _("The property manager decides on the findings of the review.")


def test_r6_6_a_decision_on_no_such_finding_is_refused_naming_the_quarter(ygjy, persona):
    """R6.6: a key that is not a finding of the quarter is refused on the key field."""
    with pytest.raises(InvalidInput) as err:
        finding_decide(prop=ygjy, quarter="2026Q4", finding="repeat_repair", key="x", by=persona("ygjy-manager"))
    expected = _("There is no such finding in %(quarter)s.") % {"quarter": "2026Q4"}
    assert (err.value.message, err.value.field) == (expected, "key")
    assert "2026Q4" in err.value.message


def test_r6_6_the_decision_records_who_decided_when_and_the_note(ygjy, persona, clock):
    """R6.6: no action: the decision is stored with the manager, the manager's name, the time and
    the note; without a note it is empty; a second decision is refused as already decided."""
    tickets(ygjy, 3, place=unit("1-702"), cat=category("plumbing"))
    tickets(ygjy, 2, kind="complaint", place=unit("1-702"), department="security")
    found = by_finding(ygjy)
    manager = persona("ygjy-manager")
    [repair], [complaint] = found["repeat_repair"], found["repeat_complaint"]
    made = finding_decide(
        prop=ygjy, quarter="2026Q4", finding=repair.finding, key=repair.key, by=manager, note="已整改"
    )
    bare = finding_decide(prop=ygjy, quarter="2026Q4", finding=complaint.finding, key=complaint.key, by=manager)
    d = ReviewDecision.objects.get(pk=made.pk)
    assert (d.action, d.note, d.decided_at, d.decided_by, d.decided_by_name) == (
        None,
        "已整改",
        T0,
        manager,
        str(manager),
    )
    assert ReviewDecision.objects.get(pk=bare.pk).note == ""
    with pytest.raises(Conflict) as err:
        finding_decide(prop=ygjy, quarter="2026Q4", finding=repair.finding, key=repair.key, by=manager)
    assert (err.value.message, err.value.code) == (_("This finding was already decided."), "already_decided")


def test_r6_6_a_decision_taken_meanwhile_by_someone_else_is_refused_as_already_decided(ygjy, persona, monkeypatch):
    """R6.6: when another decision was stored after the findings were read, the database's
    once-per-finding constraint refuses the second one with the same message, and nothing of it stays."""
    tickets(ygjy, 3, place=unit("1-801"), cat=category("plumbing"))
    [row] = quarterly_findings(ygjy, "2026Q4")
    manager = persona("ygjy-manager")
    finding_decide(prop=ygjy, quarter="2026Q4", finding=row.finding, key=row.key, by=manager)
    read = review.quarterly_findings

    def read_before_it(prop: Property, quarter: str) -> list[review.FindingRow]:
        rows = read(prop, quarter)
        for r in rows:
            r.decision = None
        return rows

    monkeypatch.setattr(review, "quarterly_findings", read_before_it)
    with pytest.raises(Conflict) as err:
        finding_decide(prop=ygjy, quarter="2026Q4", finding=row.finding, key=row.key, by=manager)
    assert (err.value.message, err.value.code) == (_("This finding was already decided."), "already_decided")
    assert ReviewDecision.objects.count() == 1


def test_r6_6_an_action_from_a_decision_is_titled_by_the_finding_and_needs_each_field(ygjy, persona):
    """R6.6: without a title the action takes the finding's label; without an owner, a root
    cause or an action it is refused on that field. An owner not given is not looked up
    under any name: not even a member of staff with a placeholder-like username (XXXX)
    is taken for it."""
    placeholder = User.objects.create(username="XXXX")
    placeholder.properties.add(ygjy)
    tickets(ygjy, 3, place=unit("1-802"), cat=category("plumbing"))
    [row] = quarterly_findings(ygjy, "2026Q4")
    manager = persona("ygjy-manager")
    full = {"owner": "ygjy-engineer", "root_cause": "立管老化", "action": "更换立管"}

    def decide(**fields: str) -> ReviewDecision:
        return finding_decide(
            prop=ygjy,
            quarter="2026Q4",
            finding=row.finding,
            key=row.key,
            by=manager,
            open_action=True,
            due_on=datetime.date(2026, 12, 31),
            **fields,
        )

    for missing in full:
        with pytest.raises(InvalidInput) as err:
            decide(**{k: v for k, v in full.items() if k != missing})
        assert err.value.field == missing
    decision = decide(**full)
    assert decision.action_id is not None
    ca = CorrectiveAction.objects.get(pk=decision.action_id)
    assert (ca.title, ca.root_cause, ca.action) == (row.label, "立管老化", "更换立管")
    assert sorted(t.pk for t in ca.tickets.all()) == sorted(t.pk for t in row.tickets)


# --- Opening a corrective action --------------------------------------------------------


def test_r6_6_the_owner_is_an_active_member_of_this_propertys_staff(ygjy, persona):
    """R6.6: an owner from another property, or one whose account is switched off, is refused
    on the owner field with the message to choose among the property's staff."""
    manager = persona("ygjy-manager")
    User.objects.filter(username="ygjy-tech1").update(is_active=False)
    for owner in ("wlbg-engineer", "ygjy-tech1"):
        with pytest.raises(InvalidInput) as err:
            an_action(ygjy, manager, owner=owner)
        assert (err.value.message, err.value.field) == (
            _("Choose the owner among the staff of this property."),
            "owner",
        )
    assert CorrectiveAction.objects.count() == 0


def test_r6_6_the_due_date_is_given_and_not_before_the_propertys_today(ygjy, persona):
    """R6.6: no due date, or one before today at the property, is refused on due_on with its
    message; today is accepted (T0 is 23 November in Shanghai)."""
    manager = persona("ygjy-manager")
    with pytest.raises(InvalidInput) as err:
        an_action(ygjy, manager, due_on=None)
    assert (err.value.message, err.value.field) == (_("Give the due date."), "due_on")
    with pytest.raises(InvalidInput) as err:
        an_action(ygjy, manager, due_on=datetime.date(2026, 11, 22))
    assert (err.value.message, err.value.field) == (_("The due date is in the past."), "due_on")
    assert an_action(ygjy, manager, due_on=datetime.date(2026, 11, 23)).due_on == datetime.date(2026, 11, 23)


def test_r6_6_the_due_date_is_judged_by_the_propertys_own_calendar(ygjy, persona):
    """R6.6: at T0 (09:00 on 23 November in Shanghai) it is still 22 November in Los Angeles,
    so a property there may give the 22nd as its due date."""
    ygjy.time_zone = "America/Los_Angeles"
    ca = an_action(ygjy, persona("ygjy-manager"), due_on=datetime.date(2026, 11, 22))
    assert CorrectiveAction.objects.get(pk=ca.pk).due_on == datetime.date(2026, 11, 22)


def test_r6_6_the_title_root_cause_and_action_are_checked_on_their_own_fields(ygjy, persona):
    """R6.6: an empty title, root cause or action is refused on that field; a title of 200
    characters is kept and one of 201 refused."""
    manager = persona("ygjy-manager")
    for name in ("title", "root_cause", "action"):
        with pytest.raises(InvalidInput) as err:
            an_action(ygjy, manager, **{name: "  "})
        assert (err.value.message, err.value.field) == (_(EMPTY), name)
    with pytest.raises(InvalidInput) as err:
        an_action(ygjy, manager, title="题" * 201)
    assert err.value.field == "title"
    assert err.value.message == _("Too long: %(length)d characters, at most %(max)d.") % {"length": 201, "max": 200}
    ca = an_action(ygjy, manager, title="题" * 200)
    assert CorrectiveAction.objects.get(pk=ca.pk).title == "题" * 200


def test_r6_6_opening_an_action_records_its_fields_and_an_open_event_by_the_manager(ygjy, persona):
    """R6.6: the action is stored as given, with an "open" event by the manager carrying the action."""
    manager = persona("ygjy-manager")
    ca = an_action(ygjy, manager)
    ca = CorrectiveAction.objects.get(pk=ca.pk)
    assert (ca.title, ca.owner.username, ca.root_cause, ca.action, ca.status, ca.opened_at) == (
        "立管反复漏水",
        "ygjy-engineer",
        "立管老化",
        "更换立管",
        "open",
        T0,
    )
    events = [(e.action, e.actor, e.actor_name, e.note, e.at) for e in ca.events.all()]
    assert events == [("open", manager, str(manager), "更换立管", T0)]


# --- Progress to closure ----------------------------------------------------------------


def test_r6_6_the_owner_notes_and_reports_done_and_the_manager_reopens_with_events(ygjy, persona, clock):
    """R6.6: notes keep the status (open or done), done moves it to done, and the manager sends it
    back to open with a note; each step is an event by its actor, with the note, at the time."""
    manager, engineer = persona("ygjy-manager"), persona("ygjy-engineer")
    ca = an_action(ygjy, manager)
    corrective_action_progress(ca=ca, by=engineer, step="note", note="已订购管材")
    assert CorrectiveAction.objects.get(pk=ca.pk).status == "open"
    clock.shift(DAY.total_seconds())
    corrective_action_progress(ca=ca, by=engineer, step="done")
    corrective_action_progress(ca=ca, by=manager, step="note", note="下周验收")
    assert CorrectiveAction.objects.get(pk=ca.pk).status == "done"
    corrective_action_progress(ca=ca, by=manager, step="reopen", note="仍在漏水")
    ca.refresh_from_db()
    assert (ca.status, ca.verification, ca.closed_at) == ("open", "", None)
    events = [(e.action, e.actor, e.actor_name, e.note, e.at) for e in ca.events.all()][1:]
    assert events == [
        ("note", engineer, str(engineer), "已订购管材", T0),
        ("done", engineer, str(engineer), "", T0 + DAY),
        ("note", manager, str(manager), "下周验收", T0 + DAY),
        ("reopen", manager, str(manager), "仍在漏水", T0 + DAY),
    ]


def test_r6_6_notes_verifications_and_reopenings_are_written_down(ygjy, persona):
    """R6.6: a note, a verification or a reopening without text is refused on the note field."""
    manager, engineer = persona("ygjy-manager"), persona("ygjy-engineer")
    ca = an_action(ygjy, manager)
    with pytest.raises(InvalidInput) as err:
        corrective_action_progress(ca=ca, by=engineer, step="note", note=" ")
    assert (err.value.message, err.value.field) == (_(EMPTY), "note")
    corrective_action_progress(ca=ca, by=engineer, step="done")
    for step in ("verify", "reopen"):
        with pytest.raises(InvalidInput) as err:
            corrective_action_progress(ca=ca, by=manager, step=step)
        assert (err.value.message, err.value.field) == (_(EMPTY), "note")
    assert CorrectiveAction.objects.get(pk=ca.pk).status == "done"


def test_r6_6_only_the_manager_verifies_or_reopens_and_only_owner_or_manager_update(ygjy, persona):
    """R6.6: the owner may not reopen or verify a done action; someone else may not touch it;
    each refusal says why."""
    manager, engineer = persona("ygjy-manager"), persona("ygjy-engineer")
    ca = an_action(ygjy, manager)
    with pytest.raises(Forbidden) as err:
        corrective_action_progress(ca=ca, by=persona("ygjy-agent"), step="note", note="看看")
    assert err.value.message == _("Only the owner or the property manager updates this action.")
    corrective_action_progress(ca=ca, by=engineer, step="done")
    for step in ("reopen", "verify"):
        with pytest.raises(Forbidden) as err:
            corrective_action_progress(ca=ca, by=engineer, step=step, note="自己来")
        assert err.value.message == _("The property manager verifies the action.")
    assert CorrectiveAction.objects.get(pk=ca.pk).status == "done"


def test_r6_6_an_unknown_step_or_one_the_status_does_not_allow_is_refused(ygjy, persona):
    """R6.6: an unknown step is refused on the step field; verifying an open action is refused
    with its status named."""
    manager = persona("ygjy-manager")
    ca = an_action(ygjy, manager)
    with pytest.raises(InvalidInput) as err:
        corrective_action_progress(ca=ca, by=manager, step="close", note="x")
    assert (err.value.message, err.value.field) == (_("Unknown step."), "step")
    with pytest.raises(IllegalTransition) as illegal:
        corrective_action_progress(ca=ca, by=manager, step="verify", note="x")
    status = str(CorrectiveAction.Status.OPEN.label)
    assert illegal.value.message == _("This action is %(status)s.") % {"status": status}
    assert status in illegal.value.message


def test_r6_6_a_findings_label_names_the_place_of_its_first_ticket(ygjy):
    """R6.6: the label is the place of the tickets, what was repeated and how often; a single
    ticket is labelled by its own place and no tickets by no place."""
    [t] = tickets(ygjy, 1, place=unit("1-901"))
    assert review._label([t], "保洁") == "1-901 · 保洁 × 1"
    assert review._label([], "保洁") == " · 保洁 × 0"
