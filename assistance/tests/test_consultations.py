"""Consultations and suggestions (咨询, 建议, R5.5): an oral one is answered at once (the
supervisor within 5 minutes), a written one in writing by the property manager within
2 days, printable; escalations go to the roles the property's policy names."""

from __future__ import annotations

import datetime
import io

import pytest
from pypdf import PdfReader

from assistance.models import Answer
from conftest import T0, login, recorded
from notify.models import Notification
from promises.models import Deadline, PromisePolicy
from promises.services import sweep
from tickets.models import Ticket

MIN = datetime.timedelta(minutes=1)
DAY = datetime.timedelta(days=1)
ANSWER = "2027年物业费调整依据为业主大会决议，详见公告栏。"


# --- Helpers ------------------------------------------------------------------------------


def new_matter(api, kind: str = "consultation", channel: str = "phone", **over) -> str:
    body = {
        "kind": kind,
        "property": "YGJY",
        "unit": "2-801",
        "channel": channel,
        "reporter_name": "李明",
        "reporter_phone": "13800138000",
        "description": "来函询问2027年物业费调整依据",
    }
    return recorded(api("ygjy-agent"), body | over)


def reply_clock(number: str) -> Deadline:
    return Deadline.objects.get(ticket__number=number, clock="reply")


def breach_recipients(number: str) -> list[str]:
    notes = Notification.objects.filter(ticket__number=number, kind="breach").order_by("recipient__username")
    return [n.recipient.username for n in notes if n.recipient]


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- The reply clocks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "due", "role"),
    [
        ("phone", 5 * MIN, "service_supervisor"),
        ("walk_in", 5 * MIN, "service_supervisor"),
        ("written", 2 * DAY, "manager"),
    ],
)
def test_reply_clock_of_an_oral_and_a_written_consultation(clock, api, channel, due, role):
    """R5.5: oral: answered at once (the supervisor within 5 minutes); written: within 2 days."""
    number = new_matter(api, channel=channel)
    d = reply_clock(number)
    assert (d.status, d.started_at, d.due_at, d.escalate_to) == ("open", T0, T0 + due, role)


def test_an_unanswered_oral_consultation_goes_to_the_supervisor(clock, api):
    """R5.5: not answered in 5 minutes: breached once, escalated to the service supervisor."""
    number = new_matter(api, channel="phone")
    clock.shift(4 * 60)
    assert sweep() == 0
    clock.shift(2 * 60)
    assert sweep() == 1 and sweep() == 0
    assert reply_clock(number).breached_at == T0 + 6 * MIN
    assert breach_recipients(number) == ["ygjy-supervisor"]


def test_an_unanswered_written_consultation_goes_to_the_manager_after_two_days(clock, api):
    """R5.5: a written matter has 2 days; missing them is escalated to the property manager."""
    number = new_matter(api, channel="written")
    clock.shift(2 * DAY - MIN)
    assert sweep() == 0
    clock.shift(2 * MIN)
    assert sweep() == 1
    assert breach_recipients(number) == ["ygjy-manager"]


def test_the_escalation_role_and_limit_come_from_the_property_policy(clock, api, persona):
    """R5.5 limits are a per-property policy: the policy's role is kept on the clock and escalated to."""
    PromisePolicy.objects.filter(property__code="YGJY", kind="consultation:written", clock="reply").update(
        minutes=24 * 60, escalate_to="executive"
    )
    number = new_matter(api, channel="written")
    d = reply_clock(number)
    assert (d.due_at, d.escalate_to) == (T0 + DAY, "executive")
    # Changing the policy later does not move a running clock's escalation.
    PromisePolicy.objects.filter(property__code="YGJY", kind="consultation:written", clock="reply").update(
        escalate_to="manager"
    )
    clock.shift(DAY + MIN)
    assert sweep() == 1
    assert breach_recipients(number) == ["leader"]


# --- Refer and answer ------------------------------------------------------------------------------


