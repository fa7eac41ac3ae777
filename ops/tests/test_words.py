"""The words people read (the issue "The desk's day without friction"): the main pages
of each role, in Chinese, show no English word; a refusal or a page not found is a
styled page in the person's language with the way back to their own home; a promise
two days away or more counts down in days and hours; a queue row stands out by its
kind's own measure (a minor complaint is not painted like an emergency, a medical
emergency is); and the dispatch suggestion says why it chose the technician."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from conftest import help_draft, login, recorded, repair_draft
from estates.models import Property
from people.models import Role, User
from repairs.dispatch import Candidate, Technician, ranked
from surveys.services import survey_open
from tickets.models import Ticket

# --- What a person reads of a page ----------------------------------------------------

# Not read: scripts, styles, templates, the text typed into a form. Attributes are not
# read either, except those shown or spoken: a placeholder, a tooltip, a label for a
# screen reader, an image's words.
HIDDEN = {"script", "style", "template", "textarea"}
SPOKEN = {"placeholder", "title", "aria-label", "alt"}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        self.parts.append(" ")
        if not self.hidden:
            self.parts.extend(f" {value} " for name, value in attrs if name in SPOKEN and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def read(html: str) -> str:
    """The text a person reads on a page, its white space collapsed."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return " ".join("".join(reader.parts).split())


# Latin letters a Chinese page may rightly show: ticket numbers (BX-20261123-0001),
# units and catalogue codes (3-1202, A-101, PL-01), property codes, a quarter (2026Q4),
# the route tags (Z, Q, GT), names of formats and things people know by them, the key
# shortcuts (N, D, L, F, d) and "English" on the language switch.
NOT_WORDS = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"[A-Z]{2}-\d{8}-\d{4}"  # a ticket number
    r"|[A-Z]{1,3}-\d{1,4}(?:-\d+)?"  # a unit of offices, a catalogue code
    r"|\d{4}Q[1-4]"  # a quarter
    r"|Ctrl\+Enter"
    r")(?![A-Za-z0-9])"
)
ALLOWED = {"YGJY", "WLBG", "GT", "PDF", "Excel", "SMS", "API", "QR", "English"}
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")  # two letters or more: one is a key or a tag (Z, Q)


def english_words(text: str) -> list[str]:
    """The English words of a text, each with a little of what is around it."""
    text = NOT_WORDS.sub(" ", text)
    return [
        f"{m.group()!r} in “…{text[max(0, m.start() - 25) : m.end() + 25]}…”"
        for m in WORD.finditer(text)
        if m.group() not in ALLOWED
    ]


def test_the_reader_finds_english_in_text_and_spoken_attributes_not_in_codes():
    """The check itself: it would find an untranslated word wherever a person reads it."""
    page = (
        "<html><head><title>工作队列</title><style>.x{}</style><script>var open = 1;</script></head><body>"
        '<a href="/t/BX-20261123-0001/" class="emergency">BX-20261123-0001</a> 3-1202 A-101 PL-01 YGJY (N) '
        '<span data-x="hidden words">值班</span> · 0 open <input placeholder="Search tickets" value="typed">'
        '<textarea>customer words</textarea> 2026Q4 <button aria-label="Close">✕</button> English</body></html>'
    )
    found = english_words(read(page))
    assert [f.split()[0] for f in found] == ["'open'", "'Search'", "'tickets'", "'Close'"]


# --- The pages of each role, in Chinese ------------------------------------------------


def _ok(response: Any) -> Any:
    assert response.status_code in (200, 201), response.content[:2000]
    return response


def complaint(severity: str = "minor", **over: Any) -> dict[str, Any]:
    body = {
        "kind": "complaint",
        "property": "YGJY",
        "unit": "3-1202",
        "reporter_name": "王芳",
        "reporter_phone": "13800138000",
        "description": "门岗保安不让快递进小区，态度恶劣",
        "complaint": {"severity": severity, "department": "security"},
    }
    return body | over


