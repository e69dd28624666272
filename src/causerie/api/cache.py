"""In-process cache of public thread reads, invalidated on every change.

A read is keyed by (site, uri, sort, cursor, limit, lang) and holds the
response bytes and their ETag. Any change to a thread drops its entries;
listeners in other processes (Redis pub/sub) call :meth:`invalidate` too.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class CachedRead:
    """Response body and its strong validator."""

    body: bytes
    etag: str
    stored: float = 0.0


MAX_TRACKED_THREADS = 100_000
PUBLIC_CACHE_CONTROL = b"public, max-age=0, must-revalidate"
SORTS = ("oldest", "newest", "top")


def read_key(
    site: str | None, uri: str, sort: str | None, cursor: str | None, limit: int
) -> tuple[str, ...] | None:
    """The cache key of a public thread read; None for parameters the endpoint must reject."""
    chosen = (sort or "oldest").lower()
    if chosen not in SORTS or not 1 <= limit <= 200:
        return None
    return (site or "default", uri, chosen, cursor or "", str(limit))


def etag_for(body: bytes) -> str:
    """A strong ETag derived from the bytes."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


# However changes are heard, a cached read is recomputed after this long: what no
# listener reports (an import run from the command line) shows within it.
MAX_AGE = 30.0


class ThreadCache:
    """A bounded LRU of thread reads, grouped by thread for invalidation."""

    def __init__(self, max_bytes: int = 16 * 1024 * 1024, max_age: float | None = None) -> None:
        # max_age bounds staleness when other processes change threads unseen (no Redis).
        self.max_age = max_age
        self._entries: OrderedDict[tuple[str, ...], CachedRead] = OrderedDict()
        self._by_thread: dict[tuple[str, str], set[tuple[str, ...]]] = {}
        self._generation: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()
        # Bounded by bytes, not entries: one 200-comment page is ~70 KB.
        self.max_bytes = max_bytes
        self._bytes = 0
        self._counter = itertools.count(1)
        self._floor = 0

    def generation(self, site: str, uri: str) -> int:
        """Changes on every invalidation; a read computed under an old one is not kept."""
        with self._lock:
            return self._generation.get((site, uri), self._floor)

    def get(self, key: tuple[str, ...]) -> CachedRead | None:
        """A cached read, if fresh."""
        with self._lock:
            hit = self._entries.get(key)
            if hit is None:
                return None
            if self.max_age is not None and time.monotonic() - hit.stored > self.max_age:
                return None  # kept as stale: see stale()
            self._entries.move_to_end(key)
            return hit

    def stale(self, key: tuple[str, ...]) -> CachedRead | None:
        """An entry past its max age but not invalidated (its thread did not change here)."""
        with self._lock:
            return self._entries.get(key)

    def put(
        self, site: str, uri: str, key: tuple[str, ...], body: bytes, generation: int
    ) -> CachedRead:
        """Remember a read unless the thread changed while it was computed."""
        entry = CachedRead(body, etag_for(body), time.monotonic())
        with self._lock:
            if self._generation.get((site, uri), self._floor) != generation:
                return entry
            self._drop(key)
            self._entries[key] = entry
            self._bytes += len(body)
            self._by_thread.setdefault((site, uri), set()).add(key)
            while self._bytes > self.max_bytes and self._entries:
                self._drop(next(iter(self._entries)))
        return entry

    def invalidate(self, site: str, uri: str) -> None:
        """Forget every cached read of one thread."""
        with self._lock:
            if len(self._generation) > MAX_TRACKED_THREADS:
                # Forget old counters; the new floor outdates every read in flight.
                self._generation.clear()
                self._floor = next(self._counter)
            self._generation[(site, uri)] = next(self._counter)
            for key in self._by_thread.pop((site, uri), set()):
                self._drop(key)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._generation.clear()
            self._floor = next(self._counter)
            self._entries.clear()
            self._by_thread.clear()
            self._bytes = 0

    def _drop(self, key: tuple[str, ...]) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
            keys = self._by_thread.get((key[0], key[1]))
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_thread[(key[0], key[1])]
