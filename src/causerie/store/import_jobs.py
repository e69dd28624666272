"""Dashboard import jobs in the database (``ImportJobStore``): any server process answers the poll.

A row of ``import_jobs`` (``store/schema.py``)::

    id='3f2a9c…' site='journal' format='wordpress' file='export.xml' dry_run=False
    state='running' summary='{"threads": 12, "comments": 3400, …, "messages": […]}'
    error=None runner='web-2:4711:9f3c0a2e' started=… updated=… finished=None
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update

from causerie.store import schema as t
from causerie.store.database import write_transaction
from causerie.store.records import ImportJobRecord, JobState

_j = t.import_jobs.c


class SqlImportJobStore:
    """:class:`~causerie.store.contracts.imports.ImportJobStore` on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add_job(self, job: ImportJobRecord) -> None:
        """Record a job that starts now."""
        values = asdict(job)
        values.update(state=job.state.value, summary=_dumps(job.summary))
        with write_transaction(self.engine) as conn:
            conn.execute(insert(t.import_jobs).values(**values))

    def update_job(self, job_id: str, summary: dict[str, Any], now: float) -> None:
        """A running job's counts so far (also says it is still alive)."""
        with write_transaction(self.engine) as conn:
            conn.execute(
                update(t.import_jobs)
                .where(_j.id == job_id, _j.state == JobState.RUNNING.value)
                .values(summary=_dumps(summary), updated=now)
            )

    def finish_job(
        self, job_id: str, state: JobState, summary: dict[str, Any], error: str | None, now: float
    ) -> None:
        """A job ended: done (with its summary) or failed (with its error)."""
        with write_transaction(self.engine) as conn:
            conn.execute(
                update(t.import_jobs)
                .where(_j.id == job_id)
                .values(
                    state=state.value,
                    summary=_dumps(summary),
                    error=error,
                    updated=now,
                    finished=now,
                )
            )

    def job(self, job_id: str) -> ImportJobRecord | None:
        """One job by id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.import_jobs).where(_j.id == job_id)).first()
        if row is None:
            return None
        values = dict(row._mapping)
        values.update(state=JobState(values["state"]), summary=json.loads(values["summary"]))
        return ImportJobRecord(**values)

    def purge_jobs(self, before: float) -> int:
        """Forget jobs that ended before this time; how many."""
        with write_transaction(self.engine) as conn:
            result = conn.execute(
                delete(t.import_jobs).where(_j.finished.is_not(None), _j.finished < before)
            )
        return int(result.rowcount or 0)


def _dumps(summary: dict[str, Any]) -> str:
    return json.dumps(summary, ensure_ascii=False, separators=(",", ":"))