def question(kind: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "property": "YGJY",
        "unit": "2-801",
        "channel": "phone",
        "reporter_name": "李明",
        "reporter_phone": "13800138001",
        "description": "询问2027年物业费调整依据",
    }


@pytest.fixture
def day(api, clock) -> dict[str, Any]:
    """A morning's work at 阳光嘉园: tickets of every kind taken a few steps, a survey open."""
    desk, tech1, tech2 = api("ygjy-agent"), api("ygjy-tech1"), api("ygjy-tech2")
    security = api("ygjy-security")
    t: dict[str, Any] = {"emergency": recorded(desk, repair_draft(urgency="emergency", description="厨房水管爆裂"))}
    t["quoted"] = job = recorded(desk, repair_draft())  # the resident's, waiting for their consent
    _ok(desk.act(job, "dispatch", {"assignee": "ygjy-tech1"}))
    _ok(tech1.act(job, "accept"))
    _ok(tech1.act(job, "arrive"))
    _ok(tech1.act(job, "confirm", {"items": [{"item": "PL-03"}], "fault_note": "阀芯老化"}))
    t["closed"] = done = recorded(desk, repair_draft(category="electrical", description="卧室插座没电"))
    _ok(desk.act(done, "dispatch", {"assignee": "ygjy-tech2"}))
    _ok(tech2.act(done, "accept"))
    _ok(tech2.act(done, "arrive"))
    _ok(tech2.act(done, "confirm", {"items": [{"item": "EL-01"}]}))
    _ok(tech2.act(done, "consent", {"customer_name": "王芳"}))
    _ok(tech2.act(done, "complete", {"result_note": "已更换插座"}))
    _ok(tech2.act(done, "sign_off", {"satisfaction": 5, "signed_by": "王芳"}))
    _ok(tech2.act(done, "report_back", {"materials_used": "插座 1个"}))
    _ok(desk.act(done, "close", {"note": "已回访"}))
    t["deferred"] = later = recorded(desk, repair_draft(description="阳台地漏堵塞"))
    _ok(desk.act(later, "dispatch", {"assignee": "ygjy-tech1"}))
    _ok(tech1.act(later, "accept"))
    _ok(tech1.act(later, "arrive"))
    _ok(tech1.act(later, "defer", {"reason": "等配件", "promised_at": (timezone.now() + 3 * DAY).isoformat()}))
    t["minor"] = minor = recorded(desk, complaint())
    _ok(desk.act(minor, "forward"))
    _ok(security.act(minor, "acknowledge"))
    _ok(security.act(minor, "handle", {"handling": "已约谈当班保安并道歉"}))
    t["closed_complaint"] = closed = recorded(desk, complaint(description="保安夜间巡逻声音大"))
    for step, body in (("forward", {}), ("acknowledge", {}), ("handle", {"handling": "已提醒"})):
        _ok((desk if step == "forward" else security).act(closed, step, body))
    _ok(desk.act(closed, "close", {"result": "已告知业主处理结果"}))
    t["major"] = recorded(desk, complaint("major", description="电梯困人一小时无人处理"))
    t["medical"] = medical = recorded(desk, help_draft())
    _ok(desk.act(medical, "reply", {"note": "保安已出发"}))
    t["security"] = recorded(desk, help_draft("security"))
    t["consultation"] = recorded(desk, question("consultation"))
    t["suggestion"] = recorded(desk, question("suggestion"))
    t["survey"] = survey_open(
        prop=Property.objects.get(code="YGJY"),
        by=User.objects.get(username="ygjy-manager"),
        title="2026年11月业户满意度调查",
        opens_on=datetime.date(2026, 11, 23),
        closes_on=datetime.date(2026, 11, 29),
        aspects=["维修服务", "环境卫生"],
    ).pk
    return t


DAY = datetime.timedelta(days=1)
REPAIR_QUEUES = ["new", "dispatched", "in_progress", "deferred", "referred", "sign_off", "report_back", "overdue"]
KIND_QUEUES = {
    "complaint": ["new", "forwarded", "handled", "overdue"],
    "help": ["new", "in_hand", "overdue"],
    "consultation": ["new", "referred", "overdue"],
    "suggestion": ["new", "acknowledged", "overdue"],
}


