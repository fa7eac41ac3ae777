"""Browser tests: Playwright driving Debian's chromium against Django's live server.

Without chromium the browser tests are skipped with a plain reason (pytest prints it),
except under CI=true, where a missing browser fails them. Set SCREENSHOTS_DIR to save
the main pages as PNG (``make screenshots`` writes docs/screenshots/)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from estates import demo

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
        size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 860}
        self.context = chromium.new_context(viewport=size, locale="zh-CN", is_mobile=phone, has_touch=phone)
        self.page = self.context.new_page()
        self.base = base

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
