"""Rate limits: how many times a key may act within a sliding window.

One process counts in memory; several processes count in Redis, so a reader
cannot multiply the limit by the number of workers. Windows slide (a log of
timestamps per key), so "3 a minute" never lets 6 through across a boundary.
Refused attempts count too: a flood keeps itself locked out.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol


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
    """Sliding windows in Redis (one sorted set per key), shared by every process."""

    def __init__(self, client: Any, prefix: str = "causerie:rl:") -> None:
        self._client = client
        self._prefix = prefix

    def hit(self, key: str, limit: int, window_seconds: int) -> bool:
        """Count one action atomically (MULTI: trim, add, count, expire)."""
        now = time.time()
        name = self._prefix + key
        pipe = self._client.pipeline(transaction=True)
        pipe.zremrangebyscore(name, 0, now - window_seconds)
        pipe.zadd(name, {f"{now:.6f}:{uuid.uuid4().hex[:8]}": now})
        pipe.zcard(name)
        pipe.expire(name, window_seconds)
        _, _, count, _ = pipe.execute()
        return int(count) <= limit
