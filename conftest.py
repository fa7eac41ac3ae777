"""The test base: the demo company (small size) and named personas, as the people who
use the system: the desk agent, supervisors, technicians, a resident and a resident of
another unit, and staff of the other property."""

from __future__ import annotations

import datetime
import functools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from demo import seed as demo
from people.models import User
from people.tokens import token_create


class Api:
    """A JSON client for the API, logged in as one persona with a personal token."""

    def __init__(self, user: User, lang: str = "zh-hans"):
        self.user = user
        self.client = Client(
            HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='test')[0]}", HTTP_ACCEPT_LANGUAGE=lang
        )

    def get(self, path: str, **params: Any):
        return self.client.get(f"/api/v1{path}", params)

    def post(self, path: str, body: Any = None, **headers: Any):
        return self.client.post(
            f"/api/v1{path}", body if body is not None else {}, content_type="application/json", headers=headers
        )

    def act(self, number: str, action: str, body: dict | None = None):
        return self.post(f"/tickets/{number}/actions/{action}", body or {})


# Frozen time for the promise clocks: a Monday morning at the demo estates. Tests move
# it with ``clock.shift(seconds)`` or ``clock.move_to(datetime)``, never sleep.
SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock(estate):
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def pytest_configure(config: pytest.Config) -> None:
    """Under scripts/mutate.py (MUTATION_TEST_DB set, with --reuse-db) the first run creates
    the test database at that path and keeps it; every mutant's run, a process forked from
    the first, starts from its own copy instead of migrating and seeding again."""
    template = os.environ.get("MUTATION_TEST_DB")
    if not template:
        return
    from django.conf import settings

    test = settings.DATABASES["default"].setdefault("TEST", {})
    if not os.path.exists(template):
        test["NAME"] = template
        return
    own = f"{template}.{os.getpid()}"
    shutil.copyfile(template, own)
    test["NAME"] = own
    config.stash[_MUTANT_DB] = own


_MUTANT_DB = pytest.StashKey[str]()


