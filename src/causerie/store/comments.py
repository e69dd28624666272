"""The comment store: every operation the server needs, on SQLite or PostgreSQL.

Each public method is one short transaction. Writers on SQLite take the write
lock at ``BEGIN`` (``BEGIN IMMEDIATE``) so that concurrent writers queue up
instead of failing half-way.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    case,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from causerie.store import schema as t
from causerie.store.batching import GroupCommit
from causerie.store.database import write_transaction
from causerie.store.erasure import Erasure
from causerie.store.outbox import add_comment_events
from causerie.store.records import (
    Activity,
    CommentRecord,
    Cursor,
    NewComment,
    SiteRecord,
    Sort,
    TextChange,
    ThreadRecord,
)
from causerie.store.schema import CommentState

SITE_CACHE_SECONDS = 5.0
THREAD_CACHE_SECONDS = 5.0
THREAD_CACHE_SIZE = 10_000

# Statements of the hot paths, built once (SQLAlchemy then reuses their compiled form).
_SITE_BY_NAME = select(t.sites).where(t.sites.c.name == bindparam("name"))
_THREAD_BY_URI = select(t.threads).where(
    t.threads.c.site_id == bindparam("site_id"), t.threads.c.uri == bindparam("uri")
)
_INSERT_COMMENT = insert(t.comments).returning(*t.comments.c)
# Both counts are answered from indexes alone: (ip_hash, created) and (text_hash, created).
_BY_IP = (
    select(
        func.count(),
        func.sum(case((t.comments.c.created >= bindparam("minute"), 1), else_=0)),
    )
    .where(t.comments.c.ip_hash == bindparam("ip"), t.comments.c.created >= bindparam("ten"))
    .subquery()
)
_RECENT_ACTIVITY = select(
    select(_BY_IP.c[1]).scalar_subquery(),
    select(_BY_IP.c[0]).scalar_subquery(),
    select(func.count())
    .where(
        t.comments.c.text_hash == bindparam("text_hash"), t.comments.c.created >= bindparam("ten")
    )
    .scalar_subquery(),
)


def text_hash(text: str) -> str:
    """A short, stable hash of a comment's text (for "same text posted again")."""
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


