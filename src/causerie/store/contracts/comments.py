"""CommentStore: what the comment rules (``core/comments``, ``core/threads``) need from storage.

Sites, threads, comments and votes. Every operation is one short transaction;
records are the frozen dataclasses of ``store/records.py``. A comment is
changed only through a named operation (``set_state``, ``pin``,
``replace_text``, ``erase_comments``), never by writing arbitrary columns.
Implemented by ``store/comments.py`` (SQLite and PostgreSQL); checked by
``tests/store/test_contracts.py`` on both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from causerie.store.records import (
    Activity,
    CommentRecord,
    CommentState,
    Cursor,
    NewComment,
    SiteRecord,
    Sort,
    TextChange,
    ThreadRecord,
    ThreadRules,
)


class CommentStore(Protocol):
    """Sites, threads, comments and votes of one instance."""

    # -- instance --------------------------------------------------------------

    def meta_get(self, key: str) -> str | None:
        """A value of the instance's key/value table."""

    def meta_setdefault(self, key: str, value: str) -> str:
        """Store ``value`` unless the key exists; return what is stored."""

    # -- sites -----------------------------------------------------------------

    def site(self, name: str) -> SiteRecord | None:
        """The site with this name, if any (cached for a few seconds)."""

    def site_by_id(self, site_id: int) -> SiteRecord | None:
        """The site with this id, if any."""

    def sites(self) -> list[SiteRecord]:
        """Every site, by name."""

    def ensure_site(self, name: str, title: str = "") -> SiteRecord:
        """The site with this name, created on first use."""

    def update_site_settings(self, name: str, settings: dict[str, Any]) -> None:
        """Replace a site's overrides of the global settings."""

    # -- threads ---------------------------------------------------------------

    def thread(self, site_id: int, uri: str) -> ThreadRecord | None:
        """The thread of a page, if it has one (cached for a few seconds once it exists)."""

    def thread_by_id(self, thread_id: int) -> ThreadRecord | None:
        """A thread by id."""

    def set_thread_closed(self, thread_id: int, closed: bool) -> None:
        """Open or close a thread to new comments."""

    def set_thread_rules(self, thread_id: int, rules: ThreadRules) -> ThreadRecord | None:
        """Replace a thread's per-article rules (pre-moderation, closing, article date)."""

    # -- writing comments ------------------------------------------------------

    def insert_comment(
        self, site_id: int, uri: str, title: str, new: NewComment, event: str | None = None
    ) -> CommentRecord:
        """Insert a comment, creating its thread on the first one; durable on return.

        ``event`` (``comment.created``): the outbox gets this domain event in the same transaction.
        """

    def set_state(
        self, comment_id: int, state: CommentState, event: str | None = None
    ) -> CommentRecord | None:
        """Move a comment to another moderation state (``event`` to the outbox with it)."""

    def toxicity_observations(
        self, site_id: int, limit: int
    ) -> list[tuple[float, bool, bool | None]]:
        """The site's last ``limit`` scored comments, oldest first: ``(score, reviewed by a
        moderator because flagged or held, her last offensive / not offensive or None)``."""

    def pin(self, comment_id: int, pinned: bool) -> CommentRecord | None:
        """Pin a comment to the top of its thread (or unpin it)."""

    def feature(self, comment_id: int, featured_at: float | None) -> CommentRecord | None:
        """Feature a comment since this time (None: no longer featured)."""

    def review(self, comment_id: int, when: float | None) -> CommentRecord | None:
        """Record when a human last decided on a comment (None: never, after an undo)."""

    def replace_text(
        self, comment_id: int, change: TextChange, event: str | None = None
    ) -> CommentRecord | None:
        """Store an edit: new text and author fields, to the spam queue if marked so."""

    def erase_comments(
        self, ids: Sequence[int], now: float, event: str | None = None
    ) -> list[CommentRecord]:
        """Mark comments deleted, keeping their place in threads and nothing of their authors."""

    def add_vote(self, comment_id: int, voter: str, value: int) -> tuple[int, int] | None:
        """Record a reader's vote; None if this reader already voted on it."""

    # -- reading comments ------------------------------------------------------

    def comment(self, comment_id: int) -> CommentRecord | None:
        """A comment by id, in any state."""

    def ancestors(self, comment_id: int) -> list[int]:
        """Ids from this comment up to its top-level comment: ``[comment, parent, …, root]``."""

    def has_replies(self, comment_id: int) -> bool:
        """True when a comment has replies that are not deleted."""

    def roots_page(
        self,
        thread_id: int,
        sort: Sort,
        after: Cursor | None,
        limit: int,
        own_ids: Sequence[int] = (),
    ) -> list[CommentRecord]:
        """One page of top-level comments visible to this reader, pinned first."""

    def replies(self, root_ids: Sequence[int], own_ids: Sequence[int] = ()) -> list[CommentRecord]:
        """Every visible reply below these top-level comments, oldest first."""

    def featured(self, thread_id: int, limit: int) -> list[CommentRecord]:
        """A thread's featured approved comments, the most recently featured first."""

    def count_approved(self, thread_id: int) -> int:
        """How many approved comments a thread has."""

    def counts(self, site_id: int, uris: Iterable[str]) -> dict[str, int]:
        """Approved-comment counts for several pages of a site (0 for unknown pages)."""

    def author_has_approved(self, site_id: int, author_key: str) -> bool:
        """True when this author already has an approved comment on the site."""

    def recent_activity(self, ip_hash: str | None, text: str, now: float) -> Activity:
        """Comments in the last 10 minutes from one (hashed) address, and with the same text."""
