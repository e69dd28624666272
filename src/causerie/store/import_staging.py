"""Step 1 of an import: staging, in short transactions (see ``store/imports.py``).

An :class:`SqlImportSession` is the ``ImportSession`` of one run: threads and
comments go to ``import_staging_threads`` and ``import_staging`` (one short
transaction per batch), which nothing but the import reads. A staged comment::

    run='c0ffee…' seq=17 thread=3 source_id='4711' parent_source_id='4702' state=…

``link_replies`` then threads them (``store/import_threading.py``) and, on a
clean exit, the session publishes (``store/import_publish.py``). Block-list and
learning-log entries wait in memory until the publish.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, RootTransaction, Table, bindparam, func, insert, select, update

from causerie.store import schema as t
from causerie.store.comments import text_hash
from causerie.store.import_publish import (
    Publication,
    blocks_of,
    fresh,
    learning_of,
    publish,
)
from causerie.store.import_threading import link_threads, thread_ranges
from causerie.store.records import BlockRow, ImportRow, LearningRow, Linked

_THREAD_ID = select(t.threads.c.id).where(
    t.threads.c.site_id == bindparam("site_id"), t.threads.c.uri == bindparam("uri")
)
# Staged rows per threading or clean-up transaction: milliseconds of the write lock each.
CHUNK = 2000


class SqlImportSession:
    """The writes of one import: staged in short transactions, published at the end."""

    def __init__(self, conn: Connection, site: str, format: str, clock: Callable[[], float]):
        self.conn = conn
        self.site = site
        self.format = format
        self.clock = clock
        self.run = secrets.token_hex(16)
        self.site_id: int | None = None  # known once the site exists (created on publish)
        self.staged = 0  # comments staged: their ``seq`` runs from 1 to this
        self._threads: dict[str, int] = {}
        self._new_threads: list[dict[str, Any]] = []  # staged with the next batch
        self._site: tuple[str, dict[str, Any]] | None = None
        self._blocks: list[BlockRow] = []
        self._learning: list[LearningRow] = []
        with self._read():
            self.site_id = self.conn.scalar(select(t.sites.c.id).where(t.sites.c.name == site))
        with self._write():
            now = clock()
            values = {"site": site, "format": format, "started": now, "touched": now}
            self.conn.execute(insert(t.import_runs).values(run=self.run, **values))

    def _read(self) -> RootTransaction:
        return self.conn.begin()

    def _write(self) -> RootTransaction:
        self.conn.info["write"] = True  # SQLite: take the writer lock at BEGIN
        return self.conn.begin()

    def _touch(self) -> None:
        """Say this run is alive (inside a write transaction)."""
        runs = t.import_runs.c
        self.conn.execute(
            update(t.import_runs).where(runs.run == self.run).values(touched=self.clock())
        )

    def thread(self, uri: str, title: str, closed: bool, created: float) -> tuple[int, bool]:
        """This import's key for the site's thread at ``uri``, and whether it is new."""
        known = self._threads.get(uri)
        if known is not None:
            return known, False
        found = None
        if self.site_id is not None:
            with self._read():
                found = self.conn.scalar(_THREAD_ID, {"site_id": self.site_id, "uri": uri})
        key = len(self._threads) + 1
        self._threads[uri] = key
        values = {"uri": uri, "title": title, "closed": closed, "created": created}
        self._new_threads.append({"run": self.run, "key": key, **values})
        return key, found is None

    def known(self, source_ids: Sequence[str]) -> set[str]:
        """Which of these source ids an earlier import (or this one) already stored."""
        if not source_ids:
            return set()
        wanted = list(source_ids)
        st = t.import_staging.c
        s = t.import_sources.c
        with self._read():
            found = set(
                self.conn.scalars(
                    select(st.source_id).where(st.run == self.run, st.source_id.in_(wanted))
                )
            )
            if self.site_id is not None:
                query = select(s.source_id).where(
                    s.site_id == self.site_id, s.format == self.format, s.source_id.in_(wanted)
                )
                found.update(self.conn.scalars(query))
        return found

    def add_comments(self, rows: Sequence[ImportRow]) -> None:
        """Stage comments (top-level for now) with where they came from: one short transaction."""
        values = []
        for row in rows:
            self.staged += 1
            values.append(_staged_values(self.run, self.staged, row))
        with self._write():
            self._stage_threads()
            if values:
                self._executemany(t.import_staging, values)
            self._touch()

    def _stage_threads(self) -> None:
        if self._new_threads:
            self._executemany(t.import_staging_threads, self._new_threads)
            self._new_threads = []

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
        with self._write():
            self._stage_threads()
            self._touch()
        st = t.import_staging.c
        per_thread = (
            select(st.thread, func.count())
            .where(st.run == self.run)
            .group_by(st.thread)
            .order_by(st.thread)
        )
        with self._read():
            sizes = self.conn.execute(per_thread).all()
        for first, last in thread_ranges(sizes, CHUNK):
            with self._write():
                link_threads(self.conn, self.run, first, last, self.site_id, self.format)
                self._touch()
        with self._read():
            replies, wanted = self.conn.execute(
                select(
                    func.count(st.parent_seq) + func.count(st.parent_id),
                    func.count(st.parent_source_id),
                ).where(st.run == self.run)
            ).one()
        return Linked(replies=int(replies), orphans=int(wanted) - int(replies))

    def set_site(self, title: str, settings: dict[str, Any]) -> None:
        """Replace the site's title and settings (native imports) when the import publishes."""
        self._site = (title, settings)

    def add_blocks(self, rows: Sequence[BlockRow]) -> int:
        """Add block-list entries the site does not have yet; return how many."""
        with self._read():
            have = blocks_of(self.conn, self.site_id)
        added = fresh(have, self._blocks, rows)
        self._blocks.extend(added)
        return len(added)

    def add_learning(self, rows: Sequence[LearningRow]) -> int:
        """Add learning-log entries the site does not have yet; return how many."""
        with self._read():
            have = learning_of(self.conn, self.site)
        added = fresh(have, self._learning, rows)
        self._learning.extend(added)
        return len(added)

    def _publish_staged(self) -> None:
        """Make the staged import visible, whole threads a short transaction at a time."""
        with self._write():
            self._stage_threads()
        kept = (self.run, self.site, self.format, self.staged, self._site)
        self.site_id = publish(self.conn, Publication(*kept, self._blocks, self._learning))


def _staged_values(run: str, seq: int, row: ImportRow) -> dict[str, Any]:
    values = vars(row.comment).copy()
    del values["parent_id"]
    values.update(
        run=run,
        seq=seq,
        thread=row.thread_id,
        source_id=row.source_id,
        parent_source_id=row.parent_source_id,
        parent_seq=None,
        parent_id=None,
        root_seq=None,
        root_id=None,
        detail=row.detail,
        state=row.comment.state.value,
        text_hash=text_hash(row.comment.text) if row.comment.text else None,
        modified=row.modified,
        likes=row.likes,
        dislikes=row.dislikes,
        pinned=row.pinned,
    )
    return values
