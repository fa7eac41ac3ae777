"""A small closed-loop HTTP load generator: C threads, each sending one request at a
time over its own keep-alive connection (opened again whenever the server closes it).

Only ever aimed at 127.0.0.1, and bounded twice: it stops after ``duration`` seconds
or ``max_requests`` requests, whichever comes first, and each request times out after
30 s.
"""

from __future__ import annotations

import http.client
import itertools
import math
import resource
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
# (method, path, body, headers) for the n-th request.
Request = tuple[str, str, bytes | None, dict[str, str]]


@dataclass
class Result:
    name: str
    concurrency: int
    seconds: float
    requests: int
    ok: int
    errors: int
    statuses: dict[str, int]
    throughput: float  # successful responses per second
    latency_ms: dict[str, float]  # of successful responses
    client_cpu_percent: float  # this process, as % of one core
    machine_cpu_percent: float  # all cores busy (user + system), as % of the machine
    error_sample: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    total = sum(values[:8])
    return total - idle, total


def _self_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), math.ceil(p / 100 * len(sorted_values))))
    return sorted_values[rank - 1]


def run(
    name: str,
    port: int,
    make: Callable[[int], Request],
    *,
    concurrency: int,
    duration: float,
    ok_status: int = 200,
    max_requests: int | None = None,
    warmup: float = 2.0,
) -> Result:
    """Warm up for ``warmup`` seconds (not counted), then measure for ``duration``."""
    if warmup:
        _drive(port, make, concurrency, warmup, 10_000, itertools.count(10**9))
    limit = max_requests or int(duration * 5000)
    busy0, total0 = _cpu_times()
    cpu0 = _self_cpu()
    t0 = time.perf_counter()
    samples = _drive(port, make, concurrency, duration, limit, itertools.count())
    wall = time.perf_counter() - t0
    cpu1 = _self_cpu()
    busy1, total1 = _cpu_times()
    statuses: dict[str, int] = {}
    ok_latencies = []
    errors: list[str] = []
    for status, latency, detail in samples:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        if status == ok_status:
            ok_latencies.append(latency * 1000)
        elif len(errors) < 5:
            errors.append(f"{status}: {detail[:300]}")
    ok_latencies.sort()
    return Result(
        name=name,
        concurrency=concurrency,
        seconds=round(wall, 2),
        requests=len(samples),
        ok=len(ok_latencies),
        errors=len(samples) - len(ok_latencies),
        statuses=statuses,
        throughput=round(len(ok_latencies) / wall, 1),
        latency_ms={
            "p50": round(percentile(ok_latencies, 50), 2),
            "p95": round(percentile(ok_latencies, 95), 2),
            "p99": round(percentile(ok_latencies, 99), 2),
            "max": round(ok_latencies[-1], 2) if ok_latencies else float("nan"),
            "mean": round(sum(ok_latencies) / len(ok_latencies), 2) if ok_latencies else float("nan"),
        },
        client_cpu_percent=round(100 * (cpu1 - cpu0) / wall, 1),
        machine_cpu_percent=round(100 * (busy1 - busy0) / max(1, total1 - total0), 1),
        error_sample=errors,
    )


def _drive(
    port: int,
    make: Callable[[int], Request],
    concurrency: int,
    duration: float,
    limit: int,
    counter: itertools.count,
) -> list[tuple[int, float, str]]:
    end = time.perf_counter() + duration
    first = next(counter)
    out: list[list[tuple[int, float, str]]] = [[] for _ in range(concurrency)]

    def worker(mine: list[tuple[int, float, str]]) -> None:
        conn: http.client.HTTPConnection | None = None
        while True:
            n = next(counter)  # atomic under the GIL
            if n - first > limit or time.perf_counter() >= end:
                break
            method, path, body, headers = make(n)
            start = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(HOST, port, timeout=30)
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                if response.will_close:
                    conn.close()
                    conn = None
                status, detail = response.status, "" if response.status < 400 else payload.decode(errors="replace")
            except (OSError, http.client.HTTPException) as exc:
                status, detail = 0, repr(exc)
                if conn is not None:
                    conn.close()
                    conn = None
                time.sleep(0.01)
            mine.append((status, time.perf_counter() - start, detail))
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=worker, args=(out[i],), daemon=True) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(duration + 60)
    return [s for mine in out for s in mine]
