"""Step 3 of an import: publishing, in short transactions of whole conversations.

Readers must be able to post while a huge import publishes, and on SQLite a
transaction that writes locks the whole database: so the staged comments go
out in chunks of about :data:`PUBLISH_CHUNK` comments, each its own short
transaction. A chunk is a run of whole threads in the order the file named
them; a thread larger than a chunk goes out a conversation at a time (a
top-level comment with every reply under it, or every reply hanging from one
comment of an earlier import). Within a chunk, comments get new ids
``base + n`` (``base``: the highest id at that moment, ``n`` their rank by
``seq``), so that ``parent_seq`` and ``root_seq`` become ids in the same
``INSERT … SELECT``; a parent is always in its reply's chunk.

What a reader can see meanwhile: each thread appears whole, with all its
imported comments at once, one chunk after another; only a thread with more
than ``PUBLISH_CHUNK`` imported comments shows some of its imported
conversations before the others (each conversation whole). The site's title,
settings, block list and learning log are applied by the last transaction.
A crash between chunks leaves the chunks already published (and the rest
staged, invisible, removed later): importing the file again adds the rest,
each comment once.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    and_,
    case,
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
from causerie.store.import_threading import thread_ranges
from causerie.store.records import BlockRow, LearningRow

# Comments per publishing transaction: a tenth of a second or less of the writer lock each
# on this project's machine (bench/import_speed.py), so a reader's comment barely waits.
PUBLISH_CHUNK = 2000
# SQLite's page cache while publishing, in KiB (memory used only as the publish needs it).
PUBLISH_CACHE_KB = 65_536
# The columns a staged comment gives its published row as they are.
# Set at publish, not copied: ids and threading; and ``identity_id``, since an
# imported comment has no signed-in reader of this server (it stays NULL); the
# newsroom desk's marks start afresh (not featured, no open report, not reviewed).
# An imported comment was moderated where it came from: no toxicity verdict is made up for it.
_NOT_COPIED = (
    "id", "thread_id", "parent_id", "root_id", "identity_id",
    "featured_at", "reports_open", "reviewed",
    "toxicity_score", "toxicity_reasons", "toxicity_flag",
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
    """Make a staged import visible, a chunk at a time (short write locks); the site's id."""
    try:
        with conn.begin():
            st = t.import_staging.c
            staged = conn.scalar(select(func.count()).where(st.run == what.run))
            chunks = plan(conn, what.run)
        if staged != what.staged:
            raise ImportAbandoned(f"import {what.run}: its staged rows were removed")
        site_id = None
        for chunk in chunks:
            site_id = _in_transaction(conn, what, partial(_publish_chunk, conn, what, chunk))
        return _in_transaction(conn, what, partial(_finish, conn, what, site_id))
    except IntegrityError as error:  # a concurrent import of the file, a deleted parent
        raise ImportNotPublished(f"import {what.run}: {error.orig}") from error


@dataclass(frozen=True)
class Chunk:
    """Staged comments published together: threads ``first``…``last`` (by their key in
    the run), or, within one large thread, its conversations ``low``…``high``."""

    first: int
    last: int
    low: int | None = None
    high: int | None = None


def plan(conn: Connection, run: str, size: int | None = None) -> list[Chunk]:
    """The chunks of a run's publish, in the order the file named its threads."""
    size = size or PUBLISH_CHUNK
    st = t.import_staging.c
    per_thread = conn.execute(
        select(st.thread, func.count()).where(st.run == run).group_by(st.thread).order_by(st.thread)
    ).all()
    chunks: list[Chunk] = []
    small: list[Any] = []
    for key, count in per_thread:
        if count <= size:
            small.append((key, count))
            continue
        chunks += [Chunk(a, b) for a, b in thread_ranges(small, size)] if small else []
        small = []
        chunks += _split_thread(conn, run, key, size)
    chunks += [Chunk(a, b) for a, b in thread_ranges(small, size)] if small else []
    return chunks


def _conversation() -> Any:
    """A staged comment's conversation: its top-level ancestor's ``seq`` (its own for a
    top), or minus the earlier import's comment its conversation hangs from."""
    st = t.import_staging.c
    return case((st.root_id.is_not(None), -st.root_id), else_=func.coalesce(st.root_seq, st.seq))


