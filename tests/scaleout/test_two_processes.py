"""Two server processes on the real PostgreSQL and Redis behave as one server."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable

import httpx
import pytest

from tests.conftest import LiveServer
from tests.scaleout.conftest import follow_stream

pytestmark = pytest.mark.postgres

URI = "/2026/11/deux-processus"


def read_stream(url: str, found: list[int], ready: threading.Event) -> None:
    """Follow the thread's live stream until a comment arrives (or 20 s pass)."""
    with httpx.Client(base_url=url, timeout=20) as http:
        follow_stream(http, URI, found, ready)


def test_comment_on_a_reaches_stream_and_reads_on_b(
    live_server: Callable[..., LiveServer], postgres_url: str, redis_url: str
) -> None:
    env = {
        "CAUSERIE_DATABASE_URL": postgres_url,
        "CAUSERIE_REDIS_URL": redis_url,
        "CAUSERIE_SPAM_FILTER": "false",
        # A secret of its own: rate-limit keys in the shared Redis are not shared with other tests.
        "CAUSERIE_SECRET": secrets.token_hex(16),
        "CAUSERIE_COMMENTS_PER_MINUTE": "3",
    }
    a = live_server(**env)
    b = live_server(**env)
    time.sleep(0.5)  # both processes subscribe to Redis at start-up

    before = httpx.get(f"{b.url}/api/comments", params={"uri": URI}).json()
    assert before["total"] == 0  # B has now cached the empty thread

    found: list[int] = []
    ready = threading.Event()
    listener = threading.Thread(target=read_stream, args=(b.url, found, ready))
    listener.start()
    assert ready.wait(10), "B's stream did not open"

    posted = httpx.post(
        f"{a.url}/api/comments", json={"uri": URI, "text": "Posté sur A", "author": "Samira"}
    ).json()
    listener.join(20)
    assert found and found[0] == posted["id"], "B's live stream missed the comment"

    after = httpx.get(f"{b.url}/api/comments", params={"uri": URI}).json()
    assert [c["id"] for c in after["comments"]] == [posted["id"]], "B served a stale cache"

    # The limit (3 a minute) is counted across both processes.
    payload = {"uri": URI, "text": "encore", "author": "Samira"}
    assert httpx.post(f"{b.url}/api/comments", json=payload).status_code == 201
    assert httpx.post(f"{a.url}/api/comments", json=payload).status_code == 201
    limited = httpx.post(f"{b.url}/api/comments", json=payload)
    assert limited.status_code == 429
    assert httpx.post(f"{a.url}/api/comments", json=payload).status_code == 429
