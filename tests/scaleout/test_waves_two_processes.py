"""A campaign wave split over two server processes is held at its third copy (real Redis)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

import httpx
import pytest
import redis

from causerie.spam.wave_feed import stream_name
from tests.conftest import LiveServer
from tests.spam.test_waves import PRAISE_COPIES

pytestmark = pytest.mark.redis


def test_the_third_copy_is_held_whichever_process_gets_it(
    live_server: Callable[..., LiveServer], tmp_path: object, redis_url: str
) -> None:
    secret = secrets.token_hex(16)
    env = {
        "CAUSERIE_DATABASE_URL": f"sqlite:///{tmp_path}/waves.db",
        "CAUSERIE_REDIS_URL": redis_url,
        "CAUSERIE_SECRET": secret,
        "CAUSERIE_MODERATION": "publish",
    }
    a = live_server(**env)
    b = live_server(**env)
    try:
        answers = []
        for server, text, author in zip((a, b, a), PRAISE_COPIES[:3], "xyz", strict=True):
            body = {"uri": f"/wave-{author}", "author": f"reader {author}", "text": text}
            answers.append(httpx.post(f"{server.url}/api/comments", json=body).json()["state"])
            time.sleep(0.6)  # each process shares what it saw every 0.2 s
        # The shipped model lets this praise through; the third copy waits for a moderator.
        assert answers == ["approved", "approved", "pending"]
    finally:
        redis.Redis.from_url(redis_url).delete(stream_name(secret))