def pages_of(who: str | None, t: dict[str, Any]) -> list[str]:
    """The main pages of each role (a GET each; fragments that htmx loads included)."""
    desk = "/desk/YGJY"
    if who == "ygjy-agent":
        return [
            *(f"{desk}/{q}/" for q in REPAIR_QUEUES),
            *(f"{desk}/{kind}/{q}/" for kind, queues in KIND_QUEUES.items() for q in queues),
            *(f"/t/{t[k]}/" for k in ("emergency", "quoted", "closed", "deferred", "minor", "major")),
            *(f"/t/{t[k]}/" for k in ("closed_complaint", "medical", "security", "consultation", "suggestion")),
            f"{desk}/board/",
            f"{desk}/intake/",
            f"{desk}/intake/places/?place=3-12",
            f"{desk}/intake/history/?unit=3-1202",
            f"{desk}/log/",
            f"{desk}/followups/",
            f"{desk}/directory/",
            f"{desk}/announcements/",
            f"{desk}/residents/",
            f"{desk}/surveys/",
            f"{desk}/surveys/{t['survey']}/",
            "/notices/",
            "/notices/preferences/",
            "/password/",
        ]
    if who == "ygjy-supervisor":
        return [f"{desk}/outbox/", f"{desk}/followups/", f"{desk}/review/", "/notices/", f"/t/{t['minor']}/"]
    if who == "ygjy-manager":
        return ["/reports/YGJY/", f"{desk}/review/", f"{desk}/actions/", f"{desk}/surveys/", f"/t/{t['major']}/"]
    if who == "ygjy-tech1":
        return ["/field/", f"/field/j/{t['quoted']}/", f"/field/j/{t['deferred']}/", "/notices/", "/desk/YGJY/board/"]
    if who == "resident":
        return [
            "/my/",
            f"/my/m/{t['quoted']}/",
            f"/my/m/{t['closed']}/",
            f"/my/m/{t['minor']}/",
            "/my/report/",
            "/my/fees/",
            f"/my/surveys/{t['survey']}/",
            "/notices/",
            "/desk/YGJY/new/",  # 403
            "/my/m/BX-20991231-9999/",  # 404
        ]
    return ["/login/", "/my/login/", "/my/join/", "/no-such-page/", "/desk/YGJY/new/"]


@pytest.mark.parametrize("who", ["ygjy-agent", "ygjy-supervisor", "ygjy-manager", "ygjy-tech1", "resident", None])
def test_no_english_word_on_the_main_pages_of_each_role_in_chinese(day, who):
    client = login(who) if who else Client()
    found = {}
    for path in pages_of(who, day):
        response = client.get(path, follow=True)
        assert response.status_code in (200, 403, 404), (path, response.status_code)
        words = english_words(read(response.content.decode()))
        if words:
            found[path] = words
    assert not found, "English on Chinese pages:\n" + "\n".join(f"{p}: {w}" for p, w in found.items())


def test_what_the_desk_is_told_after_a_step_or_a_refusal_is_in_chinese(day):
    """The message after a step and the error next to a field are read too."""
    desk = login("ygjy-agent")
    done = desk.post(f"/t/{day['emergency']}/act/dispatch/", {"assignee": "ygjy-tech2"}, follow=True)
    refused = desk.post(f"/t/{day['minor']}/act/close/", {"result": ""})
    assert done.status_code == 200 and refused.status_code == 422
    for response in (done, refused):
        assert not english_words(read(response.content.decode()))


# --- The refusal and not-found pages ---------------------------------------------------


