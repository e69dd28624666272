"""Several processes, one truth: thread changes travel between them over Redis.

Every change a process makes (new comment, edit, vote, moderation) is
published on one Redis channel. Every other process then drops its cached
reads of that thread and pushes the public part of the change to its own
live-update subscribers. Without ``redis_url`` none of this runs and one
process works exactly as before.

A message on the channel::

    {"origin": "9f2c…", "site": "default", "uri": "/2026/tram",
     "event": {"kind": "comment", "data": {"id": 12, "html": "<p>…</p>", …}}}

``event`` is null for changes readers do not see live (a vote, a pending
comment) that still make cached reads stale. ``{"origin": …, "reset": true}``
(a published import, which touches many threads) drops every cached read. If the subscription drops,
the process clears its whole cache when it resubscribes, since it may have
missed invalidations meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import queue
import threading
import uuid

from causerie.api.cache import ThreadCache
from causerie.core.comments import ChangeEvent
from causerie.notify.live import EventHub, ThreadEvent, thread_event

log = logging.getLogger("causerie.fanout")

CHANNEL = "causerie:threads"
OUTAGE_CACHE_AGE = 1.0
PUBLISH_BATCH = 100  # changes per Redis round trip, at most


class RedisFanout:
    """Publishes this process's changes; applies the other processes' changes."""

    def __init__(self, redis_url: str, cache: ThreadCache, hub: EventHub, secret: str) -> None:
        import redis

        self.redis_url = redis_url
        self.origin = uuid.uuid4().hex
        self._client = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
        self._cache = cache
        self._hub = hub
        self._secret = secret
        self.subscribed = asyncio.Event()
        self._publish_failing = False
        self._outgoing: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._publisher: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def on_change(self, change: ChangeEvent) -> None:
        """Service listener (request thread): queue the change for the others.

        Sent by a thread of its own, so that a post's answer never waits for a Redis
        round trip; changes leave in the order they were made, a batch per round trip.
        """
        event = thread_event(change, self._secret)
        message = {
            "origin": self.origin,
            "site": change.site,
            "uri": change.uri,
            "event": {"kind": event.kind, "data": event.data} if event else None,
        }
        self._send(json.dumps(message, ensure_ascii=False))

    def publish_reset(self) -> None:
        """Tell the others to drop every cached read (an import was published here)."""
        self._send(json.dumps({"origin": self.origin, "reset": True}))

    def _send(self, payload: str) -> None:
        if self._publisher is None or not self._publisher.is_alive():
            with self._start_lock:
                if self._publisher is None or not self._publisher.is_alive():
                    self._publisher = threading.Thread(
                        target=self._publish_loop, name="causerie-fanout-publish", daemon=True
                    )
                    self._publisher.start()
        self._outgoing.put(payload)

    def _publish_loop(self) -> None:
        while True:
            batch = [self._outgoing.get()]
            while batch[-1] is not None and len(batch) < PUBLISH_BATCH:
                try:
                    batch.append(self._outgoing.get_nowait())
                except queue.Empty:
                    break
            payloads = [p for p in batch if p is not None]
            if payloads:
                self._publish(payloads)
            if batch[-1] is None:  # closing
                return

    def _publish(self, payloads: list[str]) -> None:
        try:
            pipe = self._client.pipeline(transaction=False)
            for payload in payloads:
                pipe.publish(CHANNEL, payload)
            pipe.execute()
        except Exception as error:  # Redis down must never fail a comment
            if not self._publish_failing:  # once per outage; readers catch up on reload
                log.warning(
                    "could not publish changes to Redis (%s): other processes "
                    "will not hear of them until it is back",
                    error,
                )
            self._publish_failing = True
        else:
            self._publish_failing = False

    def apply(self, raw: bytes | str) -> None:
        """Apply one message from another process."""
        try:
            message = json.loads(raw)
            if message.get("origin") == self.origin:
                return
            if message.get("reset") is True:
                self._cache.clear()
                return
            site, uri = str(message["site"]), str(message["uri"])
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("ignoring a malformed message on %s", CHANNEL)
            return
        self._cache.invalidate(site, uri)
        event = message.get("event")
        if isinstance(event, dict):
            self._hub.publish(ThreadEvent(str(event["kind"]), site, uri, dict(event["data"])))

    async def run(self) -> None:
        """Listen until cancelled, resubscribing (and clearing the cache) after failures."""
        import redis.asyncio as aioredis

        lost = False
        normal_age = self._cache.max_age
        while True:
            client = aioredis.Redis.from_url(
                self.redis_url, socket_connect_timeout=2, health_check_interval=10
            )
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self._cache.clear()
                    self.subscribed.set()
                    if lost:
                        self._cache.max_age = normal_age
                        log.warning("Redis subscription back: cache cleared, sharing resumed")
                        lost = False
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self.apply(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self.subscribed.clear()
                # Other processes' changes go unheard: keep cached reads 1 s at most.
                self._cache.max_age = OUTAGE_CACHE_AGE
                if not lost:
                    # Said once per outage: this process serves on its own state meanwhile.
                    log.warning(
                        "lost the Redis subscription (%s): serving on this process's state, "
                        "retrying every second",
                        error,
                    )
                    lost = True
                await asyncio.sleep(1)
            finally:
                with contextlib.suppress(Exception):
                    await client.aclose()

    def close(self) -> None:
        """Send what is queued, then release the publishing connection."""
        if self._publisher is not None and self._publisher.is_alive():
            self._outgoing.put(None)
            self._publisher.join(5)
        self._client.close()
