"""The comment store: every operation the server needs, on SQLite or PostgreSQL.

:class:`SqlCommentStore` is the ``CommentStore`` contract in three parts: sites
and threads with their caches (``store/sites.py``), what a reader is shown
(``store/comment_pages.py``), and here writing comments, votes and the
single-comment reads the domain's rules need. Each public method is one short
transaction. Writers on SQLite take the write lock at ``BEGIN`` (``BEGIN
IMMEDIATE``) so that concurrent writers queue up instead of failing half-way.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    case,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from causerie.store import schema as t
from causerie.store.batching import GroupCommit
from causerie.store.comment_pages import CommentPages
from causerie.store.database import write_transaction
from causerie.store.erasure import Erasure
from causerie.store.outbox import add_comment_events
from causerie.store.records import (
    Activity,
    CommentRecord,
    NewComment,
    TextChange,
    ThreadRecord,
)
from causerie.store.schema import CommentState
from causerie.store.sites import SiteRows, ensure_thread

# Statements of the hot paths, built once (SQLAlchemy then reuses their compiled form).
_INSERT_COMMENT = insert(t.comments).returning(*t.comments.c)
# Both counts are answered from indexes alone: (ip_hash, created) and (text_hash, created).
_BY_IP = (
    select(
        func.count(),
        func.sum(case((t.comments.c.created >= bindparam("minute"), 1), else_=0)),
    )
    .where(t.comments.c.ip_hash == bindparam("ip"), t.comments.c.created >= bindparam("ten"))
    .subquery()
)
_RECENT_ACTIVITY = select(
    select(_BY_IP.c[1]).scalar_subquery(),
    select(_BY_IP.c[0]).scalar_subquery(),
    select(func.count())
    .where(
        t.comments.c.text_hash == bindparam("text_hash"), t.comments.c.created >= bindparam("ten")
    )
    .scalar_subquery(),
)


def text_hash(text: str) -> str:
    """A short, stable hash of a comment's text (for "same text posted again")."""
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


