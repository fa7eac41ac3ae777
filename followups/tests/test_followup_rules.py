"""Follow-up rules pinned at their edges (R6.1-R6.5, R3.5): the sample of an event's
households, every field a recorded call and a review write (read back from the database),
the complaint a review opens for each kind, and the warranty visits' times and owners.

Time is frozen at T0 (a Monday 09:00 in Shanghai)."""

from __future__ import annotations

import dataclasses
import datetime
import math

import pytest
import time_machine
from django.utils.translation import gettext as _

import followups.services as services
from base.errors import Forbidden, IllegalTransition, InvalidInput
from catalog.models import WarrantyTerm
from complaints.models import Complaint
from conftest import SHANGHAI, T0
from estates.models import Building, Property
from followups.models import FollowUp, FollowUpPolicy, Service
from followups.services import (
    _followup_notice,
    followup_record,
    followup_review,
    followups_for_event,
    followups_sample,
    followups_sample_due,
    warranty_visits_plan,
    warranty_visits_plan_all,
)
from notify.models import Delivery, Notification
from repairs.models import WorkOrder
from tickets.kinds import kind_for
from tickets.models import Ticket, TicketEvent

from .test_followups import (
    DAY,
    HOUR,
    closed_complaint,
    closed_help,
    closed_repair,
    followup_of,
    local,
    ok,
    repair_to_report_back,
    shift,
)

ABOUT = "中秋游园会"


def ygjy() -> Property:
    return Property.objects.get(code="YGJY")


def homes(n: int) -> list[tuple[int, int | None, str]]:
    return [(1000 + i, None, f"9-{i:04d}") for i in range(n)]


def event_followups() -> list[FollowUp]:
    return list(FollowUp.objects.filter(service=Service.EVENT).order_by("id"))


# --- R6.1-R6.2 An event's households, sampled ------------------------------------------------


@pytest.mark.parametrize(("n", "called"), [(10, 2), (11, 3), (1, 1)])
def test_r6_2_an_event_calls_the_ceiling_of_a_fifth_of_the_households_it_reached(clock, n, called):
    """R6.2: 20 % of the households, rounded up: 10 → 2, 11 → 3, a single one → 1."""
    assert followups_for_event(property_id=ygjy().pk, homes=homes(n), about=ABOUT, held_at=T0, seed=7) == called
    assert len(event_followups()) == called == math.ceil(n * 20 / 100)


def test_r6_1_an_event_followup_is_planned_in_the_month_after_the_event_with_what_to_ask(clock):
    """R6.1: from the event for a month (the default window 0-30 days), planned now, with
    the unit and the event in its note; each a sample, ready to call."""
    held = T0 - 2 * DAY
    followups_for_event(property_id=ygjy().pk, homes=homes(5), about=ABOUT, held_at=held, seed=7)
    [row] = event_followups()
    assert (row.property_id, row.service, row.status, row.reason) == (ygjy().pk, "event", "planned", "sample")
    assert (row.due_from, row.due_by, row.next_try_at, row.planned_at) == (held, held + 30 * DAY, held, T0)
    assert row.note.endswith(f" · {ABOUT}") and row.note.split(" · ")[0] in {label for _h, _b, label in homes(5)}
    assert (row.ticket_id, row.building_id, row.assignee_id, row.attempts) == (None, None, None, 0)


def test_r6_1_the_property_policy_sets_an_events_window_and_coverage(clock):
    """R6.1-R6.2: a property's policy row (3 to 10 days, 50 %) is read for events."""
    FollowUpPolicy.objects.create(
        property=ygjy(), service=Service.EVENT, window_from_days=3, window_to_days=10, coverage_percent=50
    )
    assert followups_for_event(property_id=ygjy().pk, homes=homes(5), about=ABOUT, held_at=T0, seed=1) == 3
    assert {(f.due_from, f.due_by, f.next_try_at) for f in event_followups()} == {
        (T0 + 3 * DAY, T0 + 10 * DAY, T0 + 3 * DAY)
    }


def test_r6_2_no_event_followups_at_zero_coverage_or_without_households(clock):
    """R6.2: a policy of 0 % calls nobody; an event that reached no household plans nothing."""
    assert followups_for_event(property_id=ygjy().pk, homes=[], about=ABOUT, held_at=T0, seed=1) == 0
    FollowUpPolicy.objects.create(
        property=ygjy(), service=Service.EVENT, window_from_days=0, window_to_days=30, coverage_percent=0
    )
    assert followups_for_event(property_id=ygjy().pk, homes=homes(50), about=ABOUT, held_at=T0, seed=1) == 0
    assert event_followups() == []


