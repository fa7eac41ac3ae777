"""Password guessing is limited on the console, the admin and the API's token endpoint
alike (django-axes); API tokens expire, are listed and revoked by their owner, and go
with a password change; reading with a token does not write on every request."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import login
from demo.seed import PASSWORD
from people.models import ApiToken, User


def active_elsewhere(username: str, active: bool) -> None:
    """The account switched on or off by another process: a write this process hears
    nothing of."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_user SET is_active = %s WHERE username = %s", [active, username])


def console_login(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def token(client: Client, username: str, password: str):
    return client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )


@pytest.fixture
def clock(estate):
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC), tick=False) as t:
        yield t


def test_the_console_login_locks_an_account_after_five_wrong_passwords_and_lets_it_in_after_the_wait(clock, settings):
    browser = Client(REMOTE_ADDR="10.0.0.7", HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert console_login(browser, "ygjy-agent", "guess-123456").status_code == 200  # the form again
    assert console_login(browser, "ygjy-agent", "guess-123456").status_code == 429  # the fifth
    locked = console_login(browser, "ygjy-agent", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed logins. Try again in 15 minutes." in locked.content.decode()
    assert locked["Retry-After"] == "900"
    # From another address the account waits too; another account from elsewhere does not.
    assert console_login(Client(REMOTE_ADDR="10.0.0.8"), "ygjy-agent", PASSWORD).status_code == 429
    assert console_login(Client(REMOTE_ADDR="10.0.0.8"), "ygjy-supervisor", PASSWORD).status_code == 302
    clock.shift(16 * 60)
    assert console_login(browser, "ygjy-agent", PASSWORD).status_code == 302


def test_the_wait_is_said_in_the_person_s_language(clock, settings):
    browser = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        r = console_login(browser, "ygjy-manager", "guess-123456")
    assert r.status_code == 429 and "登录失败次数过多" in r.content.decode()


def test_one_address_trying_many_accounts_is_locked(clock, settings):
    attacker = Client(REMOTE_ADDR="10.9.9.9")
    for n in range(settings.AXES_FAILURE_LIMIT):
        console_login(attacker, f"nobody{n}", "guess-123456")
    assert console_login(attacker, "ygjy-agent", PASSWORD).status_code == 429
    assert console_login(Client(REMOTE_ADDR="10.0.0.1"), "ygjy-agent", PASSWORD).status_code == 302


def test_the_token_endpoint_and_the_admin_login_are_limited_too(clock, settings):
    api = Client(REMOTE_ADDR="10.1.1.1", HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert token(api, "ygjy-finance", "guess-123456").status_code == 401
    assert token(api, "ygjy-finance", "guess-123456").status_code == 429
    locked = token(api, "ygjy-finance", PASSWORD)
    assert locked.status_code == 429
    assert locked.json() == {"detail": "Too many failed logins. Try again in 15 minutes.", "code": "locked_out"}
    admin = Client(REMOTE_ADDR="10.1.1.2")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        admin.post("/admin/login/", {"username": "leader", "password": "guess-123456"})
    assert admin.post("/admin/login/", {"username": "leader", "password": PASSWORD}).status_code == 429
    # Every lockout is listed in the admin.
    assert set(AccessAttempt.objects.values_list("username", flat=True)) >= {"ygjy-finance", "leader"}


def test_a_token_has_a_name_an_expiry_and_is_listed_and_revoked_by_its_owner(estate, settings):
    settings.API_TOKEN_DAYS = 30
    made = token(Client(), "ygjy-agent", PASSWORD).json()
    assert made["name"] == "api" and made["expires_at"]
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {made['token']}")
    listed = bearer.get("/api/v1/auth/tokens").json()
    assert [(t["name"], t["prefix"]) for t in listed] == [("api", made["token"][:8])]
    other = token(Client(), "ygjy-supervisor", PASSWORD).json()
    theirs = Client(HTTP_AUTHORIZATION=f"Bearer {other['token']}").get("/api/v1/auth/tokens").json()[0]["id"]
    assert bearer.delete(f"/api/v1/auth/tokens/{theirs}").status_code == 404
    assert Client(HTTP_AUTHORIZATION=f"Bearer {other['token']}").get("/api/v1/me").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        assert bearer.get("/api/v1/me").status_code == 401  # expired
    assert bearer.delete(f"/api/v1/auth/tokens/{listed[0]['id']}").status_code == 204
    assert bearer.get("/api/v1/me").status_code == 401  # revoked


def test_a_new_password_revokes_every_token(estate):
    key = token(Client(), "ygjy-agent", PASSWORD).json()["token"]
    page = login("ygjy-agent")
    r = page.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": "桂花树下的维修单2026", "new_password2": "桂花树下的维修单2026"},
    )
    assert r.status_code == 302
    assert not ApiToken.objects.filter(user__username="ygjy-agent").exists()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("weak", ["1234567890123", "ygjy-agent1", "password123", "short1"])
def test_weak_passwords_are_refused(estate, weak):
    r = login("ygjy-agent").post("/password/", {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak})
    assert r.status_code == 200 and 'class="error"' in r.content.decode()


def test_reading_with_a_token_writes_at_most_once_a_day_and_never_fails_a_read(estate, settings):
    settings.ACCOUNT_CACHE_SECONDS = 0  # every request reads the token's row
    key = token(Client(), "ygjy-agent", PASSWORD).json()["token"]
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert bearer.get("/api/v1/me").status_code == 200  # notes today
    with CaptureQueriesContext(connection) as queries:
        assert bearer.get("/api/v1/me").status_code == 200
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    ApiToken.objects.update(last_used_on=datetime.date(2026, 1, 1))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = ON")  # the database refuses every write
        try:
            assert bearer.get("/api/v1/me").status_code == 200
        finally:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA query_only = OFF")


def test_a_token_is_remembered_for_seconds_and_a_revocation_elsewhere_reaches_within_them(estate, settings):
    """The account behind a token is remembered by each process (no query per request);
    a deactivation made by another process takes effect within ACCOUNT_CACHE_SECONDS,
    one made in this process at once."""
    settings.ACCOUNT_CACHE_SECONDS = 30
    key = token(Client(), "ygjy-agent", PASSWORD).json()["token"]
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert bearer.get("/api/v1/me").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert bearer.get("/api/v1/me").json()["username"] == "ygjy-agent"
    assert not [q for q in queries if '"people_apitoken"' in q["sql"] or 'FROM "people_user"' in q["sql"]]
    # Another process deactivates the account: nothing reaches this one.
    active_elsewhere("ygjy-agent", False)
    assert bearer.get("/api/v1/me").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31)):
        assert bearer.get("/api/v1/me").status_code == 401
    # Back in this process: a token revoked here is refused on the next request.
    User.objects.filter(username="ygjy-agent").update(is_active=True)
    other = token(Client(), "ygjy-agent", PASSWORD).json()
    second = Client(HTTP_AUTHORIZATION=f"Bearer {other['token']}")
    assert second.get("/api/v1/me").status_code == 200
    ApiToken.objects.filter(prefix=other["token"][:8]).delete()
    assert second.get("/api/v1/me").status_code == 401


