"""Sites and threads (and the instance's key/value table), with their short-lived caches.

The part of the comment store every request starts with: the site of a
request and the thread of a page are read on each comment list and each new
comment, so they are kept a few seconds in the process (another process's
change shows within ``SITE_CACHE_SECONDS``/``THREAD_CACHE_SECONDS``).
:class:`SiteRows` is a base of ``SqlCommentStore`` (``store/comments.py``).
"""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from causerie.store import schema as t
from causerie.store.database import write_transaction
from causerie.store.records import SiteRecord, ThreadRecord, ThreadRules

SITE_CACHE_SECONDS = 5.0
THREAD_CACHE_SECONDS = 5.0
THREAD_CACHE_SIZE = 10_000

# Statements of the hot paths, built once (SQLAlchemy then reuses their compiled form).
_SITE_BY_NAME = select(t.sites).where(t.sites.c.name == bindparam("name"))
_THREAD_BY_URI = select(t.threads).where(
    t.threads.c.site_id == bindparam("site_id"), t.threads.c.uri == bindparam("uri")
)


class SiteRows:
    """Sites, threads and the key/value table of one database, cached for a few seconds."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._site_cache: dict[str, tuple[float, SiteRecord]] = {}
        self._thread_cache: dict[tuple[int, str], tuple[float, ThreadRecord]] = {}

    # -- meta ---------------------------------------------------------------

    def meta_get(self, key: str) -> str | None:
        """A value of the instance's key/value table."""
        with self.engine.connect() as conn:
            return conn.scalar(select(t.meta.c.value).where(t.meta.c.key == key))

    def meta_setdefault(self, key: str, value: str) -> str:
        """Store ``value`` unless the key exists; return what is stored."""
        with write_transaction(self.engine) as conn:
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
        with self.engine.connect() as conn:
            row = conn.execute(_SITE_BY_NAME, {"name": name}).first()
        if row is None:
            return None
        site = site_of(row._mapping)
        # Other processes' settings changes show within SITE_CACHE_SECONDS.
        self._site_cache[name] = (time.monotonic() + SITE_CACHE_SECONDS, site)
        return site

    def site_by_id(self, site_id: int) -> SiteRecord | None:
        """The site with this id, if any."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.sites).where(t.sites.c.id == site_id)).first()
        return site_of(row._mapping) if row else None

    def sites(self) -> list[SiteRecord]:
        """Every site, by name."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.sites).order_by(t.sites.c.name)).all()
        return [site_of(r._mapping) for r in rows]

    def ensure_site(self, name: str, title: str = "") -> SiteRecord:
        """The site with this name, created on first use."""
        existing = self.site(name)
        if existing:
            return existing
        try:
            with write_transaction(self.engine) as conn:
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
        with write_transaction(self.engine) as conn:
            conn.execute(
                update(t.sites).where(t.sites.c.name == name).values(settings=json.dumps(settings))
            )

    # -- threads ------------------------------------------------------------

    def thread(self, site_id: int, uri: str) -> ThreadRecord | None:
        """The thread of a page, if it has one (cached for a few seconds once it exists)."""
        cached = self._thread_cache.get((site_id, uri))
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        with self.engine.connect() as conn:
            thread = thread_in(conn, site_id, uri)
        if thread is not None:
            if len(self._thread_cache) > THREAD_CACHE_SIZE:
                self._thread_cache.clear()
            # Closing a thread in another process shows here within THREAD_CACHE_SECONDS.
            self._thread_cache[(site_id, uri)] = (time.monotonic() + THREAD_CACHE_SECONDS, thread)
        return thread

    def thread_by_id(self, thread_id: int) -> ThreadRecord | None:
        """A thread by id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.threads).where(t.threads.c.id == thread_id)).first()
        return ThreadRecord(**row._mapping) if row else None

    def set_thread_closed(self, thread_id: int, closed: bool) -> None:
        """Open or close a thread to new comments."""
        self._thread_cache.clear()
        with write_transaction(self.engine) as conn:
            conn.execute(update(t.threads).where(t.threads.c.id == thread_id).values(closed=closed))

    def set_thread_rules(self, thread_id: int, rules: ThreadRules) -> ThreadRecord | None:
        """Replace a thread's per-article rules (pre-moderation, closing, article date)."""
        self._thread_cache.clear()
        with write_transaction(self.engine) as conn:
            row = conn.execute(
                update(t.threads)
                .where(t.threads.c.id == thread_id)
                .values(**vars(rules))
                .returning(*t.threads.c)
            ).first()
        return ThreadRecord(**row._mapping) if row else None


def ensure_thread(conn: Connection, site_id: int, uri: str, title: str, created: float) -> int:
    """The thread's id, created if needed; safe when two first comments race."""
    found = thread_in(conn, site_id, uri)
    if found is not None:
        return found.id
    dialect_insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(
        dialect_insert(t.threads)
        .values(site_id=site_id, uri=uri, title=title, closed=False, created=created)
        .on_conflict_do_nothing(index_elements=["site_id", "uri"])
    )
    created_or_raced = thread_in(conn, site_id, uri)
    assert created_or_raced is not None
    return created_or_raced.id


def thread_in(conn: Connection, site_id: int, uri: str) -> ThreadRecord | None:
    row = conn.execute(_THREAD_BY_URI, {"site_id": site_id, "uri": uri}).first()
    return ThreadRecord(**row._mapping) if row else None


def site_of(row: Any) -> SiteRecord:
    return SiteRecord(
        id=row["id"],
        name=row["name"],
        title=row["title"],
        settings=json.loads(row["settings"] or "{}"),
        created=row["created"],
    )
