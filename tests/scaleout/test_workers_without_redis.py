"""Several workers on SQLite without Redis: stale reads are bounded to about a second."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import TEST_SECRET, free_port


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
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        for i in range(5):
            posted = httpx.post(
                f"{url}/api/comments", json={"uri": "/w", "text": f"n{i}", "author": "A"}
            )
            assert posted.status_code == 201
            # Warm both workers' caches (connections land on either worker).
            for _ in range(4):
                httpx.get(f"{url}/api/comments", params={"uri": "/w"})
        time.sleep(1.2)
        totals = {
            httpx.get(f"{url}/api/comments", params={"uri": "/w"}).json()["total"] for _ in range(8)
        }
        assert totals == {5}
    finally:
        server.terminate()
        server.wait(20)
