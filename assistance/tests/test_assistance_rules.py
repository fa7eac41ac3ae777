"""The rules of help requests, consultations, suggestions and contingency plans (R5.1-R5.5)
pinned to exact values: the messages and fields of every refusal, the notes and instants
each step records, and what a linked ticket takes over from its help request."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.admin.models import ADDITION, LogEntry
from django.utils import translation
from django.utils.translation import gettext as _

from assistance import services
from assistance.checklists import MEDICAL_OPTIONS, STEPS
from assistance.models import Answer, ContingencyPlan, HelpCategory, HelpRequest
from assistance.tests.test_consultations import new_matter
from assistance.tests.test_help import new_help, reply_clock
from assistance.tests.test_plans import PDF, media, upload  # noqa: F401 (media: the fixture)
from base.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from conftest import T0, help_draft, recorded
from estates.models import CommonArea, Property
from notify.models import Notification
from people.models import Department
from promises.models import Deadline
from tickets.kinds import draft_from
from tickets.models import Ticket, TicketEvent

MEDICAL = STEPS[HelpCategory.MEDICAL]


@pytest.fixture(autouse=True)
def chinese():
    """The desk works in Chinese: a mutated English msgid then shows as English text."""
    with translation.override("zh-hans"):
        yield


def ticket(number: str) -> Ticket:
    return Ticket.objects.get(number=number)


def event(number: str, action: str) -> TicketEvent:
    return TicketEvent.objects.get(ticket__number=number, action=action)


def help_ticket(api, category: str = "medical", **over) -> Ticket:
    return ticket(new_help(api, category=category, **over))


# --- R5.1: the kind of help ---------------------------------------------------------------------


def test_r5_1_a_help_draft_without_its_kind_of_help_is_refused(estate):
    """R5.1: a help request names its kind of help; without it, the field "help" is at fault."""
    draft = draft_from({k: v for k, v in help_draft().items() if k != "help"})
    with pytest.raises(InvalidInput) as err:
        services.help_check(draft)
    assert err.value.message == _("Choose what kind of help is needed.") == "请选择求助类别。"
    assert err.value.field == "help"


# --- R5.2: the reply --------------------------------------------------------------------------------


def test_r5_2_the_reply_is_recorded_at_the_instant_that_meets_the_clock(estate, api, persona):
    """R5.2: the reply's event and the met reply clock carry the same instant and the note."""
    with time_machine.travel(T0, tick=True):
        t = help_ticket(api)
        services.help_reply(ticket=t, by=persona("ygjy-agent"), note="  已派保安上门  ")
    reply = event(t.number, "reply")
    assert reply.note == "已派保安上门"
    assert reply_clock(t.number).met_at == reply.at


def test_r5_2_a_reply_without_a_note_records_none(clock, api, persona):
    """R5.2: a reply given without a note records an empty note."""
    t = help_ticket(api)
    services.help_reply(ticket=t, by=persona("ygjy-agent"))
    assert event(t.number, "reply").note == ""
    assert reply_clock(t.number).met_at == T0


# --- R5.3: the checklist -----------------------------------------------------------------------------


def test_r5_3_an_unknown_step_is_refused_naming_its_first_30_characters(clock, api, persona):
    """R5.3: a step not in the checklist is refused on the field "step", quoting at most 30 characters."""
    t = help_ticket(api)
    step = "s" * 29 + "TAIL"
    with pytest.raises(InvalidInput) as err:
        services.help_check_step(ticket=t, by=persona("ygjy-agent"), step=step)
    assert err.value.message == _("There is no step “%(step)s” in this checklist.") % {"step": "s" * 29 + "T"}
    assert err.value.message == "清单中没有步骤“" + "s" * 29 + "T”。"
    assert err.value.field == "step"


def test_r5_3_a_step_ticked_twice_names_the_time_it_was_ticked(clock, api, persona):
    """R5.3: ticking a step again is refused, naming the step and the hour and minute of the first tick."""
    t = help_ticket(api)
    clock.shift(7 * 60)
    services.help_check_step(ticket=t, by=persona("ygjy-agent"), step="address_phone")
    clock.shift(60)
    with pytest.raises(IllegalTransition) as err:
        services.help_check_step(ticket=t, by=persona("ygjy-agent"), step="address_phone")
    step = MEDICAL["address_phone"]
    assert err.value.message == _("“%(step)s” was already ticked at %(at)s.") % {"step": step, "at": "09:07"}
    assert err.value.message == f"“{step}”已于 09:07 勾选。"
    assert err.value.code == "already_ticked"


