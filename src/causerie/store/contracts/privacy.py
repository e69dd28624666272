"""PrivacyStore: what readers' rights and retention (``core/privacy``, ``core/notifications``) need.

Finding and erasing a reader's traces, the retention purge, reply
subscriptions and the log of rights requests. Implemented by
``store/privacy.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from causerie.store.records import CommentRecord, ErasedReader, ReaderKeys


class PrivacyStore(Protocol):
    """A reader's data as the law sees it: found, exported, erased, expired."""

    # -- export and erasure ----------------------------------------------------

    def comments_of(self, email: str, author_key: str) -> list[tuple[CommentRecord, str, str]]:
        """Comments written with this address (or its keyed hash), with site and page."""

    def learning_of(
        self, match: Callable[[dict[str, Any]], bool], like: str | None = None
    ) -> list[dict[str, Any]]:
        """Learning-log rows whose sample ``match`` accepts (``like``: a cheap pre-filter)."""

    def erase_reader(self, keys: ReaderKeys, now: float) -> ErasedReader:
        """Erase every comment, lesson, block address and pending request of an address."""

    def erase_comment_with_lessons(
        self, comment: CommentRecord, site: str, now: float
    ) -> ErasedReader:
        """Erase one comment and the learning samples made of it on its site."""

    def flush_erased(self) -> None:
        """On SQLite, move the WAL into the file and empty it, so erased rows leave the disk."""

    # -- retention -------------------------------------------------------------

    def clear_personal(self, site_id: int, before: float) -> int:
        """Drop e-mail, IP hash and prefix, user agent from a site's comments older than this."""

    def delete_spam(self, site_id: int, before: float, *, discard: bool) -> int:
        """Delete a site's spam (``discard`` verdicts or the others) older than this."""

    def scrub_learning(self, site: str, before: float, after_id: int) -> tuple[int, int]:
        """Blank personal fields of learning samples older than ``before``; (count, last id)."""

    def marker(self, key: str) -> int:
        """An integer kept in the ``meta`` table (0 when unset)."""

    def set_marker(self, key: str, value: int) -> None:
        """Store an integer in the ``meta`` table."""

    # -- reply subscriptions ---------------------------------------------------

    def add_subscription(
        self, comment_id: int, author_key: str, now: float, confirmed: bool
    ) -> int:
        """Subscribe a comment's author to replies; returns the subscription id."""

    def subscription(self, sub_id: int) -> dict[str, Any] | None:
        """A subscription by id."""

    def subscription_of(self, comment_id: int) -> dict[str, Any] | None:
        """The subscription of a comment, if its author asked for one."""

    def has_confirmed(self, author_key: str) -> bool:
        """True when this author already confirmed a subscription once."""

    def confirm_subscription(self, sub_id: int, now: float) -> bool:
        """Mark a subscription confirmed; False if it no longer exists."""

    def unsubscribe(self, comment_id: int) -> None:
        """Stop reply notifications for a comment."""

    def delete_unconfirmed(self, site_id: int, before: float) -> int:
        """Drop a site's subscriptions never confirmed since ``before``."""

    # -- request log -----------------------------------------------------------

    def log_request(self, **values: Any) -> int:
        """Record a privacy request; returns its id."""

    def request(self, request_id: int) -> dict[str, Any] | None:
        """A logged request by id."""

    def requests_of(self, email_hash: str) -> list[dict[str, Any]]:
        """Every logged request made for an address (by its keyed hash)."""

    def finish_request(self, request_id: int, status: str, items: int, now: float) -> None:
        """Close a request and forget the plain address it carried."""

    def recent_requests(self, email_hash: str, since: float) -> int:
        """Requests made for an address since a time (rate limit)."""

    def expire_requests(self, pending_before: float, delete_before: float) -> tuple[int, int]:
        """Expire unconfirmed requests, delete old log rows; (expired, deleted)."""
