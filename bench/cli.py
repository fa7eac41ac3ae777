"""``python -m bench``: build or reuse the data set, measure, print and write JSON."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import load, server, target


def default_workers() -> int:
    """gunicorn's usual 2 x cores + 1 sync workers. Each sync worker handles one request at
    a time and spends part of it waiting on PostgreSQL, so more workers than cores keeps
    both cores busy; many more only adds context switching and memory."""
    return 2 * (os.cpu_count() or 1) + 1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--tickets", type=int, default=100_000, help="generated tickets (default 100000)")
    p.add_argument("--sqlite", action="store_true", help=f"use the SQLite file {target.SQLITE_FILE} instead")
    p.add_argument("--fresh", action="store_true", help="drop the stored data set and generate it again")
    p.add_argument("--duration", type=float, default=15, help="seconds per HTTP measurement (default 15)")
    p.add_argument(
        "--concurrency",
        type=lambda v: [int(x) for x in v.split(",")],
        default=[2, 8],
        help="client threads, one measurement per value (default 2,8: light load and saturation)",
    )
    p.add_argument("--workers", type=int, default=default_workers(), help="gunicorn workers (default 2 x cores + 1)")
    p.add_argument("--threads", type=int, default=1, help="threads per worker (default 1: sync; more: gthread)")
    p.add_argument("--out", type=Path, default=target.RESULTS / "latest.json", help="JSON results file")
    p.add_argument(
        "--only",
        choices=["notices", "search", "floor", "import"],
        help="only the notices' measurements (creation and dispatch on and off, the outbox), "
        "only the desk's search box (beside the baseline), only the pages against the floor "
        "(each as a multiple of a trivial view's cost), or only the import of 10,000 units "
        "and 15,000 residents from spreadsheets (no tickets generated)",
    )
    p.add_argument(
        "--pages",
        type=lambda v: [x for x in v.split(",") if x],
        default=None,
        help=f"with --only floor: only these pages, comma-separated (of {', '.join(FLOOR_PAGES)})",
    )
    args = p.parse_args(argv)
    if args.pages and set(args.pages) - set(FLOOR_PAGES):
        p.error(f"--pages: choose among {', '.join(FLOOR_PAGES)}")
    if args.tickets < 1 or args.duration <= 0 or min(args.concurrency) < 1 or args.workers < 1 or args.threads < 1:
        p.error("--tickets, --duration, --concurrency, --workers and --threads must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that gunicorn is stopped on the way out
    tgt = target.prepare(sqlite=args.sqlite, tickets=args.tickets, fresh=args.fresh)
    tgt.redis_empty()
    print(f"bench: {tgt.describe()}", flush=True)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return run(args, tgt)


def run(args: argparse.Namespace, tgt: target.Target) -> int:
    from bench import dataset, imports, probes, report
    from demo import seed as demo
    from estates.models import Property, Unit
    from people.models import ApiToken, User
    from people.tokens import token_create
    from tickets.models import Ticket

    def agent_token() -> str:
        ApiToken.objects.filter(name="bench").delete()
        return token_create(user=User.objects.get(username="ygjy-agent"), name="bench")[0]

    def ygjy_units() -> list[str]:
        return list(Unit.objects.filter(property__code="YGJY").order_by("label").values_list("label", flat=True))

    if args.only == "import":
        demo.seed("full")
        print("bench: importing 10,000 units and 15,000 residents from spreadsheets ...", flush=True)
        measured = {
            "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": report.machine(),
            "database": tgt.describe(),
            "import": imports.run_in_child(),
        }
        report.write_json(args.out, measured)
        print(imports.table(measured["import"]))
        print(f"\nbench: results in {args.out}")
        return 0

    if tgt.meta:
        meta = tgt.meta
        removed = dataset.remove_tickets_after(meta["last_ticket_id"])
        print(f"bench: reusing the data set of {meta['generated_at'][:16]} (removed {removed} leftover tickets)")
        token = agent_token()
    else:
        demo.seed("full")
        token = agent_token()
        print(f"bench: generating {args.tickets:,} tickets ...", flush=True)
        meta = dataset.generate(args.tickets, progress=lambda line: print(line, flush=True))
        meta |= {"tickets": args.tickets, "generator": target.GENERATOR_VERSION}
        target.meta_write(meta | {"complete": True})
        print(f"bench: generated in {meta['total_seconds']} s", flush=True)

    units = ygjy_units()
    ygjy = Property.objects.get(code="YGJY").pk
    first, last = meta["first_ticket_id"], meta["last_ticket_id"]
    sample = random.Random(7).sample(range(first, last + 1), min(5000, last - first + 1))
    numbers = list(Ticket.objects.filter(id__in=sample, property_id=ygjy).values_list("number", flat=True))
    closed = Ticket.objects.filter(id__gte=first, property_id=ygjy, status="closed").values_list("number", flat=True)
    month = probes.report_month(meta["generated_at"])

    results: dict[str, Any] = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "machine": report.machine(),
        "database": tgt.describe(),
    }
    try:
        results["http"] = {}
        if args.only is None:
            print("bench: SQL queries per request, query plans, sweep ...", flush=True)
            queries = probes.query_counts(token, units, closed.first(), month)
            results["queries"] = {k: v for k, v in queries.items() if k != "sql"}
            results["report_month"] = month
            if tgt.engine == "postgresql":
                explained = ("queue", "detail_closed", "create", *probes.REPORTS)
                results["explain"] = probes.explain({k: queries["sql"][k] for k in explained})
            results["sweep"] = probes.sweep_twice()
            results["http"] = http(args, tgt, token, units, numbers, month)
        if args.only in (None, "search"):
            results["http"] |= search(args, tgt, token, numbers)
        if args.only in (None, "floor"):
            print("bench: the pages against the floor (a trivial view) ...", flush=True)
            results["floor"] = floor(args, tgt, token, units, numbers)
        if args.only in (None, "notices"):
            print("bench: notices on and off: creation and dispatch ...", flush=True)
            results["http"] |= notices_on_off(args, tgt, token, units, last)
            results["outbox"] = outbox_rate(last)
        if args.only is None:
            print("bench: importing 10,000 units and 15,000 residents from spreadsheets ...", flush=True)
            results["import"] = imports.run_in_child()
    finally:
        removed = dataset.remove_tickets_after(last)
        print(f"bench: removed the {removed} tickets the run created", flush=True)
        tgt.redis_empty()  # the queued sends nobody works off, the cache
    results["dataset"] = {
        **meta,
        "reused": tgt.reused,
        "total_tickets": Ticket.objects.count(),
        "open_tickets": Ticket.objects.open().count(),
    }
    report.write_json(args.out, results)
    print(report.table(results))
    if "import" in results:
        print(imports.table(results["import"]))
    print(f"\nbench: results in {args.out}")
    return 0


def http(
    args: argparse.Namespace, tgt: target.Target, token: str, units: list[str], numbers: list[str], month: str
) -> dict[str, Any]:
    """The HTTP measurements against one gunicorn: the baseline, then reads, then creates
    (last, so that the reports of the current month count only the generated tickets)."""
    from bench import probes

    auth = {"Authorization": f"Bearer {token}"}

    def baseline(n: int) -> load.Request:
        return "GET", "/api/v1/me", None, auth

    def queue(n: int) -> load.Request:
        return "GET", probes.QUEUE_URL, None, auth

    session = {"Cookie": f"sessionid={probes.console_session()}"}

    def console(n: int) -> load.Request:
        return "GET", probes.CONSOLE_QUEUE_URL, None, session

    manager = {"Cookie": f"sessionid={probes.session_of(probes.REPORTS['report_property'][0])}"}
    leader = {"Cookie": f"sessionid={probes.session_of(probes.REPORTS['report_company'][0])}"}

    def report_property(n: int) -> load.Request:
        return "GET", probes.report_url("report_property", month), None, manager

    def report_company(n: int) -> load.Request:
        return "GET", probes.report_url("report_company", month), None, leader

    def detail(n: int) -> load.Request:
        return "GET", f"/api/v1/tickets/{numbers[(n * 7919) % len(numbers)]}", None, auth

    create = probes.creations(units, auth, "bench")

    out = {}
    log = target.RESULTS / "gunicorn.log"
    print(f"bench: gunicorn with {args.workers} workers (log: {log}) ...", flush=True)
    with server.gunicorn(workers=args.workers, env=tgt.env(), log=log, token=token) as port:
        # The baseline is the cheapest authenticated request: the stack's own cost per request.
        for name, make, ok in (
            ("baseline", baseline, 200),
            ("queue", queue, 200),
            ("console", console, 200),
            ("report_property", report_property, 200),
            ("report_company", report_company, 200),
            ("detail", detail, 200),
            ("create", create, 201),
        ):
            for clients in args.concurrency:
                print(f"bench:   {name}: {clients} clients for {args.duration} s", flush=True)
                t0 = time.perf_counter()
                result = load.run(name, port, make, concurrency=clients, duration=args.duration, ok_status=ok)
                out[f"{name}@{clients}"] = result.as_dict()
                print(
                    f"bench:   {name}: {result.throughput} ok/s, p95 {result.latency_ms['p95']} ms, "
                    f"{result.errors} errors ({time.perf_counter() - t0:.0f} s)",
                    flush=True,
                )
    return out


def search(args: argparse.Namespace, tgt: target.Target, token: str, numbers: list[str]) -> dict[str, Any]:
    """The desk's search box (GET /api/v1/tickets/search) beside the baseline, at 1 client
    (the p95 a desk agent waits) and 4: queries as agents type them, in turn: part of a
    number in lower case, the last four digits of a phone, a unit in another form, a
    caller's name, a word of three characters and one of two."""
    from urllib.parse import quote

    from tickets.models import Ticket

    auth = {"Authorization": f"Bearer {token}"}
    rows = list(
        Ticket.objects.filter(number__in=numbers[:200]).values_list("number", "reporter_phone", "reporter_name")
    )
    queries: list[str] = []
    for number, phone, name in rows:
        queries += [number[-8:].lower(), phone[-4:] if phone else number[-4:], name or number]
    queries += ["3栋1202室", "5 301", "天花板", "漏水", "水龙头", "停电"]

    def baseline(n: int) -> load.Request:
        return "GET", "/api/v1/me", None, auth

    def find(n: int) -> load.Request:
        return "GET", f"/api/v1/tickets/search?q={quote(queries[n % len(queries)])}", None, auth

    out: dict[str, Any] = {}
    log = target.RESULTS / "gunicorn.log"
    with server.gunicorn(workers=args.workers, env=tgt.env(), log=log, token=token) as port:
        for name, make in (("baseline", baseline), ("search", find)):
            for clients in (1, 4):
                result = load.run(name, port, make, concurrency=clients, duration=args.duration, ok_status=200)
                out[f"{name}@{clients}"] = result.as_dict()
                print(
                    f"bench:   {name}: {clients} clients: {result.throughput} ok/s, "
                    f"p50 {result.latency_ms['p50']} ms, p95 {result.latency_ms['p95']} ms, {result.errors} errors",
                    flush=True,
                )
    return out


