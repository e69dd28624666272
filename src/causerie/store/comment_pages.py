"""What a reader is shown of a thread: visibility, order, pages, counts.

Top-level comments a page at a time (pinned first, then by the chosen order
with a keyset cursor), the replies below them, and the approved counts of
pages. Which comment a reader may see lives here: approved ones, her own held
ones, deleted ones that still have live replies. :class:`CommentPages` is a
base of ``SqlCommentStore`` (``store/comments.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from causerie.store import schema as t
from causerie.store.database import padded
from causerie.store.records import CommentRecord, Cursor, Sort
from causerie.store.schema import CommentState


class CommentPages:
    """The reading side of the comment store: pages of a thread and counts."""

    engine: Engine

    def roots_page(
        self,
        thread_id: int,
        sort: Sort,
        after: Cursor | None,
        limit: int,
        own_ids: Sequence[int] = (),
    ) -> list[CommentRecord]:
        """One page of top-level comments visible to this reader, pinned first."""
        c = t.comments.c
        base = select(t.comments).where(
            c.thread_id == thread_id, c.parent_id.is_(None), _visible(own_ids)
        )
        order = _order(sort)
        rest = base.where(c.pinned.is_(False))
        if after is not None:
            rest = rest.where(_after(sort, after))
        with self.engine.connect() as conn:
            # Pinned ones apart: the others then come in index order, no sort of the thread.
            pinned = (
                []
                if after
                else conn.execute(
                    base.where(c.pinned.is_(True)).order_by(*order).limit(limit)
                ).all()
            )
            rows = conn.execute(rest.order_by(*order).limit(limit - len(pinned))).all()
        return [CommentRecord(**r._mapping) for r in [*pinned, *rows]]

    def replies(self, root_ids: Sequence[int], own_ids: Sequence[int] = ()) -> list[CommentRecord]:
        """Every visible reply below these top-level comments, oldest first."""
        if not root_ids:
            return []
        c = t.comments.c
        query = (
            select(t.comments)
            .where(c.root_id.in_(padded(root_ids)), _visible(own_ids))
            .order_by(c.created, c.id)
        )
        with self.engine.connect() as conn:
            return [CommentRecord(**r._mapping) for r in conn.execute(query)]

    def featured(self, thread_id: int, limit: int) -> list[CommentRecord]:
        """A thread's featured approved comments, the most recently featured first."""
        c = t.comments.c
        query = (
            select(t.comments)
            .where(
                c.thread_id == thread_id,
                c.featured_at.is_not(None),
                c.state == CommentState.APPROVED,
            )
            .order_by(c.featured_at.desc(), c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [CommentRecord(**r._mapping) for r in conn.execute(query)]

    def count_approved(self, thread_id: int) -> int:
        """How many approved comments a thread has."""
        c = t.comments.c
        with self.engine.connect() as conn:
            return int(
                conn.scalar(
                    select(func.count())
                    .select_from(t.comments)
                    .where(c.thread_id == thread_id, c.state == CommentState.APPROVED)
                )
                or 0
            )

    def counts(self, site_id: int, uris: Iterable[str]) -> dict[str, int]:
        """Approved-comment counts for several pages of a site (0 for unknown pages)."""
        wanted = list(dict.fromkeys(uris))
        result = dict.fromkeys(wanted, 0)
        if not wanted:
            return result
        c = t.comments.c
        query = (
            select(t.threads.c.uri, func.count(c.id))
            .select_from(t.threads.join(t.comments, c.thread_id == t.threads.c.id))
            .where(
                t.threads.c.site_id == site_id,
                t.threads.c.uri.in_(padded(wanted)),
                c.state == CommentState.APPROVED,
            )
            .group_by(t.threads.c.uri)
        )
        with self.engine.connect() as conn:
            for uri, count in conn.execute(query):
                result[uri] = int(count)
        return result


def _visible(own_ids: Sequence[int]) -> ColumnElement[bool]:
    """Approved comments, the reader's own held ones, deleted ones with live replies."""
    if not own_ids:
        return _VISIBLE_TO_ALL
    return _visibility(own_ids)


def _visibility(own_ids: Sequence[int]) -> ColumnElement[bool]:
    c = t.comments.c
    child = t.comments.alias("child")
    # Two EXISTS, each answered from an index (parent_id, root_id), not one OR scan.
    has_live_child = or_(
        select(child.c.id)
        .where(child.c.parent_id == c.id, child.c.state == CommentState.APPROVED)
        .exists(),
        select(child.c.id)
        .where(child.c.root_id == c.id, child.c.state == CommentState.APPROVED)
        .exists(),
    )
    clauses: list[ColumnElement[bool]] = [
        c.state == CommentState.APPROVED,
        and_(c.state == CommentState.DELETED, has_live_child),
    ]
    if own_ids:
        # Held for spam or for moderation, the author sees the same thing: their own comment
        # awaiting review (the API shows both as "pending"; the verdict is the moderators').
        held = c.state.in_([CommentState.PENDING, CommentState.SPAM])
        clauses.append(and_(held, c.id.in_(padded(own_ids))))
    return or_(*clauses)


# Built once: most reads carry no tokens, and building this clause costs milliseconds.
_VISIBLE_TO_ALL = _visibility(())


def _score() -> ColumnElement[int]:
    return t.comments.c.likes - t.comments.c.dislikes


def _order(sort: Sort) -> list[ColumnElement[Any]]:
    c = t.comments.c
    if sort == "newest":
        return [c.created.desc(), c.id.desc()]
    if sort == "top":
        return [_score().desc(), c.created.asc(), c.id.asc()]
    return [c.created.asc(), c.id.asc()]


def _after(sort: Sort, cursor: Cursor) -> ColumnElement[bool]:
    """Keyset condition: rows strictly after the cursor in the sort order."""
    c = t.comments.c
    if sort == "top":
        score, created, ident = cursor
        return or_(
            _score() < score,
            and_(_score() == score, c.created > created),
            and_(_score() == score, c.created == created, c.id > ident),
        )
    created, ident = cursor
    if sort == "newest":
        return or_(c.created < created, and_(c.created == created, c.id < ident))
    return or_(c.created > created, and_(c.created == created, c.id > ident))
