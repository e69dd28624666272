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

from collections.abc import Sequence

from causerie.core.alerts import ModeratorAlerts
from causerie.core.notifications import ReaderMails
from causerie.core.webhook_cache import WebhookCache
from causerie.core.webhooks import WebhookEvents
from causerie.store.contracts.comments import CommentStore
from causerie.store.contracts.notifications import NotificationStore
from causerie.store.records import (
    AlertRecipient,
    NewOutboxMessage,
    OutboxMessage,
    SiteRecord,
    WebhookRecord,
)

Expanded = dict[int, list[NewOutboxMessage]]


class EventDispatch:
    """Expands events and digests; ``mails`` is None when no mail server is configured.

    ``hooks`` is the webhook cache shared with the webhook channel (one of its
    own when not given).
    """

    def __init__(
        self,
        store: CommentStore,
        settings: NotificationStore,
        mails: ReaderMails | None,
        alerts: ModeratorAlerts | None,
        hooks: WebhookCache | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.mails = mails
        self.alerts = alerts
        self.webhooks = WebhookEvents()
        self.hooks = hooks or WebhookCache(settings)

    def listens(self, site_id: int) -> bool:
        """Would an event of this site cause anything? (webhooks read at most once a second)"""
        if self.mails is not None or self.alerts is not None:
            return True
        return any(h.active for h in self.hooks.of_site(site_id))

    def expand_events(self, messages: Sequence[OutboxMessage]) -> Expanded:
        """The deliveries each event causes, by message id, read in a few queries per batch.

        An event whose comment or thread is gone causes nothing; without a mail
        server, an event no webhook of its site listens to is not even read.
        """
        site_ids = {m.site_id for m in messages if m.site_id is not None}
        # Read afresh for each batch (and kept for the sender's calls that follow).
        hooks = {s: [h for h in self.hooks.read(s) if h.active] for s in site_ids}
        wanted = [m for m in messages if self._may_matter(m, hooks)]
        found = self.settings.event_comments([int(m.payload["comment_id"]) for m in wanted])
        sites: dict[int, SiteRecord | None] = {}
        recipients: dict[int, list[AlertRecipient]] = {}
        out: Expanded = {}
        for message in wanted:
            pair = found.get(int(message.payload["comment_id"]))
            if pair is None:
                continue
            comment, thread = pair
            if thread.site_id not in sites:
                sites[thread.site_id] = self.store.site_by_id(thread.site_id)
            site = sites[thread.site_id]
            if site is None:
                continue
            kind = str(message.payload["type"])
            own = self.webhooks.expand(message, comment, thread, site, hooks.get(site.id, []))
            if self.mails is not None:
                own += self.mails.expand(kind, comment, thread)
            if self.alerts is not None and self.alerts.concerns(kind, comment):
                if site.id not in recipients:
                    recipients[site.id] = self.settings.alert_recipients(site.id)
                own += self.alerts.expand(kind, comment, thread, site, recipients[site.id])
            out[message.id] = own
        return out

    def _may_matter(self, message: OutboxMessage, hooks: dict[int, list[WebhookRecord]]) -> bool:
        if self.mails is not None or self.alerts is not None or message.site_id is None:
            return True
        kind = message.payload.get("type")
        return any(kind in h.events for h in hooks.get(message.site_id, []))

    def expand_digests(self, messages: Sequence[OutboxMessage]) -> Expanded:
        """Due digests become mails listing what still waits (or nothing)."""
        out: Expanded = {}
        for message in messages:
            site = self.store.site_by_id(message.site_id) if message.site_id else None
            if self.alerts is not None and site is not None:
                out[message.id] = self.alerts.expand_digest(message, site)
        return out
