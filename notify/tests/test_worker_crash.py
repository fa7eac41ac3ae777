"""A real worker process killed in the middle of a delivery (SIGKILL, as a power cut):
between claiming and sending nothing is lost and nothing goes twice; between sending
and noting it sent, the next pass sends it again with the same Idempotency-Key, the one
place a duplicate can happen (docs/notifications.md)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from demo import seed as demo
from estates.models import Property
from notify.models import Delivery
from notify.tests.receivers import HttpReceiver

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The suite's own database, for a process of its own."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def worker(tmp_path: Path, gateway: HttpReceiver, **env: str) -> int:
    """One pass of the outbox in a process of its own; returns its exit code."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "PYTEST"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        VAR_DIR=str(tmp_path),
        DATABASE_URL=database_url(),
        SMS_GATEWAY_URL=f"json://{gateway.address}/sms",
        **env,
    )
    done = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "manage.py", "send_notices"], cwd=ROOT, env=environment, capture_output=True, timeout=120
    )
    return done.returncode


@pytest.fixture
def waiting(transactional_db) -> Delivery:
    demo.seed("small")
    now = timezone.now()
    return Delivery.objects.create(
        property=Property.objects.get(code="YGJY"),
        recipient_name="王芳",
        channel="sms",
        address="13912345678",
        text="报修 BX-20261203-0001 已登记",
        next_attempt_at=now,
        created_at=now,
    )


def test_a_worker_killed_between_claim_and_send_loses_nothing_and_sends_once(tmp_path, waiting):
    with HttpReceiver() as gateway:
        assert worker(tmp_path, gateway, NOTIFY_FAILPOINT="claimed") == -signal.SIGKILL
        waiting.refresh_from_db()
        assert waiting.status == "sending" and gateway.calls == []
        # Another worker leaves it while the claim is fresh (the first might still be at it) ...
        assert worker(tmp_path, gateway) == 0
        waiting.refresh_from_db()
        assert waiting.status == "sending" and gateway.calls == []
        # ... and takes it up once the claim is stale.
        assert worker(tmp_path, gateway, NOTIFY_CLAIM_SECONDS="0") == 0
        assert worker(tmp_path, gateway, NOTIFY_CLAIM_SECONDS="0") == 0
    waiting.refresh_from_db()
    assert waiting.status == "sent" and waiting.attempts == 1
    assert [c.body["to"] for c in gateway.calls] == ["13912345678"]


def test_a_worker_killed_between_send_and_mark_sends_again_with_the_same_key(tmp_path, waiting):
    with HttpReceiver() as gateway:
        assert worker(tmp_path, gateway, NOTIFY_FAILPOINT="sent") == -signal.SIGKILL
        waiting.refresh_from_db()
        assert waiting.status == "sending" and len(gateway.calls) == 1
        assert worker(tmp_path, gateway, NOTIFY_CLAIM_SECONDS="0") == 0
        assert worker(tmp_path, gateway, NOTIFY_CLAIM_SECONDS="0") == 0
    waiting.refresh_from_db()
    assert waiting.status == "sent"
    first, second = gateway.calls
    assert first.body["message"] == second.body["message"] == waiting.text
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"] == f"delivery-{waiting.pk}"
