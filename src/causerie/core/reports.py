"""Readers' reports: one per reader and comment, rate limited, hiding at a threshold.

A reader reports an approved comment with a reason (``spam``, ``abuse``,
``off_topic``, ``personal_data``, ``other`` with a few words). She is known
by a keyed hash — of her signed-in identity, else of her address — never by
the address itself. When a comment's open reports reach the site's
``report_threshold``, it is hidden pending review (``report_action: hide``,
state ``pending``) or only waits in the Reported queue (``queue``). A
comment a moderator has decided on (``reviewed``) is never hidden by reports
again: the crowd may ask for another look, not overrule an editor. Hiding is
written to the audit log (actor ``readers``); moderators' outcomes (keep,
reject) are written by ``core/moderation.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from causerie.core import events, identity, validation
from causerie.core.admission import reason
from causerie.core.comments import CommentService, Reader
from causerie.core.errors import Conflict, InvalidField, NotFound, RateLimited
from causerie.store.contracts.reports import ReportStore
from causerie.store.records import REPORT_REASONS, CommentState, ReportRecord, ReportSummary

MAX_TEXT = 500
READERS = "readers"  # the audit log's actor when reports hide a comment

Audit = Callable[[Sequence[dict[str, Any]]], None]


@dataclass
class ReportService:
    """What readers' reports do, and what moderators read of them."""

    comments: CommentService
    store: ReportStore
    audit: Audit

    def report(self, comment_id: int, why: str, text: str | None, reader: Reader) -> None:
        """File a reader's report; hide the comment when the site's threshold is reached."""
        if why not in REPORT_REASONS:
            raise InvalidField("field_invalid", field="reason")
        said = " ".join(validation.clean_text(text, "text").split()) if text else ""
        if len(said) > MAX_TEXT:
            raise InvalidField("text_too_long", field="text", max=MAX_TEXT)
        if why == "other" and not said:
            raise InvalidField("report_text_required", field="text")
        comment = self.comments.store.comment(comment_id)
        if comment is None or comment.state is not CommentState.APPROVED:
            raise NotFound("comment_not_found")
        reporter = reporter_key(self.comments.secret, reader)
        now = self.comments.clock()
        self._check_rate(reporter, now)
        count = self.store.add_report(comment.id, reporter, why, said or None, now)
        if count is None:
            raise Conflict("already_reported")
        site, thread = self.comments._context(comment)
        conf = self.comments.site_settings(site)
        if count < conf.report_threshold or conf.report_action != "hide" or comment.reviewed:
            return
        event = self.comments.event(site.id, events.event_of_state(CommentState.PENDING))
        hidden = self.comments.store.set_state(comment.id, CommentState.PENDING, event)
        if hidden is None:
            return
        entry = {
            "user_id": None,
            "actor": READERS,
            "site": site.name,
            "action": "report_hide",
            "comment_id": comment.id,
            "thread_id": thread.id,
            "detail": {"reports": count, "threshold": conf.report_threshold},
        }
        self.audit([entry])
        self.comments.emit("moderated", site, thread, hidden)

    def _check_rate(self, reporter: str, now: float) -> None:
        """The posting limit (``comments_per_minute``) counts reports too."""
        limit = self.comments.settings.comments_per_minute
        if limit <= 0:
            return
        limiter = self.comments.rate_limiter
        if limiter is not None:
            allowed = limiter.hit(f"report:{reporter}", limit, 60)
        else:
            allowed = self.store.reports_since(reporter, now - 60) < limit
        if not allowed:
            raise RateLimited("rate_limited")

    def of_comment(self, comment_id: int) -> list[ReportRecord]:
        """A comment's reports, newest first (who filed them is never kept readable)."""
        return self.store.of_comment(comment_id)

    def summaries(self, comment_ids: Sequence[int]) -> dict[int, ReportSummary]:
        """The reports of a page of comments, summed up for their cards."""
        return self.store.summaries(comment_ids)


def reporter_key(secret: str, reader: Reader) -> str:
    """Who reports, as a keyed hash: the signed-in identity, else the address."""
    if reader.signed_in is not None:
        return identity.keyed_hash(secret, "report", f"identity:{reader.signed_in.id}")
    return identity.keyed_hash(secret, "report", reader.ip or reader.user_agent)


def hidden_reason(summary: ReportSummary | None, state: CommentState) -> dict[str, Any] | None:
    """The ``reports_hidden`` reason a card shows for a comment reports hid."""
    if summary is None or not summary.open or state is not CommentState.PENDING:
        return None
    return reason("reports_hidden", count=summary.open)