def test_r5_3_the_decision_without_a_course_is_refused_with_the_choices(clock, api, persona):
    """R5.3: the decision records hospital, 120 or short-term care; without one it is refused."""
    t = help_ticket(api)
    with pytest.raises(InvalidInput) as err:
        services.help_check_step(ticket=t, by=persona("ygjy-agent"), step="decide")
    assert err.value.message == _("Choose the course: hospital, call 120 or short-term care.")
    assert err.value.message == "请选择处理方式：送医院、拨打120或短期照看。"
    assert err.value.field == "option"


def test_r5_3_each_tick_records_its_label_course_and_note(clock, api, persona):
    """R5.3: a tick's event reads the step's label, the course for the decision, then the note."""
    t = help_ticket(api)
    desk = persona("ygjy-agent")
    services.help_check_step(ticket=t, by=desk, step="address_phone")
    services.help_check_step(ticket=t, by=desk, step="decide", option="ambulance", note=" 家属要求叫120 ")
    services.help_check_step(ticket=t, by=desk, step="called_120", option="hospital", note="已确认")
    notes = {
        e.data["step"]: (e.note, e.data)
        for e in TicketEvent.objects.filter(ticket=t, action="check_step").order_by("at", "id")
    }
    assert notes == {
        "address_phone": (str(MEDICAL["address_phone"]), {"step": "address_phone"}),
        "decide": (
            f"{MEDICAL['decide']}: {MEDICAL_OPTIONS['ambulance']}\n家属要求叫120",
            {"step": "decide", "option": "ambulance"},
        ),
        # Only the decision carries a course; one sent with another step is dropped.
        "called_120": (f"{MEDICAL['called_120']}\n已确认", {"step": "called_120"}),
    }
    assert HelpRequest.objects.get(ticket=t).option == "ambulance"


def test_r5_3_a_tick_is_recorded_at_the_instant_that_meets_the_reply_clock(estate, api, persona):
    """R5.2/R5.3: the first tick is the reply: its event and the met clock carry the same instant."""
    with time_machine.travel(T0, tick=True):
        t = help_ticket(api)
        services.help_check_step(ticket=t, by=persona("ygjy-agent"), step="address_phone")
    tick = event(t.number, "check_step")
    assert reply_clock(t.number).met_at == tick.at


def test_r5_3_the_checklist_shows_the_course_on_the_decision_only(clock, api, persona):
    """R5.3: the checklist shows the course chosen beside the decision, and none elsewhere."""
    t = help_ticket(api)
    desk = persona("ygjy-agent")
    services.help_check_step(ticket=t, by=desk, step="address_phone")
    services.help_check_step(ticket=t, by=desk, step="decide", option="care")
    rows = {row["code"]: row["option"] for row in services.help_checklist(ticket(t.number))}
    assert rows == {code: None for code in MEDICAL} | {"decide": MEDICAL_OPTIONS["care"]}


def test_r5_3_ticks_of_another_help_request_do_not_count(clock, api, persona):
    """R5.3: each help request has its own checklist: another request's ticks are not its own."""
    first = help_ticket(api)
    second = help_ticket(api, unit="3-1202")
    desk = persona("ygjy-agent")
    services.help_check_step(ticket=first, by=desk, step="address_phone")
    assert [row["event"] for row in services.help_checklist(ticket(second.number))] == [None] * len(MEDICAL)
    services.help_check_step(ticket=second, by=desk, step="address_phone")
    assert TicketEvent.objects.filter(ticket=second, action="check_step").count() == 1


def test_r5_3_resolve_names_every_step_not_yet_done(clock, api, persona):
    """R5.3: closing before the checklist is done is refused, naming the missing steps in order."""
    t = help_ticket(api)
    desk = persona("ygjy-agent")
    services.help_check_step(ticket=t, by=desk, step="address_phone")
    services.help_check_step(ticket=t, by=desk, step="decide", option="hospital")
    with pytest.raises(IllegalTransition) as err:
        services.help_resolve(ticket=ticket(t.number), by=desk, result="已送医")
    missing = [str(MEDICAL[s]) for s in ("security_sent", "family_along", "reported_back")]
    assert err.value.message == _("Not yet done: %(steps)s.") % {"steps": "; ".join(missing)}
    assert err.value.message == "尚未完成：" + "; ".join(missing) + "。"
    assert err.value.code == "checklist_incomplete"