def test_r6_2_the_same_event_draws_the_same_households_and_a_household_counts_once(clock):
    """R6.2: the sample is seeded by the announcement (planning again draws the same
    households, whatever order they come in); a household listed twice counts once."""
    reached = homes(40)
    followups_for_event(property_id=ygjy().pk, homes=reached, about=ABOUT, held_at=T0, seed=42)
    first = [f.note for f in event_followups()]
    FollowUp.objects.all().delete()
    followups_for_event(
        property_id=ygjy().pk, homes=list(reversed(reached)) + reached[:5], about=ABOUT, held_at=T0, seed=42
    )
    assert [f.note for f in event_followups()] == first and len(first) == 8
    FollowUp.objects.all().delete()
    followups_for_event(property_id=ygjy().pk, homes=reached, about=ABOUT, held_at=T0, seed=43)
    assert sorted(f.note for f in event_followups()) != sorted(first)


@pytest.mark.parametrize(("coverage", "n", "called"), [(1, 50, 1), (100, 101, 101)])
def test_r6_2_a_small_coverage_still_calls_one_and_a_full_one_calls_every_household(clock, coverage, n, called):
    """R6.2: a policy of 1 % still calls one of 50 households (rounded up); 100 % calls
    each of 101."""
    FollowUpPolicy.objects.create(
        property=ygjy(), service=Service.EVENT, window_from_days=0, window_to_days=30, coverage_percent=coverage
    )
    assert followups_for_event(property_id=ygjy().pk, homes=homes(n), about=ABOUT, held_at=T0, seed=1) == called
    assert FollowUp.objects.filter(service=Service.EVENT, status="planned").count() == called


def test_an_event_followups_note_is_cut_to_what_the_record_holds(clock):
    """The note (unit · event) keeps its first 200 characters."""
    long = "活" * 300
    followups_for_event(property_id=ygjy().pk, homes=homes(1), about=long, held_at=T0, seed=1)
    [row] = event_followups()
    assert row.note == f"9-0000 · {long}"[:200] and len(row.note) == 200


# --- R6.4 Recording a call: every field, read back ---------------------------------------------


def warranty_visit() -> FollowUp:
    """A planned warranty visit of building 3: a follow-up with no ticket (R3.5)."""
    building = Building.objects.get(property__code="YGJY", code="3")
    warranty_visits_plan(building=building, today=datetime.date(2026, 11, 23))
    return FollowUp.objects.filter(building=building).order_by("due_from").first()  # type: ignore[return-value]


@pytest.mark.parametrize("satisfaction", [1, 5])
def test_r6_4_satisfaction_one_and_five_are_the_ends_of_the_scale(clock, api, persona, satisfaction):
    """R6.4: satisfaction is 1 to 5, both ends included."""
    f = followup_of(closed_complaint(api))
    followup_record(followup=f, by=persona("ygjy-agent"), reached=True, satisfaction=satisfaction)
    f.refresh_from_db()
    assert (f.status, f.satisfaction, f.method) == ("done", satisfaction, "phone")  # by phone unless told


def test_r6_4_an_unreachable_try_is_written_on_the_tickets_timeline_in_words(clock, api, persona):
    """R6.4: the try on the timeline says it was not reached and which try it was."""
    number = closed_complaint(api)
    f = followup_of(number)
    followup_record(followup=f, by=persona("ygjy-agent"), reached=False)
    followup_record(followup=f, by=persona("ygjy-agent"), reached=False)
    notes = list(
        TicketEvent.objects.filter(ticket__number=number, action="follow_up")
        .order_by("id")
        .values_list("note", flat=True)
    )
    assert notes == [_("Not reached (try %(n)s); to call again.") % {"n": n} for n in (1, 2)]
    assert FollowUp.objects.get(pk=f.pk).attempts == 2


def test_r6_4_the_calls_note_on_the_timeline_is_quality_shortcomings_and_suggestions_in_lines(clock, api, persona):
    """R6.4: the event's note holds the quality, the shortcomings and the suggestions, one
    per line (the effect stays on the record), and leaves out what was not said."""
    number = closed_complaint(api)
    f = followup_of(number)
    followup_record(
        followup=f,
        by=persona("ygjy-agent"),
        reached=True,
        satisfaction=4,
        quality=" 好 ",
        effect="有效",
        suggestions="建议",
    )
    [event] = TicketEvent.objects.filter(ticket__number=number, action="follow_up")
    assert event.note == "好\n建议"
    f.refresh_from_db()
    assert (f.quality, f.effect, f.shortcomings, f.suggestions, f.confirmed_by) == ("好", "有效", "", "建议", "")


