"""ModerationStore: what the dashboard (``core/moderation``, ``core/accounts``) needs from storage.

Accounts, sessions, the audit log, blocks, spam decisions, and the queue and
statistics queries over comments. Implemented by ``store/moderation.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from causerie.store.records import QueueFilter, QueueRow, ThreadRow, UserRecord


class ModerationStore(Protocol):
    """Moderators' accounts and everything they decide."""

    # -- accounts and sessions -------------------------------------------------

    def add_user(self, email: str, role: str, password_hash: str, site_ids: Sequence[int]) -> int:
        """Create an account and return its id."""

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Replace an account's password hash; failed logins and a lockout are cleared."""

    def set_login_failures(self, user_id: int, failures: int, locked_until: float | None) -> None:
        """Record wrong passwords in a row and the end of a lockout (None: not locked)."""

    def user_by_email(self, email: str) -> UserRecord | None:
        """The account with this e-mail (case-insensitive), if any."""

    def user(self, user_id: int) -> UserRecord | None:
        """The account with this id, if any."""

    def users(self) -> list[UserRecord]:
        """Every account, by e-mail."""

    def add_session(self, key: str, user_id: int, csrf: str, expires: float) -> None:
        """Open a session (``key`` is the hash of the cookie value)."""

    def session(self, key: str) -> tuple[int, str, float] | None:
        """``(user_id, csrf, expires)`` of a session, if it exists."""

    def drop_sessions(self, key: str | None = None, user_id: int | None = None) -> None:
        """Close one session, or every session of a user."""

    # -- audit log and decisions -----------------------------------------------

    def audit(self, entries: Sequence[dict[str, Any]]) -> None:
        """Append entries (``detail`` as a dict) to the audit log."""

    def last_batch(self, user_id: int, actions: Sequence[str]) -> list[dict[str, Any]]:
        """The user's newest batch of undoable actions that is not undone yet."""

    def mark_undone(self, batch: str) -> None:
        """Flag a batch as undone and forget its spam decisions."""

    def audit_page(
        self, site_names: Sequence[str] | None, limit: int, offset: int
    ) -> list[dict[str, Any]]:
        """Audit entries, newest first (of these sites only, when given)."""

    def add_decisions(self, rows: Sequence[dict[str, Any]]) -> None:
        """Record moderators' decisions on a model's verdict (``kind``: spam, toxicity)."""

    # -- blocks ----------------------------------------------------------------

    def site_blocks(self, site_id: int, now: float) -> list[dict[str, Any]]:
        """Blocks in force on one site; other processes' changes show within seconds."""

    def add_block(self, **values: Any) -> int:
        """Add a block and return its id."""

    def block(self, block_id: int) -> dict[str, Any] | None:
        """One block by id."""

    def remove_block(self, block_id: int) -> None:
        """Lift a block."""

    def active_blocks(self, site_ids: Sequence[int] | None, now: float) -> list[dict[str, Any]]:
        """Blocks in force now (of these sites when given), newest first."""

    # -- queue and statistics --------------------------------------------------

    def queue(self, f: QueueFilter, limit: int, offset: int) -> tuple[list[QueueRow], int]:
        """One page of a queue, newest first, and how many comments it holds."""

    def queue_counts(self, site_ids: Sequence[int] | None) -> dict[str, int]:
        """How many comments each queue of the desk holds now (one pass over the comments)."""

    def threads_page(
        self, site_ids: Sequence[int] | None, text: str, limit: int, offset: int
    ) -> tuple[list[ThreadRow], int]:
        """Threads, newest first, with their comment counts; ``text`` searches title and uri."""

    def thread_row(self, thread_id: int) -> ThreadRow | None:
        """One thread with its comment counts."""

    def state_counts(self, site_ids: Sequence[int] | None) -> dict[str, int]:
        """How many comments are in each state."""

    def received_since(
        self, site_ids: Sequence[int] | None, since: float
    ) -> list[tuple[float, bool]]:
        """``(created, filter called it spam)`` of every comment received since a time."""

    def decisions_since(
        self, site_ids: Sequence[int] | None, since: float, kind: str = "spam"
    ) -> list[tuple[float, bool, bool]]:
        """``(created, model said yes, moderator said yes)`` of one model's decisions."""