def test_r5_3_resolve_needs_the_result_reported_back(clock, api, persona):
    """R5.3: the close records what was reported back; an empty result is refused on "result"."""
    t = help_ticket(api, category="other")
    with pytest.raises(InvalidInput) as err:
        services.help_resolve(ticket=t, by=persona("ygjy-agent"), result="  ")
    assert err.value.message == _("This field cannot be empty.")
    assert err.value.field == "result"


def test_r5_3_resolving_meets_a_running_reply_clock_at_the_closing_instant(estate, api, persona):
    """R5.2/R5.3: the report back answers the caller: a reply clock still running when the
    request closes is met at the instant of the close, and the close records the result."""
    desk = persona("ygjy-agent")
    with time_machine.travel(T0, tick=True):
        t = help_ticket(api, category="other")
        services.help_check_step(ticket=t, by=desk, step="helped")
        services.help_check_step(ticket=t, by=desk, step="reported_back")
        # A reply clock still running at the close (e.g. one restarted by the office).
        Deadline.objects.filter(ticket=t, clock="reply").update(status="open", met_at=None)
        services.help_resolve(ticket=ticket(t.number), by=desk, result=" 已帮忙联系开锁 ")
    close = event(t.number, "resolve")
    assert close.note == "已帮忙联系开锁"
    d = reply_clock(t.number)
    assert d.status == "met" and d.met_at == close.at == ticket(t.number).closed_at


# --- R5.1: repairs and complaints raised from a help request -----------------------------------------


def test_r5_1_a_complaint_raised_from_help_names_its_department(clock, api, persona):
    """R5.1: a complaint raised from a help request needs the department complained about."""
    t = help_ticket(api, category="other")
    with pytest.raises(InvalidInput) as err:
        services.help_spawn(ticket=t, by=persona("ygjy-agent"), kind="complaint", description="门岗态度差")
    assert err.value.message == _("Give the department complained about.") == "请填写被投诉部门。"
    assert err.value.field == "department"
    assert not Ticket.objects.filter(origin=t).exists()


def test_r5_1_a_raised_repair_takes_the_place_caller_urgency_and_channel(clock, api, persona):
    """R5.1: a repair raised from help is at the same common area, for the same caller, with
    the same urgency and channel; the help request records the number raised."""
    area = CommonArea.objects.filter(property__code="YGJY").order_by("id").first()
    assert area is not None
    body = help_draft("other") | {
        "unit": None,
        "common_area": area.name,
        "urgency": "emergency",
        "channel": "walk_in",
        "reporter_name": "赵大爷",
        "reporter_phone": "13912345678",
        "description": "大堂水管爆了",
    }
    t = ticket(recorded(api("ygjy-agent"), body))
    child = services.help_spawn(
        ticket=t, by=persona("ygjy-agent"), kind="repair", category="plumbing", description="大堂水管爆裂"
    )
    child = ticket(child.number)
    assert child.unit is None and child.common_area == area
    assert (child.urgency, child.channel) == ("emergency", "walk_in")
    assert (child.reporter_name, child.reporter_phone) == ("赵大爷", "13912345678")
    spawn = event(t.number, "spawn")
    assert spawn.note == _("Raised %(number)s.") % {"number": child.number} == f"已生成 {child.number}。"
    assert spawn.data == {"ticket": child.number, "kind": "repair"}


def test_r5_1_a_raised_complaint_is_minor_unless_told_otherwise(clock, api, persona):
    """R5.1/R4.1: a complaint raised from help is minor by default and keeps the severity given."""
    t = help_ticket(api, category="other")
    desk = persona("ygjy-agent")
    minor = services.help_spawn(
        ticket=t, by=desk, kind="complaint", description="门岗态度差", department=Department.SECURITY
    )
    major = services.help_spawn(
        ticket=ticket(t.number),
        by=desk,
        kind="complaint",
        description="保安推搡老人",
        department=Department.SECURITY,
        severity="major",
    )
    assert ticket(minor.number).complaint.severity == "minor"  # type: ignore[attr-defined]
    assert ticket(major.number).complaint.severity == "major"  # type: ignore[attr-defined]


# --- R5.5: consultations and suggestions ----------------------------------------------------------------


