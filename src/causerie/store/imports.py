"""Imports and exports on SQLite or PostgreSQL: :class:`ImportTarget` and :class:`ExportSource`.

An import writes in three steps, so that readers keep commenting while it runs
(on SQLite every write transaction locks the whole database):

1. Staging, in short transactions (one per batch of comments): threads and
   comments go to ``import_staging_threads`` and ``import_staging``, which
   nothing but the import reads. A staged comment::

       run='c0ffee…' seq=17 thread=3 source_id='4711' parent_source_id='4702' state=…

2. Threading, resolved on the staged rows a few thousand rows at a time (a
   reply's parent is on its own thread, so thread by thread): ``parent_seq``
   (a parent staged by this run) or ``parent_id`` (a comment of an earlier
   import), then ``root_seq``/``root_id`` by walking each tree down from its
   top with a recursive query. Parents may come after their replies in a file.

3. Publishing, ONE transaction: the run's new threads, then every staged
   comment with the id ``base + seq`` (``base``: the highest id at that
   moment, so ``parent_seq`` and ``root_seq`` become ids in the same
   ``INSERT … SELECT``), its ``import_sources`` row, the site's title,
   settings, block list and learning log. Readers see all of it or nothing.

A failure, a dry run or a crash publishes nothing; the staged rows are
deleted (a crashed process's by the next import, once its run has not been
touched for :data:`STALE` seconds).
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    RootTransaction,
    Table,
    and_,
    bindparam,
    case,
    exists,
    func,
    insert,
    literal,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from causerie.store import schema as t
from causerie.store.comments import SqlCommentStore, text_hash
from causerie.store.contracts.imports import ImportNotPublished
from causerie.store.records import (
    BlockRow,
    CommentRecord,
    ImportRow,
    LearningRow,
    Linked,
    SiteRecord,
    ThreadRecord,
)

_THREAD_ID = select(t.threads.c.id).where(
    t.threads.c.site_id == bindparam("site_id"), t.threads.c.uri == bindparam("uri")
)
# Rows per export query: a large site streams in pages of this many threads.
_PAGE = 500
# Staged rows per threading or clean-up transaction: milliseconds of the write lock each.
CHUNK = 5000
# A run untouched for this long is dead (its process crashed): the next import removes it.
STALE = 600.0
# SQLite's page cache while publishing, in KiB (memory used only as the publish needs it).
PUBLISH_CACHE_KB = 65_536
# The columns a staged comment gives its published row as they are.
# Set at publish, not copied: ids and threading; and ``identity_id``, since an
# imported comment has no signed-in reader of this server (it stays NULL).
_NOT_COPIED = ("id", "thread_id", "parent_id", "root_id", "identity_id")
_COPIED = [c.name for c in t.comments.c if c.name not in _NOT_COPIED]


class ImportAbandoned(ImportNotPublished):
    """The run's staged rows were removed before it published (it was idle for too long)."""


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
        for first, last in _ranges(sizes, CHUNK):
            with self._write():
                _link_threads(self.conn, self.run, first, last, self.site_id, self.format)
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
            have = _blocks_of(self.conn, self.site_id)
        fresh = _fresh(have, self._blocks, rows)
        self._blocks.extend(fresh)
        return len(fresh)

    def add_learning(self, rows: Sequence[LearningRow]) -> int:
        """Add learning-log entries the site does not have yet; return how many."""
        with self._read():
            have = _learning_of(self.conn, self.site)
        fresh = _fresh(have, self._learning, rows)
        self._learning.extend(fresh)
        return len(fresh)

    def _publish_staged(self) -> None:
        """Make the staged import visible: ONE transaction (the only long write lock)."""
        with self._write():
            self._stage_threads()
        try:
            self._publish()
        except IntegrityError as error:  # a concurrent import of the file, a deleted parent
            raise ImportNotPublished(f"import {self.run}: {error.orig}") from error

    def _publish(self) -> None:
        with _big_cache(self.conn), self._write():
            runs = t.import_runs.c
            alive = self.conn.scalar(
                select(runs.touched).where(runs.run == self.run, runs.touched > 0)
            )
            st = t.import_staging.c
            count = select(func.count()).select_from(t.import_staging).where(st.run == self.run)
            if alive is None or self.conn.scalar(count) != self.staged:
                raise ImportAbandoned(f"import {self.run}: its staged rows were removed")
            self.site_id = _site_id(self.conn, self.site)
            if self._site is not None:
                title, settings = self._site
                self.conn.execute(
                    update(t.sites)
                    .where(t.sites.c.id == self.site_id)
                    .values(title=title, settings=json.dumps(settings, ensure_ascii=False))
                )
            self._publish_comments()
            blocks = _fresh(_blocks_of(self.conn, self.site_id), [], self._blocks)
            if blocks:
                values = [{**vars(r), "site_id": self.site_id} for r in blocks]
                self.conn.execute(insert(t.blocks), values)
            learning = _fresh(_learning_of(self.conn, self.site), [], self._learning)
            if learning:
                values = [{**vars(r), "site": self.site} for r in learning]
                self.conn.execute(insert(t.spam_learning), values)
            # Published: what is left staged is litter, removed now or by the next import.
            self.conn.execute(update(t.import_runs).where(runs.run == self.run).values(touched=0))

    def _publish_comments(self) -> None:
        """New threads, then comments and their sources, ids ``base + seq``."""
        conn = self.conn
        th = t.threads.c
        sth = t.import_staging_threads.c
        site_id = literal(self.site_id, Integer)
        same_thread = and_(th.site_id == site_id, th.uri == sth.uri)
        new_threads = select(site_id, sth.uri, sth.title, sth.closed, sth.created).where(
            sth.run == self.run, ~exists().where(same_thread)
        )
        conn.execute(
            insert(t.threads).from_select(
                ["site_id", "uri", "title", "closed", "created"], new_threads.order_by(sth.key)
            )
        )
        if not self.staged:
            return
        base = literal(_reserve_ids(conn, self.staged), Integer)
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
            .where(st.run == self.run)
            .order_by(st.seq)
        )
        conn.execute(
            insert(t.comments).from_select(
                ["id", "thread_id", "parent_id", "root_id", *_COPIED], comments
            )
        )
        sources = select(
            site_id,
            literal(self.format),
            st.source_id,
            base + st.seq,
            st.parent_source_id,
            st.run,
            st.detail,
        ).where(st.run == self.run)
        conn.execute(
            insert(t.import_sources).from_select([c.name for c in t.import_sources.c], sources)
        )


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


