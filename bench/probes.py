"""Measurements taken inside this process: SQL queries per request (Django test client,
no HTTP), query plans of those requests, and the sweep of missed promises."""

from __future__ import annotations

import datetime
import itertools
import json
import re
import time
import uuid
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.load import Request
from promises.models import Deadline
from promises.services import sweep

QUEUE_URL = "/api/v1/tickets?property=YGJY&kind=repair&open=true&ordering=due&limit=50"
# The console's busiest queue page (up to 100 rows, with the counts of every queue).
CONSOLE_QUEUE_URL = "/desk/YGJY/in_progress/"
# The monthly report pack (reports.selectors.monthly_pack) and who reads it: the desk agent
# may not, so the property's manager reads its dashboard and leadership the company's.
REPORTS = {
    "report_property": ("ygjy-manager", "/reports/YGJY/{month}/"),
    "report_company": ("leader", "/reports/all/{month}/"),
}


# The resident whose pages are measured: the demo's owner of 3-1202 (their household has
# a few thousand of the generated matters).
RESIDENT = "resident"


def token_check_ms(token: str, rounds: int = 2000) -> float:
    """The token check alone (``people.tokens.token_user``), median of ``rounds`` calls
    in this process after a warm-up, in milliseconds."""
    from people.tokens import token_user

    for _ in range(50):
        token_user(token)
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        token_user(token)
        times.append(time.perf_counter() - t0)
    times.sort()
    return round(times[len(times) // 2] * 1000, 3)


def session_of(username: str) -> str:
    """A logged-in session of a demo user, for the HTML pages."""
    from people.models import User

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    return client.cookies["sessionid"].value


def console_session() -> str:
    """A logged-in session of the desk agent, for the console pages."""
    return session_of("ygjy-agent")


def report_month(generated_at: str) -> str:
    """The data set's current month in local time (like 2026-11): the month its newest
    tickets fall in. No pack of it is kept, so the page computes every figure, and it
    stays the same month however long the stored data set is reused."""
    at = datetime.datetime.fromisoformat(generated_at)
    return f"{at.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)):%Y-%m}"


def report_url(name: str, month: str) -> str:
    return REPORTS[name][1].format(month=month)


def create_body(n: int, units: list[str]) -> dict[str, str]:
    """The n-th ticket a desk agent records: a real unit, varied category and text."""
    categories = [
        ("plumbing", "厨房水龙头漏水"),
        ("electrical", "卫生间插座没电"),
        ("doors_windows", "阳台推拉门卡住"),
        ("hvac", "空调不制冷"),
        ("waterproofing", "卫生间楼下渗水"),
    ]
    category, text = categories[n % len(categories)]
    return {
        "kind": "repair",
        "property": "YGJY",
        "unit": units[n % len(units)],
        "category": category,
        "reporter_name": "王芳" if n % 2 else "李建国",
        "reporter_phone": f"138{n % 10**8:08d}",
        "description": f"{text}（压测 {n}）",
    }


def creations(units: list[str], auth: dict[str, str], label: str) -> Callable[[int], Request]:
    """The load generator's requests recording the n-th ticket of ``create_body``, each
    under an ``Idempotency-Key`` no request sent before. The generator numbers every
    run's requests from 0 (and its warm-ups from 10**9): a key made from that number
    would make each later run replay the first run's tickets instead of recording new
    ones, and measure the replay."""
    keys = itertools.count()
    run_id = uuid.uuid4().hex[:8]

    def make(n: int) -> Request:
        body = json.dumps(create_body(n, units)).encode()
        key = f"{label}-{run_id}-{next(keys)}"  # next() on a count is atomic under the GIL
        return "POST", "/api/v1/tickets", body, {**auth, "Content-Type": "application/json", "Idempotency-Key": key}

    return make


def _request(client: Client, method: str, url: str, body: dict | None = None) -> tuple[int, dict, list[dict]]:
    with CaptureQueriesContext(connection) as ctx:
        if method == "POST":
            r = client.post(
                url, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
            )
        else:
            r = client.get(url)
    return r.status_code, (r.json() if r.content else {}), ctx.captured_queries


def _page(session: str, url: str) -> tuple[int, list[dict]]:
    """GET an HTML page with a session cookie, twice; the queries of the second time."""
    client = Client(SERVER_NAME="127.0.0.1")
    client.cookies["sessionid"] = session
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(url).status_code
    return status, ctx.captured_queries


def query_counts(token: str, units: list[str], closed_number: str | None, month: str) -> dict[str, Any]:
    """Queries per request for create, the queue, the console's queue page, the monthly
    reports of ``month``, and the detail of a new and of a closed ticket. Each request
    runs once first, so once-a-day work (the token's last-used date) is not counted."""
    client = Client(SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    out: dict[str, Any] = {"counts": {}, "status": {}, "sql": {}}

    def measure(name: str, method: str, url: str, body: dict | None = None) -> dict:
        _request(client, method, url, body)
        status, payload, queries = _request(client, method, url, body)
        out["counts"][name] = len(queries)
        out["status"][name] = status
        out["sql"][name] = [q["sql"] for q in queries]
        return payload

    created = measure("create", "POST", "/api/v1/tickets", create_body(0, units))
    measure("queue", "GET", QUEUE_URL)
    pages = {"console": (console_session(), CONSOLE_QUEUE_URL)}
    pages |= {name: (session_of(user), report_url(name, month)) for name, (user, _url) in REPORTS.items()}
    for name, (session, url) in pages.items():
        status, queries = _page(session, url)
        out["counts"][name], out["status"][name] = len(queries), status
        out["sql"][name] = [q["sql"] for q in queries]
    if "number" in created:
        measure("detail_new", "GET", f"/api/v1/tickets/{created['number']}")
    if closed_number:
        measure("detail_closed", "GET", f"/api/v1/tickets/{closed_number}")
    return out


def explain(sql_by_request: dict[str, list[str]]) -> dict[str, list[dict[str, Any]]]:
    """EXPLAIN ANALYZE of every SELECT each request ran (PostgreSQL), slowest first."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, statements in sql_by_request.items():
        plans = []
        for statement in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
            m = re.search(r"Execution Time: ([\d.]+) ms", plan)
            plans.append({"ms": float(m.group(1)) if m else None, "sql": statement, "plan": plan})
        out[name] = sorted(plans, key=lambda p: -(p["ms"] or 0))
    return out


def sweep_twice() -> dict[str, Any]:
    """Time the sweep over every due, still-running clock, then run it again to show it
    records nothing twice. Both runs share one transaction that is rolled back, so the
    stored data set keeps its due clocks for the next run."""
    now = timezone.now()
    due = Deadline.objects.filter(status=Deadline.Status.OPEN, breached_at__isnull=True, due_at__lte=now).count()
    running = Deadline.objects.filter(status=Deadline.Status.OPEN).count()
    with transaction.atomic():
        t0 = time.perf_counter()
        first = sweep(now)
        t1 = time.perf_counter()
        second = sweep(now)
        t2 = time.perf_counter()
        transaction.set_rollback(True)
    return {
        "open_deadlines": running,
        "due_before": due,
        "first_run": {"breaches": first, "seconds": round(t1 - t0, 3)},
        "second_run": {"breaches": second, "seconds": round(t2 - t1, 3)},
        "rolled_back": True,
    }
