"""From one domain event to every delivery it causes, as outbox messages.

The outbox worker hands each message of channel ``event`` (written with the
comment change, ``core/events.py``) to :meth:`EventDispatch.expand_event`,
which reads the comment as it is now and returns the reply mails, moderator
alerts and webhook calls to queue; the worker adds them as it marks the event
done, in one transaction. Each carries a dedup key, so an event expanded
twice (a crash in between) queues nothing twice. Digests (channel
``digest``) are composed when due, by :meth:`EventDispatch.expand_digest`.
"""

from __future__ import annotations

from collections.abc import Callable

from causerie.core.alerts import ModeratorAlerts
from causerie.core.notifications import ReaderMails
from causerie.core.webhooks import WebhookEvents
from causerie.store.contracts.comments import CommentStore
from causerie.store.records import NewOutboxMessage, OutboxMessage, SiteRecord


class EventDispatch:
    """Expands events and digests; ``mails`` is None when no mail server is configured."""

    def __init__(
        self,
        store: CommentStore,
        mails: ReaderMails | None,
        alerts: ModeratorAlerts | None,
        webhooks: WebhookEvents,
    ) -> None:
        self.store = store
        self.mails = mails
        self.alerts = alerts
        self.webhooks = webhooks

    def expand_event(self, message: OutboxMessage) -> list[NewOutboxMessage]:
        """The deliveries an event causes (none once its comment or thread is gone)."""
        kind = str(message.payload["type"])
        comment = self.store.comment(int(message.payload["comment_id"]))
        thread = self.store.thread_by_id(int(message.payload["thread_id"]))
        site = self.store.site_by_id(thread.site_id) if thread else None
        if comment is None or thread is None or site is None:
            return []
        out = self.webhooks.expand(message, comment, thread, site)
        if self.mails is not None:
            out += self.mails.expand(kind, comment, thread)
        if self.alerts is not None:
            out += self.alerts.expand(kind, comment, thread, site)
        return out

    def expand_digest(self, message: OutboxMessage) -> list[NewOutboxMessage]:
        """A due digest becomes a mail listing what still waits (or nothing)."""
        site = self._site(message)
        if self.alerts is None or site is None:
            return []
        return self.alerts.expand_digest(message, site)

    def _site(self, message: OutboxMessage) -> SiteRecord | None:
        return self.store.site_by_id(message.site_id) if message.site_id else None


Expander = Callable[[OutboxMessage], list[NewOutboxMessage]]
