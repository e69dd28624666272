"""OutboxStore: what the outbox worker and the dashboard need (``core/outbox``).

Every outgoing message (mail, webhook call, domain event to expand) is a row
written in the same transaction as the change that caused it: another store
calls ``store.outbox.add_outbox_rows(conn, messages)`` inside its own
transaction; code with no transaction to share calls ``enqueue``. A worker
claims due rows under a lease, delivers them, and marks each sent, due again
later, or given up. Implemented by ``store/outbox.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from causerie.store.records import DeliveryOutcome, NewOutboxMessage, OutboxMessage, Settled


class OutboxStore(Protocol):
    """Outgoing messages that survive a crash: queued, leased, sent, retried or given up."""

    # -- writing -----------------------------------------------------------------

    def enqueue(self, messages: Sequence[NewOutboxMessage], now: float) -> list[int]:
        """Add messages in one transaction of their own; the new ids (dedup_key repeats skipped)."""

    # -- the worker ----------------------------------------------------------------

    def hold_lease(self, name: str, holder: str, now: float, seconds: float) -> bool:
        """Take or renew a named lease until ``now + seconds``; False while another holds it."""

    def release_lease(self, name: str, holder: str) -> None:
        """Give a lease back (if this holder has it), so another worker takes over at once."""

    def next_due(self) -> float | None:
        """When the earliest pending message becomes due (its time or its lease's end)."""

    def claim(
        self, worker: str, now: float, lease_seconds: float, limit: int
    ) -> list[OutboxMessage]:
        """Lease up to ``limit`` due messages to a worker, counting an attempt for each."""

    def mark_sent(self, message_id: int, outcome: DeliveryOutcome, now: float) -> None:
        """Record a successful delivery."""

    def complete_with(
        self, message_id: int, follow_ups: Sequence[NewOutboxMessage], now: float
    ) -> list[int]:
        """Mark a message done and add the messages it expands into, in one transaction."""

    def settle(self, results: Sequence[Settled], now: float) -> list[int]:
        """Record how a batch of claimed messages ended, in one transaction; follow-up ids."""

    def settle_and_claim(
        self,
        results: Sequence[Settled],
        now: float,
        worker: str,
        lease_seconds: float,
        limit: int,
    ) -> tuple[list[int], list[OutboxMessage]]:
        """``settle`` then ``claim`` in one transaction: the follow-up ids, the new batch.

        The claim sees the follow-ups just added (a batch of events becomes the
        batch of their deliveries): a worker writes once per batch, not twice.
        """

    def retry_later(self, message_id: int, outcome: DeliveryOutcome, not_before: float) -> None:
        """Record a failed attempt and make the message due again at ``not_before``."""

    def give_up(self, message_id: int, outcome: DeliveryOutcome, now: float) -> None:
        """Record the last failed attempt and stop trying (state ``failed``)."""

    def retry_now(self, message_id: int, now: float) -> bool:
        """Make a given-up message due again (a moderator's "retry"); False if it is not failed."""

    # -- reading -----------------------------------------------------------------

    def message(self, message_id: int) -> OutboxMessage | None:
        """One message by id."""

    def failures(self, site_ids: Sequence[int] | None, limit: int) -> list[OutboxMessage]:
        """Given-up messages, newest first (``site_ids`` None: every site)."""

    def recent(self, site_id: int | None, channel: str | None, limit: int) -> list[OutboxMessage]:
        """Latest messages of a site and channel, newest first (the delivery log)."""

    def counts(self) -> dict[str, int]:
        """How many messages are in each state."""

    def purge(self, before: float) -> int:
        """Delete messages sent or given up before this time; how many."""
