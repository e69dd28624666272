"""Webhooks per site: which events go where, what they carry, how they are signed.

A call's body is JSON::

    {"id": "3f0c…", "type": "comment.created", "created": 1764403200.5, "site": "default",
     "data": {"comment": {"id": 42, "state": "approved", "text": "…", …},
              "thread": {"id": 7, "uri": "/2026/tram", "title": "Le tram"}}}

and its ``Causerie-Signature`` header is ``t=<unix time>,v1=<hex>`` where the
hex is HMAC-SHA256 of ``"<t>.<body>"`` with the webhook's secret (the scheme
Stripe uses). While a rotated secret is still valid, a second ``v1=`` signed
with it follows, so that receivers can switch secrets without losing calls.
Authors' names, addresses and websites are left out unless the admin ticked
``personal_data`` for that webhook.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Sequence
from typing import Any

from causerie.core import events, validation
from causerie.core.errors import Forbidden, InvalidField, NotFound
from causerie.store.contracts.notifications import NotificationStore
from causerie.store.contracts.outbox import OutboxStore
from causerie.store.records import (
    CommentRecord,
    NewOutboxMessage,
    OutboxMessage,
    SiteRecord,
    ThreadRecord,
    WebhookRecord,
)

WEBHOOK = "webhook"  # the outbox channel of one call to one webhook
SIGNATURE_HEADER = "Causerie-Signature"
ROTATION_SECONDS = 24 * 3600.0
MAX_WEBHOOKS = 20
MAX_URL = 2048


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 of ``"<timestamp>.<body>"``, in hex."""
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(hook: WebhookRecord, timestamp: int, body: bytes) -> str:
    """``t=…,v1=…`` with the current secret, and the previous one while it is still valid."""
    parts = [f"t={timestamp}", f"v1={sign(hook.secret, timestamp, body)}"]
    if hook.previous_secret and (hook.previous_until or 0) > timestamp:
        parts.append(f"v1={sign(hook.previous_secret, timestamp, body)}")
    return ",".join(parts)


def new_secret() -> str:
    """A webhook secret: 32 random bytes, URL-safe."""
    return "whsec_" + secrets.token_urlsafe(32)


def comment_data(comment: CommentRecord, personal: bool) -> dict[str, Any]:
    """What a webhook says of a comment (no author data unless ``personal``)."""
    data: dict[str, Any] = {
        "id": comment.id,
        "thread_id": comment.thread_id,
        "parent_id": comment.parent_id,
        "state": comment.state.value,
        "text": comment.text,
        "html": comment.html,
        "lang": comment.lang,
        "created": comment.created,
        "modified": comment.modified,
        "likes": comment.likes,
        "dislikes": comment.dislikes,
        "by_site": comment.by_site,
    }
    if personal:
        data.update(author=comment.author, email=comment.email, website=comment.website)
    return data


class WebhookEvents:
    """Turns a comment event into one outbox message per webhook that wants it."""

    def expand(
        self,
        event: OutboxMessage,
        comment: CommentRecord,
        thread: ThreadRecord,
        site: SiteRecord,
        hooks: Sequence[WebhookRecord],
    ) -> list[NewOutboxMessage]:
        """One call per active webhook of the site (``hooks``) listening to this event type."""
        kind = str(event.payload["type"])
        out = []
        for hook in hooks:
            if not hook.active or kind not in hook.events:
                continue
            body = {
                "id": event.uid,
                "type": kind,
                "created": event.payload.get("at", event.created),
                "site": site.name,
                "data": {
                    "comment": comment_data(comment, hook.personal_data),
                    "thread": {"id": thread.id, "uri": thread.uri, "title": thread.title},
                },
            }
            payload = {"webhook_id": hook.id, "type": kind, "body": body}
            key = f"event:{event.id}:webhook:{hook.id}"
            out.append(NewOutboxMessage(WEBHOOK, site.id, payload, key))
        return out


