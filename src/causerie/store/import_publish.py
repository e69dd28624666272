"""Step 3 of an import: publishing, in ONE transaction (see ``store/imports.py``).

The run's new threads, then every staged comment with the id ``base + seq``
(``base``: the highest id at that moment, so ``parent_seq`` and ``root_seq``
become ids in the same ``INSERT … SELECT``), its ``import_sources`` row, the
site's title, settings, block list and learning log. Readers see all of it
or nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    and_,
    exists,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from causerie.store import schema as t
from causerie.store.contracts.imports import ImportNotPublished
from causerie.store.records import BlockRow, LearningRow

# SQLite's page cache while publishing, in KiB (memory used only as the publish needs it).
PUBLISH_CACHE_KB = 65_536
# The columns a staged comment gives its published row as they are.
# Set at publish, not copied: ids and threading; and ``identity_id``, since an
# imported comment has no signed-in reader of this server (it stays NULL); the
# newsroom desk's marks start afresh (not featured, no open report, not reviewed).
_NOT_COPIED = (
    "id", "thread_id", "parent_id", "root_id", "identity_id",
    "featured_at", "reports_open", "reviewed",
)  # fmt: skip
_COPIED = [c.name for c in t.comments.c if c.name not in _NOT_COPIED]


class ImportAbandoned(ImportNotPublished):
    """The run's staged rows were removed before it published (it was idle for too long)."""


@dataclass(frozen=True)
class Publication:
    """What one run publishes: its staged rows (found by ``run``) and what it kept in memory."""

    run: str
    site: str
    format: str
    staged: int  # comments staged: their ``seq`` runs from 1 to this
    site_values: tuple[str, dict[str, Any]] | None  # title and settings (native imports)
    blocks: Sequence[BlockRow]
    learning: Sequence[LearningRow]


def publish(conn: Connection, what: Publication) -> int:
    """Make a staged import visible: ONE transaction (the only long write lock); the site's id."""
    try:
        return _publish(conn, what)
    except IntegrityError as error:  # a concurrent import of the file, a deleted parent
        raise ImportNotPublished(f"import {what.run}: {error.orig}") from error


def _publish(conn: Connection, what: Publication) -> int:
    conn.info["write"] = True  # SQLite: take the writer lock at BEGIN
    with _big_cache(conn), conn.begin():
        runs = t.import_runs.c
        alive = conn.scalar(select(runs.touched).where(runs.run == what.run, runs.touched > 0))
        st = t.import_staging.c
        count = select(func.count()).select_from(t.import_staging).where(st.run == what.run)
        if alive is None or conn.scalar(count) != what.staged:
            raise ImportAbandoned(f"import {what.run}: its staged rows were removed")
        site_id = _site_id(conn, what.site)
        if what.site_values is not None:
            title, settings = what.site_values
            conn.execute(
                update(t.sites)
                .where(t.sites.c.id == site_id)
                .values(title=title, settings=json.dumps(settings, ensure_ascii=False))
            )
        _publish_comments(conn, what, site_id)
        blocks = fresh(blocks_of(conn, site_id), [], what.blocks)
        if blocks:
            values = [{**vars(r), "site_id": site_id} for r in blocks]
            conn.execute(insert(t.blocks), values)
        learning = fresh(learning_of(conn, what.site), [], what.learning)
        if learning:
            values = [{**vars(r), "site": what.site} for r in learning]
            conn.execute(insert(t.spam_learning), values)
        # Published: what is left staged is litter, removed now or by the next import.
        conn.execute(update(t.import_runs).where(runs.run == what.run).values(touched=0))
    return site_id


