"""The ImportTarget and ExportSource contracts, on SQLite and PostgreSQL.

What importers rely on: rows staged out of sight, then published in one
transaction (nothing on error, in a dry run, or when the run was abandoned),
source ids remembered per site and format, threading resolved at the end
whatever the order of the file, no orphan ever, and other writers' comments
welcome meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, insert, select

from causerie.store import schema as t
from causerie.store.contracts.imports import (
    ImportNotPublished,
)
from causerie.store.database import create_database_engine
from causerie.store.import_publish import ImportAbandoned
from causerie.store.imports import SqlImportStore
from causerie.store.records import BlockRow, CommentState, ImportRow, LearningRow, NewComment


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_database_engine(database_url, sqlite_synchronous="NORMAL")
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: Engine) -> SqlImportStore:
    return SqlImportStore(engine)


def _row(source: str, thread_id: int, parent: str | None = None, **fields: object) -> ImportRow:
    comment = NewComment(
        parent_id=None,
        state=CommentState.APPROVED,
        author="Samira",
        text=f"comment {source}",
        html=f"<p>comment {source}</p>",
        created=1_700_000_000.0 + len(source),
    )
    return ImportRow(source, parent, thread_id, comment, **fields)  # type: ignore[arg-type]


def _count(engine: Engine, table: t.Table = t.comments) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)


def _comments(engine: Engine) -> dict[str, tuple[int, int | None, int | None]]:
    src = t.import_sources.c
    c = t.comments.c
    query = select(src.source_id, c.id, c.parent_id, c.root_id).join(
        t.comments, c.id == src.comment_id
    )
    with engine.connect() as conn:
        return {row[0]: (row[1], row[2], row[3]) for row in conn.execute(query)}


def test_replies_find_parents_written_after_them_and_their_top(
    store: SqlImportStore, engine: Engine
) -> None:
    with store.open_import("journal", "wordpress", dry_run=False) as s:
        thread, new = s.thread("/a", "A", False, 1.0)
        other, _ = s.thread("/b", "B", True, 1.0)
        assert new and s.thread("/a", "ignored", False, 2.0) == (thread, False)
        s.add_comments([_row("3", thread, "2"), _row("2", thread, "1")])
        s.add_comments([_row("1", thread), _row("4", thread, "404"), _row("5", other, "1")])
        linked = s.link_replies()
    assert (linked.replies, linked.orphans) == (2, 2)
    c = _comments(engine)
    assert c["2"][1:] == (c["1"][0], c["1"][0])
    assert c["3"][1:] == (c["2"][0], c["1"][0])
    assert c["4"][1:] == (None, None)  # missing parent: top-level
    assert c["5"][1:] == (None, None)  # parent on another thread: top-level


def test_a_cycle_becomes_top_level_comments(store: SqlImportStore, engine: Engine) -> None:
    with store.open_import("journal", "disqus", dry_run=False) as s:
        thread, _ = s.thread("/a", "A", False, 1.0)
        s.add_comments([_row("a", thread, "b"), _row("b", thread, "a"), _row("c", thread, "c")])
        linked = s.link_replies()
    assert linked.replies == 0
    assert all(parent is None for _, parent, _ in _comments(engine).values())


def test_a_later_import_threads_below_an_earlier_one(store: SqlImportStore, engine: Engine) -> None:
    with store.open_import("journal", "isso", dry_run=False) as s:
        thread, _ = s.thread("/a", "A", False, 1.0)
        s.add_comments([_row("1", thread), _row("2", thread, "1")])
        s.link_replies()
    with store.open_import("journal", "isso", dry_run=False) as s:
        assert s.known(["1", "2", "3"]) == {"1", "2"}
        thread, new = s.thread("/a", "A", False, 1.0)  # keys are per import
        assert not new
        s.add_comments([_row("3", thread, "2")])
        assert s.link_replies().replies == 1
    c = _comments(engine)
    assert c["3"][1:] == (c["2"][0], c["1"][0])


def test_source_ids_are_per_site_and_format(store: SqlImportStore) -> None:
    with store.open_import("journal", "disqus", dry_run=False) as s:
        thread, _ = s.thread("/a", "A", False, 1.0)
        s.add_comments([_row("1", thread)])
    for site, format in (("journal", "isso"), ("other", "disqus")):
        with store.open_import(site, format, dry_run=False) as s:
            assert s.known(["1"]) == set()


def test_a_failure_or_a_dry_run_leaves_nothing(store: SqlImportStore, engine: Engine) -> None:
    with (
        pytest.raises(RuntimeError),
        store.open_import("journal", "wordpress", dry_run=False) as s,
    ):
        thread, _ = s.thread("/a", "A", False, 1.0)
        s.add_comments([_row("1", thread)])
        raise RuntimeError("the file broke here")
    with store.open_import("journal", "wordpress", dry_run=True) as s:
        thread, _ = s.thread("/a", "A", False, 1.0)
        s.add_comments([_row("1", thread)])
        assert s.known(["1"]) == {"1"}
    assert (_count(engine), _count(engine, t.threads), _count(engine, t.import_sources)) == (
        0,
        0,
        0,
    )
    assert store.site("journal") is None
    assert _staged(engine) == (0, 0, 0)


def _staged(engine: Engine) -> tuple[int, int, int]:
    return (
        _count(engine, t.import_staging),
        _count(engine, t.import_staging_threads),
        _count(engine, t.import_runs),
    )


def _reader_comment(engine: Engine, thread_id: int) -> int:
    """A comment posted by a reader (through its own transaction), its id."""
    values = {**vars(_row("x", thread_id).comment), "state": "approved", "thread_id": thread_id}
    with engine.begin() as conn:
        return int(conn.execute(insert(t.comments).returning(t.comments.c.id), values).scalar_one())


def test_readers_comment_during_an_import_and_ids_never_collide(
    store: SqlImportStore, engine: Engine
) -> None:
    with store.open_import("journal", "wordpress", dry_run=False) as s:
        thread, _ = s.thread("/a", "A", False, 1.0)
        s.add_comments([_row("1", thread), _row("2", thread, "1")])
        s.link_replies()
    [live] = list(store.threads(store.site("journal").id))  # type: ignore[union-attr]
    with store.open_import("journal", "wordpress", dry_run=False) as s:
        thread, _ = s.thread("/a", "A", False, 1.0)
        s.add_comments([_row("3", thread, "2"), _row("4", thread, "3")])
        before = _reader_comment(engine, live.id)  # between two staged batches
        s.add_comments([_row("5", thread, "4")])
        assert s.link_replies().replies == 3
        assert _count(engine) == 3  # staged rows are nobody's comments yet
    after = _reader_comment(engine, live.id)
    c = _comments(engine)
    assert before < c["3"][0] < c["4"][0] < c["5"][0] < after
    assert c["5"][1:] == (c["4"][0], c["1"][0])
    assert _count(engine) == 7 and _staged(engine) == (0, 0, 0)


def test_an_abandoned_run_publishes_nothing(engine: Engine) -> None:
    store = SqlImportStore(engine)
    with pytest.raises(ImportAbandoned), store.open_import("journal", "isso", dry_run=False) as s:
        thread, _ = s.thread("/a", "A", False, 1.0)
        s.add_comments([_row("1", thread)])
        # Idle for longer than the staleness limit: another import removes its rows.
        assert SqlImportStore(engine, stale=-1.0).purge_staging() == 1
        s.add_comments([_row("2", thread)])
    assert (_count(engine), _count(engine, t.threads), _staged(engine)) == (0, 0, (0, 0, 0))


def test_two_imports_of_one_file_at_once_publish_it_once(engine: Engine) -> None:
    store = SqlImportStore(engine)
    second_import = store.open_import("journal", "isso", dry_run=False)
    with store.open_import("journal", "isso", dry_run=False) as first:
        thread, _ = first.thread("/a", "A", False, 1.0)
        first.add_comments([_row("1", thread)])
        # The same file, started before the first one published: both stage the row.
        second = second_import.__enter__()
        other, _ = second.thread("/a", "A", False, 1.0)
        second.add_comments([_row("1", other)])
    # The first one published on leaving its block; the second one cannot, and says so.
    with pytest.raises(ImportNotPublished):
        second_import.__exit__(None, None, None)
    assert _count(engine) == 1 and _staged(engine) == (0, 0, 0)


def test_what_was_imported_and_exported_reads_back(store: SqlImportStore) -> None:
    block = BlockRow("email", "x@spam.example", "", 1.0, None, "admin@journal.exemple")
    learned = LearningRow(True, '{"content": "spam"}', "moderator", 2.0)
    with store.open_import("journal", "native", dry_run=False) as s:
        s.set_site("Le Journal", {"moderation": "all"})
        thread, _ = s.thread("/a", "A", False, 1.0)
        s.add_comments([_row("1", thread, detail='{"akismet": {"akismet_result": "true"}}')])
        assert (s.add_blocks([block, block]), s.add_learning([learned])) == (1, 1)
        assert (s.add_blocks([block]), s.add_learning([learned])) == (0, 0)
        run = s.run
    site = store.site("journal")
    assert (
        site is not None and site.title == "Le Journal" and site.settings == {"moderation": "all"}
    )
    [found] = list(store.threads(site.id))
    [comment] = store.comments(found.id)
    assert store.sources(found.id) == {comment.id: '{"akismet": {"akismet_result": "true"}}'}
    assert [(c.id, uri) for c, uri in store.imported(run)] == [(comment.id, "/a")]
    assert store.blocks(site.id) == [block]
    assert list(store.learning("journal")) == [learned]


def test_staging_holds_every_column_an_import_copies_into_comments() -> None:
    # A column added to comments must be staged too, or be named as not imported.
    from causerie.store.import_publish import _NOT_COPIED

    staged = {c.name for c in t.import_staging.c}
    missing = [c.name for c in t.comments.c if c.name not in _NOT_COPIED and c.name not in staged]
    assert missing == []
    assert "identity_id" in _NOT_COPIED and "identity_id" in t.comments.c
