"""The moderators' view of comments: queue pages, live counts, threads, statistics.

:class:`ModerationQueues` is a base of ``SqlModerationStore``
(``store/moderation.py``). A queue is a state, or one of the desk's views
over the comments (``records.Queue``)::

    pending      state 'pending' and no open report (held by the system)
    reported     reports_open > 0, published or hidden by reports
    unmoderated  published or pending, reviewed IS NULL, not the site's own reply
    featured     featured_at IS NOT NULL and published
    toxic        flagged or held by the toxicity model (published or pending), reviewed IS NULL
    all          every comment, whatever its state
    spam, approved, deleted   the state alone

Each queue card also shows the comment it answers (one outer join).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, and_, case, func, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from causerie.store import schema as t
from causerie.store.records import (
    CommentRecord,
    CommentState,
    ParentExcerpt,
    Queue,
    QueueFilter,
    QueueRow,
    ThreadRecord,
    ThreadRow,
)
from causerie.store.schema import decisions

EXCERPT = 160  # characters of the parent comment a card shows
ADDRESS = "ip-"  # a reader named by the keyed hash of her address
VISIBLE_OR_HELD = (CommentState.APPROVED, CommentState.PENDING)


class ModerationQueues:
    """Queue pages, counts and statistics over the comments of some sites."""

    engine: Engine

    def queue(self, f: QueueFilter, limit: int, offset: int) -> tuple[list[QueueRow], int]:
        """One page of a queue, newest first, and how many comments it holds."""
        where = _queue_where(f)
        joined = t.comments.join(t.threads, t.threads.c.id == t.comments.c.thread_id).join(
            t.sites, t.sites.c.id == t.threads.c.site_id
        )
        parent = t.comments.alias("parent")
        query = (
            select(
                t.comments,
                t.sites.c.name.label("_site"),
                t.threads.c.uri.label("_uri"),
                t.threads.c.title.label("_title"),
                t.threads.c.closed.label("_closed"),
                parent.c.author.label("_p_author"),
                func.substr(parent.c.text, 1, EXCERPT).label("_p_text"),
                parent.c.state.label("_p_state"),
            )
            .select_from(joined.outerjoin(parent, parent.c.id == t.comments.c.parent_id))
            .where(where)
            .order_by(t.comments.c.created.desc(), t.comments.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        count = select(func.count()).select_from(joined).where(where)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            total = int(conn.scalar(count) or 0)
        return [_queue_row(r._mapping) for r in rows], total

    def queue_counts(self, site_ids: Sequence[int] | None) -> dict[str, int]:
        """How many comments each queue of the desk holds now (one pass over the comments)."""
        c = t.comments.c
        sums = [
            func.coalesce(func.sum(case((_queue_clause(queue), 1), else_=0)), 0).label(queue.value)
            for queue in Queue
        ]
        query = select(*sums).select_from(t.comments)
        if site_ids is not None:
            query = query.where(c.thread_id.in_(_threads_of(site_ids)))
        with self.engine.connect() as conn:
            row = conn.execute(query).one()
        return {queue.value: int(row._mapping[queue.value]) for queue in Queue}

    def threads_page(
        self, site_ids: Sequence[int] | None, text: str, limit: int, offset: int
    ) -> tuple[list[ThreadRow], int]:
        """Threads, newest first, with their comment counts; ``text`` searches title and uri."""
        th = t.threads.c
        clauses: list[ColumnElement[bool]] = []
        if site_ids is not None:
            clauses.append(th.site_id.in_(list(site_ids)))
        if text:
            pattern = _like(text.lower())
            clauses.append(
                or_(
                    func.lower(th.title).like(pattern, escape="\\"),
                    func.lower(th.uri).like(pattern, escape="\\"),
                )
            )
        where = and_(*clauses) if clauses else None
        ids = select(th.id).order_by(th.created.desc(), th.id.desc()).limit(limit).offset(offset)
        count = select(func.count()).select_from(t.threads)
        if where is not None:
            ids, count = ids.where(where), count.where(where)
        with self.engine.connect() as conn:
            chosen = list(conn.scalars(ids))
            total = int(conn.scalar(count) or 0)
        return self._thread_rows(chosen), total

    def thread_row(self, thread_id: int) -> ThreadRow | None:
        """One thread with its comment counts."""
        found = self._thread_rows([thread_id])
        return found[0] if found else None

    def _thread_rows(self, thread_ids: Sequence[int]) -> list[ThreadRow]:
        if not thread_ids:
            return []
        c = t.comments.c
        counts = (
            select(
                c.thread_id,
                func.sum(case((c.state == CommentState.APPROVED, 1), else_=0)),
                func.sum(case((_queue_clause(Queue.PENDING), 1), else_=0)),
                func.sum(case((_queue_clause(Queue.REPORTED), 1), else_=0)),
            )
            .where(c.thread_id.in_(list(thread_ids)))
            .group_by(c.thread_id)
        )
        threads = select(t.threads, t.sites.c.name.label("_site")).join(
            t.sites, t.sites.c.id == t.threads.c.site_id
        )
        with self.engine.connect() as conn:
            numbers = {row[0]: row[1:] for row in conn.execute(counts)}
            rows = {
                r.id: r._mapping
                for r in conn.execute(threads.where(t.threads.c.id.in_(list(thread_ids))))
            }
        out = []
        fields = set(t.threads.c.keys())
        for thread_id in thread_ids:
            if thread_id not in rows:
                continue
            row = rows[thread_id]
            approved, pending, reported = (int(n or 0) for n in numbers.get(thread_id, (0, 0, 0)))
            record = ThreadRecord(**{k: v for k, v in row.items() if k in fields})
            out.append(ThreadRow(record, row["_site"], approved, pending, reported))
        return out

    def state_counts(self, site_ids: Sequence[int] | None) -> dict[str, int]:
        """How many comments are in each state."""
        c = t.comments.c
        query = select(c.state, func.count()).group_by(c.state)
        if site_ids is not None:
            query = query.where(c.thread_id.in_(_threads_of(site_ids)))
        result = {s.value: 0 for s in CommentState}
        with self.engine.connect() as conn:
            for state, count in conn.execute(query):
                result[CommentState(state).value] = int(count)
        return result

    def received_since(
        self, site_ids: Sequence[int] | None, since: float
    ) -> list[tuple[float, bool]]:
        """``(created, filter called it spam)`` of every comment received since a time."""
        c = t.comments.c
        query = select(c.created, c.spam_verdict).where(c.created >= since)
        if site_ids is not None:
            query = query.where(c.thread_id.in_(_threads_of(site_ids)))
        with self.engine.connect() as conn:
            return [(float(r.created), r.spam_verdict != "ham") for r in conn.execute(query)]

    def decisions_since(
        self, site_ids: Sequence[int] | None, since: float, kind: str = "spam"
    ) -> list[tuple[float, bool, bool]]:
        """``(created, model said yes, moderator said yes)`` of one model's decisions."""
        d = decisions.c
        query = select(d.created, d.filter_spam, d.moderator_spam).where(
            d.created >= since, d.kind == kind
        )
        if site_ids is not None:
            query = query.where(d.site_id.in_(list(site_ids)))
        with self.engine.connect() as conn:
            return [
                (float(r.created), bool(r.filter_spam), bool(r.moderator_spam))
                for r in conn.execute(query)
            ]


