"""The pages work by keyboard and with a screen reader, in chromium: axe-core (vendored,
see static/vendor/axe-core/) audits every page of every role in the states a person
meets (an error shown, every action's form open, a countdown amber and red), and none
may have a serious or critical violation. Each page also has one h1, a skip link to its
main content as the first thing the keyboard reaches, a focus ring of at least 3:1
against what is around it, and on a phone a logout that can be read. The unit
suggestions at intake are a listbox worked with the arrow keys, Enter and Escape."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone

from announcements.services import announcement_publish
from conftest import axe_audit, axe_report, help_draft, recorded, repair_draft
from estates.localtime import local_today
from estates.models import Property
from people.models import User
from promises.models import Deadline
from residents.services import join_ask
from surveys.services import survey_open
from tickets.models import Ticket

pytestmark = pytest.mark.browser

# One h1, a skip link first in the tab order that leads to the main content, and each
# field marked invalid tied to the words of its error.
STRUCTURE = r"""() => {
  const said = [];
  const h1 = [...document.querySelectorAll("h1")].filter(h => h.getClientRects().length);
  if (h1.length !== 1) said.push(`${h1.length} visible h1`);
  const skip = document.querySelector("a.skip");
  const first = document.querySelector("a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]");
  if (!skip) said.push("no skip link");
  else {
    if (first !== skip) said.push("the skip link is not the first thing the keyboard reaches");
    const target = document.getElementById(skip.getAttribute("href").slice(1));
    if (!target || target.tagName !== "MAIN") said.push("the skip link does not lead to <main>");
  }
  for (const el of document.querySelectorAll("[aria-invalid=true]")) {
    const ids = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    const told = ids.some(id => document.getElementById(id) && document.getElementById(id).textContent.trim());
    if (!told) said.push(`${el.id || el.name} is marked invalid without its error tied to it`);
  }
  return said;
}"""

# Colours as WCAG counts them: a colour's relative luminance, the contrast ratio of two,
# and the background an element is drawn on.
COLOURS = r"""
  function colour(text) {
    const m = text.match(/rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)/);
    return m ? {r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4]} : null;
  }
  function lum(c) {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  function ratio(x, y) {
    const a = lum(x), b = lum(y);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }
  function behind(el) {
    for (let e = el; e; e = e.parentElement) {
      const c = colour(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return {r: 255, g: 255, b: 255};
  }
"""

# The focus ring of the element that has the focus, against what is drawn under the ring
# on each of its four sides (the ring is outside the element: over its parent, or over
# the header for a skip link that appears on top of it).
RING = (
    "() => {"
    + COLOURS
    + """
  let el = document.activeElement;
  if (!el || el === document.body) return null;
  // The calendar button inside a date field: the browser draws its own black ring.
  if (!el.matches(":focus")) return null;
  if (getComputedStyle(el).opacity === "0" && el.labels && el.labels.length) el = el.labels[0];
  const s = getComputedStyle(el);
  const ring = colour(s.outlineColor);
  const what = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + el.className : "");
  if (s.outlineStyle === "none" || !ring || parseFloat(s.outlineWidth) < 2) return {what, ratio: 0};
  const box = el.getBoundingClientRect();
  const out = parseFloat(s.outlineOffset) + parseFloat(s.outlineWidth) / 2;
  const midX = box.left + box.width / 2, midY = box.top + box.height / 2;
  const sides = [[box.left - out, midY], [box.right + out, midY], [midX, box.top - out], [midX, box.bottom + out]];
  let worst = Infinity;
  for (const [x, y] of sides) {
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
    const under = document.elementsFromPoint(x, y).find(e => e !== el && !el.contains(e));
    worst = Math.min(worst, ratio(ring, behind(under || el.parentElement)));
  }
  return {what, ratio: worst === Infinity ? ratio(ring, behind(el.parentElement)) : worst};
}"""
)

# The contrast of an element's text against its background.
TEXT = "el => {" + COLOURS + "return ratio(colour(getComputedStyle(el).color), behind(el)); }"


class Audit:
    """One person at one browser, going through pages; what each page breaks is kept
    and the test fails at the end with all of it, page by page."""

    def __init__(self, b: Any):
        self.b = b
        self.page = b.page
        self.found: list[str] = []
        self.seen = 0

    def go(self, path: str, what: str = "", *, status: int = 200, open_all: bool = False, wait: str = "") -> Any:
        response = self.page.goto(f"{self.b.base}{path}")
        assert response is not None and response.status == status, (path, response and response.status)
        self.page.wait_for_load_state("networkidle")
        if wait:
            self.page.wait_for_selector(wait)
        return self.here(what or path, open_all=open_all)

    def here(self, what: str, *, open_all: bool = False) -> Any:
        """Audit the page as it is now (with every <details> opened when asked)."""
        page = self.page
        if open_all:
            page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        self.seen += 1
        violations = axe_audit(page)
        if violations:
            self.found.append(f"--- {what} ({page.url})\n{axe_report(violations)}")
        structure = page.evaluate(STRUCTURE)
        if structure:
            self.found.append(f"--- {what} ({page.url})\n    " + "; ".join(structure))
        return page

    def submit_unchecked(self, form: str) -> None:
        """Submit a form as it is, past the browser's own checks, to see the server's errors."""
        with self.page.expect_navigation():
            self.page.evaluate(
                f"(() => {{ const f = document.querySelector({form!r}); f.noValidate = true; f.requestSubmit(); }})()"
            )
        self.page.wait_for_load_state("networkidle")

    def rings(self, what: str, presses: int = 40) -> None:
        """Tab through the page: every focused element's ring has 3:1 against its background."""
        page = self.page
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.evaluate("window.scrollTo(0, 0)")
        for _ in range(presses):
            page.keyboard.press("Tab")
            ring = page.evaluate(RING)
            if ring and ring["ratio"] < 3:
                self.found.append(f"--- {what}: focus ring {ring['ratio']:.2f}:1 on {ring['what']}")

    def check(self) -> None:
        assert self.seen
        assert not self.found, "\n".join(self.found)


def step(username: str, number: str, action: str, data: dict | None = None) -> None:
    """A step through the same service as the API and the pages."""
    from tickets.actions import ticket_act
    from tickets.selectors import ticket_for_action

    by = User.objects.get(username=username)
    ticket_act(ticket=ticket_for_action(by, number), action=action, by=by, data=data or {})


def errors_tied(page: Any, form: str) -> list[str]:
    """Each error shown in the form is tied to its field (aria-describedby) and says no
    internal code (such as 'medical' or reporter_phone); returns what they say."""
    said = []
    errors = page.locator(f"{form} p.error:not([role=alert])")  # a form's own message is an alert
    for i in range(errors.count()):
        text, ident = errors.nth(i).text_content() or "", errors.nth(i).get_attribute("id")
        assert not re.search(r"'[a-z_]+'|\b[a-z]+_[a-z_]+\b", text), f"an internal code shown: {text}"
        assert ident and page.locator(f"[aria-describedby~='{ident}']").count() == 1, f"not tied to its field: {text}"
        said.append(text)
    return said


def tickets_of_every_kind(api: Any) -> dict[str, str]:
    desk = api("ygjy-agent")
    draft = {"property": "YGJY", "reporter_phone": "13800138000", "unit": "1-101"}
    numbers = {
        "repair": recorded(desk, repair_draft(urgency="emergency", description="厨房水管爆裂")),
        "help": recorded(desk, help_draft()),
        "complaint": recorded(
            desk,
            draft
            | {
                "kind": "complaint",
                "description": "夜间装修噪音，保安多次劝阻无效",
                "complaint": {"severity": "important", "department": "security", "demand": "今晚前停止夜间施工"},
            },
        ),
        "consultation": recorded(
            desk, draft | {"kind": "consultation", "channel": "written", "description": "询问2027年物业费调整依据"}
        ),
        "suggestion": recorded(desk, draft | {"kind": "suggestion", "description": "建议中心花园增设儿童游乐设施"}),
    }
    return numbers


def test_the_desk_agents_pages(browser, api):
    """Signed out (login, a refused login, 404) and the desk agent: the queues of every
    kind, a ticket of every kind with every action open and a refused one, intake of each
    kind and with its errors, board, contact log, follow-ups, directory, residents'
    sign-up, announcements, notices and preferences, the password, 403 and 404."""
    numbers = tickets_of_every_kind(api)
    signed_out = Audit(browser())
    page = signed_out.go("/login/", "login")
    page.fill("#id_username", "ygjy-agent")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    signed_out.here("login refused")
    signed_out.go("/no-such-page/", "404", status=404)
    signed_out.check()

    desk = Audit(browser())
    page = desk.b.login("ygjy-agent")
    desk.here("the desk's home: the repair queue")
    for kind in ("repair", "complaint", "help", "consultation", "suggestion"):
        desk.go(f"/desk/YGJY/{kind}/new/", f"{kind} queue")
        queues = page.eval_on_selector_all("#queue nav.tabs a", "links => links.map(a => a.getAttribute('href'))")
        for href in queues[1:]:
            desk.go(href, f"{kind} queue {href}")
    for kind, number in numbers.items():
        desk.go(f"/t/{number}/", f"{kind} ticket, every action open", open_all=True)
    # An action refused on the ticket page: its error beside its form.
    page.goto(f"{desk.b.base}/t/{numbers['repair']}/")
    desk.submit_unchecked("form[action$='/act/dispatch/']")
    desk.here("a refused dispatch")
    errors_tied(page, "main")

    desk.go("/desk/YGJY/intake/", "intake")
    desk.go("/desk/YGJY/intake/?kind=complaint", "complaint intake")
    desk.go("/desk/YGJY/intake/?kind=help", "help intake")
    # The intake with its errors shown: an unknown unit, no kind of help chosen.
    page.fill("#f-place", "9-9999")
    desk.submit_unchecked("#intake")
    desk.here("intake with errors")
    said = errors_tied(page, "#intake")
    page.check("input[name=kind][value=repair]")
    page.fill("#f-place", "")
    page.fill("#f-description", "")
    desk.submit_unchecked("#intake")
    desk.here("repair intake with errors")
    said += errors_tied(page, "#intake")
    assert len(said) >= 2, said

    desk.go("/desk/YGJY/board/", "board")
    desk.go("/desk/YGJY/log/", "contact log")
    desk.go("/desk/YGJY/followups/", "follow-ups", open_all=True)
    desk.go("/desk/YGJY/directory/", "directory", open_all=True)
    desk.go("/desk/YGJY/residents/", "residents' sign-up")
    desk.go("/desk/YGJY/announcements/", "announcements")
    desk.go("/notices/", "notices")
    desk.go("/notices/preferences/", "preferences")
    desk.go("/password/", "password change")
    desk.go("/desk/NOPE/new/", "a property that is not there", status=404)
    desk.go("/field/", "the desk refused the technician's pages", status=403)
    desk.go(f"/t/{numbers['help']}/", "help ticket")
    page.keyboard.press("d")
    page.wait_for_selector("dialog#directory[open]")
    desk.here("the directory dialog over a help request")
    desk.check()


def test_a_countdown_amber_and_red(browser, api):
    """The live countdowns in their last five minutes (amber) and missed (red)."""
    desk = api("ygjy-agent")
    amber, red = recorded(desk, repair_draft()), recorded(desk, repair_draft(unit="3-1201"))
    now = timezone.now()
    for number, due in ((amber, now + datetime.timedelta(minutes=3)), (red, now - datetime.timedelta(minutes=10))):
        Deadline.objects.filter(ticket__number=number, status="open").update(due_at=due)
        Ticket.objects.filter(number=number).update(next_due_at=due)
    audit = Audit(browser())
    audit.b.login("ygjy-agent")
    audit.go("/desk/YGJY/repair/new/", "the queue with a countdown amber", wait="time.due.amber")
    audit.go("/desk/YGJY/repair/overdue/", "the overdue queue with a countdown red", wait="time.due.red")
    audit.go(f"/t/{amber}/", "a ticket whose promise is amber", wait="time.due.amber")
    audit.go(f"/t/{red}/", "a ticket whose promise is missed", wait="time.due.red")
    audit.check()


def test_the_supervisors_pages(browser, api):
    """The outbox, the review, a sign-up waiting, an announcement and a refused one, a
    closed complaint with its follow-up, the surveys."""
    numbers = tickets_of_every_kind(api)
    ygjy = Property.objects.get(code="YGJY")
    join_ask(by=User.objects.get(username="neighbour"), property=ygjy, unit="1-101", name="李娜")
    news = announcement_publish(
        by=User.objects.get(username="ygjy-agent"),
        property=ygjy,
        title="停水通知",
        body="明天9点到12点停水",
        kind="outage",
    )
    # A complaint closed: its follow-up call is due on the workbench.
    closed = numbers["complaint"]
    step("ygjy-agent", closed, "forward")
    step("ygjy-agent", closed, "acknowledge", {"receiver": "保安队长 周强"})
    step("ygjy-agent", closed, "handle", {"handling": "当事保安已停岗培训"})
    step("ygjy-agent", closed, "close", {"result": "业主接受道歉"})
    audit = Audit(browser())
    page = audit.b.login("ygjy-supervisor")
    audit.here("the supervisor's home: the repair queue")
    audit.go("/desk/YGJY/outbox/", "outbox")
    audit.go("/desk/YGJY/review/", "review", open_all=True)
    audit.go("/desk/YGJY/actions/", "corrective actions")
    audit.go("/desk/YGJY/followups/", "follow-ups", open_all=True)
    audit.go("/desk/YGJY/residents/", "residents' sign-up with a request waiting", open_all=True)
    audit.go(f"/desk/YGJY/announcements/{news.pk}/", "an announcement with its receipts")
    audit.go("/desk/YGJY/announcements/", "announcements")
    audit.submit_unchecked("main form[method=post]")
    audit.here("an announcement refused")
    errors_tied(page, "main")
    audit.go("/desk/YGJY/directory/", "directory with its forms", open_all=True)
    audit.go(f"/t/{closed}/", "a closed complaint", open_all=True)
    assert page.locator("#followups").count() == 1
    audit.go("/desk/YGJY/surveys/", "surveys", open_all=True)
    audit.check()


def test_the_managers_pages(browser, api):
    """The monthly report with its charts drawn, the surveys and a survey's results."""
    for category in ("plumbing", "electrical"):
        recorded(api("ygjy-agent"), repair_draft(category=category))
    ygjy = Property.objects.get(code="YGJY")
    today = local_today(ygjy.time_zone)
    survey = survey_open(
        prop=ygjy,
        by=User.objects.get(username="ygjy-manager"),
        title="业户满意度调查",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=6),
        aspects=["维修服务", "环境卫生"],
    )
    audit = Audit(browser())
    audit.b.login("ygjy-manager")
    audit.here("the manager's home")
    audit.go(
        f"/reports/YGJY/{timezone.localdate():%Y-%m}/", "monthly report", wait="#chart-technicians[data-ready='1']"
    )
    audit.go("/desk/YGJY/surveys/", "surveys", open_all=True)
    audit.go(f"/desk/YGJY/surveys/{survey.pk}/", "survey results", open_all=True)
    audit.go("/desk/YGJY/review/", "review", open_all=True)
    audit.check()


