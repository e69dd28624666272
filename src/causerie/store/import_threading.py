"""Step 2 of an import: who answers whom, resolved on the staged rows (see ``store/imports.py``).

A staged reply names its parent by source id; here it gets ``parent_seq`` (a
parent staged by the same run) or ``parent_id`` (a comment of an earlier
import of the same site and format, same thread), then ``root_seq``/``root_id``
by walking each tree down from its top with a recursive query. Parents may
come after their replies in a file; a cycle becomes top-level comments. Work
goes thread by thread, a few thousand staged rows per transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, and_, case, func, select, update

from causerie.store import schema as t


def thread_ranges(sizes: Sequence[Any], chunk: int) -> Iterator[tuple[int, int]]:
    """Ranges of thread keys holding about ``chunk`` staged rows each (one thread at least)."""
    first = None
    rows = 0
    for key, count in sizes:
        if first is None:
            first = key
        rows += count
        if rows >= chunk:
            yield first, key
            first, rows = None, 0
    if first is not None:
        yield first, sizes[-1][0]


def link_threads(
    conn: Connection, run: str, first: int, last: int, site_id: int | None, format: str
) -> None:
    """Threading of the comments staged on threads ``first``…``last``."""
    st = t.import_staging
    here = and_(st.c.run == run, st.c.thread.between(first, last))
    wanted = and_(here, st.c.parent_source_id.is_not(None))
    parent = t.import_staging.alias("parent")
    in_run = (
        select(parent.c.seq)
        .where(
            parent.c.run == run,
            parent.c.source_id == st.c.parent_source_id,
            parent.c.thread == st.c.thread,
            parent.c.seq != st.c.seq,
        )
        .scalar_subquery()
    )
    conn.execute(update(st).where(wanted).values(parent_seq=in_run))
    if site_id is not None:
        _link_to_earlier(conn, run, and_(wanted, st.c.parent_seq.is_(None)), site_id, format)
    _set_roots(conn, run, here)
    # What is left without a top is a cycle (or hangs below one): made top-level.
    broken = and_(
        here, st.c.parent_seq.is_not(None), st.c.root_seq.is_(None), st.c.root_id.is_(None)
    )
    conn.execute(update(st).where(broken).values(parent_seq=None))


def _link_to_earlier(conn: Connection, run: str, where: Any, site_id: int, format: str) -> None:
    """Replies to a comment of an earlier import of the same site and format, same thread."""
    st = t.import_staging
    src = t.import_sources
    c = t.comments
    sth = t.import_staging_threads
    th = t.threads
    earlier = (
        select(c.c.id, func.coalesce(c.c.root_id, c.c.id).label("root"))
        .select_from(src.join(c, c.c.id == src.c.comment_id))
        .join(th, th.c.id == c.c.thread_id)
        .join(sth, and_(sth.c.uri == th.c.uri, sth.c.run == run, sth.c.key == st.c.thread))
        .where(
            src.c.site_id == site_id,
            src.c.format == format,
            src.c.source_id == st.c.parent_source_id,
            th.c.site_id == site_id,
        )
    )
    conn.execute(
        update(st)
        .where(where)
        .values(
            parent_id=earlier.with_only_columns(c.c.id).scalar_subquery(),
            root_id=earlier.with_only_columns(func.coalesce(c.c.root_id, c.c.id)).scalar_subquery(),
        )
    )


def _set_roots(conn: Connection, run: str, here: Any) -> None:
    """``root_seq``/``root_id`` of the staged replies: walk each tree from its top."""
    st = t.import_staging
    # Tops: top-level comments (their own top) and replies to an earlier import's comment.
    tops = (
        select(
            st.c.seq.label("seq"),
            st.c.thread.label("thread"),
            case((st.c.parent_id.is_(None), st.c.seq), else_=None).label("root_seq"),
            st.c.root_id.label("root_id"),
        )
        .where(here, st.c.parent_seq.is_(None))
        .cte("tree", recursive=True)
    )
    child = t.import_staging.alias("child")
    tree = tops.union_all(
        select(child.c.seq, child.c.thread, tops.c.root_seq, tops.c.root_id).where(
            child.c.run == run, child.c.thread == tops.c.thread, child.c.parent_seq == tops.c.seq
        )
    )
    conn.execute(
        update(st)
        .where(st.c.run == run, st.c.seq == tree.c.seq, st.c.parent_seq.is_not(None))
        .values(root_seq=tree.c.root_seq, root_id=tree.c.root_id)
    )
