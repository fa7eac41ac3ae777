"""The benchmark database: chosen, created or dropped before Django starts, because the
settings read ``DATABASE_URL`` / ``SQLITE_PATH`` once at import.

A generated data set is described by one JSON row in the table ``bench_meta``. A run
reuses a stored data set of the same size and generator version; anything else (or
``--fresh``) drops the database and builds it again.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/servicedesk_bench"
SQLITE_FILE = RESULTS / "bench.sqlite3"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
# Bump when the generated data changes shape, so stored data sets are rebuilt.
GENERATOR_VERSION = 2

META_TABLE = "bench_meta"
META_CREATE = f"CREATE TABLE IF NOT EXISTS {META_TABLE} (id integer PRIMARY KEY, data text NOT NULL)"


@dataclass
class Target:
    engine: str  # "postgresql" or "sqlite"
    url: str | None = None
    path: Path | None = None
    meta: dict | None = None  # the stored data set's description, if it is reused

    @property
    def reused(self) -> bool:
        return self.meta is not None

    def env(self) -> dict[str, str]:
        """Environment for Django in this process and in the gunicorn workers."""
        if self.engine == "postgresql":
            # As in production: the worker's queue, the cache and the login throttle on
            # Redis (a database number of the bench's own, emptied before and after).
            return {"DATABASE_URL": str(self.url), "REDIS_URL": REDIS_URL}
        RESULTS.mkdir(parents=True, exist_ok=True)
        queue = {"HUEY_SQLITE_PATH": str(RESULTS / "huey.sqlite3")}  # a queue of its own
        return {"DATABASE_URL": "", "REDIS_URL": "", "SQLITE_PATH": str(self.path), **queue}

    def redis_empty(self) -> None:
        if self.engine == "postgresql":
            import redis

            redis.Redis.from_url(REDIS_URL).flushdb()

    def describe(self) -> str:
        if self.engine == "postgresql":
            info = conninfo_to_dict(str(self.url))
            return f"PostgreSQL {info.get('host', '')}:{info.get('port', 5432)}/{info.get('dbname')}"
        return f"SQLite {self.path}"


def _wanted(meta: dict | None, tickets: int) -> bool:
    return bool(
        meta and meta.get("complete") and meta.get("tickets") == tickets and meta.get("generator") == GENERATOR_VERSION
    )


def prepare(*, sqlite: bool, tickets: int, fresh: bool) -> Target:
    """Pick the database, drop it if its data set is not the wanted one, create it if
    missing, and point this process's environment at it."""
    target = _prepare_sqlite(tickets, fresh) if sqlite else _prepare_postgres(tickets, fresh)
    for name, value in target.env().items():
        if value:
            os.environ[name] = value
        else:
            os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0"
    return target


def _prepare_sqlite(tickets: int, fresh: bool) -> Target:
    RESULTS.mkdir(parents=True, exist_ok=True)
    meta = None
    if SQLITE_FILE.exists():
        with sqlite3.connect(SQLITE_FILE) as conn:
            row = None
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [META_TABLE]).fetchone():
                row = conn.execute(f"SELECT data FROM {META_TABLE} WHERE id = 1").fetchone()
        meta = json.loads(row[0]) if row else None
        if fresh or not _wanted(meta, tickets):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
            meta = None
    return Target("sqlite", path=SQLITE_FILE, meta=meta)


def _prepare_postgres(tickets: int, fresh: bool) -> Target:
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    name = conninfo_to_dict(url).get("dbname")
    if not name:
        raise SystemExit(f"bench: no database name in {url!r}")
    admin = make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
    meta = None
    if exists:
        meta, is_bench = _postgres_meta(url)
        if fresh or not _wanted(meta, tickets):
            if not is_bench:
                raise SystemExit(
                    f"bench: database {name!r} has tables but no {META_TABLE}: it does not look like a "
                    "benchmark database, so it is not dropped. Unset DATABASE_URL or point it at another one."
                )
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists, meta = False, None
    if not exists:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return Target("postgresql", url=url, meta=meta)


def _postgres_meta(url: str) -> tuple[dict | None, bool]:
    """The stored description, and whether the database is ours to drop (it has the
    meta table, or no tables at all)."""
    with psycopg.connect(url, autocommit=True) as conn:
        has_meta = conn.execute("SELECT to_regclass(%s) IS NOT NULL", [META_TABLE]).fetchone()[0]
        if not has_meta:
            tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
            return None, tables == 0
        row = conn.execute(f"SELECT data FROM {META_TABLE} WHERE id = 1").fetchone()
    return (json.loads(row[0]) if row else None), True


def meta_write(meta: dict) -> None:
    """Record the data set (through Django's connection, inside its transaction)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(META_CREATE)
        cursor.execute(f"DELETE FROM {META_TABLE}")
        cursor.execute(f"INSERT INTO {META_TABLE} (id, data) VALUES (1, %s)", [json.dumps(meta)])
