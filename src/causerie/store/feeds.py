"""The reads behind feeds and the "latest comments" block: approved comments, newest first."""

from __future__ import annotations

from sqlalchemy import Engine, select

from causerie.store import schema as t
from causerie.store.records import CommentRecord, CommentState, FeedItem


class SqlFeedStore:
    """Reads ``comments`` joined to ``threads``; writes nothing."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def latest_approved(self, site_id: int, thread_id: int | None, limit: int) -> list[FeedItem]:
        """Approved comments, newest first, of a thread (or of the whole site when None)."""
        c = t.comments.c
        query = (
            select(t.comments, t.threads.c.uri, t.threads.c.title.label("thread_title"))
            .select_from(t.comments.join(t.threads, t.threads.c.id == c.thread_id))
            .where(t.threads.c.site_id == site_id, c.state == CommentState.APPROVED)
            .order_by(c.created.desc(), c.id.desc())
            .limit(limit)
        )
        if thread_id is not None:
            query = query.where(c.thread_id == thread_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        items = []
        for row in rows:
            data = dict(row._mapping)
            uri, title = data.pop("uri"), data.pop("thread_title")
            items.append(FeedItem(CommentRecord(**data), uri, title))
        return items