@pytest.mark.parametrize(
    ("field", "limit"),
    [("quality", 2000), ("effect", 2000), ("shortcomings", 2000), ("suggestions", 2000), ("confirmed_by", 50)],
)
def test_r6_4_each_written_field_has_its_limit_and_an_overlong_one_changes_nothing(clock, api, persona, field, limit):
    """R6.4: each text of the record is held to its length (the resident's name who
    confirmed it: 50); one character over is refused on that field and nothing is written;
    exactly the limit is kept."""
    f = followup_of(closed_complaint(api))
    agent = persona("ygjy-agent")
    with pytest.raises(InvalidInput) as refused:
        followup_record(followup=f, by=agent, reached=True, satisfaction=4, **{field: "字" * (limit + 1)})
    assert refused.value.field == field
    f.refresh_from_db()
    assert (f.status, f.satisfaction, getattr(f, field)) == ("planned", None, "")
    followup_record(followup=f, by=agent, reached=True, satisfaction=4, **{field: "字" * limit})
    assert getattr(FollowUp.objects.get(pk=f.pk), field) == "字" * limit


def test_r6_5_an_unsatisfied_call_tells_the_supervisor_once_in_words_naming_the_ticket(clock, api, persona):
    """R6.5: a result of 1 or 2 sends one review notice to the service supervisor, at the
    time of the call, naming the ticket."""
    number = closed_complaint(api)
    f = followup_of(number)
    shift(clock, HOUR)
    followup_record(followup=f, by=persona("ygjy-agent"), reached=True, satisfaction=2)
    [notice] = Notification.objects.filter(ticket__number=number, kind="review")
    assert notice.recipient == persona("ygjy-supervisor") and notice.created_at == T0 + HOUR
    assert notice.message == _("Follow-up of %(number)s: the resident is not satisfied.") % {"number": number}
    assert notice.key == f"followup:{f.pk}:user:{notice.recipient_id}"  # once per call and person


def test_r3_5_a_warranty_visit_without_a_ticket_is_recorded_tried_and_reviewed(clock, persona):
    """R3.5/R6.4-R6.5: a warranty visit has no ticket: an unreachable try, a call (even an
    unsatisfied one) and its review are recorded on the visit alone: no timeline, no
    notice, no complaint."""
    visit = warranty_visit()
    assert visit.ticket_id is None
    agent = persona("ygjy-agent")
    followup_record(followup=visit, by=agent, reached=False)
    followup_record(followup=visit, by=agent, reached=True, satisfaction=1, shortcomings="外墙渗水")
    shift(clock, HOUR)
    followup_review(followup=visit, by=persona("ygjy-supervisor"), opinion="通知开发商")
    visit.refresh_from_db()
    assert (visit.status, visit.attempts, visit.satisfaction, visit.shortcomings) == ("done", 1, 1, "外墙渗水")
    assert (visit.reviewed_at, visit.opinion, visit.complaint) == (T0 + HOUR, "通知开发商", None)
    assert not Notification.objects.filter(kind="review").exists()
    assert not TicketEvent.objects.filter(action__in=("follow_up", "follow_up_review")).exists()


# --- R6.5 The review: refusals, and the complaint it opens --------------------------------------


def test_r6_5_a_review_is_refused_with_its_reason_and_changes_nothing(clock, api, persona):
    """R6.5: a review before the call (followup_not_done), without an opinion (the opinion
    field), by someone who is not a lead (Forbidden), or a second time (followup_reviewed):
    each refused, the record unchanged."""
    f = followup_of(closed_complaint(api))
    supervisor = persona("ygjy-supervisor")
    with pytest.raises(IllegalTransition) as early:
        followup_review(followup=f, by=supervisor, opinion="先回访")
    assert early.value.code == "followup_not_done"
    followup_record(followup=f, by=persona("ygjy-agent"), reached=True, satisfaction=4)
    with pytest.raises(InvalidInput) as empty:
        followup_review(followup=f, by=supervisor, opinion="  ")
    assert empty.value.field == "opinion"
    with pytest.raises(Forbidden):
        followup_review(followup=f, by=persona("ygjy-tech1"), opinion="好")
    f.refresh_from_db()
    assert (f.reviewed_at, f.reviewed_by, f.opinion) == (None, None, "")
    followup_review(followup=f, by=supervisor, opinion="好")
    with pytest.raises(IllegalTransition) as again:
        followup_review(followup=f, by=persona("ygjy-manager"), opinion="再审")
    assert again.value.code == "followup_reviewed"
    f.refresh_from_db()
    assert (f.reviewed_by, f.opinion) == (supervisor, "好")


def test_r6_5_the_review_is_on_the_tickets_timeline_by_its_reviewer(clock, api, persona):
    """R6.5: the review is a follow_up_review event by the reviewer at the time, with the opinion."""
    number = closed_complaint(api)
    f = followup_of(number)
    followup_record(followup=f, by=persona("ygjy-agent"), reached=True, satisfaction=5)
    shift(clock, 2 * HOUR)
    followup_review(followup=f, by=persona("ygjy-manager"), opinion=" 很好 ")
    [event] = TicketEvent.objects.filter(ticket__number=number, action="follow_up_review")
    assert (event.actor, event.at, event.note, event.data) == (
        persona("ygjy-manager"),
        T0 + 2 * HOUR,
        "很好",
        {"complaint": None},
    )
    assert FollowUp.objects.get(pk=f.pk).opinion == "很好"