class SqlCommentStore:
    """Sites, threads, comments and votes in one relational database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._site_cache: dict[str, tuple[float, SiteRecord]] = {}
        self._thread_cache: dict[tuple[int, str], tuple[float, ThreadRecord]] = {}
        # SQLite: concurrent new comments share one commit (see batching.py).
        self._group_commit = GroupCommit.shared(engine)

    def _write(self) -> AbstractContextManager[Connection]:
        return write_transaction(self.engine)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    # -- meta ---------------------------------------------------------------

    def meta_get(self, key: str) -> str | None:
        """A value of the instance's key/value table."""
        with self._read() as conn:
            return conn.scalar(select(t.meta.c.value).where(t.meta.c.key == key))

    def meta_setdefault(self, key: str, value: str) -> str:
        """Store ``value`` unless the key exists; return what is stored."""
        with self._write() as conn:
            current = conn.scalar(select(t.meta.c.value).where(t.meta.c.key == key))
            if current is not None:
                return current
            conn.execute(insert(t.meta).values(key=key, value=value))
            return value

    # -- sites --------------------------------------------------------------

    def site(self, name: str) -> SiteRecord | None:
        """The site with this name, if any (cached for a few seconds)."""
        cached = self._site_cache.get(name)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        with self._read() as conn:
            row = conn.execute(_SITE_BY_NAME, {"name": name}).first()
        if row is None:
            return None
        site = _site(row._mapping)
        # Other processes' settings changes show within SITE_CACHE_SECONDS.
        self._site_cache[name] = (time.monotonic() + SITE_CACHE_SECONDS, site)
        return site

    def site_by_id(self, site_id: int) -> SiteRecord | None:
        """The site with this id, if any."""
        with self._read() as conn:
            row = conn.execute(select(t.sites).where(t.sites.c.id == site_id)).first()
        return _site(row._mapping) if row else None

    def sites(self) -> list[SiteRecord]:
        """Every site, by name."""
        with self._read() as conn:
            rows = conn.execute(select(t.sites).order_by(t.sites.c.name)).all()
        return [_site(r._mapping) for r in rows]

    def ensure_site(self, name: str, title: str = "") -> SiteRecord:
        """The site with this name, created on first use."""
        existing = self.site(name)
        if existing:
            return existing
        try:
            with self._write() as conn:
                conn.execute(
                    insert(t.sites).values(
                        name=name, title=title, settings="{}", created=time.time()
                    )
                )
        except IntegrityError:
            pass  # created concurrently by another process: read it back
        site = self.site(name)
        assert site is not None
        return site

    def update_site_settings(self, name: str, settings: dict[str, Any]) -> None:
        """Replace a site's overrides of the global settings."""
        self._site_cache.pop(name, None)
        with self._write() as conn:
            conn.execute(
                update(t.sites).where(t.sites.c.name == name).values(settings=json.dumps(settings))
            )

    # -- threads ------------------------------------------------------------

    def thread(self, site_id: int, uri: str) -> ThreadRecord | None:
        """The thread of a page, if it has one (cached for a few seconds once it exists)."""
        cached = self._thread_cache.get((site_id, uri))
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        with self._read() as conn:
            thread = _thread_in(conn, site_id, uri)
        if thread is not None:
            if len(self._thread_cache) > THREAD_CACHE_SIZE:
                self._thread_cache.clear()
            # Closing a thread in another process shows here within THREAD_CACHE_SECONDS.
            self._thread_cache[(site_id, uri)] = (time.monotonic() + THREAD_CACHE_SECONDS, thread)
        return thread

    def thread_by_id(self, thread_id: int) -> ThreadRecord | None:
        """A thread by id."""
        with self._read() as conn:
            row = conn.execute(select(t.threads).where(t.threads.c.id == thread_id)).first()
        return ThreadRecord(**row._mapping) if row else None

    def set_thread_closed(self, thread_id: int, closed: bool) -> None:
        """Open or close a thread to new comments."""
        self._thread_cache.clear()
        with self._write() as conn:
            conn.execute(update(t.threads).where(t.threads.c.id == thread_id).values(closed=closed))

    # -- comments -----------------------------------------------------------

    def insert_comment(
        self, site_id: int, uri: str, title: str, new: NewComment, event: str | None = None
    ) -> CommentRecord:
        """Insert a comment, creating its thread on the first one; durable on return."""

        known = self.thread(site_id, uri)

        def work(conn: Connection) -> CommentRecord:
            comment = _insert_comment(conn, site_id, uri, title, new, known)
            if event:
                add_comment_events(conn, event, [comment], new.created, site_id)
            return comment

        if self._group_commit is not None:
            return self._group_commit.run(work)
        with self._write() as conn:
            return work(conn)

    def comment(self, comment_id: int) -> CommentRecord | None:
        """A comment by id, in any state."""
        with self._read() as conn:
            row = conn.execute(select(t.comments).where(t.comments.c.id == comment_id)).first()
        return CommentRecord(**row._mapping) if row else None

    def ancestors(self, comment_id: int) -> list[int]:
        """Ids from this comment up to its top-level comment: ``[comment, parent, …, root]``."""
        c = t.comments.c
        chain = (
            select(c.id, c.parent_id, literal(0).label("level"))
            .where(c.id == comment_id)
            .cte("chain", recursive=True)
        )
        parent = t.comments.alias("parent")
        chain = chain.union_all(
            select(parent.c.id, parent.c.parent_id, (chain.c.level + 1).label("level")).where(
                parent.c.id == chain.c.parent_id
            )
        )
        with self._read() as conn:
            rows = conn.execute(select(chain.c.id).order_by(chain.c.level)).all()
        return [row.id for row in rows]

    def set_state(
        self, comment_id: int, state: CommentState, event: str | None = None
    ) -> CommentRecord | None:
        """Move a comment to another moderation state (``event`` to the outbox with it)."""
        return self._change(comment_id, {"state": state}, event)

    def pin(self, comment_id: int, pinned: bool) -> CommentRecord | None:
        """Pin a comment to the top of its thread (or unpin it)."""
        return self._change(comment_id, {"pinned": pinned})

    def replace_text(
        self, comment_id: int, change: TextChange, event: str | None = None
    ) -> CommentRecord | None:
        """Store an edit: new text and author fields, to the spam queue if marked so."""
        values: dict[str, Any] = {
            "text": change.text,
            "text_hash": text_hash(change.text) if change.text else None,
            "html": change.html,
            "author": change.author,
            "website": change.website,
            "modified": change.modified,
        }
        if change.spam is not None:
            values.update(
                state=CommentState.SPAM,
                spam_score=change.spam.score,
                spam_verdict=change.spam.verdict,
                spam_reasons=change.spam.reasons,
            )
        return self._change(comment_id, values, event)

    def _change(
        self, comment_id: int, values: dict[str, Any], event: str | None = None
    ) -> CommentRecord | None:
        with self._write() as conn:
            row = conn.execute(
                update(t.comments)
                .where(t.comments.c.id == comment_id)
                .values(**values)
                .returning(*t.comments.c)
            ).first()
            comment = CommentRecord(**row._mapping) if row else None
            if comment is not None and event:
                add_comment_events(conn, event, [comment], time.time())
        return comment

    def erase_comments(
        self, ids: Sequence[int], now: float, event: str | None = None
    ) -> list[CommentRecord]:
        """Erase comments with their subscriptions and audit details (store/erasure.py)."""
        return Erasure(self.engine).comments(ids, now, event)

    def has_replies(self, comment_id: int) -> bool:
        """True when a comment has replies that are not deleted."""
        with self._read() as conn:
            return bool(
                conn.scalar(
                    select(
                        exists().where(
                            t.comments.c.parent_id == comment_id,
                            t.comments.c.state != CommentState.DELETED,
                        )
                    )
                )
            )

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
        with self._read() as conn:
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
            .where(c.root_id.in_(list(root_ids)), _visible(own_ids))
            .order_by(c.created, c.id)
        )
        with self._read() as conn:
            return [CommentRecord(**r._mapping) for r in conn.execute(query)]

    def count_approved(self, thread_id: int) -> int:
        """How many approved comments a thread has."""
        c = t.comments.c
        with self._read() as conn:
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
                t.threads.c.uri.in_(wanted),
                c.state == CommentState.APPROVED,
            )
            .group_by(t.threads.c.uri)
        )
        with self._read() as conn:
            for uri, count in conn.execute(query):
                result[uri] = int(count)
        return result

    def add_vote(self, comment_id: int, voter: str, value: int) -> tuple[int, int] | None:
        """Record a reader's vote; None if this reader already voted on it."""
        column = "likes" if value > 0 else "dislikes"
        try:
            with self._write() as conn:
                conn.execute(
                    insert(t.votes).values(
                        comment_id=comment_id, voter=voter, value=value, created=time.time()
                    )
                )
                row = conn.execute(
                    update(t.comments)
                    .where(t.comments.c.id == comment_id)
                    .values({column: getattr(t.comments.c, column) + 1})
                    .returning(t.comments.c.likes, t.comments.c.dislikes)
                ).one()
        except IntegrityError:
            return None
        return int(row.likes), int(row.dislikes)

    def author_has_approved(self, site_id: int, author_key: str) -> bool:
        """True when this author already has an approved comment on the site."""
        c = t.comments.c
        query = select(
            exists()
            .where(c.author_key == author_key, c.state == CommentState.APPROVED)
            .where(c.thread_id.in_(select(t.threads.c.id).where(t.threads.c.site_id == site_id)))
        )
        with self._read() as conn:
            return bool(conn.scalar(query))

    def recent_activity(self, ip_hash: str | None, text: str, now: float) -> Activity:
        """Comments in the last 10 minutes from one (hashed) address, and with the same text."""
        params = {
            "ip": ip_hash or "",
            "text_hash": text_hash(text),
            "minute": now - 60,
            "ten": now - 600,
        }
        with self._read() as conn:
            minute, ten, same = conn.execute(_RECENT_ACTIVITY, params).one()
        return Activity(int(minute or 0), int(ten or 0), int(same or 0))


