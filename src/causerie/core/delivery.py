"""What every channel of the outbox shares: how a delivery attempt fails.

A channel's ``deliver(message) -> DeliveryOutcome`` (in ``notify/``) returns when the receiver
took the message and raises :class:`DeliveryFailed` when it did not; the
worker (``core/outbox.py``) then retries later or, for a ``permanent``
failure (an address the server refuses), gives up at once.
"""

from __future__ import annotations

from collections.abc import Callable

from causerie.store.records import DeliveryOutcome, OutboxMessage

# A channel: deliver one message of the outbox.
Deliver = Callable[[OutboxMessage], DeliveryOutcome]


class DeliveryFailed(Exception):
    """A delivery attempt failed; ``permanent``: retrying cannot help."""

    def __init__(self, outcome: DeliveryOutcome, *, permanent: bool = False) -> None:
        super().__init__(outcome.error)
        self.outcome = outcome
        self.permanent = permanent