def test_the_technicians_phone(browser, api):
    """My jobs and a job in each step (accept, arrive, confirm, consent, sign-off), a
    refused step, notices and preferences, a 403, on a 360 px phone."""
    desk = api("ygjy-agent")
    jobs = [recorded(desk, repair_draft(description=f"卫生间角阀漏水 {n}")) for n in range(5)]
    for number in jobs:
        desk.act(number, "dispatch", {"assignee": "ygjy-tech1"})
    for number in jobs[1:]:
        step("ygjy-tech1", number, "accept")
    for number in jobs[2:]:
        step("ygjy-tech1", number, "arrive")
    for number in jobs[3:]:
        step("ygjy-tech1", number, "confirm", {"items": [{"item": "PL-01"}]})
    step("resident", jobs[4], "consent")
    step("ygjy-tech1", jobs[4], "complete", {"result_note": "更换角阀"})
    audit = Audit(browser(phone=True))
    page = audit.b.login("ygjy-tech1")
    audit.here("my jobs")
    for number in jobs:
        audit.go(f"/field/j/{number}/", f"job {number}, every step open", open_all=True)
    # A step refused: its error beside its form.
    page.goto(f"{audit.b.base}/field/j/{jobs[3]}/")
    audit.submit_unchecked("form[action$='/act/consent/']")
    audit.here("a consent without a signature")
    errors_tied(page, "main")
    audit.go("/notices/", "notices on the phone")
    audit.go("/notices/preferences/", "preferences on the phone")
    audit.go("/desk/YGJY/intake/", "the technician refused the intake", status=403)
    audit.go("/field/", "my jobs again")
    audit.rings("my jobs", presses=12)
    audit.go(f"/field/j/{jobs[4]}/", "the customer's sign-off")
    audit.rings("the customer's sign-off", presses=25)
    audit.check()


