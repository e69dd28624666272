"""Imports on SQLite or PostgreSQL: :class:`ImportTarget`, one run from start to clean-up.

An import writes in three steps, so that readers keep commenting while it runs
(on SQLite every write transaction locks the whole database):

1. Staging (``store/import_staging.py``), in short transactions (one per
   batch of comments): threads and comments go to ``import_staging_threads``
   and ``import_staging``, which nothing but the import reads.

2. Threading (``store/import_threading.py``), resolved on the staged rows
   a few thousand rows at a time (a reply's parent is on its own thread, so
   thread by thread): ``parent_seq``
   (a parent staged by this run) or ``parent_id`` (a comment of an earlier
   import), then ``root_seq``/``root_id`` by walking each tree down from its
   top with a recursive query. Parents may come after their replies in a file.

3. Publishing (``store/import_publish.py``), in short transactions of whole
   threads (a thread larger than one: of whole conversations), about 2,000
   comments each: the threads, the comments with new ids, their
   ``import_sources`` rows; then the site's title, settings, block list and
   learning log. Readers see each thread appear whole (see that module for
   exactly what they see meanwhile).

A failure or a dry run publishes nothing; a crash before the publish too (a
crash during it leaves the chunks already published, and importing again
adds the rest); the staged rows are
deleted (a crashed process's by the next import, once its run has not been
touched for :data:`STALE` seconds); that clean-up and the run's life are
here. Reading a site back out is ``store/exports.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from sqlalchemy import Connection, Engine, func, select

from causerie.store import schema as t
from causerie.store.exports import PAGE, SqlExportSource
from causerie.store.import_staging import CHUNK, SqlImportSession
from causerie.store.records import CommentRecord

# A run untouched for this long is dead (its process crashed): the next import removes it.
STALE = 600.0


def _discard_quietly(conn: Connection, run: str) -> None:
    """Discard after a failure; if the database is the failure, the next import will."""
    try:
        discard(conn, run)
    except Exception:  # the first error is the one to report
        return


def discard(conn: Connection, run: str) -> None:
    """Delete one run's staged rows, a few thousand per transaction, then the run."""
    st = t.import_staging.c
    sth = t.import_staging_threads.c
    conn.info["write"] = True
    with conn.begin():
        last = int(conn.scalar(select(func.max(st.seq)).where(st.run == run)) or 0)
        threads = int(conn.scalar(select(func.max(sth.key)).where(sth.run == run)) or 0)
    for table, key, top in (
        (t.import_staging, st.seq, last),
        (t.import_staging_threads, sth.key, threads),
    ):
        for low in range(0, top, CHUNK):
            conn.info["write"] = True
            with conn.begin():
                conn.execute(
                    table.delete().where(table.c.run == run, key > low, key <= low + CHUNK)
                )
    conn.info["write"] = True
    with conn.begin():
        conn.execute(t.import_runs.delete().where(t.import_runs.c.run == run))


class SqlImportStore(SqlExportSource):
    """:class:`ImportTarget` on one database (and, through its base, :class:`ExportSource`)."""

    def __init__(
        self, engine: Engine, *, stale: float = STALE, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(engine)
        self.stale = stale
        self.clock = clock

    # -- ImportTarget -------------------------------------------------------------

    def open_import(
        self, site: str, format: str, *, dry_run: bool
    ) -> AbstractContextManager[SqlImportSession]:
        """One import (the site created when it publishes if new): staged as it goes,
        published in short transactions on a clean exit, discarded on an error or a dry run."""
        return self._import(site, format, dry_run)

    @contextmanager
    def _import(self, site: str, format: str, dry_run: bool) -> Iterator[SqlImportSession]:
        self.purge_staging()
        with self.engine.connect() as conn:
            session = SqlImportSession(conn, site, format, self.clock)
            try:
                yield session
                if not dry_run:
                    session._publish_staged()
            except BaseException:
                if conn.in_transaction():
                    conn.rollback()
                _discard_quietly(conn, session.run)
                raise
            discard(conn, session.run)

    def purge_staging(self) -> int:
        """Remove what imports that died (or were published) left staged; return how many runs.

        A run nobody touched for ``stale`` seconds is dead: a live import touches its run
        at every batch."""
        runs = t.import_runs.c
        with self.engine.connect() as conn:
            with conn.begin():
                dead = list(
                    conn.scalars(select(runs.run).where(runs.touched < self.clock() - self.stale))
                )
            for run in dead:
                discard(conn, run)
        return len(dead)

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
                .limit(PAGE)
            )
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
            for row in rows:
                values = dict(row._mapping)
                uri = values.pop("_uri")
                yield CommentRecord(**values), uri
            if len(rows) < PAGE:
                return
            after = rows[-1].id
