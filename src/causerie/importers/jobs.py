"""Imports started from the dashboard: each runs in a background thread; the page polls it.

A job is the uploaded file (a temporary file on the server that received it,
deleted when the import ends), the options, and what the writer reports as
it goes. Its state lives in the database (``ImportJobStore``), so the page may
poll any server process of the fleet; the server that received the upload
runs the import and refreshes the job while it does::

    {"id": "3f2a…", "state": "running" | "done" | "failed", "format": "wordpress",
     "site": "journal", "dry_run": false, "threads": 12, "comments": 3400, …,
     "error": "export.xml:1207: bad date '2012-13-45 09:10:00'" (failed only),
     "looks_like": "wordpress" (failed only: the file is plainly of that other format)}

A "running" job whose server stopped refreshing it (killed, restarted) is
shown failed after :data:`LOST_AFTER` seconds. The command line is the way
for very large files.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from causerie.core.fleet import process_name
from causerie.importers import WrongFormat, checked_reader
from causerie.importers.records import ImportFailure
from causerie.importers.writer import ImportOptions, ImportService, ImportSummary
from causerie.store.contracts.imports import ImportJobStore, ImportNotPublished
from causerie.store.records import ImportJobRecord, JobState

log = logging.getLogger("causerie.imports")

HEARTBEAT = 10.0  # a running job's row is refreshed at least this often (seconds)
LOST_AFTER = 60.0  # a running job not refreshed for this long was lost with its server
PROGRESS_EVERY = 0.5  # counts are written at most this often (each write is a transaction)
# Ended jobs are forgotten after this: their warnings may quote a reader's dropped value.
KEEP_SECONDS = 86400.0
KEPT_MESSAGES = 20


@dataclass
class _Running:
    """A job this process runs: its latest counts, and whether it ended."""

    summary: ImportSummary
    written: float = 0.0
    done: threading.Event = field(default_factory=threading.Event)


def _summary_of(summary: ImportSummary) -> dict[str, Any]:
    return {**summary.as_dict(), "messages": list(summary.messages[:KEPT_MESSAGES])}


def view(job: ImportJobRecord, now: float) -> dict[str, Any]:
    """What the dashboard shows of a job (a lost one as failed)."""
    counts = {k: v for k, v in job.summary.items() if k not in ("messages", "looks_like")}
    state, error = job.state, job.error
    if state is JobState.RUNNING and now - job.updated > LOST_AFTER:
        state = JobState.FAILED
        error = f"{job.file}: the server running this import stopped; nothing was published"
    return {
        "id": job.id,
        "state": state.value,
        "site": job.site,
        "file": job.file,
        "dry_run": job.dry_run,
        **counts,
        "warning_messages": list(job.summary.get("messages", [])),
        "error": error,
        "looks_like": job.summary.get("looks_like"),
    }


class ImportJobs:
    """Starts imports in background threads; answers how any job of the fleet is doing."""

    def __init__(
        self, service: ImportService, store: ImportJobStore, clock: Callable[[], float] = time.time
    ) -> None:
        self.service = service
        self.store = store
        self.clock = clock
        self.runner = process_name()
        # Called once an import is published (not a dry run): cached reads must go.
        self.published: list[Callable[[], None]] = []
        self._running: dict[str, _Running] = {}
        self._lock = threading.Lock()

    def start(self, options: ImportOptions, path: Path, name: str) -> dict[str, Any]:
        """Import ``path`` (removed afterwards) in the background; the job's first view."""
        now = self.clock()
        self.store.purge_jobs(now - KEEP_SECONDS)
        summary = ImportSummary(format=options.format)
        job = ImportJobRecord(
            id=secrets.token_hex(8),
            site=options.site,
            format=options.format,
            file=name,
            dry_run=options.dry_run,
            state=JobState.RUNNING,
            summary=_summary_of(summary),
            error=None,
            runner=self.runner,
            started=now,
            updated=now,
        )
        try:
            self.store.add_job(job)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        running = _Running(summary, written=now)
        with self._lock:
            self._running[job.id] = running
        threading.Thread(target=self._run, args=(job, options, path, running), daemon=True).start()
        return view(job, now)

    def get(self, job_id: str) -> dict[str, Any] | None:
        """How a job is doing, whichever process runs it (None: unknown or forgotten)."""
        job = self.store.job(job_id)
        return view(job, self.clock()) if job is not None else None

    def wait(self, job_id: str, timeout: float) -> bool:
        """Wait for a job this process runs to end (True: ended, or not run here)."""
        with self._lock:
            running = self._running.get(job_id)
        return running is None or running.done.wait(timeout)

    def _run(self, job: ImportJobRecord, options: ImportOptions, path: Path, run: _Running) -> None:
        beat = threading.Thread(target=self._heartbeat, args=(job.id, run), daemon=True)
        beat.start()
        state, error, looks_like = JobState.DONE, None, None
        try:
            items = checked_reader(options.format, path, job.file)
            run.summary = self.service.run(options, items, lambda s: self._progress(job.id, run, s))
        except (ImportFailure, ImportNotPublished) as failure:
            state, error = JobState.FAILED, str(failure)
            looks_like = failure.found if isinstance(failure, WrongFormat) else None
        except Exception:  # a bug or a database outage: the page must not wait forever
            log.exception("import %s of %s failed", job.id, job.file)
            state = JobState.FAILED
            error = f"{job.file}: the server could not finish the import (see its log)"
        finally:
            path.unlink(missing_ok=True)
        if state is JobState.DONE and not options.dry_run:
            self._announce(job.id)
        summary = _summary_of(run.summary if state is JobState.DONE else ImportSummary(job.format))
        if looks_like:
            summary["looks_like"] = looks_like
        try:
            self.store.finish_job(job.id, state, summary, error, self.clock())
        except Exception:  # the database is gone: the job shows as lost once it is back
            log.exception("import %s: could not record its end", job.id)
        finally:
            run.done.set()
            with self._lock:
                self._running.pop(job.id, None)

    def _announce(self, job_id: str) -> None:
        for listener in self.published:
            try:
                listener()
            except Exception:  # a cache or Redis trouble must not fail the import
                log.exception("import %s: a listener of published imports failed", job_id)

    def _progress(self, job_id: str, run: _Running, summary: ImportSummary) -> None:
        run.summary = summary
        now = self.clock()
        if now - run.written >= PROGRESS_EVERY:
            self._write(job_id, run, now)

    def _heartbeat(self, job_id: str, run: _Running) -> None:
        """While the job runs (threading and publishing say nothing), keep its row fresh."""
        while not run.done.wait(HEARTBEAT / 2):
            now = self.clock()
            if now - run.written >= HEARTBEAT / 2:
                self._write(job_id, run, now)

    def _write(self, job_id: str, run: _Running, now: float) -> None:
        run.written = now
        try:
            self.store.update_job(job_id, _summary_of(run.summary), now)
        except Exception:  # progress is best effort; the end is written separately
            log.warning("import %s: could not record its progress", job_id)
