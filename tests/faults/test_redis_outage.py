"""Redis goes down: the server keeps serving on its own state, says so, and recovers.

The test runs a Redis server of its own (the machine's shared one stays up for
the other tests), kills it under a running Causerie, then starts it again on
the same port.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import IN_CI, LiveServer, free_port

pytestmark = pytest.mark.redis


class PrivateRedis:
    """A throw-away redis-server on a free port."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Its URL."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it and wait until it answers."""
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A Redis server of this test's own (skip without redis-server, fail in CI)."""
    if shutil.which("redis-server") is None:
        message = "redis-server is missing (apt-get install redis-server)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.kill()


def _wait_for(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def test_redis_down_keeps_serving_says_so_and_recovers(
    live_server: Callable[..., LiveServer], private_redis: PrivateRedis, tmp_path: Path
) -> None:
    server = live_server(
        CAUSERIE_DATABASE_URL=f"sqlite:///{tmp_path / 'redis-down.db'}",
        CAUSERIE_REDIS_URL=private_redis.url,
        CAUSERIE_SPAM_FILTER="false",
        CAUSERIE_SECRET=secrets.token_hex(16),
        CAUSERIE_COMMENTS_PER_MINUTE="3",
    )
    health = lambda: httpx.get(server.url + "/health", timeout=10).json()  # noqa: E731
    assert _wait_for(lambda: health() == {"status": "ok", "database": "ok", "redis": "ok"}, 10)

    private_redis.kill()
    with httpx.Client(base_url=server.url, timeout=10) as http:
        posts = [
            http.post("/api/comments", json={"uri": "/r", "author": "A", "text": f"n{i}"})
            for i in range(4)
        ]
        # Served on this process's own counters: 3 a minute still holds.
        assert [p.status_code for p in posts] == [201, 201, 201, 429]
        assert http.get("/api/comments", params={"uri": "/r"}).json()["total"] == 3
        login = http.post("/api/admin/login", json={"email": "a@b.example", "password": "x"})
        assert login.status_code == 401  # the login throttle counts locally too
    assert _wait_for(lambda: health()["redis"] == "unavailable", 10)
    assert health()["status"] == "degraded"
    log = server.log_path.read_text(errors="replace")
    assert "Redis unreachable" in log and "lost the Redis subscription" in log
    assert "Traceback" not in log

    private_redis.start()
    assert _wait_for(lambda: health()["status"] == "ok", 15)
    log = server.log_path.read_text(errors="replace")
    assert "Redis reachable again" in log and "Redis subscription back" in log