def unsatisfied_review(persona, number: str, **said) -> Ticket:
    f = followup_of(number)
    if f.status == "pending":  # chosen by the day's sample
        FollowUp.objects.filter(pk=f.pk).update(status="planned", reason="sample")
    followup_record(
        followup=f, by=persona("ygjy-agent"), reached=True, satisfaction=said.pop("satisfaction", 1), **said
    )
    followup_review(followup=f, by=persona("ygjy-supervisor"), opinion="转投诉")
    f.refresh_from_db()
    assert f.complaint is not None
    return Ticket.objects.get(pk=f.complaint.pk)


def test_r6_5_a_complaint_unsatisfied_at_its_follow_up_goes_back_to_its_own_department(clock, api, persona):
    """R6.5: the complaint a review opens for a complaint names the department first
    complained about, the same home and the same person, and is important."""
    number = closed_complaint(api, department="security", unit="3-1202")
    origin = Ticket.objects.get(number=number)
    opened = unsatisfied_review(persona, number, shortcomings="保安态度依旧")
    details = Complaint.objects.get(ticket=opened)
    assert (details.department, details.severity) == ("security", "important")
    assert (opened.unit, opened.common_area, opened.property) == (origin.unit, None, origin.property)
    assert (opened.reporter_name, opened.reporter_phone) == (origin.reporter_name, origin.reporter_phone)
    assert opened.origin == origin


def test_r6_5_help_unsatisfied_at_its_follow_up_is_a_complaint_about_the_service_desk(clock, api, persona):
    """R6.5: a help request that left the resident unsatisfied is a complaint about the
    service desk, for the same unit; with no shortcomings said, the quality is quoted."""
    number = closed_help(api, unit="3-1201")
    opened = unsatisfied_review(persona, number, satisfaction=2, quality="救护车来得慢")
    assert Complaint.objects.get(ticket=opened).department == "service_desk"
    assert opened.unit is not None and opened.unit.label == "3-1201"
    assert opened.description == _("Unsatisfied at the follow-up of %(number)s: %(text)s") % {
        "number": number,
        "text": "救护车来得慢",
    }


def test_r6_5_a_repair_unsatisfied_with_nothing_said_quotes_the_score_at_its_common_area(clock, api, persona):
    """R6.5: a common-area repair's complaint is at the same common area, about
    engineering; with neither shortcomings nor quality said, the score is quoted."""
    number = closed_repair(api, clock)
    shift(clock, 30 * DAY)
    opened = unsatisfied_review(persona, number, satisfaction=2)
    assert Complaint.objects.get(ticket=opened).department == "engineering"
    assert (opened.unit, opened.common_area.name if opened.common_area else None) == (None, "3栋大堂")
    assert opened.description == _("Unsatisfied at the follow-up of %(number)s: %(text)s") % {
        "number": number,
        "text": "2",
    }


# --- R6.4-R6.5 The refusals say why, in the user's language ---------------------------------------


def test_r6_4_each_refusal_of_a_call_says_why_in_the_users_language(clock, api, persona):
    """R6.4: a bad satisfaction, an unknown way of reaching, and a call already recorded
    are each refused with their own message (here in Chinese, the office's language)."""
    f = followup_of(closed_complaint(api))
    agent = persona("ygjy-agent")
    with pytest.raises(InvalidInput) as score:
        followup_record(followup=f, by=agent, reached=True, satisfaction=6)
    assert score.value.message == _("Satisfaction is a whole number from 1 to 5.") == "满意度须为 1 至 5 的整数。"
    with pytest.raises(InvalidInput) as how:
        followup_record(followup=f, by=agent, reached=True, satisfaction=3, method="letter")
    assert how.value.message == _("Choose how the resident was reached.")
    followup_record(followup=f, by=agent, reached=True, satisfaction=3)
    with pytest.raises(IllegalTransition) as again:
        followup_record(followup=f, by=agent, reached=False)
    assert (again.value.code, again.value.message) == (
        "followup_not_planned",
        _("This follow-up is not waiting for a call."),
    )
    with pytest.raises(Forbidden) as who:
        followup_review(followup=f, by=agent, opinion="好")
    assert who.value.message == _("Follow-ups are reviewed by the service supervisor or the manager.")
    followup_review(followup=f, by=persona("ygjy-supervisor"), opinion="好")
    with pytest.raises(IllegalTransition) as twice:
        followup_review(followup=f, by=persona("ygjy-supervisor"), opinion="好")
    assert twice.value.message == _("This follow-up was already reviewed.")
    g = followup_of(closed_complaint(api, unit="3-1201"))
    with pytest.raises(IllegalTransition) as early:
        followup_review(followup=g, by=persona("ygjy-supervisor"), opinion="好")
    assert early.value.message == _("Only a recorded follow-up can be reviewed.")
    for message in (score, how, again, who, twice, early):
        assert message.value.message and message.value.message.isascii() is False  # translated, not English


