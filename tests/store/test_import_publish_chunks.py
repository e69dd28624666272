"""A large import publishes in short transactions: what readers see between two of them.

With a chunk of 3 comments: threads go out whole, in the order the file
named them; a thread with more comments than a chunk goes out one whole
conversation at a time (a top-level comment with its replies, or the
replies hanging from one comment of an earlier import). After every
publishing transaction the published comments are checked as a reader
would find them, and a reader's own comment posted between two chunks
gets an id no imported comment takes. SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from causerie.store import import_publish
from causerie.store import schema as t
from causerie.store.comments import SqlCommentStore
from causerie.store.database import create_database_engine
from causerie.store.imports import SqlImportStore
from causerie.store.records import CommentState, ImportRow, NewComment

# Per thread: (source id, parent source id). /a has 7 comments in three conversations.
FILE = {
    "/a": [("a1", None), ("a2", "a1"), ("a3", "a2"), ("a4", None), ("a5", "a4"), ("a6", None)],
    "/b": [("b1", None), ("b2", "b1")],
    "/c": [("c1", None)],
}


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_database_engine(database_url, sqlite_synchronous="NORMAL")
    yield engine
    engine.dispose()


def _row(source: str, thread: int, parent: str | None) -> ImportRow:
    comment = NewComment(
        parent_id=None,
        state=CommentState.APPROVED,
        author="Samira",
        text=f"comment {source}",
        html=f"<p>comment {source}</p>",
        created=1_700_000_000.0,
    )
    return ImportRow(source, parent, thread, comment)


def _published(engine: Engine) -> dict[str, tuple[str, str | None, str | None]]:
    """source id → (thread uri, parent's source id, top's source id), as readers find them."""
    src, c, th = t.import_sources.c, t.comments.c, t.threads.c
    query = select(src.source_id, th.uri, c.id, c.parent_id, c.root_id).join(
        t.comments, c.id == src.comment_id
    )
    query = query.join(t.threads, th.id == c.thread_id)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    source_of = {r.id: r.source_id for r in rows}
    return {
        r.source_id: (r.uri, source_of.get(r.parent_id), source_of.get(r.root_id)) for r in rows
    }


def _whole(seen: dict[str, tuple[str, str | None, str | None]]) -> None:
    """Each thread of at most a chunk is all there or absent; each conversation is whole."""
    for uri, rows in FILE.items():
        here = [s for s, _ in rows if s in seen]
        if len(rows) <= 3:
            assert here in ([], [s for s, _ in rows]), (uri, here)
        for source, parent in rows:
            if source in seen and parent is not None:
                assert parent in seen, f"{source} is shown without its parent {parent}"
            if parent is not None and parent in seen:
                assert source in seen, f"{parent} is shown without its reply {source}"


def test_a_large_import_goes_out_in_whole_threads_and_conversations(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_publish, "PUBLISH_CHUNK", 3)
    store = SqlImportStore(engine)
    with store.open_import("journal", "disqus", dry_run=False) as s:
        s.thread("/b", "B", False, 1.0)  # threads exist, the comments come later
        keys = {uri: s.thread(uri, uri, False, 1.0)[0] for uri in FILE}
        first = [_row(src, keys[uri], p) for uri, rows in FILE.items() for src, p in rows]
        s.add_comments(first)
        s.link_replies()
    assert _published(engine)["a3"] == ("/a", "a2", "a1")

    # A second import adds replies below the first one's comments, and new threads.
    sizes: list[int] = []
    readers: list[int] = []
    original: Callable[..., int] = import_publish._in_transaction
    comments = SqlCommentStore(engine)
    site = comments.site("journal")
    assert site is not None

    def watched(conn: Any, what: Any, work: Any) -> int:
        result = original(conn, what, work)
        seen = _published(engine)
        _whole(seen)
        sizes.append(len(seen))
        # A reader posts between two publishing transactions.
        new = NewComment(None, CommentState.APPROVED, "Karim", "live", "<p>live</p>", 1.0)
        readers.append(comments.insert_comment(site.id, "/live", "", new).id)
        return result

    monkeypatch.setattr(import_publish, "_in_transaction", watched)
    FILE.update({"/d": [("d1", None), ("d2", "d1")]})
    try:
        with store.open_import("journal", "disqus", dry_run=False) as s:
            keys = {uri: s.thread(uri, uri, False, 1.0)[0] for uri in ("/a", "/d")}
            later = [
                _row("a7", keys["/a"], "a3"),
                _row("a8", keys["/a"], "a6"),
                _row("a9", keys["/a"], None),
                _row("a10", keys["/a"], "a9"),
                _row("a11", keys["/a"], "a9"),
                _row("d1", keys["/d"], None),
                _row("d2", keys["/d"], "d1"),
            ]
            s.add_comments(later)
            s.link_replies()
    finally:
        del FILE["/d"]
    # Several transactions, each adding a few comments: never all at once.
    assert len(sizes) >= 3 and sizes[0] < sizes[-2] == 9 + 7
    seen = _published(engine)
    assert seen["a7"] == ("/a", "a3", "a1")  # below the earlier import's conversation
    assert seen["a8"] == ("/a", "a6", "a6")
    assert seen["a11"] == ("/a", "a9", "a9") and seen["d2"] == ("/d", "d1", "d1")
    with engine.connect() as conn:
        ids = list(conn.scalars(select(t.comments.c.id)))
        assert len(ids) == len(set(ids)) == 16 + len(readers)
        staged = conn.scalar(select(func.count()).select_from(t.import_staging))
    assert staged == 0