@pytest.mark.parametrize(
    ("who", "lang", "path", "status", "back", "words"),
    [
        ("resident", None, "/desk/YGJY/new/", 403, "/my/", "返回我的报事"),
        ("resident", None, "/my/m/BX-20991231-9999/", 404, "/my/", "返回我的报事"),
        ("ygjy-tech1", None, "/desk/YGJY/board/", 403, "/field/", "返回我的工单"),
        ("ygjy-agent", None, "/no-such-page/", 404, "/", "返回工作队列"),
        ("ygjy-finance", None, "/desk/YGJY/board/", 403, "/", "返回工作队列"),
        ("wlbg-agent", None, "/desk/YGJY/new/", 404, "/", "返回工作队列"),
        (None, None, "/no-such-page/", 404, "/login/", "登录"),
        (None, None, "/my/no-such-page/", 404, "/my/login/", "登录"),
        ("resident", "en", "/desk/YGJY/new/", 403, "/my/", "Back to my requests"),
        ("ygjy-tech1", "en", "/no-such-page/", 404, "/field/", "Back to my jobs"),
        (None, "en", "/no-such-page/", 404, "/login/", "Log in"),
    ],
)
def test_a_refusal_or_a_missing_page_is_styled_in_the_persons_language_with_the_way_home(
    estate, who, lang, path, status, back, words
):
    client = login(who, lang) if who else Client(headers={"Accept-Language": lang} if lang else None)
    response = client.get(path)
    assert response.status_code == status
    html = response.content.decode()
    assert "console/console.css" in html and 'class="card narrow"' in html  # styled, like the console
    assert f'<a href="{back}">{words}</a>' in html
    text = read(html)
    assert str(status) not in text  # no internal codes: not the status, not Django's words
    for code in ("forbidden", "not_found", "Forbidden", "Http404", "Traceback", "tried"):
        assert code not in text
    if lang == "en":
        assert re.search(r"[\u4e00-\u9fff]", text.replace("中文", "")) is None
    else:
        assert not english_words(text)


def test_staff_refused_at_their_own_home_are_offered_another_login(estate, persona):
    """Someone of the office attached to no property yet: the way back is not the page
    that refused them."""
    User.objects.create_user(username="new-agent", password="demo-2026", role=Role.AGENT)
    response = login("new-agent").get("/")
    assert response.status_code == 403
    assert '<a href="/login/">以其他账号登录</a>' in response.content.decode()


