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
def gunicorn(*, workers: int, env: dict[str, str], log: Path, token: str) -> Iterator[int]:
    """Start gunicorn, wait until it answers an authenticated request, yield its port,
    and always stop it (SIGTERM to the master, then SIGKILL to its process group)."""
    port = free_port()
    environ = {**os.environ, **env, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "config.settings"}
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
        "sync",
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
    finally:
        _stop(proc)


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
