"""The outbox: outgoing messages written with the change that caused them, sent by a worker.

One row of ``outbox`` looks like::

    id=12 uid='3f0c…e1' channel='email' site_id=1 dedup_key=None state='pending'
    payload='{"to": "samira@example.org", "subject": "…", "text": "…", "lang": "fr"}'
    attempts=1 created=1764403200.0 not_before=1764403230.4 lease_until=None
    worker=None finished=None last_error='connection refused' last_status=None
    last_duration_ms=None

``outbox_leases`` holds one row per named lease (``name='outbox' holder='host:pid:…'
expires=…``): on SQLite one worker of the instance holds it, across processes.

Another store adds messages inside its own transaction with
:func:`add_outbox_rows`, so that a change and the message it causes commit
together (or neither does). :func:`watch_commits` calls back once such a
transaction is over, to wake the worker at once instead of at its next poll.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any, TypeVar

import orjson
from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from causerie.store import schema as t
from causerie.store.batching import GroupCommit
from causerie.store.database import like_escape, padded, write_transaction
from causerie.store.leases import SqlLeases
from causerie.store.records import (
    CommentRecord,
    DeliveryOutcome,
    NewOutboxMessage,
    OutboxMessage,
    OutboxState,
    Settled,
)

# Set on a connection's info by add_outbox_rows; seen when the connection goes back to the pool.
_ADDED = "causerie.outbox_added"
_o = t.outbox.c
T = TypeVar("T")
EVENT = "event"  # the channel of domain events, expanded by the worker into deliveries


def add_outbox_rows(
    conn: Connection, messages: Sequence[NewOutboxMessage], now: float
) -> list[int]:
    """Insert messages in the caller's open transaction; the new ids (dedup_key repeats skipped).

    Several messages go in multi-row inserts (a batch of deliveries is one
    statement, not one per row; a repeated dedup key inserts nothing), in chunks
    of a power of two rows: each size is another SQL text, kept prepared by the
    connection (see ``database.padded``), so few sizes.
    """
    rows = [_outbox_row(message, now) for message in messages]
    postgres = conn.dialect.name == "postgresql"
    found: dict[str, int] = {}
    start = 0
    while start < len(rows):
        size = _CHUNK
        while size > len(rows) - start:
            size //= 2
        chunk = rows[start : start + size]
        start += size
        if size > 1:
            found.update((uid, int(i)) for i, uid in conn.execute(_UPSERT_MANY[postgres], chunk))
            continue
        (row,) = chunk
        # Statements built once (below): building and keying one per row cost more than
        # the insert itself, in the SQLite writer thread every comment waits for.
        if row["dedup_key"] is None:
            found[row["uid"]] = int(conn.execute(_INSERT, row).scalar_one())
        else:
            new_id = conn.execute(_UPSERT[postgres], row).scalar()
            if new_id is not None:
                found[row["uid"]] = int(new_id)
    ids = [found[row["uid"]] for row in rows if row["uid"] in found]
    if ids:
        conn.info[_ADDED] = True
    return ids


def _outbox_row(message: NewOutboxMessage, now: float) -> dict[str, Any]:
    return {
        "uid": uuid.uuid4().hex,
        "channel": message.channel,
        "site_id": message.site_id,
        # orjson: the same compact text as json.dumps(ensure_ascii=False), several times faster.
        "payload": orjson.dumps(message.payload, option=orjson.OPT_NON_STR_KEYS).decode(),
        "dedup_key": message.dedup_key,
        "state": _PENDING,
        "attempts": 0,
        "created": now,
        "not_before": max(message.not_before, now),
        "last_error": "",
    }


_PENDING = OutboxState.PENDING.value
# Rows per multi-row insert at most (12 values each: far below SQLite's limit of parameters).
_CHUNK = 64
_INSERT = insert(t.outbox).returning(_o.id)
# A repeated dedup_key inserts nothing (and returns no id); by "is it PostgreSQL?".
_UPSERT = {
    postgres: (postgresql_insert if postgres else sqlite_insert)(t.outbox)
    .on_conflict_do_nothing(index_elements=["dedup_key"])
    .returning(_o.id)
    for postgres in (False, True)
}
# Several rows in one statement (no dedup key is NULL = never a conflict): ids by uid.
_UPSERT_MANY = {
    postgres: (postgresql_insert if postgres else sqlite_insert)(t.outbox)
    .on_conflict_do_nothing(index_elements=["dedup_key"])
    .returning(_o.id, _o.uid)
    for postgres in (False, True)
}


def add_comment_events(
    conn: Connection,
    event: str,
    comments: Sequence[CommentRecord],
    now: float,
    site_id: int | None = None,
) -> None:
    """Queue a domain event (channel ``event``) per comment, in the caller's transaction.

    The payload names the comment only; the worker reads what it needs when it
    expands the event, so an erased comment's text is never in the outbox.
    """
    messages = []
    for comment in comments:
        site = site_id
        if site is None:
            site = conn.execute(
                select(t.threads.c.site_id).where(t.threads.c.id == comment.thread_id)
            ).scalar()
        payload = {
            "type": event,
            "comment_id": comment.id,
            "thread_id": comment.thread_id,
            "state": comment.state.value,
            "at": now,
        }
        messages.append(NewOutboxMessage(EVENT, site, payload))
    add_outbox_rows(conn, messages, now)


def delete_mail_to(conn: Connection, address: str) -> int:
    """Delete every mail of the outbox to this address, in the caller's transaction (erasure)."""
    wanted = address.strip().lower()
    pattern = f"%{like_escape(wanted)}%"
    rows = conn.execute(
        select(_o.id, _o.payload).where(
            _o.channel == "email", func.lower(_o.payload).like(pattern, escape="\\")
        )
    ).all()
    ids = [r.id for r in rows if str(json.loads(r.payload).get("to", "")).lower() == wanted]
    if ids:
        conn.execute(delete(t.outbox).where(_o.id.in_(ids)))
    return len(ids)