def test_r6_4_a_call_with_nothing_said_keeps_every_text_empty(clock, api, persona):
    """R6.4: what the resident did not say is not on the record: only the satisfaction."""
    f = followup_of(closed_complaint(api))
    followup_record(followup=f, by=persona("ygjy-agent"), reached=True, satisfaction=3)
    f.refresh_from_db()
    assert (f.quality, f.effect, f.shortcomings, f.suggestions, f.confirmed_by) == ("", "", "", "", "")


# --- Every time written is the time of the step (on a running clock) -----------------------------


def test_r6_each_step_of_a_followup_is_timed_once_on_a_running_clock(estate, api, persona):
    """R6.1, R6.4, R6.5: on a clock that runs, each step's record and its trace share one
    instant: the resident's notice at planning, the unreachable try and its retry a day
    later, the call, the supervisor's notice and the review."""
    with time_machine.travel(T0, tick=True):
        number = closed_complaint(api)
        f = followup_of(number)
        [told_resident] = Notification.objects.filter(key__startswith=f"followup:{f.pk}:reporter:user:")
        assert told_resident.created_at == f.planned_at
        agent = persona("ygjy-agent")
        followup_record(followup=f, by=agent, reached=False)
        f.refresh_from_db()
        tried = TicketEvent.objects.get(ticket__number=number, action="follow_up")
        assert tried.at + DAY == f.next_try_at
        followup_record(followup=f, by=agent, reached=True, satisfaction=1)
        f.refresh_from_db()
        called = TicketEvent.objects.filter(ticket__number=number, action="follow_up").order_by("id").last()
        assert called is not None and called.at == f.done_at
        [told] = Notification.objects.filter(ticket__number=number, kind="review")
        assert told.created_at == f.done_at
        followup_review(followup=f, by=persona("ygjy-supervisor"), opinion="转投诉")
        f.refresh_from_db()
        reviewed = TicketEvent.objects.get(ticket__number=number, action="follow_up_review")
        assert reviewed.at == f.reviewed_at and reviewed.actor == persona("ygjy-supervisor")


# --- R6.1 The resident is told when the office will call --------------------------------------


def test_r6_1_the_resident_is_told_the_window_in_the_propertys_own_days(clock, api):
    """R6.1: closing plans the call and tells the reporter (by SMS to the number recorded)
    the window's first and last day, read on the property's clock: closed at 00:30 in
    Tokyo, which is still the day before in Shanghai, the window runs from the Tokyo day."""
    Property.objects.filter(code="YGJY").update(time_zone="Asia/Tokyo")
    clock.move_to(datetime.datetime(2026, 11, 24, 0, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=9))))
    number = closed_complaint(api)
    f = followup_of(number)
    resident = Ticket.objects.get(number=number).resident
    reporter = resident.user if resident else None
    assert reporter is not None
    key = f"followup:{f.pk}:reporter:user:{reporter.pk}"
    [told] = Notification.objects.filter(key=key)
    span = {"number": number, "from": "11-24", "to": "11-27"}
    message = _("%(number)s is closed. We will call you between %(from)s and %(to)s to ask how it went.")
    assert (told.recipient, told.message, told.created_at) == (reporter, message % span, f.planned_at)
    [sms] = Delivery.objects.filter(key=f"{key}:sms")
    assert sms.text == _("%(number)s closed; we call back %(from)s-%(to)s") % span

    # the same notice again: not sent twice
    _followup_notice(Ticket.objects.get(number=number), f)
    assert Notification.objects.filter(key__startswith=f"followup:{f.pk}:reporter").count() == 1


# --- R6.2 Who is always called: the customer's words at sign-off ----------------------------------


@pytest.mark.parametrize(
    ("satisfied", "satisfaction", "status"),
    [
        (False, 4, "planned"),  # said "not fixed", however it was scored
        (True, 2, "planned"),  # scored 2
        (None, 2, "planned"),
        (None, 3, "pending"),  # 3 is not unsatisfied
        (None, None, "pending"),  # nothing said
    ],
)
def test_r6_2_a_repair_is_called_when_the_customer_said_not_fixed_or_scored_it_two_or_less(
    clock, api, satisfied, satisfaction, status
):
    """R6.2 with R2.15: "not fixed" at sign-off, or a score of 1 or 2, makes the call
    required ("unsatisfied"); a 3 or no score leaves it to sampling."""
    number = repair_to_report_back(api, clock)
    WorkOrder.objects.filter(ticket__number=number).update(satisfied=satisfied, satisfaction=satisfaction)
    shift(clock, DAY)
    ok(api("ygjy-agent").act(number, "close"))
    f = followup_of(number)
    assert (f.status, f.reason) == (status, "unsatisfied" if status == "planned" else "")