# The pages measured against the floor, and the multiple of the floor's cost each should
# stay within (its throughput at FLOOR_CLIENTS clients divided into the floor's).
FLOOR_TARGETS = {
    "queue": 10.0,  # the console's busiest queue page, 50 rows with countdowns
    "ticket": 10.0,  # a ticket's page in the console
    "me": 2.5,  # GET /api/v1/me with a token
    "create": 6.0,  # POST /api/v1/tickets
    "home": 10.0,  # the resident's home page
    "matter": 10.0,  # a matter's page on the resident's side
    "jobs": 10.0,  # the technician's job list
}
# The p95 one client alone should stay under (ms): the time a person waits.
ALONE_P95_TARGETS = {
    "queue": 30.0,
    "ticket": 30.0,
    "search": 100.0,  # the desk's search box (GET /api/v1/tickets/search), at 1,000,000 tickets
}
FLOOR_CLIENTS = 4
FLOOR_PAGES = ("queue", "ticket", "me", "create", "search", "home", "matter", "jobs")


def floor(
    args: argparse.Namespace, tgt: target.Target, token: str, units: list[str], numbers: list[str]
) -> dict[str, Any]:
    """Each page as a multiple of the cost of a trivial view (``/health/live/``: the same
    server, middleware and run, no work), so the figure holds on a noisy machine: at one
    client (the p95 a person waits) and at ``FLOOR_CLIENTS`` (throughput and the ratio).
    Also the token check alone, in this process, and each worker's peak memory."""
    from urllib.parse import quote

    from bench import probes
    from estates.models import Household
    from people.models import User
    from tickets.models import Ticket

    auth = {"Authorization": f"Bearer {token}"}
    agent = {"Cookie": f"sessionid={probes.console_session()}"}
    technician = {"Cookie": f"sessionid={probes.session_of('ygjy-tech1')}"}
    resident_user = User.objects.get(username=probes.RESIDENT)
    resident = {"Cookie": f"sessionid={probes.session_of(probes.RESIDENT)}"}
    household = Household.objects.filter(residents__user=resident_user, moved_out_on__isnull=True).first()
    theirs = list(Ticket.objects.filter(household=household).order_by("-id").values_list("number", flat=True)[:200])
    # A ticket's page: open ones (with their action forms: dispatch ranks the technicians)
    # as often as closed ones from the whole data set.
    opened = list(
        Ticket.objects.filter(property__code="YGJY", closed_at__isnull=True)
        .order_by("-id")
        .values_list("number", flat=True)[:500]
    )
    mixed = [n for pair in zip(opened, numbers, strict=False) for n in pair]
    words = ["漏水", "水龙头", "3栋1202室", *(n[-8:].lower() for n in numbers[:50])]

    def get(path: str, headers: dict[str, str]) -> Callable[[int], load.Request]:
        return lambda n: ("GET", path, None, headers)

    create = probes.creations(units, auth, "floor")

    pages: dict[str, tuple[Callable[[int], load.Request], int]] = {
        "floor": (get("/health/live/", {}), 200),
        "queue": (get(probes.CONSOLE_QUEUE_URL, agent), 200),
        "ticket": (lambda n: ("GET", f"/t/{mixed[(n * 7919) % len(mixed)]}/", None, agent), 200),
        "me": (get("/api/v1/me", auth), 200),
        "create": (create, 201),
        "search": (lambda n: ("GET", f"/api/v1/tickets/search?q={quote(words[n % len(words)])}", None, auth), 200),
        "home": (get("/my/", resident), 200),
        "matter": (lambda n: ("GET", f"/my/m/{theirs[n % len(theirs)]}/", None, resident), 200),
        "jobs": (get("/field/", technician), 200),
    }
    out: dict[str, Any] = {
        "token_check_ms": probes.token_check_ms(token),
        "pages": {},
        "workers": args.workers,
        "threads": args.threads,
    }
    log = target.RESULTS / "gunicorn-floor.log"
    peaks: dict[int, float] = {}
    floor_make = pages.pop("floor")[0]
    pages = {name: page for name, page in pages.items() if not args.pages or name in args.pages}
    server_options = {"workers": args.workers, "threads": args.threads, "env": tgt.env(), "log": log, "token": token}
    with server.gunicorn(peak_rss=peaks, **server_options) as port:
        for name, (make, ok) in pages.items():
            alone = load.run(name, port, make, concurrency=1, duration=args.duration, ok_status=ok)
            # Throughput in slices that alternate with the floor's, so that both see the
            # same machine (another process busy for a while slows both, not one).
            floor_ok = page_ok = floor_s = page_s = 0.0
            errors = 0
            for _slice in range(FLOOR_SLICES):
                piece = {"concurrency": FLOOR_CLIENTS, "duration": args.duration / FLOOR_SLICES, "warmup": 0.5}
                base = load.run("floor", port, floor_make, **piece)
                many = load.run(name, port, make, ok_status=ok, **piece)
                floor_ok, floor_s = floor_ok + base.ok, floor_s + base.seconds
                page_ok, page_s = page_ok + many.ok, page_s + many.seconds
                errors += many.errors
            row = {
                "1": alone.as_dict(),
                "floor_per_s": round(floor_ok / floor_s, 1),
                "per_s": round(page_ok / page_s, 1),
                "errors": errors + alone.errors,
            }
            row["times_floor"] = round(row["floor_per_s"] / row["per_s"], 1) if row["per_s"] else None
            out["pages"][name] = row
            print(f"bench:   {floor_line(name, row)}", flush=True)
    out["peak_rss_mb"] = peaks
    print(f"bench:   token check {out['token_check_ms']} ms; worker peak RSS {sorted(peaks.values())} MB", flush=True)
    return out


