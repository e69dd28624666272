"""Privacy tables and the queries behind export, erasure and retention.

``privacy_requests`` is the log of readers' rights requests; a row looks like::

    id=3 kind='erase' via='email' site='default' email_hash='5be0…' email=None
    status='done' items=4 created=1764403200.0 completed=1764403260.5

``email`` holds the address only while a confirmation link is pending (at most
a day); afterwards only the keyed hash stays. ``subscriptions`` holds one row
per comment whose author asked for reply notifications::

    id=9 comment_id=42 author_key='9f…' created=1764403200.0 confirmed=None
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    String,
    and_,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)

from causerie.store import schema as t
from causerie.store.database import like_escape, write_transaction
from causerie.store.erasure import Erasure
from causerie.store.records import ERASED, CommentRecord, ErasedReader, ReaderKeys
from causerie.store.schema import CommentState, privacy_requests, subscriptions


def _site_threads(site_id: int) -> Any:
    return select(t.threads.c.id).where(t.threads.c.site_id == site_id)


class SqlPrivacyStore:
    """Requests log, subscriptions and the privacy-related queries over comments."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _write(self) -> AbstractContextManager[Connection]:
        return write_transaction(self.engine)

    # -- what is tied to an address -------------------------------------------

    def comments_of(self, email: str, author_key: str) -> list[tuple[CommentRecord, str, str]]:
        """Comments written with this address (or its keyed hash), with site and page."""
        c = t.comments.c
        query = (
            select(t.comments, t.sites.c.name.label("site_name"), t.threads.c.uri.label("uri"))
            .select_from(
                t.comments.join(t.threads, c.thread_id == t.threads.c.id).join(
                    t.sites, t.threads.c.site_id == t.sites.c.id
                )
            )
            .where(or_(func.lower(c.email) == email.lower(), c.author_key == author_key))
            .order_by(c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        out = []
        for row in rows:
            data = dict(row._mapping)
            site, uri = data.pop("site_name"), data.pop("uri")
            out.append((CommentRecord(**data), site, uri))
        return out

    def learning_of(
        self, match: Callable[[dict[str, Any]], bool], like: str | None = None
    ) -> list[dict[str, Any]]:
        """Learning-log rows whose sample ``match`` accepts (``like``: a cheap pre-filter)."""
        s = t.spam_learning.c
        query = select(t.spam_learning).order_by(s.id)
        if like:
            pattern = f"%{like_escape(like.lower())}%"
            query = query.where(func.lower(s.sample).like(pattern, escape="\\"))
        found = []
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                data = dict(row._mapping)
                data["sample"] = json.loads(data["sample"])
                if match(data["sample"]):
                    found.append(data)
        return found

    def erase_reader(self, keys: ReaderKeys, now: float) -> ErasedReader:
        """Erase every comment, lesson, block address and pending request of an address."""
        return Erasure(self.engine).reader(keys, now)

    def erase_comment_with_lessons(
        self, comment: CommentRecord, site: str, now: float
    ) -> ErasedReader:
        """Erase one comment and the learning samples made of it on its site."""
        return Erasure(self.engine).comment_with_lessons(comment, site, now)

    def flush_erased(self) -> None:
        """On SQLite, move the WAL into the file and empty it, so erased rows leave the disk."""
        if self.engine.dialect.name != "sqlite":
            return  # PostgreSQL reuses dead row space after VACUUM (docs/privacy.md)
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- retention --------------------------------------------------------------

    def clear_personal(self, site_id: int, before: float) -> int:
        """Drop e-mail, IP hash and prefix, user agent from a site's comments older than this."""
        c = t.comments.c
        has_personal = or_(
            c.email.is_not(None),
            c.ip_hash.is_not(None),
            c.ip_prefix.is_not(None),
            c.user_agent.is_not(None),
        )
        with self._write() as conn:
            result = conn.execute(
                update(t.comments)
                .where(c.thread_id.in_(_site_threads(site_id)), c.created < before, has_personal)
                .values(email=None, ip_hash=None, ip_prefix=None, user_agent=None, notify=False)
            )
            conn.execute(
                delete(t.votes).where(
                    t.votes.c.created < before,
                    t.votes.c.comment_id.in_(
                        select(c.id).where(c.thread_id.in_(_site_threads(site_id)))
                    ),
                )
            )
            # Reports keep their reason and outcome; who filed them becomes unknowable
            # (unique per report, so that the one-report-per-reader rule still holds).
            r = t.reports.c
            conn.execute(
                update(t.reports)
                .where(
                    r.created < before,
                    r.reporter.not_like("expired-%"),
                    r.comment_id.in_(select(c.id).where(c.thread_id.in_(_site_threads(site_id)))),
                )
                .values(reporter=literal("expired-") + cast(r.id, String))
            )
        return int(result.rowcount or 0)

    def delete_spam(self, site_id: int, before: float, *, discard: bool) -> int:
        """Delete a site's spam (``discard`` verdicts or the others) older than this.

        Spam that has replies cannot go without breaking the tree: it is emptied
        and marked deleted instead, like an erased comment.
        """
        c = t.comments.c
        kind = c.spam_verdict == "discard" if discard else c.spam_verdict != "discard"
        child = t.comments.alias("child")
        has_child = select(child.c.id).where(child.c.parent_id == c.id).exists()
        old_spam = and_(
            c.thread_id.in_(_site_threads(site_id)),
            c.state == CommentState.SPAM,
            c.created < before,
            kind,
        )
        with self._write() as conn:
            emptied = conn.execute(
                update(t.comments).where(old_spam, has_child).values(**ERASED, text_hash=None)
            ).rowcount
            deleted = conn.execute(delete(t.comments).where(old_spam, ~has_child)).rowcount
        return int(emptied or 0) + int(deleted or 0)

    def scrub_learning(self, site: str, before: float, after_id: int) -> tuple[int, int]:
        """Blank personal fields of learning samples older than ``before``; (count, last id)."""
        s = t.spam_learning.c
        query = (
            select(s.id, s.sample, s.is_spam)
            .where(s.site == site, s.id > after_id, s.created < before)
            .order_by(s.id)
        )
        changed, last = 0, after_id
        with self._write() as conn:
            for row in conn.execute(query).all():
                last = row.id
                sample = json.loads(row.sample)
                cleaned = scrubbed_sample(sample, bool(row.is_spam))
                if cleaned != sample:
                    conn.execute(
                        update(t.spam_learning)
                        .where(s.id == row.id)
                        .values(sample=json.dumps(cleaned, ensure_ascii=False))
                    )
                    changed += 1
        return changed, last

    # -- subscriptions ----------------------------------------------------------

    def add_subscription(
        self, comment_id: int, author_key: str, now: float, confirmed: bool
    ) -> int:
        """Subscribe a comment's author to replies; returns the subscription id."""
        with self._write() as conn:
            return int(
                conn.execute(
                    insert(subscriptions)
                    .values(
                        comment_id=comment_id,
                        author_key=author_key,
                        created=now,
                        confirmed=now if confirmed else None,
                    )
                    .returning(subscriptions.c.id)
                ).scalar_one()
            )

    def subscription(self, sub_id: int) -> dict[str, Any] | None:
        """A subscription by id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(subscriptions).where(subscriptions.c.id == sub_id)).first()
        return dict(row._mapping) if row else None

    def subscription_of(self, comment_id: int) -> dict[str, Any] | None:
        """The subscription of a comment, if its author asked for one."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(subscriptions).where(subscriptions.c.comment_id == comment_id)
            ).first()
        return dict(row._mapping) if row else None

    def has_confirmed(self, author_key: str) -> bool:
        """True when this author already confirmed a subscription once."""
        sc = subscriptions.c
        with self.engine.connect() as conn:
            found = conn.scalar(
                select(sc.id).where(sc.author_key == author_key, sc.confirmed.is_not(None))
            )
        return found is not None

    def confirm_subscription(self, sub_id: int, now: float) -> bool:
        """Mark a subscription confirmed; False if it no longer exists."""
        with self._write() as conn:
            result = conn.execute(
                update(subscriptions)
                .where(subscriptions.c.id == sub_id)
                .values(confirmed=func.coalesce(subscriptions.c.confirmed, now))
            )
        return bool(result.rowcount)

    def unsubscribe(self, comment_id: int) -> None:
        """Stop reply notifications for a comment."""
        with self._write() as conn:
            conn.execute(delete(subscriptions).where(subscriptions.c.comment_id == comment_id))
            conn.execute(
                update(t.comments).where(t.comments.c.id == comment_id).values(notify=False)
            )

    def delete_unconfirmed(self, site_id: int, before: float) -> int:
        """Drop a site's subscriptions never confirmed since ``before``."""
        sc, c = subscriptions.c, t.comments.c
        stale = and_(
            sc.confirmed.is_(None),
            sc.created < before,
            sc.comment_id.in_(select(c.id).where(c.thread_id.in_(_site_threads(site_id)))),
        )
        with self._write() as conn:
            ids = list(conn.scalars(select(sc.comment_id).where(stale)))
            if not ids:
                return 0
            conn.execute(delete(subscriptions).where(sc.comment_id.in_(ids)))
            conn.execute(update(t.comments).where(c.id.in_(ids)).values(notify=False))
        return len(ids)

    # -- the request log --------------------------------------------------------

    def log_request(self, **values: Any) -> int:
        """Record a privacy request; returns its id."""
        with self._write() as conn:
            return int(
                conn.execute(
                    insert(privacy_requests).values(**values).returning(privacy_requests.c.id)
                ).scalar_one()
            )

    def request(self, request_id: int) -> dict[str, Any] | None:
        """A logged request by id."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(privacy_requests).where(privacy_requests.c.id == request_id)
            ).first()
        return dict(row._mapping) if row else None

    def requests_of(self, email_hash: str) -> list[dict[str, Any]]:
        """Every logged request made for an address (by its keyed hash)."""
        pc = privacy_requests.c
        query = select(privacy_requests).where(pc.email_hash == email_hash).order_by(pc.id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def finish_request(self, request_id: int, status: str, items: int, now: float) -> None:
        """Close a request and forget the plain address it carried."""
        with self._write() as conn:
            conn.execute(
                update(privacy_requests)
                .where(privacy_requests.c.id == request_id)
                .values(status=status, items=items, completed=now, email=None)
            )

    def recent_requests(self, email_hash: str, since: float) -> int:
        """Requests made for an address since a time (rate limit)."""
        pc = privacy_requests.c
        with self.engine.connect() as conn:
            return int(
                conn.scalar(
                    select(func.count())
                    .select_from(privacy_requests)
                    .where(pc.email_hash == email_hash, pc.created >= since)
                )
                or 0
            )

    def expire_requests(self, pending_before: float, delete_before: float) -> tuple[int, int]:
        """Expire unconfirmed requests, delete old log rows; (expired, deleted)."""
        pc = privacy_requests.c
        with self._write() as conn:
            expired = conn.execute(
                update(privacy_requests)
                .where(pc.status == "pending", pc.created < pending_before)
                .values(status="expired", email=None)
            ).rowcount
            deleted = conn.execute(
                delete(privacy_requests).where(pc.created < delete_before)
            ).rowcount
        return int(expired or 0), int(deleted or 0)

    # -- small key/value memory -------------------------------------------------

    def marker(self, key: str) -> int:
        """An integer kept in the ``meta`` table (0 when unset)."""
        with self.engine.connect() as conn:
            value = conn.scalar(select(t.meta.c.value).where(t.meta.c.key == key))
        return int(value) if value else 0

    def set_marker(self, key: str, value: int) -> None:
        """Store an integer in the ``meta`` table."""
        with self._write() as conn:
            done = conn.execute(
                update(t.meta).where(t.meta.c.key == key).values(value=str(value))
            ).rowcount
            if not done:
                conn.execute(insert(t.meta).values(key=key, value=str(value)))


def scrubbed_sample(sample: dict[str, Any], is_spam: bool) -> dict[str, Any]:
    """A learning sample without personal fields; spam keeps only the domains it named."""
    cleaned = dict(sample)
    email = str(sample.get("email") or "")
    cleaned["email"] = "@" + email.rsplit("@", 1)[-1] if "@" in email else ""
    url = str(sample.get("url") or "")
    host = url.split("://", 1)[-1].split("/", 1)[0].rsplit("@", 1)[-1] if url else ""
    cleaned["url"] = f"https://{host}" if is_spam and host else ""
    for name in ("author", "user_agent", "ip_hash"):
        cleaned[name] = ""
    return cleaned