def test_r6_2_a_coverage_of_one_percent_still_plans_a_followup_to_sample(clock, api):
    """R6.2: only a coverage of 0 % plans nothing; at 1 % the closed ticket waits to be sampled."""
    FollowUpPolicy.objects.create(
        property=ygjy(), service="medical", window_from_days=0, window_to_days=7, coverage_percent=1
    )
    f = followup_of(closed_help(api))
    assert (f.status, f.reason) == ("pending", "")


# --- R6.3 Who calls ------------------------------------------------------------------------------


def test_r6_3_the_specialist_with_fewest_calls_still_to_make_counts_only_planned_ones(clock, api, persona):
    """R6.3: the load is the calls still to make: ygjy-agent has made three (done), ygjy-agent2
    has one planned, so the next call goes to ygjy-agent."""
    agent, agent2 = persona("ygjy-agent"), persona("ygjy-agent2")
    base = {
        "property": ygjy(),
        "service": "repair",
        "due_from": T0,
        "due_by": T0 + DAY,
        "next_try_at": T0,
        "planned_at": T0,
    }
    FollowUp.objects.bulk_create([FollowUp(**base, status="done", assignee=agent) for _ in range(3)])
    FollowUp.objects.create(**base, status="planned", assignee=agent2)
    f = followup_of(closed_complaint(api))
    assert f.assignee == agent


def test_s0_3_4_a_quick_call_of_a_repair_not_recorded_by_an_agent_goes_to_a_specialist(clock, api, persona):
    """S0 §3.4/R6.3: the same-day call after the report-back is the recording agent's; a
    repair recorded by the supervisor goes to the customer specialist with fewest calls,
    saved on the call."""
    number = repair_to_report_back(api, clock, by="ygjy-supervisor")
    q = FollowUp.objects.get(ticket__number=number, purpose=FollowUp.Purpose.QUICK_CALL)
    assert q.assignee in (persona("ygjy-agent"), persona("ygjy-agent2"))


def test_r6_1_a_kind_naming_an_unknown_service_is_followed_up_as_other(clock, api, monkeypatch):
    """R6.1: a kind whose follow-up service is not one of the services is followed up as
    "other" (its window and coverage)."""
    number = closed_complaint(api)
    ticket = Ticket.objects.get(number=number)
    assert services.service_of(ticket) == "complaint"
    odd = dataclasses.replace(kind_for("complaint"), followup_service="lost_property")
    monkeypatch.setattr(services, "kind_for", lambda code: odd)
    assert services.service_of(ticket) == "other"


# --- R6.2 Sampling: which follow-ups a day's sample draws from ------------------------------------


def waiting(prop: Property, at: datetime.datetime, n: int, **over) -> list[int]:
    rows = FollowUp.objects.bulk_create(
        FollowUp(
            property=prop,
            service=over.get("service", "repair"),
            purpose=over.get("purpose", FollowUp.Purpose.SERVICE),
            status=over.get("status", FollowUp.Status.PENDING),
            due_from=at,
            due_by=at + 3 * DAY,
            next_try_at=at,
            planned_at=at,
        )
        for _ in range(n)
    )
    return [r.pk for r in rows]


def status_of(ids: list[int]) -> list[str]:
    return [FollowUp.objects.get(pk=pk).status for pk in ids]


def test_r6_2_a_days_sample_leaves_out_cancelled_calls_quick_calls_other_days_and_other_properties(clock):
    """R6.2: the day's sample counts only that property's service follow-ups planned that
    local day: a cancelled one, a same-day quick call, one of the day before and one of the
    other property on the same day are neither counted nor decided."""
    prop, other = ygjy(), Property.objects.get(code="WLBG")
    day = local(2026, 11, 20, 10)
    pending = waiting(prop, day, 1)
    cancelled = waiting(prop, day, 1, status=FollowUp.Status.CANCELLED)
    quick = waiting(prop, day, 1, purpose=FollowUp.Purpose.QUICK_CALL, status=FollowUp.Status.PLANNED)
    before = waiting(prop, local(2026, 11, 19, 23, 59), 1)
    theirs = waiting(other, day, 1)
    assert followups_sample(prop=prop, day=datetime.date(2026, 11, 20)) == {"repair": 1}  # ceil(80 % × 1)
    assert status_of(pending + cancelled + quick + before + theirs) == [
        "planned",
        "cancelled",
        "planned",
        "pending",
        "pending",
    ]


def test_r6_2_the_sample_follows_the_propertys_own_coverage(clock):
    """R6.2: a property's policy of 50 % for repairs: 5 of 10 are called."""
    FollowUpPolicy.objects.create(
        property=ygjy(), service="repair", window_from_days=30, window_to_days=60, coverage_percent=50
    )
    ids = waiting(ygjy(), local(2026, 11, 20, 10), 10)
    assert followups_sample(prop=ygjy(), day=datetime.date(2026, 11, 20)) == {"repair": 5}
    assert sorted(status_of(ids)) == ["not_sampled"] * 5 + ["planned"] * 5


