"""The production configuration, started for real and tried from outside (CI runs this).

Two web servers (gunicorn, production settings, DEBUG off) and two huey workers on Redis,
against one PostgreSQL database, on 127.0.0.1, as two machines behind a balancer would
be: `manage.py check --deploy` is clean with HTTPS=1; the login page, a static file and
the API schema answer; a ticket made through one server is read through the other, and a
session started on one is good on the other; password guessing is locked out across both
and let in after the wait; the workers deliver a task (the health endpoint turns ok);
and a missed promise is escalated exactly once though both workers sweep at once.

Run: `.venv/bin/python scripts/production_smoke.py` with PostgreSQL and Redis running
(DATABASE_URL of a server, REDIS_URL); it makes and drops a database of its own.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import NoReturn

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
SERVER = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servicedesk").rsplit("/", 1)[0]
REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/7"
WEBS = (8181, 8182)
PASSWORD = "demo-2026"


def say(text: str) -> None:
    print(f"smoke: {text}", flush=True)


def fail(text: str) -> NoReturn:
    print(f"smoke: FAILED: {text}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def request(port: int, path: str, *, data: dict | None = None, token: str = "", opener=None, form: bool = False):
    """(status, headers, body) of one request to a web server."""
    url = f"http://127.0.0.1:{port}{path}"
    headers = {"Accept-Language": "en"}
    body = None
    if data is not None and form:
        body = urllib.parse.urlencode(data).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = url
    elif data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=body, headers=headers, method="POST" if body is not None else "GET")
    try:
        with (opener or urllib.request.build_opener()).open(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def main() -> None:
    name = f"smoke_{secrets.token_hex(4)}"
    var = Path(tempfile.mkdtemp(prefix="servicedesk-smoke-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "DEBUG", "HTTPS"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"{SERVER}/{name}",
        REDIS_URL=REDIS,
        SECRET_KEY=secrets.token_urlsafe(50),
        VAR_DIR=str(var),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        AXES_COOLOFF_MINUTES="0.1",
        WEB_WORKERS="2",
        ACCESS_LOG="0",
    )

    def manage(*args: str, extra: dict[str, str] | None = None) -> str:
        done = subprocess.run(  # noqa: S603 - fixed argv
            [PYTHON, "manage.py", *args], cwd=ROOT, env={**env, **(extra or {})}, capture_output=True, text=True
        )
        if done.returncode != 0:
            fail(f"manage.py {' '.join(args)}: {done.stdout[-2000:]} {done.stderr[-2000:]}")
        return done.stdout

    admin = psycopg.connect(f"{SERVER}/postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(["redis-cli", "-u", REDIS, "FLUSHDB"], check=False, capture_output=True)  # noqa: S603, S607
    procs: list[subprocess.Popen] = []
    try:
        checked = manage("check", "--deploy", "--fail-level", "WARNING", extra={"HTTPS": "1"})
        say(f"check --deploy with HTTPS=1: {checked.strip().splitlines()[-1]}")
        manage("migrate", "--noinput", "-v0")
        manage("collectstatic", "--noinput", "-v0")
        manage("seed_demo", "--size", "small", "--quiet")
        for port in WEBS:
            procs.append(
                subprocess.Popen(  # noqa: S603 - fixed argv
                    [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "config.wsgi"],
                    cwd=ROOT,
                    env={**env, "ADDRESS": f"127.0.0.1:{port}"},
                    start_new_session=True,
                )
            )
        for _ in range(2):
            procs.append(
                subprocess.Popen(  # noqa: S603 - fixed argv
                    [PYTHON, "manage.py", "run_huey", "--quiet"], cwd=ROOT, env=env, start_new_session=True
                )
            )
        for port in WEBS:
            for _ in range(60):
                try:
                    if request(port, "/login/")[0] == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.5)
            else:
                fail(f"the web server on {port} did not answer")
        say("two web servers and two workers started")

        status, _h, page = request(WEBS[0], "/login/")
        css = re.search(rb'href="(/static/console/console\.[0-9a-f]+\.css)"', page)
        if status != 200 or not css:
            fail("the login page does not link the hashed stylesheet")
        status, headers, _b = request(WEBS[1], css.group(1).decode())
        if status != 200 or "max-age=315360000" not in headers.get("Cache-Control", ""):
            fail(f"the static file answered {status} {headers.get('Cache-Control')}")
        if "Content-Security-Policy" not in request(WEBS[0], "/login/")[1]:
            fail("no Content-Security-Policy on the pages")
        status, _h, schema = request(WEBS[1], "/api/openapi.json")
        if status != 200 or "/api/v1/tickets" not in json.loads(schema)["paths"]:
            fail("the API schema")
        say("the login page, a hashed static file with a long cache, the CSP and the API schema answer")

        status, _h, body = request(WEBS[0], "/api/v1/auth/token", data={"username": "ygjy-agent", "password": PASSWORD})
        if status != 201:
            fail(f"token: {status} {body[:200]!r}")
        token = json.loads(body)["token"]
        draft = {"property": "YGJY", "unit": "3-1202", "category": "plumbing", "description": "烟雾测试：漏水"}
        status, _h, body = request(WEBS[0], "/api/v1/tickets", data=draft, token=token)
        if status != 201:
            fail(f"create: {status} {body[:300]!r}")
        number = json.loads(body)["number"]
        status, _h, body = request(WEBS[1], f"/api/v1/tickets/{number}", token=token)
        if status != 200 or json.loads(body)["description"] != draft["description"]:
            fail(f"read back through the other server: {status}")
        say(f"{number} made through one server and read through the other")

        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        _s, _h, page = request(WEBS[0], "/login/", opener=browser)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if found is None:
            fail("the login form has no CSRF token")
        csrf = found.group(1).decode()
        request(
            WEBS[0],
            "/login/",
            data={"username": "ygjy-agent", "password": PASSWORD, "csrfmiddlewaretoken": csrf},
            opener=browser,
            form=True,
        )
        status, _h, page = request(WEBS[1], "/desk/YGJY/new/", opener=browser)
        if status != 200 or number.encode() not in page:
            fail(f"a session from one server on the other: {status}")
        say("a session started on one server is good on the other")

        for n in range(5):
            status = request(
                WEBS[n % 2], "/api/v1/auth/token", data={"username": "ygjy-finance", "password": "guess-0000"}
            )[0]
        if status != 429:
            fail(f"the fifth wrong password through either server answered {status}, not 429")
        status, headers, body = request(
            WEBS[1], "/api/v1/auth/token", data={"username": "ygjy-finance", "password": PASSWORD}
        )
        if status != 429 or "Retry-After" not in headers:
            fail(f"the right password during the wait answered {status}")
        time.sleep(7)
        if request(WEBS[1], "/api/v1/auth/token", data={"username": "ygjy-finance", "password": PASSWORD})[0] != 201:
            fail("the real user was not let in after the wait")
        say("password guessing locked out across both servers, the real user let in after the wait")

        manage(
            "shell",
            "-c",
            "from ops.tasks import beat; from promises.tasks import sweep_deadlines; beat(); sweep_deadlines()",
        )
        for _ in range(60):
            status, _h, body = request(WEBS[0], "/health/")
            if status == 200:
                break
            time.sleep(0.5)
        else:
            fail(f"health never turned ok: {body[:300]!r}")
        say(f"the workers delivered the tasks: /health/ {json.loads(body)['status']}")

        manage(
            "shell",
            "-c",
            "import datetime; from django.utils import timezone; from promises.models import Deadline; "
            f"Deadline.objects.filter(ticket__number='{number}', status='open').update(due_at=timezone.now() - datetime.timedelta(minutes=1))",
        )
        manage("shell", "-c", "from promises.tasks import sweep_deadlines\nfor _ in range(6): sweep_deadlines()")
        time.sleep(5)
        breaches = (
            manage(
                "shell",
                "-c",
                f"from tickets.models import TicketEvent; print(TicketEvent.objects.filter(ticket__number='{number}', action='breach').count())",
            )
            .strip()
            .splitlines()[-1]
        )
        if breaches != "1":
            fail(f"six sweeps on two workers escalated the missed promise {breaches} times, not once")
        say("six sweeps on two workers escalated the missed promise exactly once")
        say("all good")
    finally:
        for proc in procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main()
