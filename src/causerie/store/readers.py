"""Rules on readers and their history, on SQLite or PostgreSQL (the ``ReaderRuleStore`` contract).

One row of ``reader_rules``::

    site_id=2 reader='9f2c…' suspended_until=1765008000.0 message='Restez courtois.'
    banned=False premod=True updated=1764403200.0 updated_by='ines@news.example'

Every new comment asks for the rules naming its author, so a site's rules are
known to exist or not for ``CACHE_SECONDS``: a site that never used them
pays no query; another process's change shows within seconds.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, and_, delete, exists, func, insert, select
from sqlalchemy.sql.elements import ColumnElement

from causerie.store import schema as t
from causerie.store.database import write_transaction
from causerie.store.records import (
    CommentRecord,
    CommentState,
    HistoryItem,
    ReaderHistory,
    ReaderRule,
)

CACHE_SECONDS = 5.0
ADDRESS = "ip-"  # a reader named by the keyed hash of her address
MAX_NAMES = 20


class SqlReaderStore:
    """Moderators' rules on readers of a site, and what each reader wrote there."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # site id -> (valid until, whether the site has any rule)
        self._has_rules: dict[int, tuple[float, bool]] = {}

    def reader_rules(self, site_id: int, readers: Sequence[str]) -> list[ReaderRule]:
        """The rules naming any of these keys on a site (read often: cached for seconds)."""
        wanted = [r for r in readers if r]
        if not wanted or not self._site_has_rules(site_id):
            return []
        r = t.reader_rules.c
        query = select(t.reader_rules).where(r.site_id == site_id, r.reader.in_(wanted))
        with self.engine.connect() as conn:
            return [ReaderRule(**row._mapping) for row in conn.execute(query)]

    def _site_has_rules(self, site_id: int) -> bool:
        cached = self._has_rules.get(site_id)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        query = select(exists().where(t.reader_rules.c.site_id == site_id))
        with self.engine.connect() as conn:
            found = bool(conn.scalar(query))
        self._has_rules[site_id] = (time.monotonic() + CACHE_SECONDS, found)
        return found

    def reader_rule(self, site_id: int, reader: str) -> ReaderRule | None:
        """The rule on one reader of a site, read afresh."""
        r = t.reader_rules.c
        query = select(t.reader_rules).where(r.site_id == site_id, r.reader == reader)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return ReaderRule(**row._mapping) if row else None

    def set_reader_rule(self, rule: ReaderRule) -> ReaderRule:
        """Store the rule on a reader (replacing the one before; a rule of nothing is removed)."""
        r = t.reader_rules.c
        empty = not (rule.suspended_until or rule.banned or rule.premod or rule.message)
        with write_transaction(self.engine) as conn:
            conn.execute(
                delete(t.reader_rules).where(r.site_id == rule.site_id, r.reader == rule.reader)
            )
            if not empty:
                conn.execute(insert(t.reader_rules).values(**vars(rule)))
        self._has_rules.pop(rule.site_id, None)
        return rule

    def reader_history(self, site_id: int, reader: str, limit: int, offset: int) -> ReaderHistory:
        """A reader's comments on a site, newest first, with counts by state and her names."""
        c = t.comments.c
        where = _of_reader(site_id, reader)
        joined = t.comments.join(t.threads, t.threads.c.id == c.thread_id)
        page = (
            select(t.comments, t.threads.c.uri.label("_uri"), t.threads.c.title.label("_title"))
            .select_from(joined)
            .where(where)
            .order_by(c.created.desc(), c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        by_state = select(c.state, func.count()).select_from(joined).where(where).group_by(c.state)
        reported = (
            select(func.count())
            .select_from(joined)
            .where(where, exists().where(t.reports.c.comment_id == c.id))
        )
        names = select(c.author, c.identity_id).select_from(joined).where(where).distinct()
        with self.engine.connect() as conn:
            rows = conn.execute(page).all()
            counts = {s.value: 0 for s in CommentState}
            for state, count in conn.execute(by_state):
                counts[CommentState(state).value] = int(count)
            counts["reported"] = int(conn.scalar(reported) or 0)
            seen = conn.execute(names.limit(MAX_NAMES * 5)).all()
        fields = set(t.comments.c.keys())
        items = [HistoryItem(_comment(row._mapping, fields), row._uri, row._title) for row in rows]
        total = sum(v for k, v in counts.items() if k != "reported")
        return ReaderHistory(
            total=total,
            counts=counts,
            names=tuple(sorted({s.author for s in seen if s.author})[:MAX_NAMES]),
            identity_ids=tuple(sorted({s.identity_id for s in seen if s.identity_id})),
            items=items,
        )


def _of_reader(site_id: int, reader: str) -> ColumnElement[bool]:
    c = t.comments.c
    if reader.startswith(ADDRESS):
        return and_(c.ip_hash == reader[len(ADDRESS) :], t.threads.c.site_id == site_id)
    return and_(c.author_key == reader, t.threads.c.site_id == site_id)


def _comment(row: Any, fields: set[str]) -> CommentRecord:
    return CommentRecord(**{k: v for k, v in row.items() if k in fields})
