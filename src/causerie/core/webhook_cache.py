"""The webhooks as stored, read at most once a second: one cache for the dispatch and the sender.

The event dispatch asks "does anyone listen on this site?" for every comment
written, and the webhook channel needs the webhook of every call it makes;
both read through this one cache, kept by site, so a batch of calls costs one
read a second per site. A change on the dashboard empties it
(:meth:`WebhookCache.forget`); a change made by another process is seen
within ``ttl`` seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from causerie.store.contracts.notifications import NotificationStore
from causerie.store.records import WebhookRecord

CACHE_SECONDS = 1.0


class WebhookCache:
    """A site's webhooks as stored, reread when older than ``ttl`` seconds."""

    def __init__(
        self,
        store: NotificationStore,
        ttl: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.ttl = ttl
        self.clock = clock
        self._sites: dict[int, tuple[float, list[WebhookRecord]]] = {}

    def of_site(self, site_id: int) -> list[WebhookRecord]:
        """Every webhook of a site, active or not (from the cache while fresh)."""
        now = self.clock()
        cached = self._sites.get(site_id)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        return self.read(site_id)

    def read(self, site_id: int) -> list[WebhookRecord]:
        """Every webhook of a site, read from the store now (and kept for the next ones)."""
        hooks = self.store.webhooks(site_id)
        self._sites[site_id] = (self.clock(), hooks)
        return hooks

    def webhook(self, webhook_id: int, site_id: int | None) -> WebhookRecord | None:
        """One webhook by id (None: removed); through its site's entry when the site is known."""
        if site_id is None:
            return self.store.webhook(webhook_id)
        return next((h for h in self.of_site(site_id) if h.id == webhook_id), None)

    def forget(self) -> None:
        """A webhook changed here: read them again at the next question."""
        self._sites.clear()
