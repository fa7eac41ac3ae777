"""The app under a real multi-process server: gunicorn with sync workers on 127.0.0.1."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from bench.target import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(
    *,
    workers: int,
    env: dict[str, str],
    log: Path,
    token: str,
    peak_rss: dict[int, float] | None = None,
    threads: int = 1,
) -> Iterator[int]:
    """Start gunicorn, wait until it answers an authenticated request, yield its port,
    and always stop it (SIGTERM to the master, then SIGKILL to its process group).
    ``peak_rss``, if given, receives each worker's peak resident memory in MB, read just
    before the stop."""
    port = free_port()
    # The project's gunicorn.conf.py is read from the working directory; the options below
    # override it: sync workers (one request at a time; gthread with ``threads`` > 1),
    # never recycled during a run (so their peak memory is the run's), no access log.
    environ = {**os.environ, **env, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "config.settings", "ACCESS_LOG": "0"}
    environ = {k: v for k, v in environ.items() if v != ""}
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync" if threads == 1 else "gthread",
        "--threads",
        str(threads),
        "--max-requests",
        "0",
        "--timeout",
        "60",
        "--error-logfile",
        str(log),
        "--log-level",
        "warning",
    ]
    log.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=environ, start_new_session=True)  # noqa: S603 - fixed argv
    try:
        _wait_ready(proc, port, token, log)
        yield port
        if peak_rss is not None:
            peak_rss.update(workers_peak_rss(proc.pid))
    finally:
        _stop(proc)


def workers_peak_rss(master: int) -> dict[int, float]:
    """Peak resident memory (VmHWM) of each child of the gunicorn master, in MB."""
    peaks = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            if int(fields.get("PPid", "0")) == master and "VmHWM" in fields:
                peaks[int(fields["Pid"])] = round(int(fields["VmHWM"].split()[0]) / 1024, 1)
    return peaks


def _wait_ready(proc: subprocess.Popen, port: int, token: str, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {log}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/tickets?limit=1", headers={"Authorization": f"Bearer {token}"})
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
            raise RuntimeError(f"gunicorn answers {status} to an authenticated list; see {log}")
        except (ConnectionError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout} s; see {log}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # any worker left behind; the group is gunicorn's own session
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)
