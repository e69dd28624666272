"""Erasure: one store operation, in one transaction, over every table with a reader's data.

What an erasure touches (docs/privacy.md lists the columns)::

    comments         text, html, author, e-mail, website, IP hash and prefix, user
                     agent, author key emptied; state 'deleted' (the thread keeps
                     its shape)
    subscriptions    rows of the erased comments deleted
    audit_log        ``detail`` of entries about the erased comments replaced by
                     ``{"erased": true}``: the old text an edit kept is gone, and
                     undo has nothing to write back
    spam_learning    samples of the erased comments (same text and name, also the
                     texts the audit log kept) or of the address deleted
    blocks           a block of the address becomes a block of its keyed hash
    privacy_requests pending requests of the address expired, address cleared
    identities       the reader's sign-ins (e-mail ones by the keyed hash of the
                     address, OIDC ones that kept it) deleted, their sessions
                     and pending challenges too; their comments erased as above
    outbox           mails to the address deleted, sent or not; webhook calls
                     carrying the erased comments deleted

A reader deleting her own comment goes through :meth:`Erasure.comments` too, so
a moderator's undo cannot bring back what she removed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, or_, select, update

from causerie.store import schema as t
from causerie.store.database import write_transaction
from causerie.store.outbox import add_comment_events, delete_calls_about, delete_mail_to
from causerie.store.records import ERASED, CommentRecord, ErasedReader, ReaderKeys
from causerie.store.schema import (
    audit_log,
    blocks,
    identities,
    privacy_requests,
    reader_sessions,
    subscriptions,
)

# What a learning sample is matched on: (text, author name).
Pair = tuple[str, str]
ERASED_DETAIL = json.dumps({"erased": True})


class Erasure:
    """Erases comments, or everything of an address, in one write transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def comments(
        self, ids: Sequence[int], now: float, event: str | None = None
    ) -> list[CommentRecord]:
        """Empty these comments, drop their subscriptions and their audit details."""
        with write_transaction(self.engine) as conn:
            _, records = _erase_comments(conn, ids, now)
            if event:
                add_comment_events(conn, event, records, now)
        return records

    def comment_with_lessons(self, comment: CommentRecord, site: str, now: float) -> ErasedReader:
        """Erase one comment and the learning samples made of it on its site."""
        with write_transaction(self.engine) as conn:
            pairs, records = _erase_comments(conn, [comment.id], now)
            removed = _delete_learning(conn, lambda s: s.get("site") == site and _pair(s) in pairs)
        return ErasedReader(records, removed)

    def reader(self, keys: ReaderKeys, now: float) -> ErasedReader:
        """Erase every comment, lesson, block address and pending request of an address."""
        wanted = keys.email.strip().lower()
        c = t.comments.c
        with write_transaction(self.engine) as conn:
            readers = _identities_of(conn, wanted, keys.identity_subject)
            ids = list(
                conn.scalars(
                    select(c.id)
                    .where(
                        or_(
                            func.lower(c.email) == wanted,
                            c.author_key == keys.author_key,
                            c.identity_id.in_(readers),
                        )
                    )
                    .order_by(c.id)
                )
            )
            pairs, records = _erase_comments(conn, ids, now)
            _delete_identities(conn, readers)
            removed = _delete_learning(
                conn, lambda s: _sample_email(s) == wanted or _pair(s) in pairs
            )
            conn.execute(
                update(blocks)
                .where(blocks.c.kind == "email", func.lower(blocks.c.value) == wanted)
                .values(kind="email_hash", value=keys.block_hash)
            )
            pc = privacy_requests.c
            conn.execute(
                update(privacy_requests)
                .where(pc.email_hash == keys.request_hash, pc.status == "pending")
                .values(status="expired", email=None, completed=now)
            )
            delete_mail_to(conn, keys.email)
        return ErasedReader(records, removed)


def _erase_comments(
    conn: Connection, ids: Sequence[int], now: float
) -> tuple[set[Pair], list[CommentRecord]]:
    """Erase the rows; return every (text, author) they ever had, and the rows as they are."""
    if not ids:
        return set(), []
    c = t.comments.c
    rows = conn.execute(select(c.id, c.text, c.author).where(c.id.in_(list(ids)))).all()
    pairs = {(str(r.text), str(r.author)) for r in rows}
    authors = {int(r.id): str(r.author) for r in rows}
    a = audit_log.c
    for entry in conn.execute(select(a.id, a.comment_id, a.detail).where(a.comment_id.in_(ids))):
        before = json.loads(entry.detail or "{}").get("before") or {}
        if before.get("text"):
            author = authors.get(int(entry.comment_id), "")
            pairs.add((str(before["text"]), str(before.get("author", author))))
    conn.execute(update(audit_log).where(a.comment_id.in_(ids)).values(detail=ERASED_DETAIL))
    conn.execute(delete(subscriptions).where(subscriptions.c.comment_id.in_(ids)))
    # Readers' reports may quote the comment: they go with it (and its open count).
    conn.execute(delete(t.reports).where(t.reports.c.comment_id.in_(ids)))
    delete_calls_about(conn, ids)
    erased = conn.execute(
        update(t.comments)
        .where(c.id.in_(ids))
        .values(**ERASED, text_hash=None, modified=now, reports_open=0, featured_at=None)
        .returning(*t.comments.c)
    ).all()
    return pairs, [CommentRecord(**row._mapping) for row in erased]


def _identities_of(conn: Connection, email: str, subject: str) -> list[int]:
    i = identities.c
    mine = or_(func.lower(i.email) == email, (i.method == "email") & (i.subject == subject))
    return list(conn.scalars(select(i.id).where(mine)))


def _delete_identities(conn: Connection, ids: list[int]) -> None:
    if ids:
        conn.execute(delete(reader_sessions).where(reader_sessions.c.identity_id.in_(ids)))
        conn.execute(delete(identities).where(identities.c.id.in_(ids)))


def _delete_learning(conn: Connection, match: Callable[[dict[str, Any]], bool]) -> int:
    s = t.spam_learning.c
    doomed = [
        row.id for row in conn.execute(select(s.id, s.sample)) if match(json.loads(row.sample))
    ]
    for chunk in _chunks(doomed, 500):
        conn.execute(delete(t.spam_learning).where(s.id.in_(chunk)))
    return len(doomed)


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _pair(sample: dict[str, Any]) -> Pair:
    return (str(sample.get("content") or ""), str(sample.get("author") or ""))


def _sample_email(sample: dict[str, Any]) -> str:
    return str(sample.get("email") or "").strip().lower()