def test_the_residents_phone(browser, api):
    """Signing in (the code sent, a wrong code), joining (refused), then home with a
    survey and an announcement, reporting (refused), a matter reported and one with its
    price, the fees, the survey (refused), notices and preferences, 403 and 404."""
    resident = User.objects.get(username="resident")
    ygjy = Property.objects.get(code="YGJY")
    today = local_today(ygjy.time_zone)
    survey = survey_open(
        prop=ygjy,
        by=User.objects.get(username="ygjy-manager"),
        title="业户满意度调查",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=6),
        aspects=["维修服务", "环境卫生"],
    )
    news = announcement_publish(
        by=User.objects.get(username="ygjy-agent"),
        property=ygjy,
        title="停水通知",
        body="明天9点到12点停水",
        kind="outage",
    )
    desk = api("ygjy-agent")
    reported = recorded(desk, repair_draft(description="卫生间天花板漏水"))
    quoted = recorded(desk, repair_draft(description="水龙头滴水"))
    done = recorded(desk, repair_draft(description="马桶堵塞"))
    for number in (quoted, done):
        desk.act(number, "dispatch", {"assignee": "ygjy-tech1"})
        step("ygjy-tech1", number, "accept")
        step("ygjy-tech1", number, "arrive")
        step("ygjy-tech1", number, "confirm", {"items": [{"item": "PL-01"}]})

    audit = Audit(browser(phone=True))
    page = audit.go("/my/login/", "sign in")
    page.fill("#phone", resident.phone)
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#code")
    audit.here("sign in: the code sent")
    page.fill("#code", "000000")
    page.click("form.card button[type=submit] >> nth=0")
    page.wait_for_load_state("networkidle")
    audit.here("sign in: a wrong code")
    audit.go("/my/join/", "join")
    audit.submit_unchecked("form.card")
    audit.here("join refused")
    errors_tied(page, "main")

    audit.b.login("resident")
    audit.here("my home, with a survey and an announcement")
    audit.go(f"/my/news/{news.pk}/", "an announcement")
    audit.go("/my/report/", "report")
    audit.submit_unchecked("form.card")
    audit.here("report refused")
    errors_tied(page, "main")
    audit.go(f"/my/m/{reported}/", "a matter just reported")
    audit.go(f"/my/m/{quoted}/", "a matter with its price to agree to")
    audit.go("/my/fees/", "fees")
    audit.go(f"/my/surveys/{survey.pk}/", "the survey")
    audit.submit_unchecked("form.survey")
    audit.here("the survey refused")
    errors_tied(page, "main")
    audit.go("/notices/", "notices")
    audit.go("/notices/preferences/", "preferences")
    audit.go("/my/join/", "join, signed in")
    audit.go("/desk/YGJY/new/", "the resident refused the console", status=403)
    audit.go("/my/m/BX-20000101-0001/", "a matter that is not there", status=404)
    audit.go("/my/", "my home again")
    audit.rings("my home", presses=15)
    audit.check()