def test_r5_5_referring_tells_the_supervisor_at_the_instant_of_the_referral(estate, api, persona):
    """R5.5: the referral's event and the supervisor's notice carry the same instant, once per event."""
    with time_machine.travel(T0, tick=True):
        t = ticket(new_matter(api, channel="phone"))
        services.consultation_refer(ticket=t, by=persona("ygjy-agent"), note=" 请主管答复 ")
    refer = event(t.number, "refer")
    assert refer.note == "请主管答复"
    supervisor = persona("ygjy-supervisor")
    notice = Notification.objects.get(ticket=t, kind="review")
    assert notice.recipient == supervisor
    assert notice.created_at == refer.at
    assert notice.key == f"event:{refer.pk}:user:{supervisor.pk}"
    with translation.override(supervisor.language or "zh-hans"):
        assert notice.message == _("Consultation %(number)s needs your answer.") % {"number": t.number}
    assert notice.message == f"咨询 {t.number} 需要您答复。"


def test_r5_5_a_referral_without_a_note_records_none(clock, api, persona):
    """R5.5: referring without a note records an empty note."""
    t = ticket(new_matter(api, channel="phone"))
    services.consultation_refer(ticket=t, by=persona("ygjy-agent"))
    assert event(t.number, "refer").note == ""


def test_r5_5_the_answer_is_kept_with_its_instant_and_who_gave_it(estate, api, persona):
    """R5.5: the answer's row, its event and the met reply clock carry the same instant; the
    row keeps the name of who answered."""
    manager = persona("ygjy-manager")
    with time_machine.travel(T0, tick=True):
        t = ticket(new_matter(api, channel="written"))
        services.answer_give(ticket=t, by=manager, answer=" 依据业主大会决议。 ")
    row = Answer.objects.get(ticket=t)
    answer = event(t.number, "answer")
    assert (row.text, row.written, row.answered_by, row.answered_by_name) == (
        "依据业主大会决议。",
        True,
        manager,
        str(manager),
    )
    assert answer.note == "依据业主大会决议。"
    assert row.answered_at == answer.at == reply_clock(t.number).met_at


def test_r5_5_an_empty_answer_is_refused_on_its_field(clock, api, persona):
    """R5.5: an answer has content; an empty one is refused on the field "answer"."""
    t = ticket(new_matter(api, channel="phone"))
    with pytest.raises(InvalidInput) as err:
        services.answer_give(ticket=t, by=persona("ygjy-agent"), answer=" ")
    assert err.value.message == _("This field cannot be empty.")
    assert err.value.field == "answer"


def test_r5_5_an_agent_may_not_answer_a_written_matter(clock, api, persona):
    """R5.5: a written matter is answered in writing by the property manager, not the desk."""
    t = ticket(new_matter(api, channel="written"))
    with pytest.raises(Forbidden) as err:
        services.answer_give(ticket=t, by=persona("ygjy-agent"), answer="可以")
    assert err.value.message == _("A written matter is answered in writing by the property manager.")
    assert err.value.message == "书面事项须由管理处经理书面答复。"
    assert err.value.code == "manager_answers"


def test_r5_5_acknowledging_a_suggestion_records_the_note_given(clock, api, persona):
    """R5.5: acknowledging a suggestion records its note, or none when none is given."""
    desk = persona("ygjy-agent")
    with_note = ticket(new_matter(api, kind="suggestion"))
    services.suggestion_acknowledge(ticket=with_note, by=desk, note=" 已转物业经理 ")
    without = ticket(new_matter(api, kind="suggestion", unit="2-802"))
    services.suggestion_acknowledge(ticket=without, by=desk)
    assert event(with_note.number, "acknowledge").note == "已转物业经理"
    assert event(without.number, "acknowledge").note == ""
    assert event(without.number, "acknowledge").at == T0


# --- R5.4: contingency plans ---------------------------------------------------------------------------


def plan_add(by, *, prop: str = "YGJY", category: str = "security", title: str = "治安预案", file=None):
    return services.contingency_plan_add(
        prop=Property.objects.get(code=prop), by=by, category=category, title=title, file=file or upload("p.pdf", PDF)
    )


