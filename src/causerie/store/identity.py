"""Signed-in readers, their sessions and sign-ins in progress (``IdentityStore``).

One row of each table looks like::

    identities         id=4 site_id=1 method='oidc' issuer='https://id.example'
                       subject='248289761001' name='Samira B.' name_skeleton='sarnira b.'
                       email=None subscriber=False blocked=False created=… last_seen=…
    reader_sessions    id=<sha256 of the widget's token> identity_id=4 created=… expires=…
    signin_challenges  id=<keyed hash of the OIDC state or e-mailed link token> site_id=1
                       kind='oidc' secret_hash='' attempts=0 created=… expires=…
                       data='{"nonce": "…", "verifier": "…", "origin": "https://news.example"}'

An e-mail sign-in keeps no address: its ``subject`` is the keyed hash of it;
the address is only in the outbox row of its mail, added in the same
transaction as the challenge (``add_challenge_with_mail``).
"""

from __future__ import annotations

import dataclasses
import json
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    delete,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from causerie.store import schema as t
from causerie.store.database import write_transaction
from causerie.store.outbox import add_outbox_rows
from causerie.store.records import (
    CommentRecord,
    IdentityRecord,
    NewOutboxMessage,
    SigninChallenge,
)
from causerie.store.schema import identities, reader_sessions, signin_challenges

# What a returning reader's sign-in refreshes; the rest stays as first stored.
REFRESHED = ("name", "name_skeleton", "email", "subscriber", "last_seen")
# Another identity of the site named alike (ids start at 1: ``except_id`` 0 excepts none).
_SKELETON_TAKEN = select(
    exists().where(
        identities.c.site_id == bindparam("site_id"),
        identities.c.name_skeleton == bindparam("skeleton"),
        identities.c.id != bindparam("except_id"),
    )
)


def _challenge_row(challenge: SigninChallenge) -> dict[str, Any]:
    return {**dataclasses.asdict(challenge), "data": json.dumps(challenge.data)}


def _identity(row: Any) -> IdentityRecord:
    return IdentityRecord(**row._mapping)


