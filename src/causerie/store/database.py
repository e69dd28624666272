"""Opening the database: engine options per backend, and migrations on start."""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).with_name("migrations")
# Prepared statements kept per SQLite connection: more than a worker's hot set (~40).
SQLITE_STATEMENTS = 64


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that writes: on SQLite it takes the writer locks at BEGIN."""
    with engine.connect() as conn:
        conn.info["write"] = True
        with conn.begin():
            yield conn


def like_escape(value: str) -> str:
    """``value`` with LIKE's wildcards escaped (use with ``escape="\\"``)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def padded(values: Sequence[Any]) -> list[Any]:
    """``values`` for an ``IN (…)``, lengthened to a power of two by repeating the last one.

    Each length of an IN list is another SQL text, and every connection keeps
    its own prepared copy of each text it ran (SQLite's statement cache): a
    page of 1 to 51 roots made up to 51 statements per connection, which grew
    a worker's memory for minutes. Repeats do not change what IN matches.
    """
    out = list(values)
    size = 1
    while size < len(out):
        size *= 2
    if out:
        out += [out[-1]] * (size - len(out))
    return out


def sqlalchemy_url(database_url: str) -> str:
    """Map a Causerie URL to the SQLAlchemy dialect+driver we use."""
    if database_url.startswith("postgresql://") or database_url.startswith("postgres://"):
        return "postgresql+psycopg://" + database_url.split("://", 1)[1]
    return database_url


def create_database_engine(database_url: str, *, sqlite_synchronous: str = "FULL") -> Engine:
    """An engine for SQLite (WAL, busy timeout) or PostgreSQL (psycopg 3)."""
    url = sqlalchemy_url(database_url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, sqlite_synchronous.upper())
    # pre_ping replaces connections a server restart closed; a bounded connect wait
    # turns a server that is down into a quick 503 instead of a hung request.
    return create_engine(
        url,
        pool_size=10,
        max_overflow=20,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 5},
    )


def is_unavailable(error: BaseException) -> bool:
    """True when the error means "the database cannot be reached now", not a bug."""
    if isinstance(error, OperationalError | InterfaceError | DisconnectionError | PoolTimeout):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def _sqlite_engine(url: str, synchronous: str) -> Engine:
    path = url.removeprefix("sqlite:///")
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    if path == ":memory:":
        engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=NullPool)
    else:
        # Enough pooled connections for the request threads: opening one costs PRAGMAs.
        # Each keeps its own prepared statements: a bounded number (Python's default is
        # 128: with IN lists of every length, a worker's connections grew by tens of MB).
        engine = create_engine(
            url,
            connect_args={
                "check_same_thread": False,
                "timeout": 30,
                "cached_statements": SQLITE_STATEMENTS,
            },
            pool_size=16,
            max_overflow=32,
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy own transactions so BEGIN IMMEDIATE can be issued.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        # 512 KB of page cache per connection (default 2 MB): the OS caches the file anyway,
        # and a worker keeps up to one connection per request thread.
        cur.execute("PRAGMA cache_size=-512")
        # Erased comments must not linger in free pages of the file (docs/privacy.md).
        cur.execute("PRAGMA secure_delete=ON")
        cur.close()

    # One writer at a time: a thread lock inside this process, and an flock
    # on a file beside the database across processes (workers). Both wake the
    # next writer at once, where SQLite's busy handler sleeps up to 100 ms.
    write_lock = threading.Lock()
    lock_file = open(f"{path}-writer.lock", "a+b") if path and path != ":memory:" else None  # noqa: SIM115

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.info.pop("write", False):
            write_lock.acquire()
            if lock_file is not None:
                fcntl.flock(lock_file, fcntl.LOCK_EX)
            conn.info["holds_write_lock"] = True
            try:
                # Writers take the database lock up front: no upgrade deadlocks.
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                _release(conn)
                raise
        else:
            conn.exec_driver_sql("BEGIN")

    def _release(conn: Any) -> None:
        if conn.info.pop("holds_write_lock", False):
            if lock_file is not None:
                fcntl.flock(lock_file, fcntl.LOCK_UN)
            write_lock.release()

    event.listen(engine, "commit", _release)
    event.listen(engine, "rollback", _release)

    return engine


# The newest migration. A server whose database is already there never imports
# Alembic (~10 MB per worker); tests check this matches the migrations folder.
HEAD_REVISION = "0010"
# The PostgreSQL advisory lock every Causerie process takes to migrate ("Caus" in ASCII).
MIGRATION_LOCK = 0x43617573


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for an empty database)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def upgrade(engine: Engine) -> None:
    """Apply every pending migration (idempotent; safe on every start, by many processes at once).

    One process migrates at a time: on PostgreSQL it holds an advisory lock
    for the migrating transaction, on SQLite the writer lock (``BEGIN
    IMMEDIATE`` and the lock file). Alembic reads the revision after the lock
    is taken, so the processes that waited find nothing left to do.
    """
    if current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command

    cfg = _alembic_config()
    with engine.connect() as conn:
        conn.info["write"] = True
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")


def is_up_to_date(engine: Engine) -> bool:
    """True when the database is at the newest migration."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() == head
