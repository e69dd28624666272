"""Sliding-window rate limits, in memory and in the real Redis."""

from __future__ import annotations

import secrets

from causerie.core.ratelimit import MemoryRateLimiter, RedisRateLimiter


def test_memory_window_slides() -> None:
    now = [1000.0]
    limiter = MemoryRateLimiter(clock=lambda: now[0])
    assert [limiter.hit("k", 2, 60) for _ in range(3)] == [True, True, False]
    assert limiter.hit("other", 2, 60)
    now[0] += 59.9
    assert not limiter.hit("k", 2, 60)  # the first attempts are still inside the window
    now[0] += 60.1
    assert limiter.hit("k", 2, 60)


def test_redis_limits_are_shared_between_clients(redis_url: str) -> None:
    import redis

    key = "test:" + secrets.token_hex(8)
    first = RedisRateLimiter(redis.Redis.from_url(redis_url))
    second = RedisRateLimiter(redis.Redis.from_url(redis_url))
    assert first.hit(key, 3, 60)
    assert second.hit(key, 3, 60)
    assert first.hit(key, 3, 60)
    assert not second.hit(key, 3, 60)
    assert first.hit(key + ":x", 3, 60)
