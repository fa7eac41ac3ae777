"""The health endpoint a monitor polls: the database, the worker's heartbeat, the promise
sweep and the age of the last backup, with nothing secret in it."""

from __future__ import annotations

import datetime

import time_machine
from django.test import Client
from django.utils import timezone

from ops.heartbeats import BACKUP, SWEEP, WORKER, heartbeat
from ops.tasks import beat
from promises.tasks import sweep_deadlines


def test_health_fails_until_the_worker_and_the_sweep_have_run(db):
    r = Client().get("/health/")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "failing" and body["database"] == {"ok": True}
    assert body["worker"]["ok"] is False and body["sweep"]["last"] is None


def test_health_is_ok_while_the_worker_beats_and_the_sweep_runs(db, settings):
    beat.call_local()
    sweep_deadlines.call_local()
    r = Client().get("/health/")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "ok" and body["worker"]["ok"] and body["sweep"]["ok"]
    assert body["backup"] == {"ok": False, "last": None, "age_seconds": None}
    text = r.content.decode()
    assert settings.SECRET_KEY not in text and "password" not in text.lower()


def test_a_silent_worker_or_an_old_backup_shows(db):
    now = timezone.now()
    heartbeat(WORKER, at=now - datetime.timedelta(minutes=10))
    heartbeat(SWEEP, at=now)
    heartbeat(BACKUP, at=now - datetime.timedelta(hours=30))
    body = Client().get("/health/").json()
    assert body["status"] == "failing" and body["worker"]["ok"] is False
    assert body["backup"]["ok"] is False and body["backup"]["age_seconds"] >= 30 * 3600


def test_the_sweep_beats_as_it_runs(db):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC), tick=False):
        sweep_deadlines.call_local()
        assert Client().get("/health/").json()["sweep"]["age_seconds"] == 0


def test_live_answers_without_the_database(db, django_assert_num_queries):
    """A load balancer's probe: the process answers ok and touches no table."""
    with django_assert_num_queries(0):
        r = Client().get("/health/live/")
    assert r.status_code == 200 and r.content == b"ok" and "no-cache" in r.headers["Cache-Control"]
