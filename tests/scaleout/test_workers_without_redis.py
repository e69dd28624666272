"""Several workers on SQLite without Redis: stale reads are bounded to about a second.

Which worker answered is read from the operating system (psutil: the worker
process holding the server end of our connection), so the test proves that
both workers served, and converged, instead of assuming it.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

from tests.conftest import TEST_SECRET, free_port


def _ask(port: int, path: str, workers: list[psutil.Process]) -> tuple[int, Any]:
    """GET ``path`` on a new connection; (pid of the worker that holds it, JSON answer)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.connect()
        assert conn.sock is not None
        mine = conn.sock.getsockname()[1]
        conn.request("GET", path)
        response = conn.getresponse()
        body = json.loads(response.read())
        assert response.status == 200, body
        for worker in workers:
            for c in worker.net_connections(kind="tcp"):
                if c.raddr and c.raddr.port == mine and c.laddr.port == port:
                    return worker.pid, body
        raise AssertionError(f"no worker holds the connection from port {mine}")
    finally:
        conn.close()


def _until_both(port: int, path: str, workers: list[psutil.Process]) -> dict[int, list[Any]]:
    """Answers per worker, asking until each worker answered twice (or 80 tries)."""
    seen: dict[int, list[Any]] = {w.pid: [] for w in workers}
    for _ in range(80):
        pid, body = _ask(port, path, workers)
        seen[pid].append(body)
        if all(len(answers) >= 2 for answers in seen.values()):
            break
    return seen


def test_two_workers_on_sqlite_converge_within_a_second(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "CAUSERIE_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
        "CAUSERIE_SECRET": TEST_SECRET,
        "CAUSERIE_COMMENTS_PER_MINUTE": "0",
        "CAUSERIE_SPAM_FILTER": "false",
        "CAUSERIE_LOG_LEVEL": "warning",
    }
    cmd = [sys.executable, "-m", "causerie", "serve", "--port", str(port), "--workers", "2"]
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        workers: list[psutil.Process] = []
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    listening = [
                        p
                        for p in psutil.Process(server.pid).children(recursive=True)
                        if any(c.laddr.port == port for c in p.net_connections(kind="tcp"))
                    ]
                    if len(listening) == 2:
                        workers = listening
                        break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        assert len(workers) == 2, (tmp_path / "serve.log").read_text()
        # Both workers cache the thread while it is empty.
        warm = _until_both(port, "/api/comments?uri=/w", workers)
        assert all(len(a) >= 2 and a[0]["total"] == 0 for a in warm.values()), warm
        for i in range(5):
            posted = httpx.post(
                f"{url}/api/comments", json={"uri": "/w", "text": f"n{i}", "author": "A"}
            )
            assert posted.status_code == 201
        time.sleep(1.2)
        answers = _until_both(port, "/api/comments?uri=/w", workers)
        assert all(len(a) >= 2 for a in answers.values()), "a worker never answered"
        totals = {pid: {body["total"] for body in a} for pid, a in answers.items()}
        assert totals == {w.pid: {5} for w in workers}
    finally:
        server.terminate()
        server.wait(20)
