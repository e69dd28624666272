"""What moderators do: queues, decisions that teach the filter, blocks, undo, site settings.

Every change is checked against the moderator's sites first (an admin has
them all), written with its "before" values to the audit log so that it can
be undone, and announced through :meth:`CommentService.emit` so caches and
live readers see it. Spam / not-spam decisions go to the site's filter
(``source="moderator"``) and to the ``decisions`` table behind the overview's
precision and recall.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from causerie.core import events, markup, validation
from causerie.core.accounts import Session
from causerie.core.blocks import MAX_BLOCK_DAYS, block_value, matches
from causerie.core.comments import CommentService, Reader
from causerie.core.decisions import ACTIONS, RESOLVES, effect, learning_sample
from causerie.core.errors import Conflict, Forbidden, InvalidField, NotFound
from causerie.core.toxicity import LESSONS, decision_row, teach
from causerie.store.contracts.moderation import ModerationStore
from causerie.store.contracts.reports import ReportStore
from causerie.store.records import (
    CommentRecord,
    CommentState,
    NewComment,
    QueueFilter,
    QueueRow,
    SiteRecord,
    TextChange,
    ThreadRecord,
)

UNDOABLE = (*ACTIONS, "edit", "reply", "close", "open", "block", "thread_rules", "reader")
# Undo of entries other services write (thread rules, rules on readers): action -> revert.
Reverter = Callable[[Session, dict[str, Any]], None]
MAX_BULK = 200


@dataclass
class ModerationService:
    """The moderator's entry point; every method takes the acting session first."""

    comments: CommentService
    store: ModerationStore
    # Readers' reports, resolved by decisions (None: an instance without them, in tests).
    reports: ReportStore | None = None
    reverters: dict[str, Reverter] = field(default_factory=dict)

    # -- permissions ------------------------------------------------------------

    def site_ids(self, session: Session) -> list[int] | None:
        """The sites a session may see (None: every site)."""
        return None if session.is_admin else list(session.user.site_ids)

    def sites(self, session: Session) -> list[SiteRecord]:
        """The sites a session may see, by name."""
        allowed = self.site_ids(session)
        return [s for s in self.comments.store.sites() if allowed is None or s.id in allowed]

    def site(self, session: Session, name: str) -> SiteRecord:
        """A site by name, if the session may act on it."""
        site = self.comments.store.site(name)
        if site is None:
            raise NotFound("site_not_found")
        self._require(session, site.id)
        return site

    def change_site_settings(
        self, session: Session, site: SiteRecord, settings: dict[str, Any], changed: list[str]
    ) -> None:
        """Replace a site's settings (checked by the caller) and log who changed what."""
        self._require(session, site.id)
        self.comments.store.update_site_settings(site.name, settings)
        entry = {
            "user_id": session.user.id,
            "actor": session.user.email,
            "site": site.name,
            "action": "settings",
            "detail": {"changed": changed},
        }
        self.store.audit([entry])

    def audit_page(self, session: Session, limit: int, offset: int) -> list[dict[str, Any]]:
        """Audit entries of the session's sites, newest first."""
        names = None if session.is_admin else [s.name for s in self.sites(session)]
        return self.store.audit_page(names, limit, offset)

    def _require(self, session: Session, site_id: int) -> None:
        allowed = self.site_ids(session)
        if allowed is not None and site_id not in allowed:
            raise Forbidden("forbidden")

    def comment_context(
        self, session: Session, comment_id: int
    ) -> tuple[CommentRecord, SiteRecord, ThreadRecord]:
        """A comment with its site and thread, if the session may act on it."""
        return self._context(session, comment_id)

    def _context(
        self, session: Session, comment_id: int
    ) -> tuple[CommentRecord, SiteRecord, ThreadRecord]:
        comment = self.comments.store.comment(comment_id)
        if comment is None:
            raise NotFound("comment_not_found")
        site, thread = self.comments._context(comment)
        self._require(session, site.id)
        return comment, site, thread

    # -- queues -----------------------------------------------------------------

    def queue(
        self, session: Session, f: QueueFilter, site: str | None, limit: int, offset: int
    ) -> tuple[list[QueueRow], int]:
        """A page of a queue restricted to what the session may see."""
        allowed = self.site_ids(session)
        if site:
            allowed = [self.site(session, site).id]
        if f.thread_id is not None:
            thread = self.comments.store.thread_by_id(f.thread_id)
            if thread is None:
                raise NotFound("thread_not_found")
            self._require(session, thread.site_id)
        return self.store.queue(replace(f, site_ids=allowed), limit, offset)

    def queue_counts(self, session: Session, site: str | None) -> dict[str, int]:
        """Live counts of every queue of the desk, on one site or all the session's."""
        allowed = [self.site(session, site).id] if site else self.site_ids(session)
        return self.store.queue_counts(allowed)

    # -- decisions ----------------------------------------------------------------

    def act(self, session: Session, action: str, ids: Sequence[int]) -> list[CommentRecord]:
        """Apply one action to a selection (all or nothing on permissions)."""
        if action not in ACTIONS:
            raise InvalidField("field_invalid", field="action")
        unique = list(dict.fromkeys(ids))
        if not unique or len(unique) > MAX_BULK:
            raise InvalidField("field_invalid", field="ids")
        found = [self._context(session, i) for i in unique]
        batch = secrets.token_hex(8)
        audit: list[dict[str, Any]] = []
        decisions: list[dict[str, Any]] = []
        touched: set[int] = set()
        out = []
        now = self.comments.clock()
        for comment, site, thread in found:
            values, learned = effect(action, comment, now)
            updated = self._restore(comment, values, site.id)
            if learned is not None:
                self._learn(site, thread, comment, learned)
                decisions.append(
                    {
                        "site_id": site.id,
                        "comment_id": comment.id,
                        "filter_spam": comment.spam_verdict != "ham",
                        "moderator_spam": learned,
                        "batch": batch,
                    }
                )
            offensive = LESSONS.get(action)
            if offensive is not None:
                teach(self.comments.toxicity, site.name, comment, offensive)
                decisions.append(decision_row(site.id, comment, offensive, batch))
                touched.add(site.id)
            before = {k: _plain(getattr(comment, k)) for k in values}
            entry = _entry(session, action, site, thread, comment.id, batch, before, learned)
            if offensive is not None:
                entry["detail"]["toxicity_learned"] = offensive
            resolved = self._resolve_reports(action, comment, now)
            if resolved:
                entry["detail"].update(reopen=resolved, reports=len(resolved))
                updated = self.comments.store.comment(comment.id) or updated
            audit.append(entry)
            self.comments.emit("moderated", site, thread, updated)
            out.append(updated)
        self.store.add_decisions(decisions)
        for site_id in touched:  # the site's threshold reads its decisions again
            self.comments.toxicity_holds.forget(site_id)
        self.store.audit(audit)
        return out

    def _resolve_reports(self, action: str, comment: CommentRecord, now: float) -> list[int]:
        """Close a comment's open reports as the decision says; the reports closed."""
        status = RESOLVES.get(action)
        if status is None or self.reports is None or not comment.reports_open:
            return []
        return self.reports.resolve(comment.id, status, now)

    def _learn(
        self, site: SiteRecord, thread: ThreadRecord, comment: CommentRecord, is_spam: bool
    ) -> None:
        conf = self.comments.site_settings(site)
        sample = learning_sample(comment, site.name, thread.uri, conf.languages)
        self.comments.spam.learn(sample, is_spam, source="moderator")

    def edit(self, session: Session, comment_id: int, text: str) -> CommentRecord:
        """Change a comment's text (the author's name and data stay)."""
        comment, site, thread = self._context(session, comment_id)
        conf = self.comments.site_settings(site)
        clean = validation.check_text(text, conf.max_comment_length)
        change = TextChange(
            text=clean,
            html=markup.render(clean),
            author=comment.author,
            website=comment.website,
            modified=self.comments.clock(),
        )
        event = self.comments.event(site.id, events.EDITED)
        updated = self.comments.store.replace_text(comment.id, change, event)
        assert updated is not None
        before = {"text": comment.text, "html": comment.html, "modified": comment.modified}
        batch = secrets.token_hex(8)
        self.store.audit([_entry(session, "edit", site, thread, comment.id, batch, before)])
        self.comments.emit("edited", site, thread, updated)
        return updated

    def reply(self, session: Session, comment_id: int, text: str) -> CommentRecord:
        """Answer a comment in the site's name (shown with a "by the site" badge)."""
        parent, site, thread = self._context(session, comment_id)
        if parent.state in (CommentState.SPAM, CommentState.DELETED):
            raise InvalidField("parent_not_found", field="parent")
        conf = self.comments.site_settings(site)
        clean = validation.check_text(text, conf.max_comment_length)
        new = NewComment(
            parent_id=parent.id,
            state=CommentState.APPROVED,
            author=site.title or site.name,
            text=clean,
            html=markup.render(clean),
            created=self.comments.clock(),
            lang=parent.lang,
            by_site=True,
        )
        reply = self.comments.store.insert_comment(
            site.id, thread.uri, thread.title, new, self.comments.event(site.id, events.CREATED)
        )
        batch = secrets.token_hex(8)
        entry = _entry(session, "reply", site, thread, reply.id, batch, {"state": "deleted"})
        self.store.audit([entry])
        self.comments.emit("created", site, thread, reply)
        return reply

    def close_thread(self, session: Session, thread_id: int, closed: bool) -> ThreadRecord:
        """Close a thread to new comments, or open it again."""
        thread = self.comments.store.thread_by_id(thread_id)
        if thread is None:
            raise NotFound("thread_not_found")
        self._require(session, thread.site_id)
        site = self.comments.store.site_by_id(thread.site_id)
        assert site is not None
        self.comments.store.set_thread_closed(thread.id, closed)
        action = "close" if closed else "open"
        batch = secrets.token_hex(8)
        entry = _entry(session, action, site, thread, None, batch, {"closed": thread.closed})
        self.store.audit([entry])
        self._emit_thread(site, thread)
        updated = self.comments.store.thread_by_id(thread.id)
        assert updated is not None
        return updated

    def _emit_thread(self, site: SiteRecord, thread: ThreadRecord) -> None:
        rows, _ = self.store.queue(QueueFilter(CommentState.APPROVED, None, thread.id), 1, 0)
        if rows:  # listeners want a comment; any one of the thread's will do
            self.comments.emit("moderated", site, thread, rows[0].comment)

    # -- undo ---------------------------------------------------------------------

    def undo(self, session: Session) -> list[dict[str, Any]]:
        """Revert the session user's last undoable action (a whole bulk selection)."""
        entries = self.store.last_batch(session.user.id, UNDOABLE)
        if not entries:
            raise Conflict("nothing_to_undo")
        for entry in entries:
            self._revert(session, entry)
        self.store.mark_undone(str(entries[0]["batch"]))  # its decisions go with it
        for site in {str(e["site"]) for e in entries if e.get("site")}:
            found = self.comments.store.site(site)
            if found is not None:
                self.comments.toxicity_holds.forget(found.id)
        first = entries[0]
        self.store.audit(
            [
                {
                    "user_id": session.user.id,
                    "actor": session.user.email,
                    "site": first["site"],
                    "action": "undo",
                    "comment_id": first["comment_id"],
                    "thread_id": first["thread_id"],
                    "detail": {"undid": first["action"], "count": len(entries)},
                }
            ]
        )
        return entries

    def _revert(self, session: Session, entry: dict[str, Any]) -> None:
        if entry["detail"].get("erased"):
            return  # the reader's data is gone for good: nothing to write back
        before: dict[str, Any] = entry["detail"].get("before", {})
        if entry["action"] == "block":
            self.store.remove_block(int(entry["detail"]["block_id"]))
            return
        if entry["action"] in self.reverters:
            self.reverters[entry["action"]](session, entry)
            return
        if entry["action"] in ("close", "open"):
            thread = self.comments.store.thread_by_id(int(entry["thread_id"]))
            if thread is not None:
                self._require(session, thread.site_id)
                self.comments.store.set_thread_closed(thread.id, bool(before["closed"]))
                site = self.comments.store.site_by_id(thread.site_id)
                assert site is not None
                self._emit_thread(site, thread)
            return
        comment, site, thread = self._context(session, int(entry["comment_id"]))
        values = {k: CommentState(v) if k == "state" else v for k, v in before.items()}
        updated = self._restore(comment, values, site.id)
        if entry["detail"].get("reopen") and self.reports is not None:
            self.reports.reopen([int(i) for i in entry["detail"]["reopen"]])
            updated = self.comments.store.comment(comment.id) or updated
        learned = entry["detail"].get("learned")
        if learned is not None:
            # The log is append-only: the opposite lesson cancels the mistaken one.
            self._learn(site, thread, comment, not learned)
        taught = entry["detail"].get("toxicity_learned")
        if taught is not None:
            teach(self.comments.toxicity, site.name, comment, not taught)
        self.comments.emit("moderated", site, thread, updated)

    def _restore(
        self, comment: CommentRecord, values: dict[str, Any], site_id: int
    ) -> CommentRecord:
        """Give a comment these values of an action or an audit entry (state, pin or text)."""
        store = self.comments.store
        updated: CommentRecord | None = comment
        if "state" in values:
            updated = store.set_state(
                comment.id,
                values["state"],
                self.comments.event(site_id, events.event_of_state(values["state"])),
            )
        if "pinned" in values:
            updated = store.pin(comment.id, bool(values["pinned"]))
        if "featured_at" in values:
            updated = store.feature(comment.id, values["featured_at"])
        if "reviewed" in values:
            updated = store.review(comment.id, values["reviewed"])
        if "text" in values:
            change = TextChange(
                text=values["text"],
                html=values["html"],
                author=comment.author,
                website=comment.website,
                modified=values.get("modified"),
            )
            updated = store.replace_text(
                comment.id, change, self.comments.event(site_id, events.EDITED)
            )
        assert updated is not None
        return updated

    # -- blocks ---------------------------------------------------------------------

    def add_block(
        self, session: Session, site_name: str, kind: str, value: str, days: int, note: str = ""
    ) -> dict[str, Any]:
        """Block an e-mail, an IP range or one (hashed) address for ``days`` (0: for good)."""
        site = self.site(session, site_name)
        value = block_value(kind, value)
        if not 0 <= days <= MAX_BLOCK_DAYS:
            raise InvalidField("field_invalid", field="days")
        now = self.comments.clock()
        block_id = self.store.add_block(
            site_id=site.id,
            kind=kind,
            value=value,
            note=(note or "")[:200],
            expires=now + days * 86400 if days else None,
            created_by=session.user.email,
        )
        batch = secrets.token_hex(8)
        detail_entry = _entry(session, "block", site, None, None, batch, {})
        detail_entry["detail"].update(block_id=block_id, kind=kind)
        self.store.audit([detail_entry])
        block = self.store.block(block_id)
        assert block is not None
        return block

    def block_author(self, session: Session, comment_id: int, by: str, days: int) -> dict[str, Any]:
        """Block the author of a comment by e-mail, IP range (/24, /48) or exact address."""
        comment, site, _ = self._context(session, comment_id)
        value = {"email": comment.email, "ip_range": comment.ip_prefix, "ip_hash": comment.ip_hash}
        if by not in value or not value[by]:
            raise InvalidField("field_invalid", field="by")
        return self.add_block(session, site.name, by, str(value[by]), days)

    def remove_block(self, session: Session, block_id: int) -> None:
        """Lift a block."""
        block = self.store.block(block_id)
        if block is None:
            raise NotFound("block_not_found")
        self._require(session, int(block["site_id"]))
        self.store.remove_block(block_id)
        site = self.comments.store.site_by_id(int(block["site_id"]))
        entry = _entry(session, "unblock", site, None, None, None, {})
        entry["detail"].update(block_id=block_id)
        self.store.audit([entry])

    def blocks(self, session: Session) -> list[dict[str, Any]]:
        """Blocks in force on the session's sites."""
        return self.store.active_blocks(self.site_ids(session), self.comments.clock())

    def gatekeeper(self, site: SiteRecord, email: str | None, reader: Reader) -> None:
        """Refuse a new comment from a blocked author (hooked into comment creation)."""
        active = self.store.site_blocks(site.id, self.comments.clock())
        if active and matches(active, email, reader.ip, self.comments.secret):
            raise Forbidden("author_blocked")


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, CommentState) else value


def _entry(
    session: Session,
    action: str,
    site: SiteRecord | None,
    thread: ThreadRecord | None,
    comment_id: int | None,
    batch: str | None,
    before: dict[str, Any],
    learned: bool | None = None,
) -> dict[str, Any]:
    detail: dict[str, Any] = {"before": before}
    if learned is not None:
        detail["learned"] = learned
    return {
        "user_id": session.user.id,
        "actor": session.user.email,
        "site": site.name if site else None,
        "action": action,
        "comment_id": comment_id,
        "thread_id": thread.id if thread else None,
        "batch": batch,
        "detail": detail,
    }
