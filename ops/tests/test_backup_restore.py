"""A backup restores: the commands an operator runs (`manage.py backup`, `manage.py
restore`) against a real database, in separate processes; the archive is put back into a
fresh database and a fresh media folder, and a ticket is read back with its photo, byte
for byte. On SQLite, and on PostgreSQL where it answers (always under CI=true)."""

from __future__ import annotations

import datetime
import io
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from PIL import Image

from ops.backup import backup_write, backups, backups_prune

ROOT = Path(settings.BASE_DIR)
PG = os.environ.get("BACKUP_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")

MAKE = """
import io, sys
from PIL import Image
from people.models import User
from tickets.attachments import Upload, attachments_store
from tickets.kinds import draft_from
from tickets.services import ticket_create
agent = User.objects.get(username="ygjy-agent")
ticket = ticket_create(by=agent, draft=draft_from({"property": "YGJY", "unit": "3-1202", "category": "plumbing",
    "reporter_phone": "13800138000", "description": "卫生间漏水"}))
picture = io.BytesIO(); Image.new("RGB", (64, 48), (200, 30, 30)).save(picture, "JPEG")
attachments_store(ticket=ticket, action="create", by=agent,
    uploads=[Upload("photo", "leak.jpg", picture.getvalue(), "photos", size=len(picture.getvalue()))])
print(ticket.number)
"""
READ = """
import hashlib, os
from tickets.models import Ticket
t = Ticket.objects.get(number=os.environ["TICKET"])
photo = t.attachments.get()
print(t.description, hashlib.sha256(photo.file.open("rb").read()).hexdigest())
"""


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def environment(var: Path, database_url: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "PYTEST", "COV_"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", VAR_DIR=str(var), HUEY_IMMEDIATE="1")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def round_trip(first: dict[str, str], second: dict[str, str], *, prepared: bool = False) -> None:
    if not prepared:
        manage(first, "migrate", "--noinput", "-v0")
        manage(first, "seed_demo", "--size", "small", "--quiet")
    number = manage(first, "shell", "-c", MAKE).splitlines()[-1]
    first, second = {**first, "TICKET": number}, {**second, "TICKET": number}
    before = manage(first, "shell", "-c", READ).splitlines()[-1]
    archive = manage(first, "backup").splitlines()[-1]
    assert Path(archive).exists()
    restored = manage(second, "restore", archive, "--yes")
    assert "restored" in restored and "1 files" in restored
    assert manage(second, "shell", "-c", READ).splitlines()[-1] == before
    assert before.startswith("卫生间漏水 ")


@pytest.mark.django_db
def test_a_sqlite_backup_restores_with_its_photos_in_a_fresh_place(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the suite on PostgreSQL restores a PostgreSQL backup")
    office = tmp_path / "office"
    office.mkdir()
    # The office's database: the suite's own, migrated and with the demo company in it.
    source, copy = sqlite3.connect(connection.settings_dict["NAME"]), sqlite3.connect(office / "db.sqlite3")
    source.backup(copy)
    source.close()
    copy.close()
    round_trip(environment(office), environment(tmp_path / "spare"), prepared=True)


@pytest.mark.django_db
def test_a_postgresql_backup_restores_with_its_photos_in_a_fresh_database(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the suite on SQLite restores a SQLite backup; on PostgreSQL this one runs")
    names = [f"backup_{uuid.uuid4().hex[:8]}_{side}" for side in ("office", "spare")]
    try:
        admin = psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"PostgreSQL is not reachable at {PG}")
    with admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            round_trip(
                environment(tmp_path / "office", f"{PG}/{names[0]}"),
                environment(tmp_path / "spare", f"{PG}/{names[1]}"),
            )
        finally:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_only_the_newest_backups_are_kept(db, settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    picture = io.BytesIO()
    Image.new("RGB", (8, 8)).save(picture, "PNG")
    (tmp_path / "media" / "tickets").mkdir(parents=True)
    (tmp_path / "media" / "tickets" / "p.png").write_bytes(picture.getvalue())
    for day in range(1, 5):
        backup_write(now=datetime.datetime(2026, 11, day, 3, tzinfo=datetime.UTC))
    assert len(backups()) == 4
    deleted = backups_prune(keep=2)
    assert [p.name for p in deleted] == ["backup-20261101-030000.tar.gz", "backup-20261102-030000.tar.gz"]
    assert [p.name for p in backups()] == ["backup-20261103-030000.tar.gz", "backup-20261104-030000.tar.gz"]
    with tarfile.open(backups()[-1]) as archive:
        assert archive.extractfile("media/tickets/p.png").read() == picture.getvalue()  # type: ignore[union-attr]
        assert "database.sqlite3" in archive.getnames() or "database.pgdump" in archive.getnames()