@pytest.mark.usefixtures("media")
def test_r5_4_a_plan_is_kept_with_its_kind_title_time_uploader_and_history(clock, persona):
    """R5.4: a plan is kept for its kind of help, with who uploaded it when, and the history says so."""
    supervisor = persona("ygjy-supervisor")
    plan = plan_add(supervisor, category="security", title=" 治安事件应急预案 ")
    plan = ContingencyPlan.objects.get(pk=plan.pk)
    assert (plan.category, plan.title, plan.uploaded_by, plan.uploaded_at) == (
        "security",
        "治安事件应急预案",
        supervisor,
        T0,
    )
    entry = LogEntry.objects.get(content_type__model="contingencyplan", object_id=str(plan.pk), action_flag=ADDITION)
    assert entry.user == supervisor
    assert entry.change_message == f"{HelpCategory.SECURITY.label}: 治安事件应急预案" == "治安事件: 治安事件应急预案"


@pytest.mark.usefixtures("media")
def test_r5_4_a_plan_for_a_property_one_does_not_work_at_is_not_found(clock, persona):
    """R5.4 and R1.1 scoping: another property's manager is told there is no such property."""
    with pytest.raises(NotFound) as err:
        plan_add(persona("wlbg-manager"))
    assert err.value.message == _("There is no property %(code)s you work at.") % {"code": "YGJY"}
    assert err.value.message == "找不到您所在的项目 YGJY。"
    assert not ContingencyPlan.objects.exists()


@pytest.mark.usefixtures("media")
def test_r5_4_the_desk_may_not_upload_a_plan(clock, persona):
    """R5.4: plans are kept by supervisors and managers."""
    with pytest.raises(Forbidden) as err:
        plan_add(persona("ygjy-agent"))
    assert err.value.message == _("Only supervisors and managers upload contingency plans.")
    assert err.value.message == "只有主管和经理可以上传应急预案。"


@pytest.mark.usefixtures("media")
def test_r5_4_a_plan_is_for_one_of_the_kinds_of_help(clock, persona):
    """R5.4: a plan names the kind of help it is for; another is refused on "category"."""
    with pytest.raises(InvalidInput) as err:
        plan_add(persona("ygjy-manager"), category="picnic")
    assert err.value.message == _("Choose the kind of help the plan is for.") == "请选择预案适用的求助类别。"
    assert err.value.field == "category"


@pytest.mark.usefixtures("media")
def test_r5_4_a_plan_title_is_given_and_at_most_100_characters(clock, persona):
    """R5.4: a plan's title is required and at most 100 characters, refused on "title"."""
    manager = persona("ygjy-manager")
    with pytest.raises(InvalidInput) as empty:
        plan_add(manager, title=" ")
    assert (empty.value.message, empty.value.field) == (_("This field cannot be empty."), "title")
    with pytest.raises(InvalidInput) as long:
        plan_add(manager, title="预" * 101)
    too_long = _("Too long: %(length)d characters, at most %(max)d.") % {"length": 101, "max": 100}
    assert (long.value.message, long.value.field) == (too_long, "title")
    assert not ContingencyPlan.objects.exists()
    assert plan_add(manager, title="预" * 100).title == "预" * 100


@pytest.mark.usefixtures("media")
def test_r5_4_a_plan_of_exactly_the_largest_size_is_kept(clock, persona, monkeypatch):
    """R5.4: "at most 20 MB": a file of exactly the limit is kept, one byte more is refused on "file"."""
    manager = persona("ygjy-manager")
    monkeypatch.setattr(services, "PLAN_MAX", len(PDF))
    assert plan_add(manager, title="刚好").content_type == "application/pdf"
    monkeypatch.setattr(services, "PLAN_MAX", len(PDF) - 1)
    with pytest.raises(InvalidInput) as err:
        plan_add(manager, title="超出")
    assert err.value.message == _("A plan is a PDF, Word or picture file of at most 20 MB.")
    assert err.value.message == "预案须为不超过 20 MB 的 PDF、Word 或图片文件。"
    assert err.value.field == "file"
    assert list(ContingencyPlan.objects.values_list("title", flat=True)) == ["刚好"]


@pytest.mark.usefixtures("media")
def test_r5_4_a_file_that_is_not_a_document_is_refused_on_its_field(clock, persona):
    """R5.4: the file is checked by what it is: HTML claiming to be a PDF is refused on "file"."""
    with pytest.raises(InvalidInput) as err:
        plan_add(persona("ygjy-manager"), file=upload("x.pdf", b"<html><script>alert(1)</script>"))
    assert err.value.message == _("A plan is a PDF, Word or picture file of at most 20 MB.")
    assert err.value.message == "预案须为不超过 20 MB 的 PDF、Word 或图片文件。"
    assert err.value.field == "file"
    assert not ContingencyPlan.objects.exists()