FLOOR_SLICES = 3


def floor_line(name: str, row: dict[str, Any]) -> str:
    """One page's figures: throughput at the clients beside the floor's, the multiple,
    and the latency of one client alone."""
    times, target_ = row["times_floor"], FLOOR_TARGETS.get(name)
    met = "met" if target_ is not None and times is not None and times <= target_ else "NOT met"
    verdict = "" if target_ is None else f" (target {target_:.1f}x: {met})"
    lat = row["1"]["latency_ms"]
    p95_target = ALONE_P95_TARGETS.get(name)
    p95_met = "met" if p95_target is not None and lat["p95"] is not None and lat["p95"] < p95_target else "NOT met"
    p95_verdict = "" if p95_target is None else f" (target under {p95_target:.0f} ms: {p95_met})"
    return (
        f"{name:<7} {row['per_s']:>7.1f} ok/s @ {FLOOR_CLIENTS} beside the floor's {row['floor_per_s']:>7.1f}: "
        f"{times}x{verdict}; alone p50 {lat['p50']} ms, p95 {lat['p95']} ms{p95_verdict}; errors {row['errors']}"
    )


def _dispatches(numbers: list[str], auth: dict[str, str]) -> tuple[Callable[[int], load.Request], int]:
    """Dispatch each of these new tickets once: a fifth for the warm-up, the rest measured."""
    body = json.dumps({"assignee": "ygjy-tech1"}).encode()
    cut = max(1, len(numbers) // 5)
    warm, measured = numbers[:cut], numbers[cut:] or numbers

    def make(n: int) -> load.Request:
        pool, i = (warm, n - 10**9) if n >= 10**9 else (measured, n)
        headers = {**auth, "Content-Type": "application/json"}
        return "POST", f"/api/v1/tickets/{pool[i % len(pool)]}/actions/dispatch", body, headers

    return make, len(measured)


NOTICES = {"on": {}, "off": {"NOTIFY_ENABLED": "0"}}
NOTICE_ROUNDS = 4


def notices_on_off(
    args: argparse.Namespace, tgt: target.Target, token: str, units: list[str], last: int
) -> dict[str, Any]:
    """Ticket creation, then the dispatch of the tickets just created, with the notices
    written (the resident's SMS, the technician's bell and SMS, the outbox rows) and on a
    server started with NOTIFY_ENABLED=0, in ``NOTICE_ROUNDS`` rounds of alternating order
    (on-off, off-on ...) so that neither always runs first; the table compares the
    medians, which a noisy round (autovacuum, the other core busy) does not move."""
    from bench import probes
    from tickets.models import Ticket

    auth = {"Authorization": f"Bearer {token}"}
    out: dict[str, Any] = {}
    for round_ in range(1, NOTICE_ROUNDS + 1):
        labels = ("on", "off") if round_ % 2 else ("off", "on")
        for label in labels:
            create = probes.creations(units, auth, f"bench-{label}{round_}")

            log = target.RESULTS / f"gunicorn-notices-{label}.log"
            with server.gunicorn(workers=args.workers, env=tgt.env() | NOTICES[label], log=log, token=token) as port:
                for clients in args.concurrency:
                    first = Ticket.objects.order_by("-id").values_list("id", flat=True).first() or last
                    created = f"create_notices_{label}@{clients}#{round_}"
                    result = load.run(created, port, create, concurrency=clients, duration=args.duration, ok_status=201)
                    out[created] = result.as_dict()
                    new = Ticket.objects.filter(id__gt=first, status="new").order_by("id")
                    make, count = _dispatches(list(new.values_list("number", flat=True)), auth)
                    dispatched = f"dispatch_notices_{label}@{clients}#{round_}"
                    result = load.run(
                        dispatched, port, make, concurrency=clients, duration=args.duration, max_requests=count
                    )
                    out[dispatched] = result.as_dict()
                    print(
                        f"bench:   notices {label} @ {clients} (round {round_}): create "
                        f"{out[created]['throughput']}/s, dispatch {result.throughput}/s",
                        flush=True,
                    )
    return out


def outbox_rate(last: int, limit: int = 2000) -> dict[str, Any]:
    """Deliveries per second from the outbox to a gateway on 127.0.0.1: the worker's own
    code (claim, send through apprise over HTTP, mark sent), one worker, in this process."""
    from django.test import override_settings
    from django.utils import timezone

    from notify import outbox
    from notify.models import Delivery

    waiting = Delivery.objects.filter(ticket_id__gt=last, channel="sms").order_by("id")
    ids = list(waiting.values_list("id", flat=True)[:limit])
    now = timezone.now()
    Delivery.objects.filter(id__in=ids).update(status="pending", next_attempt_at=now, attempts=0, claimed_at=None)
    Delivery.objects.filter(ticket_id__gt=last).exclude(id__in=ids).update(status="failed")
    from notify.tests.receivers import HttpReceiver

    with HttpReceiver() as receiver, override_settings(SMS_GATEWAY_URL=f"json://{receiver.address}/sms"):
        t0 = time.perf_counter()
        sent = 0
        while True:
            done = outbox.deliveries_send()
            if not done:
                break
            sent += done
        seconds = time.perf_counter() - t0
    result = {
        "deliveries": sent,
        "received": len(receiver.calls),
        "seconds": round(seconds, 2),
        "per_second": round(sent / seconds, 1) if seconds else 0.0,
    }
    print(f"bench:   outbox: {sent} SMS to a local gateway in {seconds:.1f} s, {result['per_second']}/s", flush=True)
    return result
