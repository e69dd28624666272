"""Imports and exports on SQLite or PostgreSQL: :class:`ImportTarget` and :class:`ExportSource`.

One import is one transaction. Comments are inserted in batches (one
``executemany`` each) as top-level comments, each with its row in
``import_sources``::

    site_id=1 format='wordpress' source_id='4711' comment_id=42 parent_source_id='4702' run='…'

and when the file is read to its end two statements give them their
threading: ``parent_id`` from the parent's source id (same site, format and
thread), then ``root_id`` by walking each tree down from its top with a
recursive query. Parents may therefore come after their replies in a file,
and nothing but the thread ids is held in memory.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    and_,
    bindparam,
    case,
    func,
    insert,
    literal_column,
    select,
    update,
)

from causerie.store import schema as t
from causerie.store.comments import SqlCommentStore, text_hash
from causerie.store.records import (
    BlockRow,
    CommentRecord,
    ImportRow,
    LearningRow,
    Linked,
    SiteRecord,
    ThreadRecord,
)

_INSERT_COMMENTS = insert(t.comments).returning(t.comments.c.id, sort_by_parameter_order=True)
_THREAD_ID = select(t.threads.c.id).where(
    t.threads.c.site_id == bindparam("site_id"), t.threads.c.uri == bindparam("uri")
)
_NEW_THREAD = insert(t.threads).returning(t.threads.c.id)
# Rows per export query: a large site streams in pages of this many threads.
_PAGE = 500


class SqlImportSession:
    """The writes of one import on one open transaction."""

    def __init__(self, conn: Connection, site_id: int, format: str) -> None:
        self.conn = conn
        self.site_id = site_id
        self.format = format
        self.run = secrets.token_hex(16)
        self._threads: dict[str, int] = {}

    def thread(self, uri: str, title: str, closed: bool, created: float) -> tuple[int, bool]:
        """The id of the site's thread for ``uri`` (created if needed), and whether it was new."""
        known = self._threads.get(uri)
        if known is not None:
            return known, False
        found = self.conn.scalar(_THREAD_ID, {"site_id": self.site_id, "uri": uri})
        new = found is None
        if found is None:
            values = {"uri": uri, "title": title, "closed": closed, "created": created}
            found = self.conn.execute(_NEW_THREAD, {"site_id": self.site_id, **values}).scalar_one()
        self._threads[uri] = int(found)
        return int(found), new

    def known(self, source_ids: Sequence[str]) -> set[str]:
        """Which of these source ids an earlier import (or this one) already stored."""
        if not source_ids:
            return set()
        s = t.import_sources.c
        query = select(s.source_id).where(
            s.site_id == self.site_id, s.format == self.format, s.source_id.in_(list(source_ids))
        )
        return set(self.conn.scalars(query))

    def add_comments(self, rows: Sequence[ImportRow]) -> None:
        """Insert comments (top-level for now) with their source rows."""
        if not rows:
            return
        values = [_comment_values(row) for row in rows]
        ids = self._insert(values)
        self._executemany(
            t.import_sources,
            [
                {
                    "site_id": self.site_id,
                    "format": self.format,
                    "source_id": row.source_id,
                    "comment_id": comment_id,
                    "parent_source_id": row.parent_source_id,
                    "run": self.run,
                    "detail": row.detail,
                }
                for row, comment_id in zip(rows, ids, strict=True)
            ],
        )

    def _insert(self, values: list[dict[str, Any]]) -> Sequence[int]:
        """Insert comments; their ids in the same order."""
        if self.conn.dialect.name != "sqlite":
            return self.conn.execute(_INSERT_COMMENTS, values).scalars().all()
        # SQLite returns rows of a RETURNING executemany one statement at a time; a plain
        # executemany is 3x faster, and under this import's write lock (BEGIN IMMEDIATE)
        # new rows take the next rowids in order (no AUTOINCREMENT: max(rowid) + 1).
        c = t.comments.c
        before = self.conn.scalar(select(func.max(c.id))) or 0
        self._executemany(t.comments, values)
        ids = self.conn.scalars(select(c.id).where(c.id > before).order_by(c.id)).all()
        if len(ids) != len(values):
            raise RuntimeError("another writer inserted comments during the import")
        return ids

    def _executemany(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Insert rows; on SQLite straight through the driver (SQLAlchemy's per-row
        parameter processing is a tenth of an import's time, for values already plain)."""
        if self.conn.dialect.name != "sqlite":
            self.conn.execute(insert(table), rows)
            return
        compiled = insert(table).compile(dialect=self.conn.dialect, column_keys=list(rows[0]))
        keys = compiled.positiontup or []
        cursor = self.conn.connection.cursor()
        try:
            cursor.executemany(compiled.string, [tuple(row[k] for k in keys) for row in rows])
        finally:
            cursor.close()

    def link_replies(self) -> Linked:
        """Give this run's comments their parents and top-level ancestors; missing ones → top."""
        c = t.comments.c
        src = t.import_sources.c
        this_run = select(src.comment_id).where(src.run == self.run)
        with_parent = this_run.where(src.parent_source_id.is_not(None))
        self.conn.execute(
            update(t.comments).where(c.id.in_(with_parent)).values(parent_id=_parent_of())
        )
        _set_roots(self.conn, this_run)
        # What is left without a top is a cycle (or hangs below one): made top-level.
        broken = this_run.where(
            src.comment_id.in_(select(c.id).where(c.parent_id.is_not(None), c.root_id.is_(None)))
        )
        self.conn.execute(update(t.comments).where(c.id.in_(broken)).values(parent_id=None))
        counted = self.conn.execute(
            select(
                func.count(c.parent_id),
                func.count(src.parent_source_id) - func.count(c.parent_id),
            )
            .select_from(t.import_sources.join(t.comments, c.id == src.comment_id))
            .where(src.run == self.run)
        ).one()
        return Linked(replies=int(counted[0]), orphans=int(counted[1]))

    def set_site(self, title: str, settings: dict[str, Any]) -> None:
        """Replace the site's title and settings (native imports)."""
        self.conn.execute(
            update(t.sites)
            .where(t.sites.c.id == self.site_id)
            .values(title=title, settings=json.dumps(settings, ensure_ascii=False))
        )

    def add_blocks(self, rows: Sequence[BlockRow]) -> int:
        """Add block-list entries the site does not have yet; return how many."""
        b = t.blocks.c
        query = select(b.kind, b.value).where(b.site_id == self.site_id)
        have: set[tuple[str, str]] = {(row[0], row[1]) for row in self.conn.execute(query)}
        fresh = []
        for row in rows:  # the same entry twice in one file counts once
            if (row.kind, row.value) not in have:
                have.add((row.kind, row.value))
                fresh.append(row)
        if fresh:
            self.conn.execute(
                insert(t.blocks), [{**vars(r), "site_id": self.site_id} for r in fresh]
            )
        return len(fresh)

    def add_learning(self, rows: Sequence[LearningRow]) -> int:
        """Add learning-log entries the site does not have yet; return how many."""
        site = self.conn.scalar(select(t.sites.c.name).where(t.sites.c.id == self.site_id))
        sl = t.spam_learning.c
        query = select(sl.created, sl.sample).where(sl.site == site)
        have: set[tuple[float, str]] = {(row[0], row[1]) for row in self.conn.execute(query)}
        fresh = []
        for row in rows:
            if (row.created, row.sample) not in have:
                have.add((row.created, row.sample))
                fresh.append(row)
        if fresh:
            self.conn.execute(insert(t.spam_learning), [{**vars(r), "site": site} for r in fresh])
        return len(fresh)


def _site_id(conn: Connection, name: str) -> int:
    found = conn.scalar(select(t.sites.c.id).where(t.sites.c.name == name))
    if found is not None:
        return int(found)
    created = insert(t.sites).values(name=name, title="", settings="{}", created=time.time())
    return int(conn.execute(created.returning(t.sites.c.id)).scalar_one())


def _comment_values(row: ImportRow) -> dict[str, Any]:
    values = vars(row.comment).copy()
    values.update(
        state=row.comment.state.value,
        thread_id=row.thread_id,
        parent_id=None,
        root_id=None,
        text_hash=text_hash(row.comment.text) if row.comment.text else None,
        modified=row.modified,
        likes=row.likes,
        dislikes=row.dislikes,
        pinned=row.pinned,
    )
    return values


def _parent_of() -> Any:
    """The stored id of a comment's parent: same site, format and thread; never itself."""
    c = t.comments
    me = t.import_sources.alias("me")
    parent = t.import_sources.alias("parent")
    parent_comment = t.comments.alias("parent_comment")
    return (
        select(parent.c.comment_id)
        .select_from(
            me.join(
                parent,
                and_(
                    parent.c.site_id == me.c.site_id,
                    parent.c.format == me.c.format,
                    parent.c.source_id == me.c.parent_source_id,
                ),
            ).join(parent_comment, parent_comment.c.id == parent.c.comment_id)
        )
        .where(
            me.c.comment_id == c.c.id,
            parent_comment.c.thread_id == c.c.thread_id,
            parent.c.comment_id != c.c.id,
        )
        .scalar_subquery()
    )


def _set_roots(conn: Connection, this_run: Any) -> None:
    """``root_id`` of this run's replies: walk each tree from its top (one recursive query)."""
    c = t.comments
    parent = t.comments.alias("parent")
    # Tops: this run's top-level comments (their own top), and replies to older comments.
    tops = (
        select(
            c.c.id.label("id"),
            case(
                (c.c.parent_id.is_(None), c.c.id),
                else_=func.coalesce(parent.c.root_id, parent.c.id),
            ).label("top"),
        )
        .select_from(c.outerjoin(parent, parent.c.id == c.c.parent_id))
        .where(
            c.c.id.in_(this_run),
            (c.c.parent_id.is_(None)) | (parent.c.id.not_in(this_run)),
        )
        .cte("tree", recursive=True)
    )
    child = t.comments.alias("child")
    tree = tops.union_all(select(child.c.id, tops.c.top).where(child.c.parent_id == tops.c.id))
    conn.execute(
        update(c).where(c.c.id == tree.c.id, tree.c.top != tree.c.id).values(root_id=tree.c.top)
    )


class SqlImportStore:
    """:class:`ImportTarget` and :class:`ExportSource` on one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sites = SqlCommentStore(engine)

    # -- ImportTarget -------------------------------------------------------------

    @contextmanager
    def open_import(self, site: str, format: str, *, dry_run: bool) -> Iterator[SqlImportSession]:
        """One import's transaction (the site created in it if new): committed on a clean exit,
        rolled back on an error or a dry run."""
        with self.engine.connect() as conn:
            conn.info["write"] = True  # SQLite: take the writer lock at BEGIN
            transaction = conn.begin()
            try:
                yield SqlImportSession(conn, _site_id(conn, site), format)
            except BaseException:
                transaction.rollback()
                raise
            if dry_run:
                transaction.rollback()
            else:
                transaction.commit()

    def imported(self, run: str) -> Iterator[tuple[CommentRecord, str]]:
        """The comments one (committed) import stored, with their thread's URI."""
        src = t.import_sources.c
        after = 0
        while True:
            query = (
                select(t.comments, t.threads.c.uri.label("_uri"))
                .join(t.import_sources, src.comment_id == t.comments.c.id)
                .join(t.threads, t.threads.c.id == t.comments.c.thread_id)
                .where(src.run == run, t.comments.c.id > after)
                .order_by(t.comments.c.id)
                .limit(_PAGE)
            )
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
            for row in rows:
                values = dict(row._mapping)
                uri = values.pop("_uri")
                yield CommentRecord(**values), uri
            if len(rows) < _PAGE:
                return
            after = rows[-1].id

    # -- ExportSource -------------------------------------------------------------

    def site(self, name: str) -> SiteRecord | None:
        """The site with this name, if any."""
        return self._sites.site(name)

    def threads(self, site_id: int) -> Iterator[ThreadRecord]:
        """The site's threads, oldest first."""
        th = t.threads.c
        after = 0
        while True:
            query = (
                select(t.threads)
                .where(th.site_id == site_id, th.id > after)
                .order_by(th.id)
                .limit(_PAGE)
            )
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
            yield from (ThreadRecord(**r._mapping) for r in rows)
            if len(rows) < _PAGE:
                return
            after = rows[-1].id

    def comments(self, thread_id: int) -> list[CommentRecord]:
        """Every comment of a thread in any state, oldest first."""
        c = t.comments.c
        query = select(t.comments).where(c.thread_id == thread_id).order_by(c.created, c.id)
        with self.engine.connect() as conn:
            return [CommentRecord(**r._mapping) for r in conn.execute(query)]

    def sources(self, thread_id: int) -> dict[int, str]:
        """Source details (JSON) kept by imports, by comment id, for one thread."""
        src = t.import_sources.c
        query = (
            select(src.comment_id, src.detail)
            .join(t.comments, t.comments.c.id == src.comment_id)
            .where(t.comments.c.thread_id == thread_id, src.detail != literal_column("'{}'"))
        )
        with self.engine.connect() as conn:
            return {int(i): d for i, d in conn.execute(query).all()}

    def blocks(self, site_id: int) -> list[BlockRow]:
        """The site's block list, oldest first."""
        b = t.blocks.c
        query = (
            select(b.kind, b.value, b.note, b.created, b.expires, b.created_by)
            .where(b.site_id == site_id)
            .order_by(b.created, b.id)
        )
        with self.engine.connect() as conn:
            return [BlockRow(*row) for row in conn.execute(query).all()]

    def learning(self, site: str) -> Iterator[LearningRow]:
        """The site's learning-log entries, oldest first."""
        sl = t.spam_learning.c
        query = (
            select(sl.is_spam, sl.sample, sl.source, sl.created)
            .where(sl.site == site)
            .order_by(sl.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        yield from (LearningRow(bool(r[0]), r[1], r[2], r[3]) for r in rows)