def delete_calls_about(conn: Connection, comment_ids: Sequence[int]) -> int:
    """Delete the webhook calls that carry these comments, in the caller's transaction."""
    wanted = {int(i) for i in comment_ids}
    if not wanted:
        return 0
    rows = conn.execute(
        select(_o.id, _o.payload).where(
            _o.channel == "webhook", _o.payload.like('%"comment":{"id":%')
        )
    ).all()
    doomed = [
        r.id for r in rows if json.loads(r.payload)["body"]["data"]["comment"]["id"] in wanted
    ]
    if doomed:
        conn.execute(delete(t.outbox).where(_o.id.in_(doomed)))
    return len(doomed)


def watch_commits(engine: Engine, callback: Callable[[], None]) -> None:
    """Call ``callback`` when a connection that added outbox rows returns to the pool."""

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi: Any, record: Any) -> None:
        if record is not None and record.info.pop(_ADDED, False):
            callback()


class SqlOutboxStore:
    """The outbox table and the worker leases, on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # SQLite: the worker's claims and outcomes join the comments' group commit,
        # so that sending costs the posting of comments no extra wait for the disk.
        self._group_commit = GroupCommit.shared(engine)
        self._leases = SqlLeases(engine)

    def _write(self) -> AbstractContextManager[Connection]:
        return write_transaction(self.engine)

    def _grouped(self, work: Callable[[Connection], T]) -> T:
        if self._group_commit is not None:
            return self._group_commit.run(work)
        with self._write() as conn:
            return work(conn)

    # -- writing ------------------------------------------------------------------

    def enqueue(self, messages: Sequence[NewOutboxMessage], now: float) -> list[int]:
        """Add messages in one transaction of their own; the new ids (dedup_key repeats skipped)."""
        with self._write() as conn:
            return add_outbox_rows(conn, messages, now)

    # -- the worker ---------------------------------------------------------------

    def hold_lease(self, name: str, holder: str, now: float, seconds: float) -> bool:
        """Take or renew a named lease until ``now + seconds``; False while another holds it."""
        return self._leases.hold(name, holder, now, seconds)

    def release_lease(self, name: str, holder: str) -> None:
        """Give a lease back (if this holder has it), so another worker takes over at once."""
        self._leases.release(name, holder)

    def next_due(self) -> float | None:
        """When the earliest pending message becomes due (its time or its lease's end)."""
        # A pending row has a lease only while a worker holds it, and that lease
        # ends after not_before: the later of the two is the lease.
        when = func.min(func.coalesce(_o.lease_until, _o.not_before))
        with self.engine.connect() as conn:
            value = conn.execute(select(when).where(_o.state == OutboxState.PENDING.value)).scalar()
        return None if value is None else float(value)

    def claim(
        self, worker: str, now: float, lease_seconds: float, limit: int
    ) -> list[OutboxMessage]:
        """Lease up to ``limit`` due messages to a worker, counting an attempt for each."""
        return self._grouped(lambda conn: self._claim_in(conn, worker, now, lease_seconds, limit))

    def _claim_in(
        self, conn: Connection, worker: str, now: float, lease_seconds: float, limit: int
    ) -> list[OutboxMessage]:
        pick = _PICK[self.engine.dialect.name == "postgresql"]
        ids = list(conn.execute(pick, {"now": now, "limit": limit}).scalars())
        if not ids:
            return []
        # One statement leases the rows and reads them back (RETURNING: SQLite ≥ 3.35).
        lease = {"lease_until": now + lease_seconds, "worker": worker}
        rows = conn.execute(_LEASE, {"ids": padded(ids), **lease}).all()
        return sorted((_message(row) for row in rows), key=lambda m: (m.not_before, m.id))

    def mark_sent(self, message_id: int, outcome: DeliveryOutcome, now: float) -> None:
        """Record a successful delivery."""
        self._finish(message_id, OutboxState.SENT, outcome, finished=now)

    def complete_with(
        self, message_id: int, follow_ups: Sequence[NewOutboxMessage], now: float
    ) -> list[int]:
        """Mark a message done and add the messages it expands into, in one transaction."""
        with self._write() as conn:
            _finish_in(conn, message_id, OutboxState.SENT, DeliveryOutcome(), finished=now)
            return add_outbox_rows(conn, follow_ups, now)

    def settle(self, results: Sequence[Settled], now: float) -> list[int]:
        """Record how a batch of claimed messages ended, in one transaction; follow-up ids."""
        return self._grouped(lambda conn: _settle_in(conn, results, now))

    def settle_and_claim(
        self,
        results: Sequence[Settled],
        now: float,
        worker: str,
        lease_seconds: float,
        limit: int,
    ) -> tuple[list[int], list[OutboxMessage]]:
        """``settle`` then ``claim`` in one transaction: the follow-up ids, the new batch."""

        def work(conn: Connection) -> tuple[list[int], list[OutboxMessage]]:
            added = _settle_in(conn, results, now)
            return added, self._claim_in(conn, worker, now, lease_seconds, limit)

        return self._grouped(work)

    def retry_later(self, message_id: int, outcome: DeliveryOutcome, not_before: float) -> None:
        """Record a failed attempt and make the message due again at ``not_before``."""
        self._finish(message_id, OutboxState.PENDING, outcome, not_before=not_before)

    def give_up(self, message_id: int, outcome: DeliveryOutcome, now: float) -> None:
        """Record the last failed attempt and stop trying (state ``failed``)."""
        self._finish(message_id, OutboxState.FAILED, outcome, finished=now)

    def retry_now(self, message_id: int, now: float) -> bool:
        """Make a given-up message due again (a moderator's "retry"); False if it is not failed."""
        with self._write() as conn:
            result = conn.execute(
                update(t.outbox)
                .where(_o.id == message_id, _o.state == OutboxState.FAILED.value)
                .values(
                    state=OutboxState.PENDING.value, not_before=now, lease_until=None, finished=None
                )
            )
            if result.rowcount:
                conn.info[_ADDED] = True
        return bool(result.rowcount)

    def _finish(
        self, message_id: int, state: OutboxState, outcome: DeliveryOutcome, **values: Any
    ) -> None:
        with self._write() as conn:
            _finish_in(conn, message_id, state, outcome, **values)

    # -- reading ------------------------------------------------------------------

    def message(self, message_id: int) -> OutboxMessage | None:
        """One message by id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.outbox).where(_o.id == message_id)).first()
        return _message(row) if row else None

    def failures(self, site_ids: Sequence[int] | None, limit: int) -> list[OutboxMessage]:
        """Given-up messages, newest first (``site_ids`` None: every site)."""
        query = select(t.outbox).where(_o.state == OutboxState.FAILED.value)
        if site_ids is not None:
            query = query.where(_o.site_id.in_(list(site_ids)))
        return self._rows(query.order_by(_o.id.desc()).limit(limit))

    def recent(self, site_id: int | None, channel: str | None, limit: int) -> list[OutboxMessage]:
        """Latest messages of a site and channel, newest first (the delivery log)."""
        query = select(t.outbox)
        if site_id is not None:
            query = query.where(_o.site_id == site_id)
        if channel is not None:
            query = query.where(_o.channel == channel)
        return self._rows(query.order_by(_o.id.desc()).limit(limit))

    def counts(self) -> dict[str, int]:
        """How many messages are in each state."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(_o.state, func.count()).group_by(_o.state)).all()
        found = {state.value: 0 for state in OutboxState}
        found.update({str(state): int(n) for state, n in rows})
        return found

    def purge(self, before: float) -> int:
        """Delete messages sent or given up before this time; how many."""
        with self._write() as conn:
            result = conn.execute(
                delete(t.outbox).where(_o.state != OutboxState.PENDING.value, _o.finished < before)
            )
        return int(result.rowcount or 0)

    def _rows(self, query: Any) -> list[OutboxMessage]:
        with self.engine.connect() as conn:
            return [_message(row) for row in conn.execute(query)]


# The worker's statements, built once: in the SQLite writer thread that every comment
# waits for, building a statement cost more than running it.
_DUE = and_(
    _o.state == OutboxState.PENDING.value,
    _o.not_before <= bindparam("now"),
    or_(_o.lease_until.is_(None), _o.lease_until <= bindparam("now")),
)
_PICK_ANY = select(_o.id).where(_DUE).order_by(_o.not_before, _o.id).limit(bindparam("limit"))
# By "is it PostgreSQL?": there, rows another worker is claiming are skipped, not waited for.
_PICK = {False: _PICK_ANY, True: _PICK_ANY.with_for_update(skip_locked=True)}
_IDS = _o.id.in_(bindparam("ids", expanding=True))
_LEASE = (
    update(t.outbox)
    .where(_IDS)
    .values(
        lease_until=bindparam("lease_until"), worker=bindparam("worker"), attempts=_o.attempts + 1
    )
    .returning(*t.outbox.c)
)
# Expanded events: sent, nothing to record but the time.
_EXPANDED = (
    update(t.outbox)
    .where(_IDS)
    .values(state=OutboxState.SENT.value, lease_until=None, finished=bindparam("finished"))
)

# Deliveries of a batch marked sent in one executemany.
_MARK_SENT = (
    update(t.outbox)
    .where(_o.id == bindparam("b_id"))
    .values(
        state=OutboxState.SENT.value,
        lease_until=None,
        finished=bindparam("b_finished"),
        last_error=bindparam("b_error"),
        last_status=bindparam("b_status"),
        last_duration_ms=bindparam("b_ms"),
    )
)


def _settle_in(conn: Connection, results: Sequence[Settled], now: float) -> list[int]:
    """Record a batch's outcomes in the caller's transaction; the follow-ups' ids."""
    # Expanded events (sent, nothing to record but the time): one statement for all.
    nothing = DeliveryOutcome()
    plain = [r.message_id for r in results if r.state is OutboxState.SENT and r.outcome == nothing]
    done = set(plain)
    others = [r for r in results if r.message_id not in done]
    added: list[int] = []
    if plain:
        conn.execute(_EXPANDED, {"ids": padded(plain), "finished": now})
    follow_ups = [m for r in results for m in r.follow_ups]
    if follow_ups:
        # All of the batch's follow-ups in one call: multi-row inserts.
        added = add_outbox_rows(conn, follow_ups, now)
    delivered = [r for r in others if r.state is OutboxState.SENT]
    if delivered:
        conn.execute(_MARK_SENT, [_sent_row(r, now) for r in delivered])
    for result in others:
        if result.state is OutboxState.SENT:
            continue
        values: dict[str, Any] = {}
        if result.state is OutboxState.PENDING:
            values["not_before"] = result.not_before or now
        else:
            values["finished"] = now
        _finish_in(conn, result.message_id, result.state, result.outcome, **values)
    return added


def _sent_row(result: Settled, now: float) -> dict[str, Any]:
    outcome = result.outcome
    return {
        "b_id": result.message_id,
        "b_finished": now,
        "b_error": outcome.error[:2000],
        "b_status": outcome.status,
        "b_ms": outcome.duration_ms,
    }


def _finish_in(
    conn: Connection,
    message_id: int,
    state: OutboxState,
    outcome: DeliveryOutcome,
    **values: Any,
) -> None:
    conn.execute(
        update(t.outbox)
        .where(_o.id == message_id)
        .values(
            state=state.value,
            lease_until=None,
            last_error=outcome.error[:2000],
            last_status=outcome.status,
            last_duration_ms=outcome.duration_ms,
            **values,
        )
    )


def _message(row: Any) -> OutboxMessage:
    data = dict(row._mapping)
    data["payload"] = orjson.loads(data["payload"])
    data["state"] = OutboxState(data["state"])
    return OutboxMessage(**data)