class WebhookService:
    """The dashboard's webhook settings: admins only (a webhook can carry readers' data)."""

    def __init__(
        self,
        settings: NotificationStore,
        outbox: OutboxStore,
        clock: Callable[[], float] = time.time,
        changed: Callable[[], None] = lambda: None,
    ) -> None:
        self.settings = settings
        self.outbox = outbox
        self.clock = clock
        # Called after every change, so that senders caching webhooks read them again.
        self.changed = changed

    def of_site(self, site: SiteRecord) -> list[WebhookRecord]:
        """A site's webhooks."""
        return self.settings.webhooks(site.id)

    def add(self, is_admin: bool, site: SiteRecord, values: dict[str, Any]) -> WebhookRecord:
        """A new webhook with a fresh secret (shown once by the caller)."""
        _admin_only(is_admin)
        if len(self.settings.webhooks(site.id)) >= MAX_WEBHOOKS:
            raise InvalidField("field_invalid", field="url")
        clean = _checked(values, partial=False)
        added = self.settings.add_webhook(site.id, {**clean, "secret": new_secret()}, self.clock())
        self.changed()
        return added

    def change(self, is_admin: bool, hook: WebhookRecord, values: dict[str, Any]) -> WebhookRecord:
        """Change a webhook's URL, events, choices or whether it is active."""
        _admin_only(is_admin)
        changed = self.settings.update_webhook(hook.id, _checked(values, partial=True))
        if changed is None:
            raise NotFound("webhook_not_found")
        self.changed()
        return changed

    def rotate(self, is_admin: bool, hook: WebhookRecord) -> WebhookRecord:
        """A new secret; the old one keeps signing (second ``v1=``) for a day."""
        _admin_only(is_admin)
        rotated = self.settings.rotate_secret(
            hook.id, new_secret(), self.clock() + ROTATION_SECONDS
        )
        if rotated is None:
            raise NotFound("webhook_not_found")
        self.changed()
        return rotated

    def delete(self, is_admin: bool, hook: WebhookRecord) -> None:
        """Remove a webhook (calls still queued for it are given up)."""
        _admin_only(is_admin)
        self.settings.delete_webhook(hook.id)
        self.changed()

    def send_test(self, hook: WebhookRecord, site: SiteRecord) -> int:
        """Queue a ``webhook.test`` call to this webhook now; the outbox id."""
        now = self.clock()
        body = {
            "id": "test-" + secrets.token_hex(8),
            "type": events.TEST,
            "created": now,
            "site": site.name,
            "data": {},
        }
        payload = {"webhook_id": hook.id, "type": events.TEST, "body": body}
        (queued,) = self.outbox.enqueue([NewOutboxMessage(WEBHOOK, site.id, payload)], now)
        return queued

    def deliveries(self, hook: WebhookRecord, limit: int = 50) -> list[OutboxMessage]:
        """The latest calls to this webhook, newest first: status, time, error."""
        recent = self.outbox.recent(hook.site_id, WEBHOOK, limit * 5)
        return [m for m in recent if m.payload.get("webhook_id") == hook.id][:limit]


def _admin_only(is_admin: bool) -> None:
    if not is_admin:
        raise Forbidden("forbidden")


def _checked(values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """The webhook fields of a dashboard form, checked (422 naming the field)."""
    clean: dict[str, Any] = {}
    unknown = set(values) - {"url", "events", "personal_data", "allow_private", "active"}
    if unknown:
        raise InvalidField("field_invalid", field=sorted(unknown)[0])
    if "url" in values or not partial:
        clean["url"] = _webhook_url(values.get("url"))
    if "events" in values or not partial:
        chosen = values.get("events") or list(events.EVENT_TYPES)
        if not isinstance(chosen, list) or not set(chosen) <= set(events.EVENT_TYPES):
            raise InvalidField("field_invalid", field="events")
        clean["events"] = [e for e in events.EVENT_TYPES if e in chosen]
    for flag in ("personal_data", "allow_private", "active"):
        if flag in values:
            if not isinstance(values[flag], bool):
                raise InvalidField("field_invalid", field=flag)
            clean[flag] = values[flag]
    return clean


def _webhook_url(value: Any) -> str:
    """An http(s) URL with a host; whether its address may be called is checked when sending."""
    text = value.strip() if isinstance(value, str) else ""
    url = validation.parse_url(text) if 0 < len(text) <= MAX_URL else None
    if url is None or url.protocol not in ("http:", "https:") or not url.hostname:
        raise InvalidField("webhook_url_invalid", field="url")
    if url.username or url.password:
        raise InvalidField("webhook_url_invalid", field="url")
    return str(url.href)
