"""On SQLite one process's worker holds the instance's lease; the others wait without writing.

Asking for the lease is a write transaction (the database's one writer lock).
The worker of a process that does not hold it used to ask at every wake-up,
and every comment posted in that process wakes it: under load, a write
transaction every few tens of milliseconds taken from the posting of
comments (docs/performance.md, webhook slowdown). It now asks once a poll.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from causerie.core.outbox import OutboxWorker, WorkerOptions
from causerie.store.database import create_database_engine, upgrade
from causerie.store.outbox import SqlOutboxStore


class CountingStore(SqlOutboxStore):
    """The real store, counting how often the lease is asked for."""

    asked = 0

    def hold_lease(self, name: str, holder: str, now: float, seconds: float) -> bool:
        """Count, then ask the database."""
        self.asked += 1
        return super().hold_lease(name, holder, now, seconds)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_database_engine(f"sqlite:///{tmp_path}/lease.db", sqlite_synchronous="NORMAL")
    yield engine
    engine.dispose()


def test_a_worker_without_the_lease_asks_for_it_once_a_poll(engine: Engine) -> None:
    upgrade(engine)
    clock = [1_000.0]
    options = WorkerOptions(single=True, poll_seconds=1.0, lease_seconds=60.0)
    holder = OutboxWorker(SqlOutboxStore(engine), {}, options=options, clock=lambda: clock[0])
    store = CountingStore(engine)
    other = OutboxWorker(store, {}, options=options, clock=lambda: clock[0])
    assert holder._may_work()
    # Fifty wake-ups within one poll: one question to the database, answered no.
    for _ in range(50):
        assert not other._may_work()
        clock[0] += 0.01
    assert store.asked == 1
    clock[0] += 1.0
    assert not other._may_work() and store.asked == 2
    # Once the holder's lease has run out, the other takes over at its next question.
    clock[0] += 61.0
    assert other._may_work() and store.asked == 3
    assert not holder._may_work()