def test_refer_asks_the_service_supervisor(clock, api, persona):
    """R5.5: never guess: the agent refers the question to the supervisor, who is notified."""
    number = new_matter(api, channel="phone", description="小区能否办理临时停车证？")
    clock.shift(60)
    r = api("ygjy-agent").act(number, "refer", {"note": "不确定，请主管答复"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "referred"
    notes = Notification.objects.filter(ticket__number=number, kind="review")
    assert [n.recipient for n in notes] == [persona("ygjy-supervisor")]
    assert notes[0].created_at == T0 + MIN
    assert reply_clock(number).status == "open"  # referring is not the answer
    clock.shift(2 * 60)
    r = api("ygjy-supervisor").act(number, "answer", {"answer": "可以，凭行驶证到客服中心办理。"})
    assert r.status_code == 200 and r.json()["status"] == "answered"
    d = reply_clock(number)
    assert d.status == "met" and d.met_at == T0 + 3 * MIN and d.on_time


def test_a_referred_written_consultation_goes_to_someone_who_may_answer_it(clock, api):
    """R5.5: a written matter is answered in writing by the manager; referring it asks someone who can."""
    number = new_matter(api, channel="written")
    assert api("ygjy-agent").act(number, "refer", {"note": "请书面答复"}).status_code == 200
    notified = list(
        Notification.objects.filter(ticket__number=number, kind="review").values_list("recipient__username", flat=True)
    )
    assert notified
    r = api(notified[0]).act(number, "answer", {"answer": ANSWER})
    assert r.status_code == 200, r.content


def test_an_oral_consultation_is_answered_by_the_desk(clock, api, persona):
    """R5.5: an oral question is answered at once by the agent; the answer is kept, not in writing."""
    number = new_matter(api, channel="phone", description="物业费怎么缴？")
    clock.shift(2 * 60)
    r = api("ygjy-agent").act(number, "answer", {"answer": "可在APP或前台缴纳。"})
    assert r.status_code == 200, r.content
    answer = Answer.objects.get(ticket__number=number)
    assert (answer.written, answer.text, answer.answered_by) == (False, "可在APP或前台缴纳。", persona("ygjy-agent"))
    assert answer.answered_at == T0 + 2 * MIN
    ticket = Ticket.objects.get(number=number)
    assert ticket.status == "answered" and ticket.closed_at == T0 + 2 * MIN


def test_a_written_consultation_is_not_answered_by_an_agent(clock, api):
    """R5.5: a written matter is answered in writing by the property manager: an agent gets 403."""
    number = new_matter(api, channel="written")
    r = api("ygjy-agent").act(number, "answer", {"answer": ANSWER})
    assert r.status_code == 403 and r.json()["code"] == "manager_answers"
    assert not Answer.objects.filter(ticket__number=number).exists()
    assert Ticket.objects.get(number=number).status == "new"
    assert reply_clock(number).status == "open"


def test_a_written_consultation_answered_by_the_manager_is_kept_and_printable(clock, api, persona):
    """R5.5: the manager's written answer is stored as written and prints as a PDF with the
    answer and the tracking number."""
    number = new_matter(api, channel="written")
    desk = login("ygjy-agent")
    assert desk.get(f"/t/{number}/answer.pdf").status_code == 404  # nothing to print yet
    clock.shift(DAY)
    r = api("ygjy-manager").act(number, "answer", {"answer": ANSWER})
    assert r.status_code == 200, r.content
    answer = Answer.objects.get(ticket__number=number)
    assert answer.written and answer.text == ANSWER and answer.answered_by == persona("ygjy-manager")
    d = reply_clock(number)
    assert d.status == "met" and d.on_time

    r = desk.get(f"/t/{number}/answer.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    assert ANSWER in text.replace("\n", "") and number in text
    # The ticket page links the print-out; others cannot print it.
    assert f"/t/{number}/answer.pdf" in desk.get(f"/t/{number}/").content.decode()
    assert login("wlbg-agent").get(f"/t/{number}/answer.pdf").status_code == 404
    assert login("resident").get(f"/t/{number}/answer.pdf").status_code == 403


def test_leadership_may_answer_a_written_consultation_too(clock, api):
    """R5.5: the director (leadership) replies in writing."""
    number = new_matter(api, channel="written")
    assert api("leader").act(number, "answer", {"answer": ANSWER}).status_code == 200
    assert Answer.objects.get(ticket__number=number).written


def test_an_empty_answer_is_refused(clock, api):
    """R5.5: an answer has content."""
    number = new_matter(api, channel="phone")
    r = api("ygjy-agent").act(number, "answer", {"answer": "   "})
    assert r.status_code == 422
    assert not Answer.objects.filter(ticket__number=number).exists()


# --- Suggestions ------------------------------------------------------------------------------------


def test_a_suggestion_is_acknowledged_then_answered_and_closed(clock, api):
    """R5.5 (suggestions as written matters): acknowledged, then answered, which closes it."""
    number = new_matter(api, kind="suggestion", channel="phone", description="建议中心花园增设儿童游乐设施")
    d = reply_clock(number)
    assert (d.due_at, d.escalate_to) == (T0 + 2 * DAY, "manager")
    desk = api("ygjy-agent")
    clock.shift(60)
    r = desk.act(number, "acknowledge", {"note": "已转物业经理"})
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    assert r.json()["closed_at"] is None
    clock.shift(DAY)
    r = api("ygjy-manager").act(number, "answer", {"answer": "明年一季度增设。"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "answered" and r.json()["closed_at"] is not None
    assert Answer.objects.get(ticket__number=number).text == "明年一季度增设。"
    assert reply_clock(number).status == "met"
    assert desk.act(number, "acknowledge").status_code == 409  # closed
