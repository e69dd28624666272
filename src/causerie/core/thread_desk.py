"""Per-article rules from the desk: close now, close after N days, pre-moderate one article.

A moderator changes a thread's rules (``closed``, ``premod``,
``close_after_days``, ``published``); each change is audited
(``thread_rules``, with the values before) and can be undone, and readers'
cached answers are dropped at once, here and in other processes. The rules
themselves are applied when a comment is posted (``core/closing.py``,
``core/admission.py``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from causerie.core import validation
from causerie.core.accounts import Session
from causerie.core.closing import closing, closing_days
from causerie.core.errors import InvalidField, NotFound
from causerie.core.moderation import ModerationService
from causerie.core.sites import SiteSettings
from causerie.store.records import (
    Queue,
    QueueFilter,
    SiteRecord,
    ThreadRecord,
    ThreadRow,
    ThreadRules,
)

RULES = ("closed", "premod", "close_after_days", "published")
MAX_DAYS = 3650
RULES_CHANGED = "rules"  # the change listeners hear: caches drop the thread, nothing is pushed


@dataclass(frozen=True)
class ThreadView:
    """A thread with its counts, its site's settings and its effective closing now."""

    row: ThreadRow
    conf: SiteSettings
    now: float

    def effective(self) -> dict[str, Any]:
        """The rules in force: closed (why, since when), closing, the countdown's start."""
        thread = self.row.thread
        state = closing(thread, self.conf, self.now)
        return {
            "closed": {"reason": state.reason, "since": state.since} if state.closed else None,
            "closes_at": state.closes_at,
            "close_after_days": closing_days(thread, self.conf),
            "close_from": "article"
            if self.conf.auto_close_from == "article" and thread.published is not None
            else "first_comment",
        }


@dataclass
class ThreadDesk:
    """The moderators' list of threads and their per-article rules."""

    moderation: ModerationService

    def __post_init__(self) -> None:
        self.moderation.reverters["thread_rules"] = self._revert

    def threads(
        self, session: Session, site: str | None, text: str, limit: int, offset: int
    ) -> tuple[list[ThreadView], int]:
        """Threads the session may see, newest first (``text`` searches title and uri)."""
        allowed = [self.moderation.site(session, site).id] if site else None
        if allowed is None:
            allowed = self.moderation.site_ids(session)
        rows, total = self.moderation.store.threads_page(allowed, text.strip(), limit, offset)
        return [self._view(row) for row in rows], total

    def thread(self, session: Session, thread_id: int) -> ThreadView:
        """One thread, if the session may act on its site."""
        row = self.moderation.store.thread_row(thread_id)
        if row is None:
            raise NotFound("thread_not_found")
        self.moderation.site(session, row.site)
        return self._view(row)

    def change(self, session: Session, thread_id: int, changes: dict[str, Any]) -> ThreadView:
        """Change some rules of a thread; audited, undoable, seen by readers at once."""
        view = self.thread(session, thread_id)
        thread = view.row.thread
        clean = {key: _checked(key, value) for key, value in changes.items()}
        before = {key: getattr(thread, key) for key in RULES}
        after = {**before, **clean}
        self._store(thread, after)
        site = self.moderation.site(session, view.row.site)
        entry = {
            "user_id": session.user.id,
            "actor": session.user.email,
            "site": site.name,
            "action": "thread_rules",
            "comment_id": None,
            "thread_id": thread.id,
            "batch": secrets.token_hex(8),
            "detail": {"before": before, "changed": sorted(clean)},
        }
        self.moderation.store.audit([entry])
        self._announce(site, thread)
        return self.thread(session, thread_id)

    def _store(self, thread: ThreadRecord, rules: dict[str, Any]) -> None:
        store = self.moderation.comments.store
        if bool(rules["closed"]) != thread.closed:
            store.set_thread_closed(thread.id, bool(rules["closed"]))
        store.set_thread_rules(
            thread.id,
            ThreadRules(bool(rules["premod"]), rules["close_after_days"], rules["published"]),
        )

    def _revert(self, session: Session, entry: dict[str, Any]) -> None:
        view = self.thread(session, int(entry["thread_id"]))
        self._store(view.row.thread, entry["detail"]["before"])
        self._announce(self.moderation.site(session, view.row.site), view.row.thread)

    def _announce(self, site: SiteRecord, thread: ThreadRecord) -> None:
        """Drop readers' cached answers for the thread (listeners need one of its comments)."""
        store = self.moderation.store
        for queue in (Queue.APPROVED, Queue.PENDING, Queue.SPAM, Queue.DELETED):
            rows, _ = store.queue(QueueFilter(queue, None, thread.id), 1, 0)
            if rows:
                self.moderation.comments.emit(RULES_CHANGED, site, thread, rows[0].comment)
                return

    def _view(self, row: ThreadRow) -> ThreadView:
        comments = self.moderation.comments
        site = comments.store.site(row.site)
        return ThreadView(
            row, comments.site_settings(site) if site else _no_site(), comments.clock()
        )


def _no_site() -> SiteSettings:
    raise NotFound("site_not_found")


def _checked(key: str, value: Any) -> Any:
    """One rule's new value (422 naming the field)."""
    if key in ("closed", "premod"):
        if not isinstance(value, bool):
            raise InvalidField("field_invalid", field=key)
        return value
    if key == "close_after_days":
        if value is None or (
            isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DAYS
        ):
            return value
        raise InvalidField("field_invalid", field=key)
    if key == "published":
        if value is None or isinstance(value, str):
            return validation.check_published(value)
        raise InvalidField("field_invalid", field=key)
    raise InvalidField("field_invalid", field=key)