def test_a_resident_signs_off_on_a_phone(browser, api, tmp_path, settings):
    """The sign-off with its stars, and after it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    desk = api("ygjy-agent")
    number = recorded(desk, repair_draft(description="马桶堵塞"))
    desk.act(number, "dispatch", {"assignee": "ygjy-tech1"})
    for action in ("accept", "arrive"):
        step("ygjy-tech1", number, action)
    step("ygjy-tech1", number, "confirm", {"items": [{"item": "PL-01"}]})
    step("resident", number, "consent")
    step("ygjy-tech1", number, "complete", {"result_note": "已疏通"})
    audit = Audit(browser(phone=True))
    page = audit.b.login("resident")
    audit.go(f"/my/m/{number}/", "a matter to sign off")
    audit.rings("the sign-off", presses=25)
    page.check("input[name=fixed][value=yes]")
    page.click("label[for=star4]")
    page.click("#sign-off button[type=submit]")
    page.wait_for_load_state("networkidle")
    audit.here("a matter signed off")
    audit.check()


def test_the_focus_ring_everywhere(browser, api):
    number = recorded(api("ygjy-agent"), repair_draft())
    audit = Audit(browser())
    page = audit.b.login("ygjy-agent")
    audit.rings("the queue")
    page.goto(f"{audit.b.base}/t/{number}/")
    audit.rings("a ticket")
    page.goto(f"{audit.b.base}/desk/YGJY/intake/")
    audit.rings("intake")
    phone = Audit(browser(phone=True))
    phone.b.login("ygjy-tech1")
    phone.rings("the technician's jobs", presses=10)
    assert not phone.found and not audit.found, "\n".join(audit.found + phone.found)


def test_the_logout_is_readable_on_every_phone_page(browser):
    """The logout on the phone pages' blue header: white, 6.7:1 (it was blue on blue)."""
    for username, home in (("ygjy-tech1", "/field/"), ("resident", "/my/")):
        b = browser(phone=True)
        page = b.login(username)
        assert page.url.endswith(home)
        logout = page.locator("header form[action$='/logout/'] button")
        assert logout.is_visible()
        box = logout.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360
        ratio = logout.evaluate(TEXT)
        assert ratio >= 4.5, (home, ratio)


