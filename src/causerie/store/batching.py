"""Group commit for SQLite: many comments, one fsync, none acknowledged before it.

SQLite has one writer at a time and, with ``synchronous=FULL``, each commit
waits for the disk. Under load the comments that arrive while one commit is
on disk queue up here; one transaction then inserts them all (each in its
own savepoint, so one bad row fails alone) and one commit makes them all
durable. Savepoints cost a third of the writer's time, and a failing row is
rare: a batch first runs without them, and only when one of its jobs fails
(nothing of it is then on disk) again with a savepoint per job. Each caller
gets its answer only after that commit returned, so an accepted comment is
always on disk. PostgreSQL groups commits by itself and
does not use this.
"""

from __future__ import annotations

import queue
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine

T = TypeVar("T")
MAX_BATCH = 64
# One group commit per engine, so that the comment store and the outbox write together.
_SHARED: weakref.WeakKeyDictionary[Engine, GroupCommit] = weakref.WeakKeyDictionary()
_SHARED_LOCK = threading.Lock()


@dataclass
class _Job(Generic[T]):
    work: Callable[[Connection], T]
    done: threading.Event = field(default_factory=threading.Event)
    result: T | None = None
    error: BaseException | None = None


class GroupCommit:
    """Runs write callables in shared transactions on one writer thread."""

    @classmethod
    def shared(cls, engine: Engine) -> GroupCommit | None:
        """The one group commit of a SQLite engine (None on PostgreSQL): stores share it."""
        if engine.dialect.name != "sqlite":
            return None
        with _SHARED_LOCK:
            found = _SHARED.get(engine)
            if found is None:
                found = _SHARED[engine] = cls(engine)
            return found

    def __init__(self, engine: Engine, max_batch: int = MAX_BATCH) -> None:
        self._engine = engine
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Job[Any]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def run(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` inside a committed transaction and return its result."""
        self._ensure_thread()
        job: _Job[T] = _Job(work)
        self._queue.put(job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.result  # type: ignore[return-value]

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="causerie-group-commit", daemon=True
                )
                self._thread.start()

    def _loop(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < self._max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._commit(batch)

    def _commit(self, batch: list[_Job[Any]]) -> None:
        try:
            # Most batches fail nowhere: one transaction without a savepoint per job.
            if not self._run(batch, savepoints=False) and len(batch) > 1:
                # A job failed and nothing of the batch is on disk: again, each job in
                # its own savepoint, so that it fails alone and the others go on.
                for job in batch:
                    job.result, job.error = None, None
                self._run(batch, savepoints=True)
        except Exception as exc:  # the commit itself failed: nobody's row is on disk
            for job in batch:
                if job.error is None:
                    job.error = exc
                    job.result = None
        finally:
            for job in batch:
                job.done.set()

    def _run(self, batch: list[_Job[Any]], *, savepoints: bool) -> bool:
        """Run the batch in one transaction; False when a job failed without a savepoint.

        Then the whole transaction is rolled back and that job holds its error."""
        with self._engine.connect() as conn:
            conn.info["write"] = True
            with conn.begin() as transaction:
                for job in batch:
                    if not savepoints:
                        try:
                            job.result = job.work(conn)
                        except Exception as exc:
                            transaction.rollback()
                            job.error = exc
                            return False
                        continue
                    savepoint = conn.begin_nested()
                    try:
                        job.result = job.work(conn)
                        savepoint.commit()
                    except Exception as exc:  # this job fails alone; the others go on
                        savepoint.rollback()
                        job.error = exc
        return True