def pytest_unconfigure(config: pytest.Config) -> None:
    own = config.stash.get(_MUTANT_DB, None)
    if own and os.path.exists(own):
        os.remove(own)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo company is written once into each test database; every test then runs in
    a transaction that is rolled back, so it starts from the same rows."""
    with django_db_blocker.unblock():
        demo.seed("small")


@pytest.fixture
def estate(db):
    demo.seed("small")  # one query when the rows are there; again after a test that emptied the database


@pytest.fixture
def persona(estate):
    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def api(persona):
    """api("ygjy-agent") -> an Api client for that persona; api("x", lang="en") for English."""

    def make(username: str, lang: str = "zh-hans") -> Api:
        return Api(persona(username), lang)

    return make


def login(username: str, lang: str | None = None) -> Client:
    """A browser-like client logged in as the persona (the console and pages)."""
    c = Client(headers={"Accept-Language": lang} if lang else None)
    assert c.login(username=username, password=demo.PASSWORD)
    return c


def intake_post(client: Client, **fields: str) -> Any:
    """POST the console's intake form: by default a phone call from 3-1202 that is only logged.
    A matter is recorded even when the place has an open one of its kind (``anyway``);
    pass ``anyway=""`` to be offered the open ticket first."""
    import uuid

    form = {
        "key": uuid.uuid4().hex,
        "kind": "log",
        "place": "3-1202",
        "description": "询问停水通知",
        "reporter_name": "王芳",
        "reporter_phone": "13800138000",
        "channel": "phone",
        "urgency": "routine",
        "severity": "minor",
        "anyway": "1",
    }
    form.update(fields)
    return client.post("/desk/YGJY/intake/", form)


def raised_number(response: Any) -> str:
    """The number of the ticket an intake recorded, from its redirect to the ticket page."""
    assert response.status_code == 302, response.content.decode()[:2000]
    location = response["Location"]
    assert location.startswith("/t/") and location.endswith("/"), location
    return location[3:-1]


def recorded(client: Api, body: dict[str, Any]) -> str:
    """Record a ticket through the API and return its number (the test fails otherwise)."""
    r = client.post("/tickets", body)
    assert r.status_code == 201, r.content
    return r.json()["number"]


def second_home(user: User, label: str = "1-101") -> Any:
    """The resident registered in the household at ``label`` (YGJY) too; that household."""
    from estates.models import Household, Resident, Unit

    unit = Unit.objects.get(label=label, property__code="YGJY")
    household = Household.objects.filter(unit=unit).first()
    assert household is not None
    Resident.objects.create(property=unit.property, household=household, user=user, name="王", phone=user.phone)
    return household


def help_draft(category: str = "medical", unit: str = "3-1201") -> dict[str, Any]:
    """A help request as the API takes it: by default an old man fallen at home."""
    return {
        "kind": "help",
        "property": "YGJY",
        "unit": unit,
        "reporter_phone": "13800138000",
        "description": "老人在家摔倒，起不来",
        "help": {"category": category},
    }


def repair_draft(**over: Any) -> dict[str, Any]:
    body = {
        "kind": "repair",
        "property": "YGJY",
        "unit": "3-1202",
        "category": "plumbing",
        "reporter_name": "王芳",
        "reporter_phone": "13800138000",
        "description": "厨房水龙头漏水",
    }
    body.update(over)
    return body


@pytest.fixture
def draft():
    return repair_draft


# --- Browser tests ------------------------------------------------------------
# Browser tests: Playwright driving Debian's chromium against Django's live server.
#
# Without chromium the browser tests are skipped with a plain reason (pytest prints it),
# except under CI=true, where a missing browser fails them. Set SCREENSHOTS_DIR to save
# the main pages as PNG (``make screenshots`` writes docs/screenshots/).


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed; CI never skips the browser tests (.ci/run installs it).")
        pytest.skip("browser tests skipped: chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    # make around it are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_estate(transactional_db, live_server):
    demo.seed("small")
    return live_server


class Browser:
    """One person at one browser: logs in, goes to pages, saves screenshots."""

    def __init__(self, chromium: Any, base: str, *, phone: bool = False):
        size = {"width": 360, "height": 780} if phone else {"width": 1280, "height": 860}
        self.context = chromium.new_context(viewport=size, locale="zh-CN", is_mobile=phone, has_touch=phone)
        self.page = self.context.new_page()
        self.base = base
        # Every page must satisfy the Content-Security-Policy the app sends (settings).
        self.violations: list[str] = []
        self.page.on(
            "console",
            lambda m: self.violations.append(m.text) if "Content Security Policy" in m.text else None,
        )

    def login(self, username: str) -> Any:
        page = self.page
        page.goto(f"{self.base}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "demo-2026")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    def shot(self, name: str) -> None:
        folder = os.environ.get("SCREENSHOTS_DIR")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def browser(chromium, live_estate) -> Iterator[Any]:
    def open(phone: bool = False) -> Browser:
        b = Browser(chromium, live_estate.url, phone=phone)
        opened.append(b)
        return b

    opened: list[Browser] = []
    yield open
    for b in opened:
        b.context.close()
    assert not [v for b in opened for v in b.violations], "pages broke the Content-Security-Policy"


# --- Accessibility audit ------------------------------------------------------
# axe-core (vendored under static/vendor/axe-core/ with its licence) runs inside the
# page. It is evaluated through the DevTools protocol, as the test's own script, so the
# app's Content-Security-Policy stays as strict as it is served: no inline <script> is
# added to the page and no policy is bypassed.

AXE_SOURCE = Path(__file__).resolve().parent / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_FAILS = ("serious", "critical")  # the impacts that fail an audit

_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary, html: n.html.slice(0, 300)})),
  }));
}"""


@functools.cache
def _axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8") + "\n;undefined"  # evaluated as a script, not returned


def axe_audit(page: Any, fails: tuple[str, ...] = AXE_FAILS) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; return the violations of the given impacts
    (serious and critical by default), each with its rule id, help text and nodes. axe is
    put into the page once per document (again after each navigation)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return [v for v in page.evaluate(_AXE_RUN) if v["impact"] in fails]


def axe_report(violations: list[dict[str, Any]]) -> str:
    """The violations as text for a failing assertion: rule id, impact, help and nodes."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {n['target']}: {n['html']}\n      {n['summary']}" for n in v["nodes"])
    return "\n".join(lines)


@pytest.fixture
def axe() -> Any:
    """axe(page, where) audits the page and fails with the violations' ids and nodes."""

    def check(page: Any, where: str = "") -> None:
        found = axe_audit(page)
        assert not found, f"accessibility violations on {where or page.url}:\n{axe_report(found)}"

    return check