def _queue_row(row: Any) -> QueueRow:
    fields = set(t.comments.c.keys())
    comment = CommentRecord(**{k: v for k, v in row.items() if k in fields})
    parent = None
    if comment.parent_id is not None and row["_p_state"] is not None:
        parent = ParentExcerpt(
            comment.parent_id, row["_p_author"], row["_p_text"] or "", CommentState(row["_p_state"])
        )
    return QueueRow(comment, row["_site"], row["_uri"], row["_title"], bool(row["_closed"]), parent)


def _threads_of(site_ids: Sequence[int]) -> Any:
    return select(t.threads.c.id).where(t.threads.c.site_id.in_(list(site_ids)))


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _queue_clause(queue: CommentState | Queue) -> ColumnElement[bool]:
    """Which comments a queue holds (whatever their site)."""
    c = t.comments.c
    name = queue.value
    if name == Queue.PENDING:
        return and_(c.state == CommentState.PENDING, c.reports_open == 0)
    if name == Queue.REPORTED:
        return and_(c.reports_open > 0, c.state.in_(VISIBLE_OR_HELD))
    if name == Queue.UNMODERATED:
        return and_(c.reviewed.is_(None), c.state.in_(VISIBLE_OR_HELD), c.by_site.is_(False))
    if name == Queue.TOXIC:
        held = and_(c.toxicity_flag.is_not(None), c.state.in_(VISIBLE_OR_HELD))
        return and_(held, c.reviewed.is_(None))
    if name == Queue.FEATURED:
        return and_(c.featured_at.is_not(None), c.state == CommentState.APPROVED)
    if name == Queue.ALL:
        return true()
    return c.state == CommentState(name)


def _queue_where(f: QueueFilter) -> ColumnElement[bool]:
    c = t.comments.c
    clauses: list[ColumnElement[bool]] = [_queue_clause(f.state)]
    if f.site_ids is not None:
        clauses.append(t.sites.c.id.in_(list(f.site_ids)))
    if f.thread_id is not None:
        clauses.append(c.thread_id == f.thread_id)
    if f.reader:
        if f.reader.startswith(ADDRESS):
            clauses.append(c.ip_hash == f.reader[len(ADDRESS) :])
        else:
            clauses.append(c.author_key == f.reader)
    if f.text:
        clauses.append(func.lower(c.text).like(_like(f.text.lower()), escape="\\"))
    if f.author:
        clauses.append(func.lower(c.author).like(_like(f.author.lower()), escape="\\"))
    if f.email:
        clauses.append(func.lower(c.email).like(_like(f.email.lower()), escape="\\"))
    if f.ip_prefix:
        clauses.append(c.ip_prefix.like(f.ip_prefix.replace("%", "") + "%"))
    return and_(*clauses)
