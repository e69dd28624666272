"""Exports on SQLite or PostgreSQL: :class:`ExportSource`, read in pages.

What ``causerie export`` (``importers/native.py``, ``importers/wordpress.py``)
reads of a site: its threads a page at a time, each thread's comments in any
state, the source details imports kept, the block list and the learning log.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Engine, literal_column, select

from causerie.store import schema as t
from causerie.store.comments import SqlCommentStore
from causerie.store.records import BlockRow, CommentRecord, LearningRow, SiteRecord, ThreadRecord

# Rows per export query: a large site streams in pages of this many threads.
PAGE = 500


class SqlExportSource:
    """:class:`ExportSource` on one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sites = SqlCommentStore(engine)

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
                .limit(PAGE)
            )
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
            yield from (ThreadRecord(**r._mapping) for r in rows)
            if len(rows) < PAGE:
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