def _publish_comments(conn: Connection, what: Publication, site: int) -> None:
    """New threads, then comments and their sources, ids ``base + seq``."""
    th = t.threads.c
    sth = t.import_staging_threads.c
    site_id = literal(site, Integer)
    same_thread = and_(th.site_id == site_id, th.uri == sth.uri)
    new_threads = select(site_id, sth.uri, sth.title, sth.closed, sth.created).where(
        sth.run == what.run, ~exists().where(same_thread)
    )
    conn.execute(
        insert(t.threads).from_select(
            ["site_id", "uri", "title", "closed", "created"], new_threads.order_by(sth.key)
        )
    )
    if not what.staged:
        return
    base = literal(_reserve_ids(conn, what.staged), Integer)
    st = t.import_staging.c
    comments = (
        select(
            base + st.seq,
            th.id,
            func.coalesce(base + st.parent_seq, st.parent_id),
            func.coalesce(base + st.root_seq, st.root_id),
            *(st[name] for name in _COPIED),
        )
        .select_from(
            t.import_staging.join(
                t.import_staging_threads, and_(sth.run == st.run, sth.key == st.thread)
            ).join(t.threads, same_thread)
        )
        .where(st.run == what.run)
        .order_by(st.seq)
    )
    conn.execute(
        insert(t.comments).from_select(
            ["id", "thread_id", "parent_id", "root_id", *_COPIED], comments
        )
    )
    sources = select(
        site_id,
        literal(what.format),
        st.source_id,
        base + st.seq,
        st.parent_source_id,
        st.run,
        st.detail,
    ).where(st.run == what.run)
    conn.execute(
        insert(t.import_sources).from_select([c.name for c in t.import_sources.c], sources)
    )


def fresh(have: set[tuple[Any, ...]], pending: Sequence[Any], rows: Sequence[Any]) -> list[Any]:
    """The rows neither stored (``have``) nor already pending; the same twice counts once."""
    seen = have | {_identity_of(r) for r in pending}
    found = []
    for row in rows:
        if _identity_of(row) not in seen:
            seen.add(_identity_of(row))
            found.append(row)
    return found


def blocks_of(conn: Connection, site_id: int | None) -> set[tuple[Any, ...]]:
    """(kind, value) of the site's block-list entries."""
    if site_id is None:
        return set()
    b = t.blocks.c
    return {tuple(r) for r in conn.execute(select(b.kind, b.value).where(b.site_id == site_id))}


def learning_of(conn: Connection, site: str) -> set[tuple[Any, ...]]:
    """(created, sample) of the site's learning-log entries."""
    sl = t.spam_learning.c
    return {tuple(r) for r in conn.execute(select(sl.created, sl.sample).where(sl.site == site))}


def _identity_of(row: BlockRow | LearningRow) -> tuple[Any, ...]:
    if isinstance(row, BlockRow):
        return (row.kind, row.value)
    return (row.created, row.sample)


@contextmanager
def _big_cache(conn: Connection) -> Iterator[None]:
    """SQLite: a page cache of up to PUBLISH_CACHE_KB while publishing (given back after).

    The new rows land all over eight indexes of ``comments``; with the default 2 MB
    cache the transaction spills and rereads pages, and holds the lock twice as long."""
    if conn.dialect.name != "sqlite":
        yield
        return
    cursor = conn.connection.cursor()  # the driver's: a PRAGMA opens no transaction
    try:
        before = int(cursor.execute("PRAGMA cache_size").fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{PUBLISH_CACHE_KB}")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {before}")
    finally:
        cursor.close()


def _reserve_ids(conn: Connection, count: int) -> int:
    """The id before ``count`` new comment ids nobody else takes (inside the publish)."""
    if conn.dialect.name == "postgresql":
        # Writers of comments wait for this transaction; readers do not.
        conn.execute(text("LOCK TABLE comments IN EXCLUSIVE MODE"))
        sequence = func.pg_get_serial_sequence("comments", "id")
        first = int(conn.scalar(select(func.nextval(sequence))) or 0)
        conn.execute(select(func.setval(sequence, first + count - 1)))
        return first - 1
    # SQLite (no AUTOINCREMENT): under the write lock the next rowid is max + 1.
    return int(conn.scalar(select(func.max(t.comments.c.id))) or 0)


def _site_id(conn: Connection, name: str) -> int:
    found = conn.scalar(select(t.sites.c.id).where(t.sites.c.name == name))
    if found is not None:
        return int(found)
    created = insert(t.sites).values(name=name, title="", settings="{}", created=time.time())
    return int(conn.execute(created.returning(t.sites.c.id)).scalar_one())