def _insert_comment(
    conn: Connection,
    site_id: int,
    uri: str,
    title: str,
    new: NewComment,
    known: ThreadRecord | None,
) -> CommentRecord:
    thread_id = known.id if known else _ensure_thread(conn, site_id, uri, title, new.created)
    root_id = None
    if new.parent_id is not None:
        parent = conn.execute(
            select(t.comments.c.root_id, t.comments.c.id).where(t.comments.c.id == new.parent_id)
        ).first()
        root_id = (parent.root_id or parent.id) if parent else None
    values = {
        **vars(new),
        "thread_id": thread_id,
        "root_id": root_id,
        "text_hash": text_hash(new.text),
    }
    row = conn.execute(_INSERT_COMMENT, values).one()

    return CommentRecord(**row._mapping)


def _ensure_thread(conn: Connection, site_id: int, uri: str, title: str, created: float) -> int:
    """The thread's id, created if needed; safe when two first comments race."""
    found = _thread_in(conn, site_id, uri)
    if found is not None:
        return found.id
    dialect_insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(
        dialect_insert(t.threads)
        .values(site_id=site_id, uri=uri, title=title, closed=False, created=created)
        .on_conflict_do_nothing(index_elements=["site_id", "uri"])
    )
    created_or_raced = _thread_in(conn, site_id, uri)
    assert created_or_raced is not None
    return created_or_raced.id


def _thread_in(conn: Connection, site_id: int, uri: str) -> ThreadRecord | None:
    row = conn.execute(_THREAD_BY_URI, {"site_id": site_id, "uri": uri}).first()
    return ThreadRecord(**row._mapping) if row else None


def _site(row: Any) -> SiteRecord:
    return SiteRecord(
        id=row["id"],
        name=row["name"],
        title=row["title"],
        settings=json.loads(row["settings"] or "{}"),
        created=row["created"],
    )


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
        clauses.append(and_(held, c.id.in_(list(own_ids))))
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
