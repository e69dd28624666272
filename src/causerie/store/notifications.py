"""Webhooks and moderator alert settings.

One row of ``webhooks``::

    id=2 site_id=1 url='https://hooks.news.example/causerie' secret='whsec_…'
    previous_secret=None previous_until=None events='["comment.created"]'
    personal_data=False allow_private=False active=True created=1764403200.0

One row of ``moderator_alerts``::

    user_id=3 site_id=1 mode='digest' digest_minutes=30 quiet_start=1320
    quiet_end=420 timezone='Europe/Paris' lang='fr'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from causerie.store import schema as t
from causerie.store.database import write_transaction
from causerie.store.records import (
    AlertRecipient,
    AlertSettings,
    CommentRecord,
    ThreadRecord,
    WebhookRecord,
)

_w = t.webhooks.c
_a = t.moderator_alerts.c
WEBHOOK_FIELDS = ("url", "events", "personal_data", "allow_private", "active")


class SqlNotificationStore:
    """The ``webhooks`` and ``moderator_alerts`` tables."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _write(self) -> AbstractContextManager[Connection]:
        return write_transaction(self.engine)

    # -- webhooks -------------------------------------------------------------------

    def webhooks(self, site_id: int) -> list[WebhookRecord]:
        """A site's webhooks, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.webhooks).where(_w.site_id == site_id).order_by(_w.id))
            return [_webhook(row) for row in rows]

    def webhook(self, webhook_id: int) -> WebhookRecord | None:
        """One webhook by id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.webhooks).where(_w.id == webhook_id)).first()
        return _webhook(row) if row else None

    def add_webhook(self, site_id: int, values: dict[str, Any], now: float) -> WebhookRecord:
        """Add a webhook (url, secret, events, personal_data, allow_private)."""
        row = {
            "site_id": site_id,
            "url": values["url"],
            "secret": values["secret"],
            "events": json.dumps(list(values.get("events") or ())),
            "personal_data": bool(values.get("personal_data", False)),
            "allow_private": bool(values.get("allow_private", False)),
            "active": bool(values.get("active", True)),
            "created": now,
        }
        with self._write() as conn:
            new_id = conn.execute(insert(t.webhooks).values(row).returning(_w.id)).scalar_one()
        found = self.webhook(int(new_id))
        assert found is not None
        return found

    def update_webhook(self, webhook_id: int, values: dict[str, Any]) -> WebhookRecord | None:
        """Change a webhook's url, events, choices or ``active``; None if it does not exist."""
        changes = {k: v for k, v in values.items() if k in WEBHOOK_FIELDS}
        if "events" in changes:
            changes["events"] = json.dumps(list(changes["events"]))
        if changes:
            with self._write() as conn:
                conn.execute(update(t.webhooks).where(_w.id == webhook_id).values(**changes))
        return self.webhook(webhook_id)

    def rotate_secret(
        self, webhook_id: int, secret: str, previous_until: float
    ) -> WebhookRecord | None:
        """Sign with a new secret; the current one stays valid until ``previous_until``."""
        with self._write() as conn:
            conn.execute(
                update(t.webhooks)
                .where(_w.id == webhook_id)
                .values(previous_secret=_w.secret, previous_until=previous_until, secret=secret)
            )
        return self.webhook(webhook_id)

    def delete_webhook(self, webhook_id: int) -> bool:
        """Remove a webhook; False if it did not exist."""
        with self._write() as conn:
            result = conn.execute(delete(t.webhooks).where(_w.id == webhook_id))
        return bool(result.rowcount)

    def event_comments(
        self, comment_ids: Sequence[int]
    ) -> dict[int, tuple[CommentRecord, ThreadRecord]]:
        """The comments a batch of events names, with their threads, in one read."""
        if not comment_ids:
            return {}
        query = (
            select(t.comments, *(col.label(f"t__{col.name}") for col in t.threads.c))
            .select_from(t.comments.join(t.threads, t.threads.c.id == t.comments.c.thread_id))
            .where(t.comments.c.id.in_(sorted(set(comment_ids))))
        )
        found = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                data = dict(row._mapping)
                thread = {k[3:]: data.pop(k) for k in list(data) if k.startswith("t__")}
                found[data["id"]] = (CommentRecord(**data), ThreadRecord(**thread))
        return found

    # -- moderator alerts -----------------------------------------------------------

    def alerts_of(self, user_id: int) -> list[AlertSettings]:
        """A moderator's alert settings, one per site where they set some."""
        query = select(t.moderator_alerts).where(_a.user_id == user_id).order_by(_a.site_id)
        with self.engine.connect() as conn:
            return [AlertSettings(**row._mapping) for row in conn.execute(query)]

    def set_alerts(self, settings: AlertSettings) -> None:
        """Store a moderator's alert settings for one site."""
        values = asdict(settings)
        with self._write() as conn:
            upsert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
            statement = upsert(t.moderator_alerts).values(values)
            conn.execute(
                statement.on_conflict_do_update(
                    index_elements=["user_id", "site_id"],
                    set_={
                        k: statement.excluded[k] for k in values if k not in ("user_id", "site_id")
                    },
                )
            )

    def alert_recipients(self, site_id: int) -> list[AlertRecipient]:
        """Moderators (and admins) of a site whose alerts are on, with their address."""
        may_see = or_(
            t.users.c.role == "admin",
            select(t.user_sites.c.user_id)
            .where(t.user_sites.c.user_id == t.users.c.id, t.user_sites.c.site_id == site_id)
            .exists(),
        )
        query = (
            select(t.users.c.email, t.moderator_alerts)
            .select_from(t.moderator_alerts.join(t.users, t.users.c.id == _a.user_id))
            .where(_a.site_id == site_id, _a.mode != "off", may_see)
            .order_by(_a.user_id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        out = []
        for row in rows:
            data = dict(row._mapping)
            email = data.pop("email")
            out.append(AlertRecipient(email, AlertSettings(**data)))
        return out


def _webhook(row: Any) -> WebhookRecord:
    data = dict(row._mapping)
    data["events"] = tuple(json.loads(data["events"]))
    return WebhookRecord(**data)
