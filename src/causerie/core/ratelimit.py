"""Rate limits: how many times a key may act within a sliding window.

One process counts in memory; several processes count in Redis, so a reader
cannot multiply the limit by the number of workers. Windows slide (a log of
timestamps per key), so "3 a minute" never lets 6 through across a boundary.
Refused attempts count too: a flood keeps itself locked out.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger("causerie.ratelimit")


class RateLimiter(Protocol):
    """Counts actions per key within a sliding window."""

    def hit(self, key: str, limit: int, window_seconds: int) -> bool:
        """Count one action; False when the key is over its limit in the window."""
        ...


class MemoryRateLimiter:
    """Sliding windows in this process's memory."""

    MAX_KEYS = 100_000

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._log: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def hit(self, key: str, limit: int, window_seconds: int) -> bool:
        """Count one action; False when over the limit."""
        now = self._clock()
        with self._lock:
            if len(self._log) > self.MAX_KEYS:
                # Forget idle keys now and then, so memory stays bounded.
                self._log = {k: v for k, v in self._log.items() if v and v[-1] > now - 3600}
            times = self._log.setdefault(key, deque())
            while times and times[0] <= now - window_seconds:
                times.popleft()
            times.append(now)
            return len(times) <= limit


class RedisRateLimiter:
    """Sliding windows in Redis (one sorted set per key), shared by every process.

    When Redis cannot be reached, counting goes on in this process's memory
    (each process then allows the limit on its own) rather than failing the
    request; the switch is logged once each way, and Redis is tried again
    every few seconds.
    """

    RETRY_SECONDS = 5.0

    def __init__(
        self,
        client: Any,
        prefix: str = "causerie:rl:",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        from redis.exceptions import RedisError

        self._client = client
        self._prefix = prefix
        self._errors: tuple[type[BaseException], ...] = (RedisError, OSError)
        self._fallback = MemoryRateLimiter()
        self._clock = clock
        self._down_since: float | None = None
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        """False while Redis is unreachable (counting in this process)."""
        return self._down_since is None

    def hit(self, key: str, limit: int, window_seconds: int) -> bool:
        """Count one action atomically (MULTI: trim, add, count, expire)."""
        if not self._should_try():
            return self._fallback.hit(key, limit, window_seconds)
        now = time.time()
        name = self._prefix + key
        try:
            pipe = self._client.pipeline(transaction=True)
            pipe.zremrangebyscore(name, 0, now - window_seconds)
            pipe.zadd(name, {f"{now:.6f}:{uuid.uuid4().hex[:8]}": now})
            pipe.zcard(name)
            pipe.expire(name, window_seconds)
            _, _, count, _ = pipe.execute()
        except self._errors as error:
            self._went_down(error)
            return self._fallback.hit(key, limit, window_seconds)
        self._came_back()
        return int(count) <= limit

    def check(self) -> bool:
        """Ping Redis (at most every few seconds while it is down); True when it answers."""
        if not self._should_try():
            return False
        try:
            self._client.ping()
        except self._errors as error:
            self._went_down(error)
            return False
        self._came_back()
        return True

    def _should_try(self) -> bool:
        down = self._down_since
        return down is None or self._clock() - down >= self.RETRY_SECONDS

    def _went_down(self, error: BaseException) -> None:
        with self._lock:
            first = self._down_since is None
            self._down_since = self._clock()
        if first:
            log.warning("Redis unreachable (%s): rate limits now count in this process only", error)

    def _came_back(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            self._down_since = None
        log.warning("Redis reachable again: rate limits are shared between processes")
