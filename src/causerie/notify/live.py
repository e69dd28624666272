"""Live thread updates: an event hub that fans changes out to open SSE streams.

The comment service calls its listeners from worker threads; :class:`LocalHub`
hands each event to the event loop with ``call_soon_threadsafe`` and copies it
into the queue of every subscriber of that (site, uri). One process only: a
hub built on Redis pub/sub can replace it behind the :class:`EventHub`
protocol when several processes serve the same threads.

An event as subscribers receive it::

    ThreadEvent(kind="comment", site="default", uri="/2026/tram",
                data={"id": 12, "parent": None, "html": "<p>…</p>", …})

``kind`` is ``comment`` (a new approved comment, or one a moderator
approved), ``edit`` (new text) or ``remove`` (deleted, or moderated away).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from causerie.core.comments import ChangeEvent
from causerie.core.threads import public_comment
from causerie.store.records import CommentState

log = logging.getLogger("causerie.widget")

# A subscriber that lets this many events pile up is too slow and is dropped.
QUEUE_SIZE = 256


@dataclass(frozen=True)
class ThreadEvent:
    """One change pushed to the readers of a thread."""

    kind: str
    site: str
    uri: str
    data: dict[str, Any] = field(default_factory=dict)


class EventHub(Protocol):
    """What the SSE endpoint needs from a hub (in-process or Redis-backed)."""

    def publish(self, event: ThreadEvent) -> None:
        """Deliver an event to every subscriber of its thread; callable from any thread."""

    def subscribe(
        self, site: str, uri: str
    ) -> contextlib.AbstractAsyncContextManager[Subscription]:
        """Open a subscription to one thread's events; closed on exit."""


class Subscription:
    """The events of one thread for one reader, in order."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[ThreadEvent | None] = asyncio.Queue(QUEUE_SIZE)
        self.closed = False

    def offer(self, event: ThreadEvent | None) -> None:
        """Queue an event (None: close); a full queue closes it too (the reader reconnects)."""
        if self.closed:
            return
        if event is None:
            self.closed = True
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.closed = True

    async def next(self, timeout: float) -> ThreadEvent | None:
        """The next event, or None after ``timeout`` seconds of silence."""
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None


class LocalHub:
    """An in-process hub: subscribers are queues on this process's event loop."""

    def __init__(self) -> None:
        self._subscribers: dict[tuple[str, str], set[Subscription]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def publish(self, event: ThreadEvent) -> None:
        """Hand the event to the loop that owns the subscribers (no-op without any)."""
        with self._lock:
            loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(self._fan_out, event)
        except RuntimeError:  # the loop closed between the check and the call
            return

    def subscriber_count(self, site: str, uri: str) -> int:
        """How many readers follow one thread now."""
        return len(self._subscribers.get((site, uri), ()))

    @contextlib.asynccontextmanager
    async def subscribe(self, site: str, uri: str) -> AsyncIterator[Subscription]:
        """Follow a thread for the duration of the ``async with`` block."""
        with self._lock:
            self._loop = asyncio.get_running_loop()
        subscription = Subscription()
        key = (site, uri)
        self._subscribers.setdefault(key, set()).add(subscription)
        try:
            yield subscription
        finally:
            subscription.closed = True
            members = self._subscribers.get(key)
            if members is not None:
                members.discard(subscription)
                if not members:
                    del self._subscribers[key]

    def close(self) -> None:
        """End every open stream (on shutdown)."""
        for members in list(self._subscribers.values()):
            for subscription in list(members):
                subscription.offer(None)

    def _fan_out(self, event: ThreadEvent) -> None:
        for subscription in list(self._subscribers.get((event.site, event.uri), ())):
            subscription.offer(event)


def thread_event(change: ChangeEvent, secret: str) -> ThreadEvent | None:
    """What readers of the thread should learn from a change (None: nothing public)."""
    comment = change.comment
    state = comment.state
    if change.kind == "created":
        if state is not CommentState.APPROVED:
            return None
        return ThreadEvent("comment", change.site, change.uri, public_comment(comment, secret))
    if change.kind == "edited":
        if state is CommentState.APPROVED:
            data = public_comment(comment, secret)
            return ThreadEvent("edit", change.site, change.uri, data)
        return ThreadEvent("remove", change.site, change.uri, {"id": comment.id})
    if change.kind == "deleted":
        return ThreadEvent("remove", change.site, change.uri, {"id": comment.id})
    if change.kind == "moderated":
        if state is CommentState.APPROVED:
            data = public_comment(comment, secret)
            return ThreadEvent("comment", change.site, change.uri, data)
        return ThreadEvent("remove", change.site, change.uri, {"id": comment.id})
    return None


def live_listener(hub: EventHub, secret: str) -> Callable[[ChangeEvent], None]:
    """A comment-service listener that publishes each public change on the hub."""

    def on_change(change: ChangeEvent) -> None:
        # Called inside the comment service: a failure here must never fail a post.
        try:
            event = thread_event(change, secret)
            if event is not None:
                hub.publish(event)
        except Exception:
            log.exception("live update for comment %s not sent", change.comment.id)

    return on_change