def test_a_sessions_account_is_remembered_for_seconds_and_a_change_elsewhere_reaches_within_them(estate, settings):
    """The account behind a signed-in session is remembered by each process like a
    token's (no query for it per page); a deactivation or a new password made by another
    process takes effect within ACCOUNT_CACHE_SECONDS, one made in this process at once."""
    settings.ACCOUNT_CACHE_SECONDS = 30
    desk = Client()
    assert console_login(desk, "ygjy-agent", PASSWORD).status_code == 302
    assert desk.get("/notices/bell/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert desk.get("/notices/bell/").status_code == 200
    assert not [q for q in queries if 'FROM "people_user"' in q["sql"]]
    # Another process deactivates the account: nothing reaches this one.
    active_elsewhere("ygjy-agent", False)
    assert desk.get("/notices/bell/").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31)):
        assert desk.get("/notices/bell/").status_code == 302  # to the login page
    # Active again, signed in again: a deactivation made here is refused on the next page.
    User.objects.filter(username="ygjy-agent").update(is_active=True)
    assert console_login(desk, "ygjy-agent", PASSWORD).status_code == 302
    assert desk.get("/notices/bell/").status_code == 200
    agent = User.objects.get(username="ygjy-agent")
    agent.is_active = False
    agent.save()
    assert desk.get("/notices/bell/").status_code == 302
    # A new password set here signs out the account's other sessions at once.
    agent.is_active = True
    agent.save()
    assert console_login(desk, "ygjy-agent", PASSWORD).status_code == 302
    assert desk.get("/notices/bell/").status_code == 200
    agent.set_password("another-Passw0rd-2026")
    agent.save()
    assert desk.get("/notices/bell/").status_code == 302


def test_an_account_deactivated_by_the_office_is_refused_at_once_on_its_sessions_and_tokens(estate, settings):
    """Deactivating (people.services.account_deactivate, a queryset update: no model
    signal) forgets the remembered account in this process at once, behind its sessions
    and its tokens alike; so does any other queryset update of accounts."""
    from people.services import account_deactivate

    settings.ACCOUNT_CACHE_SECONDS = 30
    desk = Client()
    assert console_login(desk, "ygjy-agent", PASSWORD).status_code == 302
    key = token(Client(), "ygjy-agent", PASSWORD).json()["token"]
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert desk.get("/notices/bell/").status_code == 200 and bearer.get("/api/v1/me").status_code == 200
    account_deactivate(user=User.objects.get(username="ygjy-agent"), by=None)
    assert desk.get("/notices/bell/").status_code == 302
    assert bearer.get("/api/v1/me").status_code == 401
    # A role changed by a queryset update is read again on the next page too.
    boss = Client()
    assert console_login(boss, "ygjy-manager", PASSWORD).status_code == 302
    assert boss.get("/api/v1/me").json()["role"] == "manager"
    User.objects.filter(username="ygjy-manager").update(role="agent")
    assert boss.get("/api/v1/me").json()["role"] == "agent"


def test_sessions_signed_in_before_the_account_backend_are_carried_over(estate):
    """The upgrade that brought people.backends.AccountBackend keeps everyone signed in:
    a session that names Django's model backend is rewritten to name it."""
    import importlib

    from django.apps import apps
    from django.contrib.sessions.backends.db import SessionStore

    migration = importlib.import_module("people.migrations.0006_sessions_account_backend")
    agent = User.objects.get(username="ygjy-agent")
    old = SessionStore()
    old.update(
        {
            "_auth_user_id": str(agent.pk),
            "_auth_user_backend": migration.MODEL_BACKEND,
            "_auth_user_hash": agent.get_session_auth_hash(),
        }
    )
    old.create()
    assert old.session_key is not None
    desk = Client()
    desk.cookies["sessionid"] = old.session_key
    assert desk.get("/notices/bell/").status_code == 302  # not signed in: that backend is gone
    assert migration.carry_over(apps, migration.MODEL_BACKEND, migration.ACCOUNT_BACKEND) == 1
    assert desk.get("/notices/bell/").status_code == 200
    assert SessionStore(old.session_key).load()["_auth_user_backend"] == migration.ACCOUNT_BACKEND
