"""What the moderation dashboard keeps: accounts, sessions, audit log, blocks, decisions.

One row of each table looks like::

    users       id=1 email='ines@news.example' role='moderator' password_hash='$argon2id$…'
                failed_logins=0 locked_until=None created=1764403200.0
    user_sites  user_id=1 site_id=2            (a moderator's sites; admins have none)
    sessions    id=<sha256 of the cookie> user_id=1 csrf='Xq…' created=… expires=…
    audit_log   id=9 user_id=1 actor='ines@news.example' site='lemonde' action='spam'
                comment_id=42 thread_id=7 batch='b3f…' detail='{"before":{"state":"pending"}}'
                undone=False created=…
    blocks      id=3 site_id=2 kind='email'|'ip_range'|'ip_hash' value='spam@x.example'
                note='' created=… expires=… created_by='ines@news.example'
    decisions   id=5 site_id=2 comment_id=42 filter_spam=False moderator_spam=True
                batch='b3f…' kind='spam' created=…   (one per spam / not-spam decision;
                kind='toxicity': filter_spam = the model flagged it, moderator_spam = offensive)

The queue and statistics queries over ``comments`` are its base
:class:`~causerie.store.queues.ModerationQueues` (``store/queues.py``), so that
the public :class:`~causerie.store.comments.SqlCommentStore` stays about what readers do.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import (
    Engine,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from causerie.store.database import write_transaction
from causerie.store.queues import ModerationQueues
from causerie.store.records import UserRecord
from causerie.store.schema import (
    audit_log,
    blocks,
    decisions,
    sessions,
    user_sites,
    users,
)

BLOCK_CACHE_SECONDS = 5.0


class SqlModerationStore(ModerationQueues):
    """Accounts, sessions, audit log, blocks and the moderators' view of comments."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Blocks per site, read at most every BLOCK_CACHE_SECONDS on the comment hot path.
        self._block_cache: dict[int, tuple[float, list[dict[str, Any]]]] = {}

    def _write(self) -> AbstractContextManager[Connection]:
        return write_transaction(self.engine)

    # -- users ----------------------------------------------------------------

    def add_user(self, email: str, role: str, password_hash: str, site_ids: Sequence[int]) -> int:
        """Create an account and return its id."""
        with self._write() as conn:
            user_id = int(
                conn.execute(
                    insert(users)
                    .values(
                        email=email,
                        role=role,
                        password_hash=password_hash,
                        failed_logins=0,
                        created=time.time(),
                    )
                    .returning(users.c.id)
                ).scalar_one()
            )
            _set_sites(conn, user_id, site_ids)
        return user_id

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Replace an account's password hash; failed logins and a lockout are cleared."""
        values = {"password_hash": password_hash, "failed_logins": 0, "locked_until": None}
        with self._write() as conn:
            conn.execute(update(users).where(users.c.id == user_id).values(**values))

    def set_login_failures(self, user_id: int, failures: int, locked_until: float | None) -> None:
        """Record wrong passwords in a row and the end of a lockout (None: not locked)."""
        values = {"failed_logins": failures, "locked_until": locked_until}
        with self._write() as conn:
            conn.execute(update(users).where(users.c.id == user_id).values(**values))

    def user_by_email(self, email: str) -> UserRecord | None:
        """The account with this e-mail (case-insensitive), if any."""
        return self._user(func.lower(users.c.email) == email.strip().lower())

    def user(self, user_id: int) -> UserRecord | None:
        """The account with this id, if any."""
        return self._user(users.c.id == user_id)

    def _user(self, where: ColumnElement[bool]) -> UserRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(where)).first()
            if row is None:
                return None
            ids = conn.scalars(select(user_sites.c.site_id).where(user_sites.c.user_id == row.id))
            return UserRecord(**row._mapping, site_ids=tuple(sorted(ids)))

    def users(self) -> list[UserRecord]:
        """Every account, by e-mail."""
        with self.engine.connect() as conn:
            ids = conn.execute(select(users.c.id).order_by(users.c.email)).scalars().all()
        return [u for u in (self.user(i) for i in ids) if u is not None]

    # -- sessions -------------------------------------------------------------

    def add_session(self, key: str, user_id: int, csrf: str, expires: float) -> None:
        """Open a session (``key`` is the hash of the cookie value)."""
        with self._write() as conn:
            conn.execute(delete(sessions).where(sessions.c.expires < time.time()))
            conn.execute(
                insert(sessions).values(
                    id=key, user_id=user_id, csrf=csrf, created=time.time(), expires=expires
                )
            )

    def session(self, key: str) -> tuple[int, str, float] | None:
        """``(user_id, csrf, expires)`` of a session, if it exists."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(sessions.c.user_id, sessions.c.csrf, sessions.c.expires).where(
                    sessions.c.id == key
                )
            ).first()
        return (int(row.user_id), str(row.csrf), float(row.expires)) if row else None

    def drop_sessions(self, key: str | None = None, user_id: int | None = None) -> None:
        """Close one session, or every session of a user."""
        where = sessions.c.id == key if key is not None else sessions.c.user_id == user_id
        with self._write() as conn:
            conn.execute(delete(sessions).where(where))

    # -- audit log and decisions ----------------------------------------------

    def audit(self, entries: Sequence[dict[str, Any]]) -> None:
        """Append entries (``detail`` as a dict) to the audit log."""
        if not entries:
            return
        now = time.time()
        rows = [
            {"created": now, "undone": False, **e, "detail": json.dumps(e.get("detail") or {})}
            for e in entries
        ]
        with self._write() as conn:
            conn.execute(insert(audit_log), rows)

    def last_batch(self, user_id: int, actions: Sequence[str]) -> list[dict[str, Any]]:
        """The user's newest batch of undoable actions that is not undone yet."""
        a = audit_log.c
        with self.engine.connect() as conn:
            batch = conn.scalar(
                select(a.batch)
                .where(a.user_id == user_id, a.undone.is_(False), a.action.in_(list(actions)))
                .where(a.batch.is_not(None))
                .order_by(a.id.desc())
                .limit(1)
            )
            if batch is None:
                return []
            rows = conn.execute(select(audit_log).where(a.batch == batch).order_by(a.id)).all()
        return [_audit_row(r._mapping) for r in rows]

    def mark_undone(self, batch: str) -> None:
        """Flag a batch as undone and forget its decisions (spam and toxicity)."""
        with self._write() as conn:
            conn.execute(update(audit_log).where(audit_log.c.batch == batch).values(undone=True))
            conn.execute(delete(decisions).where(decisions.c.batch == batch))

    def audit_page(
        self, site_names: Sequence[str] | None, limit: int, offset: int
    ) -> list[dict[str, Any]]:
        """Audit entries, newest first (of these sites only, when given)."""
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit).offset(offset)
        if site_names is not None:
            query = query.where(audit_log.c.site.in_(list(site_names)))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [_audit_row(r._mapping) for r in rows]

    def add_decisions(self, rows: Sequence[dict[str, Any]]) -> None:
        """Record moderators' decisions on a model's verdict (``kind``: spam, toxicity)."""
        if rows:
            with self._write() as conn:
                conn.execute(
                    insert(decisions), [{"created": time.time(), "kind": "spam", **r} for r in rows]
                )

    # -- blocks ---------------------------------------------------------------

    def site_blocks(self, site_id: int, now: float) -> list[dict[str, Any]]:
        """Blocks in force on one site; other processes' changes show within seconds."""
        cached = self._block_cache.get(site_id)
        if cached is None or cached[0] <= time.monotonic():
            cached = (time.monotonic() + BLOCK_CACHE_SECONDS, self.active_blocks([site_id], now))
            self._block_cache[site_id] = cached
        return [b for b in cached[1] if b["expires"] is None or b["expires"] > now]

    def add_block(self, **values: Any) -> int:
        """Add a block and return its id."""
        self._block_cache.clear()
        with self._write() as conn:
            return int(
                conn.execute(
                    insert(blocks).values(created=time.time(), **values).returning(blocks.c.id)
                ).scalar_one()
            )

    def block(self, block_id: int) -> dict[str, Any] | None:
        """One block by id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(blocks).where(blocks.c.id == block_id)).first()
        return dict(row._mapping) if row else None

    def remove_block(self, block_id: int) -> None:
        """Lift a block."""
        self._block_cache.clear()
        with self._write() as conn:
            conn.execute(delete(blocks).where(blocks.c.id == block_id))

    def active_blocks(self, site_ids: Sequence[int] | None, now: float) -> list[dict[str, Any]]:
        """Blocks in force now (of these sites when given), newest first."""
        query = (
            select(blocks)
            .where(or_(blocks.c.expires.is_(None), blocks.c.expires > now))
            .order_by(blocks.c.id.desc())
        )
        if site_ids is not None:
            query = query.where(blocks.c.site_id.in_(list(site_ids)))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]


def _audit_row(row: Any) -> dict[str, Any]:
    # Plain str keys (SQLAlchemy's are a str subclass that orjson refuses).
    out = {str(k): v for k, v in row.items()}
    out["detail"] = json.loads(out["detail"] or "{}")
    return out


def _set_sites(conn: Connection, user_id: int, site_ids: Sequence[int]) -> None:
    conn.execute(delete(user_sites).where(user_sites.c.user_id == user_id))
    if site_ids:
        conn.execute(insert(user_sites), [{"user_id": user_id, "site_id": s} for s in site_ids])