class SqlIdentityStore:
    """Identities, reader sessions and challenges on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _write(self) -> AbstractContextManager[Connection]:
        return write_transaction(self.engine)

    # -- identities -------------------------------------------------------------

    def upsert_identity(self, new: IdentityRecord) -> IdentityRecord:
        """Insert a reader, or refresh what a returning sign-in tells (name, subscriber…)."""
        try:
            return self._upsert(new)
        except IntegrityError:
            # Two first sign-ins of the same reader raced; the second one now updates.
            return self._upsert(new)

    def _upsert(self, new: IdentityRecord) -> IdentityRecord:
        c = identities.c
        key = (
            c.site_id == new.site_id,
            c.method == new.method,
            c.issuer == new.issuer,
            c.subject == new.subject,
        )
        fields = {k: v for k, v in dataclasses.asdict(new).items() if k != "id"}
        with self._write() as conn:
            row = conn.execute(
                update(identities)
                .where(*key)
                .values({k: fields[k] for k in REFRESHED})
                .returning(*identities.c)
            ).first()
            if row is None:
                row = conn.execute(insert(identities).values(fields).returning(*identities.c)).one()
        return _identity(row)

    def identity(self, identity_id: int) -> IdentityRecord | None:
        """An identity by id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(identities).where(identities.c.id == identity_id)).first()
        return _identity(row) if row else None

    def identity_by_key(
        self, site_id: int, method: str, issuer: str, subject: str
    ) -> IdentityRecord | None:
        """The identity a sign-in names, if she signed in before."""
        c = identities.c
        query = select(identities).where(
            c.site_id == site_id, c.method == method, c.issuer == issuer, c.subject == subject
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _identity(row) if row else None

    def identities_matching(self, email: str, subject: str) -> list[IdentityRecord]:
        """Identities of an address: e-mail sign-ins of its hash, or OIDC ones that kept it."""
        c = identities.c
        wanted = email.strip().lower()
        query = select(identities).where(
            ((c.method == "email") & (c.subject == subject)) | (func.lower(c.email) == wanted)
        )
        with self.engine.connect() as conn:
            return [_identity(r) for r in conn.execute(query.order_by(c.id))]

    def skeleton_taken(self, site_id: int, skeleton: str, except_id: int | None) -> bool:
        """Whether another identity of the site has a name with this skeleton."""
        # Asked on every post with a typed name: one statement, built once.
        params = {"site_id": site_id, "skeleton": skeleton, "except_id": except_id or 0}
        with self.engine.connect() as conn:
            return bool(conn.execute(_SKELETON_TAKEN, params).scalar())

    def set_blocked(self, identity_id: int, blocked: bool) -> IdentityRecord | None:
        """Block or unblock a reader; a block also ends her sessions."""
        with self._write() as conn:
            row = conn.execute(
                update(identities)
                .where(identities.c.id == identity_id)
                .values(blocked=blocked)
                .returning(*identities.c)
            ).first()
            if row is not None and blocked:
                conn.execute(
                    delete(reader_sessions).where(reader_sessions.c.identity_id == identity_id)
                )
        return _identity(row) if row else None

    def comments_by(self, identity_id: int, limit: int) -> list[CommentRecord]:
        """A reader's comments, newest first."""
        c = t.comments.c
        query = (
            select(t.comments)
            .where(c.identity_id == identity_id)
            .order_by(c.created.desc(), c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [CommentRecord(**r._mapping) for r in conn.execute(query)]

    # -- sessions ---------------------------------------------------------------

    def add_session(self, token_hash: str, identity_id: int, now: float, expires: float) -> None:
        """Remember a session by the hash of the token the widget keeps."""
        row = {"id": token_hash, "identity_id": identity_id, "created": now, "expires": expires}
        with self._write() as conn:
            conn.execute(insert(reader_sessions).values(row))

    def session_identity(self, token_hash: str, now: float) -> IdentityRecord | None:
        """The identity of a live session, None when unknown or expired."""
        s = reader_sessions.c
        query = (
            select(identities)
            .join(reader_sessions, s.identity_id == identities.c.id)
            .where(s.id == token_hash, s.expires > now)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _identity(row) if row else None

    def sessions_of(self, identity_id: int) -> list[tuple[float, float]]:
        """(created, expires) of a reader's sessions (for her data export)."""
        s = reader_sessions.c
        query = select(s.created, s.expires).where(s.identity_id == identity_id)
        with self.engine.connect() as conn:
            return [
                (float(r.created), float(r.expires))
                for r in conn.execute(query.order_by(s.created))
            ]

    def drop_session(self, token_hash: str) -> None:
        """End one session (sign out)."""
        with self._write() as conn:
            conn.execute(delete(reader_sessions).where(reader_sessions.c.id == token_hash))

    # -- sign-ins in progress ---------------------------------------------------

    def add_challenge(self, challenge: SigninChallenge) -> None:
        """Remember a sign-in in progress."""
        with self._write() as conn:
            conn.execute(insert(signin_challenges).values(_challenge_row(challenge)))

    def add_challenge_with_mail(
        self, challenge: SigninChallenge, mail: NewOutboxMessage, now: float
    ) -> int:
        """Remember an e-mail sign-in and queue its mail in one transaction; the outbox id."""
        with self._write() as conn:
            conn.execute(insert(signin_challenges).values(_challenge_row(challenge)))
            (queued,) = add_outbox_rows(conn, [mail], now)
        return queued

    def take_challenge(
        self, challenge_id: str, now: float, secret_hash: str | None, max_attempts: int
    ) -> SigninChallenge | None:
        """Use a live challenge once (its secret must match if given); a miss counts an attempt."""
        c = signin_challenges.c
        with self._write() as conn:
            row = conn.execute(
                delete(signin_challenges)
                .where(c.id == challenge_id)
                .returning(*signin_challenges.c)
            ).first()
            if row is None or row.expires <= now:
                return None
            if secret_hash is not None and secret_hash != row.secret_hash:
                if row.attempts + 1 < max_attempts:
                    kept = {**row._mapping, "attempts": row.attempts + 1}
                    conn.execute(insert(signin_challenges).values(kept))
                return None
        return SigninChallenge(**{**row._mapping, "data": json.loads(row.data or "{}")})

    def purge_expired(self, now: float) -> int:
        """Delete expired sessions and challenges; how many rows went."""
        with self._write() as conn:
            gone = conn.execute(delete(reader_sessions).where(reader_sessions.c.expires <= now))
            more = conn.execute(delete(signin_challenges).where(signin_challenges.c.expires <= now))
        return int(gone.rowcount or 0) + int(more.rowcount or 0)
