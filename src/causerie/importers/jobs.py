"""Imports started from the dashboard: each runs in a background thread; the page polls it.

A job is the uploaded file (a temporary file, deleted when the import ends),
the options, and what the writer reports as it goes::

    {"id": "3f2a…", "state": "running" | "done" | "failed", "format": "wordpress",
     "site": "journal", "dry_run": false, "threads": 12, "comments": 3400, …,
     "error": "export.xml:1207: bad date '2012-13-45 09:10:00'" (failed only),
     "looks_like": "wordpress" (failed only: the file is plainly of that other format)}

Jobs live in the memory of the process that started them (the last few are
kept); the command line is the way for very large files.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from causerie.importers import WrongFormat, checked_reader
from causerie.importers.records import ImportFailure
from causerie.importers.writer import ImportOptions, ImportService, ImportSummary
from causerie.store.contracts.imports import ImportNotPublished

KEPT = 20
log = logging.getLogger("causerie.imports")


@dataclass
class ImportJob:
    """One dashboard import and where it stands."""

    id: str
    options: ImportOptions
    name: str
    state: str = "running"
    summary: ImportSummary | None = None
    error: str | None = None
    looks_like: str | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def view(self) -> dict[str, Any]:
        """What the dashboard shows of it."""
        counts = (self.summary or ImportSummary(format=self.options.format)).as_dict()
        return {
            "id": self.id,
            "state": self.state,
            "site": self.options.site,
            "file": self.name,
            "dry_run": self.options.dry_run,
            **counts,
            "warning_messages": list(self.summary.messages[:20]) if self.summary else [],
            "error": self.error,
            "looks_like": self.looks_like,
        }


class ImportJobs:
    """Starts imports in background threads and answers how they are doing."""

    def __init__(self, service: ImportService) -> None:
        self.service = service
        self._jobs: OrderedDict[str, ImportJob] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, options: ImportOptions, path: Path, name: str) -> ImportJob:
        """Import ``path`` (removed afterwards) in the background; ``name`` is shown in errors."""
        job = ImportJob(secrets.token_hex(8), options, name)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEPT:
                self._jobs.popitem(last=False)
        thread = threading.Thread(target=self._run, args=(job, path), daemon=True)
        thread.start()
        return job

    def get(self, job_id: str) -> ImportJob | None:
        """A job started by this process, if it is still remembered."""
        with self._lock:
            return self._jobs.get(job_id)

    def _run(self, job: ImportJob, path: Path) -> None:
        def progress(summary: ImportSummary) -> None:
            job.summary = summary

        try:
            items = checked_reader(job.options.format, path, job.name)
            job.summary = self.service.run(job.options, items, progress)
            job.state = "done"
        except (ImportFailure, ImportNotPublished) as failure:
            job.summary = None
            job.error = str(failure)
            job.looks_like = failure.found if isinstance(failure, WrongFormat) else None
            job.state = "failed"
        except Exception:  # a bug or a database outage: the page must not wait forever
            log.exception("import %s of %s failed", job.id, job.name)
            job.summary = None
            job.error = f"{job.name}: the server could not finish the import (see its log)"
            job.state = "failed"
        finally:
            path.unlink(missing_ok=True)
            job.done.set()
