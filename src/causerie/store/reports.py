"""Readers' reports on comments, on SQLite or PostgreSQL (the ``ReportStore`` contract).

One row of ``reports``::

    id=3 comment_id=42 reporter='5be1…' reason='abuse' text=None status='open'
    created=1764403200.5 resolved=None

``comments.reports_open`` is kept equal to the comment's open reports by
every operation here, in the same transaction, so that the Reported queue
and the hiding threshold read one indexed column instead of counting rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from causerie.store import schema as t
from causerie.store.database import write_transaction
from causerie.store.records import ReportRecord, ReportStatus, ReportSummary

MAX_TEXTS = 5  # readers' own words shown on a card


class SqlReportStore:
    """Readers' reports, and the open count on each comment."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add_report(
        self, comment_id: int, reporter: str, reason: str, text: str | None, now: float
    ) -> int | None:
        """File a report; the comment's open reports after it, None if this reporter already did."""
        row = {
            "comment_id": comment_id,
            "reporter": reporter,
            "reason": reason,
            "text": text,
            "status": ReportStatus.OPEN.value,
            "created": now,
        }
        try:
            with write_transaction(self.engine) as conn:
                conn.execute(insert(t.reports).values(**row))
                return int(
                    conn.execute(
                        update(t.comments)
                        .where(t.comments.c.id == comment_id)
                        .values(reports_open=t.comments.c.reports_open + 1)
                        .returning(t.comments.c.reports_open)
                    ).scalar_one()
                )
        except IntegrityError:
            return None

    def reports_since(self, reporter: str, since: float) -> int:
        """How many reports one reporter filed since a time (a rate limit's count)."""
        r = t.reports.c
        query = select(func.count()).where(r.reporter == reporter, r.created >= since)
        with self.engine.connect() as conn:
            return int(conn.scalar(query) or 0)

    def resolve(self, comment_id: int, status: ReportStatus, now: float) -> list[int]:
        """Close a comment's open reports with this outcome; the ids of the reports closed."""
        r = t.reports.c
        with write_transaction(self.engine) as conn:
            ids = list(
                conn.scalars(
                    update(t.reports)
                    .where(r.comment_id == comment_id, r.status == ReportStatus.OPEN.value)
                    .values(status=status.value, resolved=now)
                    .returning(r.id)
                )
            )
            _recount(conn, [comment_id])
        return sorted(ids)

    def reopen(self, report_ids: Sequence[int]) -> None:
        """Open these reports again (an undone decision), their comments' counts with them."""
        if not report_ids:
            return
        r = t.reports.c
        with write_transaction(self.engine) as conn:
            comments = list(
                conn.scalars(
                    update(t.reports)
                    .where(r.id.in_(list(report_ids)))
                    .values(status=ReportStatus.OPEN.value, resolved=None)
                    .returning(r.comment_id)
                )
            )
            _recount(conn, sorted(set(comments)))

    def of_comment(self, comment_id: int) -> list[ReportRecord]:
        """A comment's reports, newest first (never who filed them)."""
        r = t.reports.c
        query = (
            select(r.id, r.comment_id, r.reason, r.text, r.status, r.created, r.resolved)
            .where(r.comment_id == comment_id)
            .order_by(r.created.desc(), r.id.desc())
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            ReportRecord(
                id=row.id,
                comment_id=row.comment_id,
                reason=row.reason,
                text=row.text,
                status=ReportStatus(row.status),
                created=row.created,
                resolved=row.resolved,
            )
            for row in rows
        ]

    def summaries(self, comment_ids: Sequence[int]) -> dict[int, ReportSummary]:
        """The reports of several comments, summed up (comments never reported are absent)."""
        if not comment_ids:
            return {}
        r = t.reports.c
        query = (
            select(r.comment_id, r.reason, r.text, r.status)
            .where(r.comment_id.in_(list(comment_ids)))
            .order_by(r.created.desc(), r.id.desc())
        )
        totals: dict[int, int] = {}
        by_reason: dict[int, dict[str, int]] = {}
        texts: dict[int, list[str]] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                totals[row.comment_id] = totals.get(row.comment_id, 0) + 1
                reasons = by_reason.setdefault(row.comment_id, {})
                if row.status != ReportStatus.OPEN.value:
                    continue
                reasons[row.reason] = reasons.get(row.reason, 0) + 1
                said = texts.setdefault(row.comment_id, [])
                if row.text and len(said) < MAX_TEXTS:
                    said.append(row.text)
        return {
            cid: ReportSummary(
                open=sum(by_reason[cid].values()),
                total=total,
                open_by_reason=by_reason[cid],
                texts=tuple(texts.get(cid, ())),
            )
            for cid, total in totals.items()
        }


def _recount(conn: Connection, comment_ids: Sequence[int]) -> None:
    """Set ``reports_open`` of these comments from their rows."""
    r = t.reports.c
    for comment_id in comment_ids:
        still_open = (
            select(func.count())
            .where(r.comment_id == comment_id, r.status == ReportStatus.OPEN.value)
            .scalar_subquery()
        )
        conn.execute(
            update(t.comments).where(t.comments.c.id == comment_id).values(reports_open=still_open)
        )