def test_r6_3_a_sampled_complaint_is_called_with_the_supervisor_of_its_department(clock, api):
    """R6.2-R6.3: where a property samples complaints (50 %), a complaint drawn is called by
    a specialist together with the supervisor of the department complained about."""
    FollowUpPolicy.objects.create(
        property=ygjy(), service="complaint", window_from_days=0, window_to_days=3, coverage_percent=50
    )
    number = closed_complaint(api, department="engineering")
    assert followup_of(number).status == "pending"
    followups_sample(prop=ygjy(), day=datetime.date(2026, 11, 23))
    f = followup_of(number)
    assert (f.status, f.reason, f.with_role) == ("planned", "sample", "engineering_supervisor")
    assert f.assignee is not None and f.assignee.role == "agent"


def test_r6_2_the_hourly_task_reads_each_propertys_own_day(clock):
    """R6.2: in a property on Tokyo's clock, the day is over at Tokyo's midnight: at 00:30
    Tokyo (still 23:30 the day before in Shanghai) yesterday's follow-ups are sampled and
    one planned at 00:10 Tokyo waits; every day that is over counts once."""
    Property.objects.filter(code="YGJY").update(time_zone="Asia/Tokyo")
    prop = ygjy()
    tokyo = datetime.timezone(datetime.timedelta(hours=9))
    two_days_ago = waiting(prop, datetime.datetime(2026, 11, 22, 10, tzinfo=tokyo), 1)
    yesterday = waiting(prop, datetime.datetime(2026, 11, 23, 0, 30, tzinfo=tokyo), 1)  # 23:30 the 22nd in Shanghai
    today = waiting(prop, datetime.datetime(2026, 11, 24, 0, 10, tzinfo=tokyo), 1)
    assert followups_sample_due(now=datetime.datetime(2026, 11, 24, 0, 30, tzinfo=tokyo)) == 2
    assert status_of(two_days_ago + yesterday + today) == ["planned", "planned", "pending"]


def test_r6_2_the_hourly_task_samples_a_property_only_for_its_own_days(clock):
    """R6.2: the other property's waiting follow-up of yesterday makes one day to sample there, not here."""
    theirs = waiting(Property.objects.get(code="WLBG"), local(2026, 11, 22, 10), 1)
    assert followups_sample_due(now=T0) == 1
    assert status_of(theirs) == ["planned"]


# --- R3.5 Warranty visits at their edges ---------------------------------------------------------


def b3() -> Building:
    return Building.objects.get(property__code="YGJY", code="3")  # accepted 2025-01-15


def planned_days(building: Building, purpose: str) -> dict[datetime.date, FollowUp]:
    tz = SHANGHAI if building.property.time_zone == "Asia/Shanghai" else None
    return {
        f.due_from.astimezone(tz or datetime.timezone(datetime.timedelta(hours=9))).date(): f
        for f in FollowUp.objects.filter(building=building, purpose=purpose)
    }


def test_r3_5_a_building_without_an_acceptance_date_gets_no_visits(clock):
    """R3.5: the warranty runs from acceptance; a building not yet accepted has no visits."""
    building = Building.objects.create(property=ygjy(), code="9", name="9栋")
    assert warranty_visits_plan(building=building, today=datetime.date(2026, 11, 23)) == 0
    assert not FollowUp.objects.filter(building=building).exists()


@pytest.mark.parametrize(
    ("today", "planned"), [(datetime.date(2026, 7, 15), True), (datetime.date(2026, 7, 14), False)]
)
def test_r3_5_the_coming_year_ends_on_the_same_day_a_year_later(clock, today, planned):
    """R3.5: the visits of the coming year (365 days): from 2026-07-15 the periodic visit of
    2027-07-15 is in it; from 2026-07-14 it is one day too far."""
    warranty_visits_plan(building=b3(), today=today)
    assert (datetime.date(2027, 7, 15) in planned_days(b3(), FollowUp.Purpose.WARRANTY_PERIODIC)) is planned


def test_r3_5_the_last_day_of_the_horizon_holds_a_seasonal_and_an_expiry_visit(clock):
    """R3.5: a visit whose window opens on the horizon's last day is planned: from
    2026-03-01, the seasonal visit of 2027-03-01; from 2025-12-15, the expiry visit of
    2026-12-15."""
    warranty_visits_plan(building=b3(), today=datetime.date(2026, 3, 1))
    assert datetime.date(2027, 3, 1) in planned_days(b3(), FollowUp.Purpose.WARRANTY_SEASONAL)
    FollowUp.objects.all().delete()
    warranty_visits_plan(building=b3(), today=datetime.date(2025, 12, 15), horizon_days=365)
    assert datetime.date(2026, 12, 15) in planned_days(b3(), FollowUp.Purpose.WARRANTY_EXPIRY)