def _fresh(have: set[tuple[Any, ...]], pending: Sequence[Any], rows: Sequence[Any]) -> list[Any]:
    """The rows neither stored (``have``) nor already pending; the same twice counts once."""
    seen = have | {_identity_of(r) for r in pending}
    fresh = []
    for row in rows:
        if _identity_of(row) not in seen:
            seen.add(_identity_of(row))
            fresh.append(row)
    return fresh


def _blocks_of(conn: Connection, site_id: int | None) -> set[tuple[Any, ...]]:
    """(kind, value) of the site's block-list entries."""
    if site_id is None:
        return set()
    b = t.blocks.c
    return {tuple(r) for r in conn.execute(select(b.kind, b.value).where(b.site_id == site_id))}


def _learning_of(conn: Connection, site: str) -> set[tuple[Any, ...]]:
    """(created, sample) of the site's learning-log entries."""
    sl = t.spam_learning.c
    return {tuple(r) for r in conn.execute(select(sl.created, sl.sample).where(sl.site == site))}


def _identity_of(row: BlockRow | LearningRow) -> tuple[Any, ...]:
    if isinstance(row, BlockRow):
        return (row.kind, row.value)
    return (row.created, row.sample)


def _ranges(sizes: Sequence[Any], chunk: int) -> Iterator[tuple[int, int]]:
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


def _link_threads(
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


class SqlImportStore:
    """:class:`ImportTarget` and :class:`ExportSource` on one database."""

    def __init__(
        self, engine: Engine, *, stale: float = STALE, clock: Callable[[], float] = time.time
    ) -> None:
        self.engine = engine
        self.stale = stale
        self.clock = clock
        self._sites = SqlCommentStore(engine)

    # -- ImportTarget -------------------------------------------------------------

    def open_import(
        self, site: str, format: str, *, dry_run: bool
    ) -> AbstractContextManager[SqlImportSession]:
        """One import (the site created when it publishes if new): staged as it goes,
        published in one transaction on a clean exit, discarded on an error or a dry run."""
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
                .limit(_PAGE)
            )
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
            for row in rows:
                values = dict(row._mapping)
                uri = values.pop("_uri")
                yield CommentRecord(**values), uri
            if len(rows) < _PAGE:
                return
            after = rows[-1].id

    # -- ExportSource -------------------------------------------------------------

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
                .limit(_PAGE)
            )
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
            yield from (ThreadRecord(**r._mapping) for r in rows)
            if len(rows) < _PAGE:
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
