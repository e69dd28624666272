"""What each moderator action does to a comment, what it says of its reports, what it teaches.

``effect`` gives the new field values of an action and whether it teaches
the spam filter that the comment is spam (True), not spam (False) or nothing
(None); ``learning_sample`` is what the filter learns from a stored comment.
"""

from __future__ import annotations

from typing import Any

from causerie.spam import CommentSample
from causerie.store.records import CommentRecord, CommentState, ReportStatus

ACTIONS = (
    "approve", "delete", "spam", "not_spam", "pin", "unpin",
    "keep", "reject", "feature", "unfeature", "not_offensive", "offensive",
)  # fmt: skip
# What a decision says of a comment's open reports: it is fine (kept), or they were right.
RESOLVES = {
    "approve": ReportStatus.KEPT,
    "not_spam": ReportStatus.KEPT,
    "keep": ReportStatus.KEPT,
    "feature": ReportStatus.KEPT,
    "not_offensive": ReportStatus.KEPT,
    "offensive": ReportStatus.UPHELD,
    "delete": ReportStatus.UPHELD,
    "spam": ReportStatus.UPHELD,
    "reject": ReportStatus.UPHELD,
}


def effect(action: str, comment: CommentRecord, now: float) -> tuple[dict[str, Any], bool | None]:
    """The new field values of an action, and what it teaches the filter (None: nothing).

    Every decision marks the comment reviewed: a human has seen it, so readers'
    reports never hide it again (core/reports.py).
    """
    values, learned = decision(action, comment, now)
    return {**values, "reviewed": now}, learned


def decision(action: str, comment: CommentRecord, now: float) -> tuple[dict[str, Any], bool | None]:
    """An action's own changes (without ``reviewed``) and its lesson for the spam filter."""
    called_spam = comment.spam_verdict != "ham" or comment.state is CommentState.SPAM
    if action in ("approve", "keep"):
        return {"state": CommentState.APPROVED}, (False if called_spam else None)
    if action == "not_spam":
        return {"state": CommentState.APPROVED}, False
    if action == "spam":
        return {"state": CommentState.SPAM}, True
    if action == "not_offensive":  # teaches the toxicity model, not the spam filter
        return {"state": CommentState.APPROVED}, None
    if action in ("delete", "reject", "offensive"):
        return {"state": CommentState.DELETED}, None
    if action == "feature":
        # Featuring publishes, as Coral does: an editor's choice is meant to be read.
        values: dict[str, Any] = {"featured_at": comment.featured_at or now}
        if comment.state is not CommentState.APPROVED:
            values["state"] = CommentState.APPROVED
        return values, (False if called_spam else None)
    if action == "unfeature":
        return {"featured_at": None}, None
    return {"pinned": action == "pin"}, None


def learning_sample(
    comment: CommentRecord, site: str, uri: str, site_languages: tuple[str, ...] = ()
) -> CommentSample:
    """What the spam filter learns from a stored comment (a decision or an imported label)."""
    return CommentSample(
        content=comment.text,
        author=comment.author,
        email=comment.email or "",
        url=comment.website or "",
        lang=comment.lang,
        site=site,
        permalink=uri,
        user_agent=comment.user_agent or "",
        ip_hash=comment.ip_hash or "",
        site_languages=site_languages,
    )