def test_r3_5_a_season_on_the_last_day_of_the_roof_term_is_still_visited(clock):
    """R3.5: accepted 2025-04-02, the 60-month waterproofing term runs to 2030-04-01: the
    rainy season starting that day is still in it (visited from 2030-03-01); the typhoon
    season of July 2030 is not."""
    building = Building.objects.create(property=ygjy(), code="9", name="9栋", completion_date=datetime.date(2025, 4, 2))
    warranty_visits_plan(building=building, today=datetime.date(2029, 6, 1))
    seasonal = planned_days(building, FollowUp.Purpose.WARRANTY_SEASONAL)
    assert sorted(seasonal) == [datetime.date(2029, 6, 1), datetime.date(2030, 3, 1)]


def test_r3_5_each_visit_is_the_whole_offices_record_of_what_to_check(clock, persona):
    """R3.5: every visit is a required warranty call of the property, from 09:00 on its first
    day to 18:00 on its last, to be tried from its start, planned now, with a specialist;
    a visit before expiry names the term, the others no term."""
    warranty_visits_plan(building=b3(), today=datetime.date(2026, 11, 23))
    rows = list(FollowUp.objects.filter(building=b3()))
    assert rows and {(f.property_id, f.service, f.reason, f.status, f.ticket_id) for f in rows} == {
        (ygjy().pk, "warranty", "required", "planned", None)
    }
    assert all(f.next_try_at == f.due_from and f.planned_at == T0 for f in rows)
    assert all(f.due_from.astimezone(SHANGHAI).time() == datetime.time(9) for f in rows)
    assert all(f.due_by.astimezone(SHANGHAI).time() == datetime.time(18) for f in rows)
    assert {f.assignee.username for f in rows if f.assignee} <= {"ygjy-agent", "ygjy-agent2"}
    assert all(f.assignee is not None for f in rows)
    names = set(WarrantyTerm.objects.values_list("name", flat=True))
    assert all((f.note in names) if f.purpose == "warranty_expiry" else f.note == "" for f in rows)


def test_r3_5_visits_are_at_nine_on_the_propertys_own_clock(clock):
    """R3.5: a property on Tokyo's clock is visited from 09:00 Tokyo to 18:00 Tokyo."""
    Property.objects.filter(code="YGJY").update(time_zone="Asia/Tokyo")
    tokyo = datetime.timezone(datetime.timedelta(hours=9))
    warranty_visits_plan(building=b3(), today=datetime.date(2026, 11, 23))
    first = FollowUp.objects.get(building=b3(), purpose="warranty_expiry")
    assert (first.due_from, first.due_by) == (
        datetime.datetime(2026, 12, 15, 9, tzinfo=tokyo),
        datetime.datetime(2027, 1, 14, 18, tzinfo=tokyo),
    )


def test_r3_5_without_terms_of_a_set_length_or_without_a_seasonal_one(clock):
    """R3.5: with only open-ended terms (the design life) there are no visits at all; with
    no seasonal term there are periodic and expiry visits but no seasonal ones."""
    WarrantyTerm.objects.update(seasonal=False)
    assert warranty_visits_plan(building=b3(), today=datetime.date(2026, 11, 23)) > 0
    assert not FollowUp.objects.filter(purpose="warranty_seasonal").exists()
    assert FollowUp.objects.filter(purpose="warranty_periodic").exists()
    FollowUp.objects.all().delete()
    WarrantyTerm.objects.update(months=None)
    assert warranty_visits_plan(building=b3(), today=datetime.date(2026, 11, 23)) == 0
    assert not FollowUp.objects.exists()


def test_r3_5_the_daily_plan_covers_every_accepted_building_once(clock):
    """R3.5: the daily task plans every accepted building's visits and says how many it
    made; a building not accepted is skipped; run again, it makes none."""
    Building.objects.create(property=ygjy(), code="9", name="9栋")
    made = warranty_visits_plan_all(today=datetime.date(2026, 11, 23))
    assert made == FollowUp.objects.count() > 0
    assert FollowUp.objects.filter(building=b3()).exists()
    assert not FollowUp.objects.filter(building__code="9").exists()
    assert warranty_visits_plan_all(today=datetime.date(2026, 11, 23)) == 0


def test_r6_5_a_long_account_of_what_went_wrong_fills_the_complaint_to_its_limit(clock, api, persona):
    """R6.5: the complaint quotes the shortcomings said at the call, cut to the 2,000
    characters a ticket's description holds."""
    number = closed_complaint(api)
    opened = unsatisfied_review(persona, number, shortcomings="差" * 2000)
    assert len(opened.description) == 2000 and opened.description.endswith("差")
