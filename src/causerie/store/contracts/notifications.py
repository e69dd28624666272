"""NotificationStore: who hears of what (``core/notifications``, the dashboard).

A site's webhooks (URL, secrets, events, the admin's choices) and each
moderator's alert settings per site. The messages themselves go through the
outbox (``contracts/outbox.py``). Implemented by ``store/notifications.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from causerie.store.records import (
    AlertRecipient,
    AlertSettings,
    CommentRecord,
    ThreadRecord,
    WebhookRecord,
)


class NotificationStore(Protocol):
    """Webhooks per site and moderators' alert settings."""

    # -- webhooks ------------------------------------------------------------------

    def webhooks(self, site_id: int) -> list[WebhookRecord]:
        """A site's webhooks, oldest first."""

    def webhook(self, webhook_id: int) -> WebhookRecord | None:
        """One webhook by id."""

    def add_webhook(self, site_id: int, values: dict[str, Any], now: float) -> WebhookRecord:
        """Add a webhook (url, secret, events, personal_data, allow_private)."""

    def update_webhook(self, webhook_id: int, values: dict[str, Any]) -> WebhookRecord | None:
        """Change a webhook's url, events, choices or ``active``; None if it does not exist."""

    def rotate_secret(
        self, webhook_id: int, secret: str, previous_until: float
    ) -> WebhookRecord | None:
        """Sign with a new secret; the current one stays valid until ``previous_until``."""

    def delete_webhook(self, webhook_id: int) -> bool:
        """Remove a webhook; False if it did not exist."""

    def event_comments(
        self, comment_ids: Sequence[int]
    ) -> dict[int, tuple[CommentRecord, ThreadRecord]]:
        """The comments a batch of events names, with their threads, in one read."""

    # -- moderator alerts ----------------------------------------------------------

    def alerts_of(self, user_id: int) -> list[AlertSettings]:
        """A moderator's alert settings, one per site where they set some."""

    def set_alerts(self, settings: AlertSettings) -> None:
        """Store a moderator's alert settings for one site."""

    def alert_recipients(self, site_id: int) -> list[AlertRecipient]:
        """Moderators (and admins) of a site whose alerts are on, with their address."""