def test_the_place_suggestions_are_a_listbox_worked_by_keyboard(browser):
    desk = browser()
    page = desk.login("ygjy-agent")
    page.goto(f"{desk.base}/desk/YGJY/intake/")
    page.wait_for_load_state("networkidle")
    place = page.locator("#f-place")
    assert place.get_attribute("role") == "combobox"
    assert place.get_attribute("aria-expanded") == "false"
    page.focus("#f-place")
    page.keyboard.type("3-12")
    page.wait_for_selector("#place-list[data-for='3-12'] [role=option] >> nth=1")
    assert place.get_attribute("aria-expanded") == "true"
    listbox = page.locator("[role=listbox]")
    assert place.get_attribute("aria-controls") == listbox.get_attribute("id")
    options = page.locator("[role=listbox] [role=option]")
    second = options.nth(1).get_attribute("data-unit")
    page.keyboard.press("ArrowDown")
    assert place.get_attribute("aria-activedescendant") == options.nth(0).get_attribute("id")
    page.keyboard.press("ArrowDown")
    assert place.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
    assert options.nth(1).get_attribute("aria-selected") == "true"
    assert options.nth(0).get_attribute("aria-selected") == "false"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowDown")
    assert place.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
    assert page.evaluate("document.activeElement.id") == "f-place"
    page.keyboard.press("Enter")
    page.wait_for_selector("#history .place-history")
    assert page.input_value("#f-unit") == second
    assert page.input_value("#f-place") == second
    assert place.get_attribute("aria-expanded") == "false"
    assert page.get_attribute("#history", "aria-live") == "polite"
    assert Audit(desk).here("intake with a unit picked") is not None

    # Escape closes the list; the field keeps what was typed.
    page.fill("#f-place", "")
    page.focus("#f-place")
    page.keyboard.type("3-11")
    page.wait_for_selector("#place-list[data-for='3-11'] [role=option]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    assert page.locator("[role=listbox] [role=option]").count() == 0 or not page.is_visible("[role=listbox]")
    assert place.get_attribute("aria-expanded") == "false"
    assert not place.get_attribute("aria-activedescendant")
    assert page.input_value("#f-place") == "3-11"

    # The emergency suggested from the words is said aloud.
    hint = page.locator("#emergency-hint")
    assert hint.get_attribute("role") == "status" or hint.get_attribute("aria-live") in ("polite", "assertive")
    page.fill("#f-description", "厨房水管爆裂")
    page.wait_for_function("document.getElementById('emergency-hint').textContent.trim() !== ''")
    assert page.is_visible("#emergency-hint")
