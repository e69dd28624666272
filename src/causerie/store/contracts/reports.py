"""ReportStore: what readers' reports (``core/reports``, ``core/moderation``) need from storage.

A report is one reader's flag on one comment; the comment's ``reports_open``
counts the open ones and moves with every change here, in the same
transaction. Implemented by ``store/reports.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from causerie.store.records import ReportRecord, ReportStatus, ReportSummary


class ReportStore(Protocol):
    """Readers' reports on comments."""

    def add_report(
        self, comment_id: int, reporter: str, reason: str, text: str | None, now: float
    ) -> int | None:
        """File a report; the comment's open reports after it, None if this reporter already did."""

    def reports_since(self, reporter: str, since: float) -> int:
        """How many reports one reporter filed since a time (a rate limit's count)."""

    def resolve(self, comment_id: int, status: ReportStatus, now: float) -> list[int]:
        """Close a comment's open reports with this outcome; the ids of the reports closed."""

    def reopen(self, report_ids: Sequence[int]) -> None:
        """Open these reports again (an undone decision), their comments' counts with them."""

    def of_comment(self, comment_id: int) -> list[ReportRecord]:
        """A comment's reports, newest first (never who filed them)."""

    def summaries(self, comment_ids: Sequence[int]) -> dict[int, ReportSummary]:
        """The reports of several comments, summed up (comments never reported are absent)."""