def test_a_form_sent_without_its_token_is_refused_in_plain_words(estate):
    """The CSRF refusal is the same styled page, not Django's technical reason."""
    client = Client(enforce_csrf_checks=True)
    client.login(username="ygjy-agent", password="demo-2026")
    response = client.post("/t/BX-20261123-0001/act/dispatch/", {"assignee": "ygjy-tech1"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "表单已过期" in html and "CSRF" not in html and 'href="/">返回工作队列</a>' in html


# --- A queue row stands out by its kind's own measure -----------------------------------

ROW = re.compile(r'<tr(?: class="(?P<cls>[^"]*)")?>\s*<td><a href="/t/(?P<number>[^/]+)/">[^<]*</a>(?P<marks>.*?)</td>')


def rows_of(html: str) -> dict[str, tuple[str, str]]:
    """Each row of a queue by ticket number: the row's class and the marks by its number."""
    return {m["number"]: (m["cls"] or "", m["marks"]) for m in ROW.finditer(html)}


def test_a_minor_complaint_is_not_painted_like_an_emergency_and_a_major_one_stands_out(api, clock):
    desk = api("ygjy-agent")
    # A minor complaint raised from an urgent call still reads as minor.
    minor = recorded(desk, complaint(urgency="emergency"))
    important = recorded(desk, complaint("important"))
    major = recorded(desk, complaint("major"))
    rows = rows_of(login("ygjy-agent").get("/desk/YGJY/complaint/new/").content.decode())
    cls, marks = rows[minor]
    assert cls == "" and 'class="tag' not in marks and '<span class="status">轻微</span>' in marks
    cls, marks = rows[important]
    assert cls == "" and '<span class="tag severity-important">重要</span>' in marks
    cls, marks = rows[major]
    assert cls == "emergency" and '<span class="tag severity-major">重大</span>' in marks


def test_the_help_queue_marks_medical_emergencies(api, clock):
    desk = api("ygjy-agent")
    medical = recorded(desk, help_draft("medical"))
    security = recorded(desk, help_draft("security"))
    rows = rows_of(login("ygjy-agent").get("/desk/YGJY/help/new/").content.decode())
    cls, marks = rows[medical]
    assert cls == "emergency" and '<span class="tag">急救病人</span>' in marks
    cls, marks = rows[security]
    assert cls == "" and 'class="tag' not in marks and '<span class="status">' in marks


def test_an_emergency_repair_still_stands_out_and_a_routine_one_does_not(api, clock):
    desk = api("ygjy-agent")
    emergency = recorded(desk, repair_draft(urgency="emergency", description="水管爆裂"))
    routine = recorded(desk, repair_draft())
    rows = rows_of(login("ygjy-agent").get("/desk/YGJY/new/").content.decode())
    assert rows[emergency][0] == "emergency" and '<span class="tag">紧急</span>' in rows[emergency][1]
    assert rows[routine] == ("", "")


@pytest.mark.parametrize(("kind", "draft"), [("complaint", complaint), ("help", help_draft)])
def test_the_marks_of_a_queue_cost_no_query_per_row(api, clock, kind, draft):
    desk, page = api("ygjy-agent"), login("ygjy-agent")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert page.get(f"/desk/YGJY/{kind}/new/").status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        recorded(desk, draft())
    few = count()
    for _ in range(10):
        recorded(desk, draft())
    assert count() == few


# --- The dispatch suggestion says why ---------------------------------------------------


def _tech(pk: int, *, on_duty: bool = True, load: int = 0, trades: dict[int, str] | None = None) -> Technician:
    user = User(pk=pk, username=f"t{pk}", display_name=f"师傅{pk}")
    trades = trades or {}
    return Technician(user, on_duty, load, frozenset(trades), trades)


PLUMBER, ELECTRICIAN = {1: "水工"}, {2: "电工"}


@pytest.mark.parametrize(
    ("technicians", "trade_id", "emergency", "first", "why"),
    [
        # An emergency: the free one on duty, even though not of the trade.
        ([_tech(1, load=2, trades=PLUMBER), _tech(2, trades=ELECTRICIAN)], 1, True, 2, "紧急：空闲者优先，非水工"),
        ([_tech(1, trades=PLUMBER), _tech(2, load=1)], 1, True, 1, "紧急：空闲者优先，且是水工"),
        ([_tech(1, load=3), _tech(2, load=1)], None, True, 2, "紧急：空闲者优先"),
        ([_tech(1, load=3), _tech(2, load=1)], 9, True, 2, "紧急：空闲者优先，无本专长人员"),
        # A routine job: the trade first, then the lightest load.
        ([_tech(1, load=2, trades=PLUMBER), _tech(2, trades=ELECTRICIAN)], 1, False, 1, "水工中在办最少"),
        ([_tech(1, on_duty=False, trades=PLUMBER), _tech(2, load=1)], 1, False, 2, "无值班的水工：在办最少者优先"),
        ([_tech(1, load=3), _tech(2, load=1)], None, False, 2, "在办最少者优先"),
        ([_tech(1, load=3), _tech(2, load=1)], 9, False, 2, "无本专长人员：在办最少者优先"),
        # Nobody on duty is said.
        ([_tech(1, on_duty=False, trades=PLUMBER)], 1, False, 1, "无人值班；水工中在办最少"),
    ],
)
def test_the_first_suggestion_says_why_in_the_words_of_the_rule(technicians, trade_id, emergency, first, why):
    with translation.override("zh-hans"):
        best, *others = ranked(technicians, trade_id=trade_id, emergency=emergency)
        label = best.label
    assert best.user.pk == first and best.why == why
    assert all(c.why == "" for c in others)  # only the first is chosen
    duty = "值班" if best.on_duty else "不值班"
    assert label == f"★ {best.user} · {duty} · 在办 {best.open_load} 单 — {why}"


def test_a_candidate_reads_its_duty_load_and_a_trade_not_its_own():
    candidate = Candidate(User(username="t", display_name="龙师傅"), False, False, 2, trade="水工", needs_trade=True)
    with translation.override("zh-hans"):
        assert candidate.facts == "不值班 · 在办 2 单 · 非水工"
        assert candidate.label == "龙师傅 · 不值班 · 在办 2 单 · 非水工"
    with translation.override("en"):
        assert candidate.label == "龙师傅 · off duty · 2 open · not a 水工"


def test_the_board_and_the_ticket_page_say_why_the_technician_is_suggested(api, clock):
    """An emergency plumbing job while the plumber (tech1) has two jobs: the free
    electrician on duty is suggested, and the page says so."""
    desk = api("ygjy-agent")
    for _ in range(2):
        _ok(desk.act(recorded(desk, repair_draft()), "dispatch", {"assignee": "ygjy-tech1"}))
    number = recorded(desk, repair_draft(urgency="emergency", description="水管爆裂"))
    page = login("ygjy-agent")
    board = page.get("/desk/YGJY/board/").content.decode()
    assert "紧急：空闲者优先，非水工" in board
    ticket = page.get(f"/t/{number}/").content.decode()
    assert re.search(r"<option value=\"ygjy-tech\d\"[^>]*>★ [^<]+ — 紧急：空闲者优先，非水工</option>", ticket)
    assert "在办 2 单" in ticket  # the plumber's load, why it was not chosen


# --- Countdowns in days and hours -------------------------------------------------------

COUNTDOWN = Path(settings.BASE_DIR, "console/static/console/console.js").read_text().split("})();")[0] + "})();"


def _due_in(number: str, delta: datetime.timedelta) -> None:
    Ticket.objects.filter(number=number).update(next_due_at=timezone.now() + delta)


@pytest.mark.browser
@pytest.mark.parametrize(
    ("lang", "far", "near", "late", "hours"),
    [
        ("zh-hans", "还剩 3天4小时", "还剩 1小时30分", "已超时 2天5小时", "还剩 76小时30分"),
        ("en", "3 d 4 h left", "1 h 30 min left", "2 d 5 h overdue", "76 h 30 min left"),
    ],
)
def test_a_promise_two_days_away_or_more_counts_down_in_days_and_hours(chromium, api, lang, far, near, late, hours):
    """The queue's countdowns: in days and hours from two days on, in hours and minutes
    before; without the days' words on the page (an older page) they stay in hours."""
    desk = api("ygjy-agent")
    numbers = [recorded(desk, repair_draft(description=f"第{i}处漏水")) for i in range(3)]
    for number, delta in zip(
        numbers,
        (
            3 * DAY + datetime.timedelta(hours=4, minutes=30),
            datetime.timedelta(minutes=90),
            -(2 * DAY + datetime.timedelta(hours=5, minutes=10)),
        ),
        strict=True,
    ):
        _due_in(number, delta)
    html = login("ygjy-agent", lang).get("/desk/YGJY/new/").content.decode()
    context = chromium.new_context()
    try:
        browser_page = context.new_page()
        browser_page.set_content(re.sub(r"<script[^>]*></script>", "", html))
        browser_page.add_script_tag(content=COUNTDOWN)
        browser_page.evaluate("document.dispatchEvent(new Event('DOMContentLoaded'))")

        def said(number: str) -> str:
            return browser_page.locator(f"tr:has(a:text-is('{number}')) time.due").text_content() or ""

        assert said(numbers[0]).endswith(far)
        assert said(numbers[1]).endswith(near)
        assert said(numbers[2]).endswith(late)
        browser_page.evaluate(
            "document.querySelectorAll('[data-days]').forEach(e => e.removeAttribute('data-days'));"
            "document.dispatchEvent(new Event('DOMContentLoaded'))"
        )
        assert said(numbers[0]).endswith(hours)
    finally:
        context.close()
