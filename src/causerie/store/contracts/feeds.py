"""FeedStore: what the Atom feeds and the "latest comments" block read (``core/feeds``).

Implemented by ``store/feeds.py``.
"""

from __future__ import annotations

from typing import Protocol

from causerie.store.records import FeedItem


class FeedStore(Protocol):
    """The newest approved comments of a site or of one of its threads."""

    def latest_approved(self, site_id: int, thread_id: int | None, limit: int) -> list[FeedItem]:
        """Approved comments, newest first, of a thread (or of the whole site when None)."""
