"""Backups that restore: one archive holds the database and every uploaded file (photos,
signatures, contingency plans, kept reports), so a restore brings back a ticket with its
photo. SQLite is copied with its online backup (safe while the app runs, WAL included);
PostgreSQL with ``pg_dump`` in its custom format and restored with ``pg_restore``. The
files are read and written through Django's storage API, so local disk and object
storage alike. ``manage.py backup`` and ``manage.py restore`` call these; a nightly task
writes one and keeps the newest BACKUP_KEEP.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from ops.heartbeats import BACKUP, heartbeat

PREFIX, SUFFIX = "backup-", ".tar.gz"
SQLITE_NAME, POSTGRES_NAME, MANIFEST = "database.sqlite3", "database.pgdump", "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def backup_dir() -> Path:
    path = Path(settings.BACKUP_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def backups() -> list[Path]:
    """The archives kept, oldest first."""
    return sorted(backup_dir().glob(f"{PREFIX}*{SUFFIX}"))


def _media_names(folder: str = "") -> Iterator[str]:
    try:
        dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:  # no upload yet
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for d in dirs:
        yield from _media_names(f"{folder}/{d}" if folder else d)


def _postgres_env() -> tuple[dict[str, str], list[str]]:
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = [
        "-h",
        str(db.get("HOST") or "localhost"),
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        str(db.get("USER") or ""),
    ]
    return env, [a for a in args if a != ""] + ["-d", str(db["NAME"])]


def _database_into(folder: Path) -> str:
    if connection.vendor == "sqlite":
        # A connection of its own: it copies what is committed, beside the app's writers (WAL).
        source = sqlite3.connect(connection.settings_dict["NAME"], timeout=30)
        target = sqlite3.connect(folder / SQLITE_NAME)
        with target:
            source.backup(target)
        source.close()
        target.close()
        return SQLITE_NAME
    if connection.vendor == "postgresql":
        env, args = _postgres_env()
        done = subprocess.run(  # noqa: S603 - fixed argv from settings
            [
                shutil.which("pg_dump") or "pg_dump",
                "--format=custom",
                "--no-owner",
                "--file",
                str(folder / POSTGRES_NAME),
                *args,
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()[:500]}")
        return POSTGRES_NAME
    raise BackupError(f"backups of a {connection.vendor} database are not supported")


def backup_write(*, now: datetime.datetime | None = None) -> Path:
    """Write one archive of the database and every uploaded file; returns its path.
    Written under a temporary name and renamed when complete, so a crash leaves no
    half archive among the kept ones."""
    now = now or timezone.now()
    final = backup_dir() / f"{PREFIX}{now:%Y%m%d-%H%M%S}{SUFFIX}"
    with tempfile.TemporaryDirectory(dir=backup_dir()) as work:
        database = _database_into(Path(work))
        partial = Path(work) / "archive.partial"
        files: list[dict[str, Any]] = []
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(Path(work) / database, arcname=database)
            for name in _media_names():
                with default_storage.open(name, "rb") as f:
                    data = f.read()
                info = tarfile.TarInfo(f"media/{name}")
                info.size, info.mtime = len(data), int(now.timestamp())
                archive.addfile(info, io.BytesIO(data))
                files.append({"name": name, "size": len(data)})
            manifest = json.dumps(
                {"created_at": now.isoformat(), "database": database, "vendor": connection.vendor, "files": files},
                ensure_ascii=False,
            ).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(manifest)
            archive.addfile(info, io.BytesIO(manifest))
        os.replace(partial, final)
    heartbeat(BACKUP, note=f"{final.name}: {len(files)} files")
    return final


def backups_prune(*, keep: int | None = None) -> list[Path]:
    """Delete all but the newest ``keep`` archives (BACKUP_KEEP); returns those deleted."""
    keep = settings.BACKUP_KEEP if keep is None else keep
    old = backups()[:-keep] if keep > 0 else []
    for path in old:
        path.unlink()
    return old


def backup_restore(archive_path: Path) -> dict[str, Any]:
    """Put the database and the uploaded files of an archive back: the database
    replaced whole, each file written under its own name. Run with the app stopped."""
    if not archive_path.exists():
        raise BackupError(f"there is no archive {archive_path}")
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive_path, "r:gz") as archive:
        names = archive.getnames()
        if MANIFEST not in names:
            raise BackupError(f"{archive_path.name} is not a backup of this system (no {MANIFEST})")
        manifest = json.load(archive.extractfile(MANIFEST))  # type: ignore[arg-type]
        if manifest["vendor"] != connection.vendor:
            raise BackupError(f"this is a {manifest['vendor']} backup; the database here is {connection.vendor}")
        archive.extract(manifest["database"], work, filter="data")
        _database_from(Path(work) / manifest["database"])
        for member in archive.getmembers():
            if not member.isfile() or not member.name.startswith("media/"):
                continue
            name = member.name.removeprefix("media/")
            data = archive.extractfile(member).read()  # type: ignore[union-attr]
            if default_storage.exists(name):
                default_storage.delete(name)
            saved = default_storage.save(name, ContentFile(data))
            if saved != name:
                raise BackupError(f"{name} could not be put back under its own name (got {saved})")
    return manifest


def _database_from(path: Path) -> None:
    if connection.vendor == "sqlite":
        target = Path(connection.settings_dict["NAME"])
        connection.close()
        source = sqlite3.connect(path)
        dest = sqlite3.connect(target)
        with dest:
            source.backup(dest)
        source.close()
        dest.close()
        return
    env, args = _postgres_env()
    done = subprocess.run(  # noqa: S603 - fixed argv from settings
        [
            shutil.which("pg_restore") or "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *args,
            str(path),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()[:500]}")