class SqlCommentStore(SiteRows, CommentPages):
    """Sites, threads, comments and votes in one relational database."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        # SQLite: concurrent new comments share one commit (see batching.py).
        self._group_commit = GroupCommit.shared(engine)

    def _write(self) -> AbstractContextManager[Connection]:
        return write_transaction(self.engine)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    # -- comments -----------------------------------------------------------

    def insert_comment(
        self, site_id: int, uri: str, title: str, new: NewComment, event: str | None = None
    ) -> CommentRecord:
        """Insert a comment, creating its thread on the first one; durable on return."""

        known = self.thread(site_id, uri)

        def work(conn: Connection) -> CommentRecord:
            comment = _insert_comment(conn, site_id, uri, title, new, known)
            if event:
                add_comment_events(conn, event, [comment], new.created, site_id)
            return comment

        if self._group_commit is not None:
            return self._group_commit.run(work)
        with self._write() as conn:
            return work(conn)

    def comment(self, comment_id: int) -> CommentRecord | None:
        """A comment by id, in any state."""
        with self._read() as conn:
            row = conn.execute(select(t.comments).where(t.comments.c.id == comment_id)).first()
        return CommentRecord(**row._mapping) if row else None

    def ancestors(self, comment_id: int) -> list[int]:
        """Ids from this comment up to its top-level comment: ``[comment, parent, …, root]``."""
        c = t.comments.c
        chain = (
            select(c.id, c.parent_id, literal(0).label("level"))
            .where(c.id == comment_id)
            .cte("chain", recursive=True)
        )
        parent = t.comments.alias("parent")
        chain = chain.union_all(
            select(parent.c.id, parent.c.parent_id, (chain.c.level + 1).label("level")).where(
                parent.c.id == chain.c.parent_id
            )
        )
        with self._read() as conn:
            rows = conn.execute(select(chain.c.id).order_by(chain.c.level)).all()
        return [row.id for row in rows]

    def set_state(
        self, comment_id: int, state: CommentState, event: str | None = None
    ) -> CommentRecord | None:
        """Move a comment to another moderation state (``event`` to the outbox with it)."""
        return self._change(comment_id, {"state": state}, event)

    def pin(self, comment_id: int, pinned: bool) -> CommentRecord | None:
        """Pin a comment to the top of its thread (or unpin it)."""
        return self._change(comment_id, {"pinned": pinned})

    def feature(self, comment_id: int, featured_at: float | None) -> CommentRecord | None:
        """Feature a comment since this time (None: no longer featured)."""
        return self._change(comment_id, {"featured_at": featured_at})

    def review(self, comment_id: int, when: float | None) -> CommentRecord | None:
        """Record when a human last decided on a comment (None: never, after an undo)."""
        return self._change(comment_id, {"reviewed": when})

    def replace_text(
        self, comment_id: int, change: TextChange, event: str | None = None
    ) -> CommentRecord | None:
        """Store an edit: new text and author fields, to the spam or pending queue if marked so.

        A toxicity mark may move the comment too (the domain says where); a spam
        or hold mark wins.
        """
        values: dict[str, Any] = {
            "text": change.text,
            "text_hash": text_hash(change.text) if change.text else None,
            "html": change.html,
            "author": change.author,
            "website": change.website,
            "modified": change.modified,
        }
        if change.toxicity is not None:
            values.update(
                toxicity_score=change.toxicity.score,
                toxicity_reasons=change.toxicity.reasons,
                toxicity_flag=change.toxicity.flag,
            )
            if change.toxicity.state is not None:
                values["state"] = change.toxicity.state
        mark, state = (
            (change.spam, CommentState.SPAM) if change.spam else (change.hold, change.hold_state)
        )
        if mark is not None:
            values.update(
                state=state,
                spam_score=mark.score,
                spam_verdict=mark.verdict,
                spam_reasons=mark.reasons,
            )
        return self._change(comment_id, values, event)

    def _change(
        self, comment_id: int, values: dict[str, Any], event: str | None = None
    ) -> CommentRecord | None:
        with self._write() as conn:
            row = conn.execute(
                update(t.comments)
                .where(t.comments.c.id == comment_id)
                .values(**values)
                .returning(*t.comments.c)
            ).first()
            comment = CommentRecord(**row._mapping) if row else None
            if comment is not None and event:
                add_comment_events(conn, event, [comment], time.time())
        return comment

    def erase_comments(
        self, ids: Sequence[int], now: float, event: str | None = None
    ) -> list[CommentRecord]:
        """Erase comments with their subscriptions and audit details (store/erasure.py)."""
        return Erasure(self.engine).comments(ids, now, event)

    def has_replies(self, comment_id: int) -> bool:
        """True when a comment has replies that are not deleted."""
        with self._read() as conn:
            return bool(
                conn.scalar(
                    select(
                        exists().where(
                            t.comments.c.parent_id == comment_id,
                            t.comments.c.state != CommentState.DELETED,
                        )
                    )
                )
            )

    def add_vote(self, comment_id: int, voter: str, value: int) -> tuple[int, int] | None:
        """Record a reader's vote; None if this reader already voted on it."""
        column = "likes" if value > 0 else "dislikes"
        try:
            with self._write() as conn:
                conn.execute(
                    insert(t.votes).values(
                        comment_id=comment_id, voter=voter, value=value, created=time.time()
                    )
                )
                row = conn.execute(
                    update(t.comments)
                    .where(t.comments.c.id == comment_id)
                    .values({column: getattr(t.comments.c, column) + 1})
                    .returning(t.comments.c.likes, t.comments.c.dislikes)
                ).one()
        except IntegrityError:
            return None
        return int(row.likes), int(row.dislikes)

    def author_has_approved(self, site_id: int, author_key: str) -> bool:
        """True when this author already has an approved comment on the site."""
        c = t.comments.c
        query = select(
            exists()
            .where(c.author_key == author_key, c.state == CommentState.APPROVED)
            .where(c.thread_id.in_(select(t.threads.c.id).where(t.threads.c.site_id == site_id)))
        )
        with self._read() as conn:
            return bool(conn.scalar(query))

    def toxicity_observations(
        self, site_id: int, limit: int
    ) -> list[tuple[float, bool, bool | None]]:
        """The site's last ``limit`` scored comments, oldest first, as its moderators saw them.

        ``(score, reviewed, offensive)``: reviewed when the toxicity model flagged or
        held it; offensive is the last "offensive" / "not offensive" decision on it
        (undone decisions are gone from ``decisions``), None without one.
        """
        c, d = t.comments.c, t.decisions.c
        scored = (
            select(c.id, c.toxicity_score, c.toxicity_flag)
            .where(c.toxicity_score.is_not(None))
            .where(c.thread_id.in_(select(t.threads.c.id).where(t.threads.c.site_id == site_id)))
            .order_by(c.id.desc())
            .limit(limit)
        )
        with self._read() as conn:
            rows = conn.execute(scored).all()
            if not rows:
                return []
            # Oldest decision first: the last one said on a comment wins.
            said = dict(
                conn.execute(
                    select(d.comment_id, d.moderator_spam)
                    .where(d.site_id == site_id, d.kind == "toxicity")
                    .where(d.comment_id >= rows[-1].id)
                    .order_by(d.id)
                ).all()
            )
        return [
            (float(score), flag is not None, None if said.get(i) is None else bool(said[i]))
            for i, score, flag in reversed(rows)
        ]

    def recent_activity(self, ip_hash: str | None, text: str, now: float) -> Activity:
        """Comments in the last 10 minutes from one (hashed) address, and with the same text."""
        params = {
            "ip": ip_hash or "",
            "text_hash": text_hash(text),
            "minute": now - 60,
            "ten": now - 600,
        }
        with self._read() as conn:
            minute, ten, same = conn.execute(_RECENT_ACTIVITY, params).one()
        return Activity(int(minute or 0), int(ten or 0), int(same or 0))


def _insert_comment(
    conn: Connection,
    site_id: int,
    uri: str,
    title: str,
    new: NewComment,
    known: ThreadRecord | None,
) -> CommentRecord:
    thread_id = known.id if known else ensure_thread(conn, site_id, uri, title, new.created)
    root_id = None
    if new.parent_id is not None:
        parent = conn.execute(
            select(t.comments.c.root_id, t.comments.c.id).where(t.comments.c.id == new.parent_id)
        ).first()
        root_id = (parent.root_id or parent.id) if parent else None
    values = {
        **vars(new),
        "thread_id": thread_id,
        "root_id": root_id,
        "text_hash": text_hash(new.text),
    }
    row = conn.execute(_INSERT_COMMENT, values).one()

    return CommentRecord(**row._mapping)
