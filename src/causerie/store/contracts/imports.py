"""ImportTarget and ExportSource: what imports and exports need from storage.

An import is ONE transaction (:meth:`ImportTarget.open_import`): every thread
and comment of a file is written inside it and threading is resolved at its
end, so a file that fails half-way leaves nothing behind, and a dry run is the
same work rolled back. Source ids are remembered per site and format in
``import_sources``, so importing a file twice adds nothing the second time.
Implemented by ``store/imports.py``; checked by ``tests/store/test_contracts_imports.py``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from causerie.store.records import (
    BlockRow,
    CommentRecord,
    ImportRow,
    LearningRow,
    Linked,
    SiteRecord,
    ThreadRecord,
)


class ImportSession(Protocol):
    """The writes of one import, inside its one transaction."""

    run: str  # this import's id, kept with every source row it writes
    site_id: int

    def thread(self, uri: str, title: str, closed: bool, created: float) -> tuple[int, bool]:
        """The id of the site's thread for ``uri`` (created if needed), and whether it was new."""

    def known(self, source_ids: Sequence[str]) -> set[str]:
        """Which of these source ids an earlier import (or this one) already stored."""

    def add_comments(self, rows: Sequence[ImportRow]) -> None:
        """Insert comments (top-level for now) with their source rows."""

    def link_replies(self) -> Linked:
        """Give this run's comments their parents and top-level ancestors; missing ones → top."""

    def set_site(self, title: str, settings: dict[str, Any]) -> None:
        """Replace the site's title and settings (native imports)."""

    def add_blocks(self, rows: Sequence[BlockRow]) -> int:
        """Add block-list entries the site does not have yet; return how many."""

    def add_learning(self, rows: Sequence[LearningRow]) -> int:
        """Add learning-log entries the site does not have yet; return how many."""


class ImportTarget(Protocol):
    """Where imports write."""

    def open_import(
        self, site: str, format: str, *, dry_run: bool
    ) -> AbstractContextManager[ImportSession]:
        """One import's transaction (the site created in it if new): committed on a clean exit,
        rolled back on an error or a dry run."""

    def imported(self, run: str) -> Iterator[tuple[CommentRecord, str]]:
        """The comments one (committed) import stored, with their thread's URI."""


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