def _split_thread(conn: Connection, run: str, thread: int, size: int) -> list[Chunk]:
    """A thread too large for one chunk, a few whole conversations per chunk."""
    st = t.import_staging.c
    conversation = _conversation()
    sizes = conn.execute(
        select(conversation, func.count())
        .where(st.run == run, st.thread == thread)
        .group_by(conversation)
        .order_by(conversation)
    ).all()
    return [Chunk(thread, thread, low, high) for low, high in thread_ranges(sizes, size)]


def _in_transaction(conn: Connection, what: Publication, work: Callable[[], int]) -> int:
    """One publishing transaction (SQLite: the writer lock), on a run that is still alive."""
    conn.info["write"] = True
    with _big_cache(conn), conn.begin():
        runs = t.import_runs.c
        alive = conn.scalar(select(runs.touched).where(runs.run == what.run, runs.touched > 0))
        if alive is None:
            raise ImportAbandoned(f"import {what.run}: its staged rows were removed")
        result = work()
        conn.execute(update(t.import_runs).where(runs.run == what.run).values(touched=time.time()))
        return result


def _finish(conn: Connection, what: Publication, site_id: int | None) -> int:
    """The last transaction: the site's own rows; then the run is marked published."""
    site_id = site_id if site_id is not None else _site_id(conn, what.site)
    if what.site_values is not None:
        title, settings = what.site_values
        conn.execute(
            update(t.sites)
            .where(t.sites.c.id == site_id)
            .values(title=title, settings=json.dumps(settings, ensure_ascii=False))
        )
    blocks = fresh(blocks_of(conn, site_id), [], what.blocks)
    if blocks:
        values = [{**vars(r), "site_id": site_id} for r in blocks]
        conn.execute(insert(t.blocks), values)
    learning = fresh(learning_of(conn, what.site), [], what.learning)
    if learning:
        values = [{**vars(r), "site": what.site} for r in learning]
        conn.execute(insert(t.spam_learning), values)
    # Published: what is left staged is litter, removed now or by the next import.
    runs = t.import_runs.c
    conn.execute(update(t.import_runs).where(runs.run == what.run).values(touched=0))
    return site_id


def _publish_chunk(conn: Connection, what: Publication, chunk: Chunk) -> int:
    """New threads, then comments and their sources, numbered ``base + rank``."""
    site = _site_id(conn, what.site)
    th = t.threads.c
    sth = t.import_staging_threads.c
    site_id = literal(site, Integer)
    same_thread = and_(th.site_id == site_id, th.uri == sth.uri)
    new_threads = select(site_id, sth.uri, sth.title, sth.closed, sth.created).where(
        sth.run == what.run, sth.key.between(chunk.first, chunk.last), ~exists().where(same_thread)
    )
    conn.execute(
        insert(t.threads).from_select(
            ["site_id", "uri", "title", "closed", "created"], new_threads.order_by(sth.key)
        )
    )
    st = t.import_staging.c
    here = and_(st.run == what.run, st.thread.between(chunk.first, chunk.last))
    if chunk.low is not None:
        here = and_(here, _conversation().between(chunk.low, chunk.high))
    count = int(conn.scalar(select(func.count()).select_from(t.import_staging).where(here)) or 0)
    if not count:
        return site
    base = literal(_reserve_ids(conn, count), Integer)
    # Each comment's new id, written beside it: parents and tops are then found by key.
    numbered = (
        select(st.seq.label("seq"), (base + func.row_number().over(order_by=st.seq)).label("id"))
        .where(here)
        .subquery("numbered")
    )
    conn.execute(
        update(t.import_staging)
        .where(st.run == what.run, st.seq == numbered.c.seq)
        .values(published_id=numbered.c.id)
    )
    parent, root = t.import_staging.alias("parent"), t.import_staging.alias("root")
    rows = (
        t.import_staging.join(
            t.import_staging_threads, and_(sth.run == st.run, sth.key == st.thread)
        )
        .join(t.threads, same_thread)
        .outerjoin(parent, and_(parent.c.run == st.run, parent.c.seq == st.parent_seq))
        .outerjoin(root, and_(root.c.run == st.run, root.c.seq == st.root_seq))
    )
    comments = (
        select(
            st.published_id,
            th.id,
            func.coalesce(parent.c.published_id, st.parent_id),
            func.coalesce(root.c.published_id, st.root_id),
            *(st[name] for name in _COPIED),
        )
        .select_from(rows)
        .where(here)
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
        st.published_id,
        st.parent_source_id,
        st.run,
        st.detail,
    ).where(here)
    conn.execute(
        insert(t.import_sources).from_select([c.name for c in t.import_sources.c], sources)
    )
    return site


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
