"""ImportTarget and ExportSource: what imports and exports need from storage.

An import (:meth:`ImportTarget.open_import`) stages every thread and comment
of a file where no reader looks, in short transactions (readers keep
commenting meanwhile, even on SQLite), resolves threading on the staged rows,
and publishes them at its end, whole threads a short transaction at a time: a
file that fails half-way, or a process that dies before the publish,
publishes nothing, and a dry run is the same work discarded. Source ids are
remembered per site and format in ``import_sources``, so importing a file
twice adds nothing the second time.
Implemented by ``store/imports.py`` (its steps in ``store/import_*.py``) and
``store/exports.py``; checked by ``tests/store/test_contracts_imports.py``.
Dashboard imports are jobs (:class:`ImportJobStore`, ``store/import_jobs.py``),
seen by every server process.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from causerie.store.records import (
    BlockRow,
    CommentRecord,
    ImportJobRecord,
    ImportRow,
    JobState,
    LearningRow,
    Linked,
    SiteRecord,
    ThreadRecord,
)


class ImportNotPublished(Exception):
    """An import that could not be made visible: nothing of it was published.

    Its staged rows were purged while it ran, or another import of the same file
    or a deleted parent comment got in the way at publish time.
    """


class ImportSession(Protocol):
    """The writes of one import, staged until it publishes."""

    run: str  # this import's id, kept with every source row it writes

    def thread(self, uri: str, title: str, closed: bool, created: float) -> tuple[int, bool]:
        """This import's key for the site's thread at ``uri``, and whether it is new."""

    def known(self, source_ids: Sequence[str]) -> set[str]:
        """Which of these source ids an earlier import (or this one) already stored."""

    def add_comments(self, rows: Sequence[ImportRow]) -> None:
        """Stage comments (top-level for now) with where they came from: one short transaction."""

    def link_replies(self) -> Linked:
        """Give this run's comments their parents and top-level ancestors; missing ones → top."""

    def set_site(self, title: str, settings: dict[str, Any]) -> None:
        """Replace the site's title and settings (native imports) when the import publishes."""

    def add_blocks(self, rows: Sequence[BlockRow]) -> int:
        """Add block-list entries the site does not have yet; return how many."""

    def add_learning(self, rows: Sequence[LearningRow]) -> int:
        """Add learning-log entries the site does not have yet; return how many."""


class ImportTarget(Protocol):
    """Where imports write."""

    def open_import(
        self, site: str, format: str, *, dry_run: bool
    ) -> AbstractContextManager[ImportSession]:
        """One import (the site created when it publishes if new): staged as it goes,
        published in short transactions on a clean exit, discarded on an error or a dry run."""

    def imported(self, run: str) -> Iterator[tuple[CommentRecord, str]]:
        """The comments one (committed) import stored, with their thread's URI."""

    def purge_staging(self) -> int:
        """Remove what imports that died (or were published) left staged; return how many runs."""


class ExportSource(Protocol):
    """What exports read, streamed so that a large site fits in little memory."""

    def site(self, name: str) -> SiteRecord | None:
        """The site with this name, if any."""

    def threads(self, site_id: int) -> Iterator[ThreadRecord]:
        """The site's threads, oldest first."""

    def comments(self, thread_id: int) -> list[CommentRecord]:
        """Every comment of a thread in any state, oldest first."""

    def sources(self, thread_id: int) -> dict[int, str]:
        """Source details (JSON) kept by imports, by comment id, for one thread."""

    def blocks(self, site_id: int) -> list[BlockRow]:
        """The site's block list, oldest first."""

    def learning(self, site: str) -> Iterator[LearningRow]:
        """The site's learning-log entries, oldest first."""


class ImportJobStore(Protocol):
    """Dashboard imports, shared by every server process (the page may poll any of them)."""

    def add_job(self, job: ImportJobRecord) -> None:
        """Record a job that starts now."""

    def update_job(self, job_id: str, summary: dict[str, Any], now: float) -> None:
        """A running job's counts so far (also says it is still alive)."""

    def finish_job(
        self, job_id: str, state: JobState, summary: dict[str, Any], error: str | None, now: float
    ) -> None:
        """A job ended: done (with its summary) or failed (with its error)."""

    def job(self, job_id: str) -> ImportJobRecord | None:
        """One job by id."""

    def purge_jobs(self, before: float) -> int:
        """Forget jobs that ended before this time; how many."""
