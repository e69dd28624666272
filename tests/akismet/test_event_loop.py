"""A slow Redis or database call in comment-check must not stall the worker's other requests.

A private ``redis-server`` (a real one, on its own port, so that pausing it
disturbs nobody else's tests) serves the Akismet rate limit. ``CLIENT PAUSE``
makes every Redis call wait; while one comment-check waits on it, another
request to the same event loop must still be answered.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest
import redis

from causerie.app import create_app
from tests import conftest
from tests.akismet.conftest import BLOG, blank_filter
from tests.conftest import _unavailable, free_port

PAUSE_MS = 1500


@pytest.fixture
def private_redis() -> Iterator[str]:
    """A redis-server of this test's own (skip without the binary, fail in CI)."""
    binary = shutil.which("redis-server")
    if binary is None:
        _unavailable("redis-server", "not installed (apt-get install redis-server)")
    port = free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
    process = subprocess.Popen([*args, "no"], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)
    yield url
    process.terminate()
    process.wait(10)


async def _race(app: object, key: str, redis_url: str) -> tuple[float, float, str]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        # Both routes once before the clock starts: their first call's one-off costs (tens
        # of ms, more on a busy machine) are not what this test measures.
        data = {"api_key": key, "blog": BLOG, "comment_content": "Bonjour à tous"}
        assert (await client.get("/api/config")).status_code == 200
        assert (await client.post("/1.1/comment-check", data=data)).text == "false"
        start = time.monotonic()
        redis.Redis.from_url(redis_url).execute_command("CLIENT", "PAUSE", PAUSE_MS, "ALL")

        async def check() -> tuple[float, str]:
            response = await client.post("/1.1/comment-check", data=data)
            return time.monotonic() - start, response.text

        slow = asyncio.ensure_future(check())
        await asyncio.sleep(0.1)  # the check is now waiting on Redis
        other = await client.get("/api/config")
        assert other.status_code == 200
        other_done = time.monotonic() - start
        slow_done, answer = await slow
    return other_done, slow_done, answer


def test_a_paused_redis_does_not_stall_other_requests(sqlite_url: str, private_redis: str) -> None:
    app = create_app(conftest.test_settings(sqlite_url, redis_url=private_redis))
    app.state.runtime.spam = blank_filter(app)
    key, _ = app.state.runtime.api_keys.create(BLOG, rate_per_minute=1000)
    try:
        other_done, slow_done, answer = asyncio.run(_race(app, key, private_redis))
    finally:
        app.state.runtime.usage.close()
        app.state.runtime.engine.dispose()
    assert answer == "false"
    assert slow_done >= PAUSE_MS / 1000 * 0.8  # the check really waited on Redis
    assert other_done < slow_done - 0.5  # and the other request did not wait with it
