"""The machine's description, the printed table and the JSON file."""

from __future__ import annotations

import json
import os
import platform
import statistics
from importlib import metadata
from pathlib import Path
from typing import Any

import django
from django.db import connection


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), "")
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem_kb = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal")), 0)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
        else:
            cursor.execute("SELECT 'SQLite ' || sqlite_version()")
        database = cursor.fetchone()[0]
    return {
        "cores": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "database": database,
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": metadata.version("gunicorn"),
        "psycopg": metadata.version("psycopg"),
    }


def write_json(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")


def table(results: dict[str, Any]) -> str:
    """A plain-text summary of the figures."""
    m, d, o = results["machine"], results["dataset"], results["options"]
    lines = [
        "",
        f"Machine   {m['cores']} cores, {m['memory_gib']} GiB, {m['cpu_model']}",
        f"          {m['database'].split(' on ')[0]}, Python {m['python']}, Django {m['django']}",
        f"Data set  {d['tickets']:,} generated tickets ({d['total_tickets']:,} in the database, "
        f"{d['open_tickets']:,} open), "
        + (f"reused from {d['generated_at'][:16]}" if d["reused"] else f"generated in {d['total_seconds']} s")
        + f"; rows: {', '.join(f'{k} {v:,}' for k, v in d['rows'].items())}",
    ]
    http = results.get("http", {})
    width = max([10, *(len(name) for name in http)])
    if http:
        lines += [
            "",
            f"HTTP: gunicorn {o['workers']} sync workers; endpoint@clients (closed-loop client threads), "
            f"{o['duration']} s each after a 2 s warm-up",
            f"  {'endpoint':<{width}} {'ok/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
            f"{'ok':>7} {'errors':>6} {'client CPU':>10} {'machine CPU':>11}",
        ]
        for name, r in http.items():
            lat = r["latency_ms"]
            lines.append(
                f"  {name:<{width}} {r['throughput']:>8.1f} {lat['p50']:>8.1f} {lat['p95']:>8.1f} {lat['p99']:>8.1f} "
                f"{lat['max']:>8.1f} {r['ok']:>7} {r['errors']:>6} {r['client_cpu_percent']:>9.0f}% "
                f"{r['machine_cpu_percent']:>10.0f}%"
            )
            for e in r["error_sample"][:2]:
                lines.append(f"    error: {e[:150]}")

    def rate(step: str, label: str, clients: int) -> float:
        rounds = [r["throughput"] for k, r in http.items() if k.startswith(f"{step}_notices_{label}@{clients}#")]
        return statistics.median(rounds) if rounds else 0.0

    ratios = [
        f"{c} clients: create {rate('create', 'on', c) / rate('create', 'off', c):.0%}, "
        f"dispatch {rate('dispatch', 'on', c) / rate('dispatch', 'off', c):.0%}"
        for c in o["concurrency"]
        if rate("create", "off", c) and rate("dispatch", "off", c)
    ]
    if ratios:
        lines += [
            "",
            "Notices on, as a share of the throughput with them off (medians of the rounds): " + "; ".join(ratios),
        ]
    box = results.get("outbox")
    if box:
        lines.append(
            f"Outbox: {box['deliveries']} SMS to a gateway on 127.0.0.1 in {box['seconds']} s: {box['per_second']}/s "
            f"(one worker; {box['received']} received)"
        )
    q = results.get("queries", {})
    if q:
        counts = ", ".join(f"{k} {v}" for k, v in q["counts"].items())
        lines += ["", f"SQL queries per request: {counts}"]
    plans = results.get("explain") or {}
    for name, rows in plans.items():
        if rows:
            lines.append(f"  slowest SELECT of {name}: {rows[0]['ms']} ms (EXPLAIN ANALYZE; plans in the JSON)")
    s = results.get("sweep")
    if s:
        lines += [
            "",
            f"Sweep: {s['open_deadlines']:,} running clocks, {s['due_before']:,} due; "
            f"first run {s['first_run']['breaches']:,} breaches in {s['first_run']['seconds']} s, "
            f"second run {s['second_run']['breaches']} in {s['second_run']['seconds']} s (rolled back)",
        ]
    return "\n".join(lines)
