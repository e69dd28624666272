"""The one writer: validates the records any importer yields; the store publishes them at once.

Validation is the server's own (``core/validation``, ``core/markup``,
``core/identity``): an imported comment passes the same checks and the same
sanitizer as a reader's, and its author's address is kept only as a keyed
hash and a minimised prefix. Imported comments skip the rate limits, notify
nobody and teach the spam filter only when asked (``learn``), after the
import is published, through the filter's trusted learning path.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from causerie.core import identity, markup, validation
from causerie.core.decisions import learning_sample
from causerie.core.errors import InvalidField
from causerie.importers import html as html_import
from causerie.importers.records import (
    ImportedComment,
    ImportedSite,
    ImportedThread,
    ImportItem,
    ImportWarning,
)
from causerie.spam import SpamFilter
from causerie.store.contracts.imports import ImportSession, ImportTarget
from causerie.store.records import (
    BlockRow,
    CommentState,
    ImportRow,
    LearningRow,
    NewComment,
)

BATCH = 2000
MAX_AUTHOR = 200
MAX_USER_AGENT = 512
# Warnings kept word for word (the summary counts them all).
KEPT_WARNINGS = 100


@dataclass(frozen=True)
class ImportOptions:
    """What the operator asked for."""

    site: str
    format: str
    dry_run: bool = False
    map_url: tuple[tuple[str, str], ...] = ()
    with_pingbacks: bool = False
    learn: bool = False


@dataclass
class ImportSummary:
    """What one import did (``as_dict`` is the JSON line of the command)."""

    format: str
    threads: int = 0
    comments: int = 0
    approved: int = 0
    pending: int = 0
    spam: int = 0
    deleted: int = 0
    replies: int = 0
    skipped: int = 0
    warnings: int = 0
    errors: int = 0
    seconds: float = 0.0
    messages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int | str]:
        """The summary's JSON fields, in the documented order."""
        data = asdict(self)
        del data["seconds"], data["messages"]
        return data

    def warn(self, line: int, message: str) -> None:
        """Count a warning; keep its text while there are few."""
        self.warnings += 1
        if len(self.messages) < KEPT_WARNINGS:
            self.messages.append(f"line {line}: {message}" if line else message)


Progress = Callable[[ImportSummary], None]


def map_url(uri: str, mapping: Iterable[tuple[str, str]]) -> str:
    """Rewrite the start of a thread's URI: the first ``OLD`` prefix that matches wins."""
    for old, new in mapping:
        if uri == old or uri.startswith(old):
            return new + uri[len(old) :]
    return uri


def parse_mapping(value: str) -> tuple[str, str]:
    """``OLD=NEW`` → (OLD, NEW); the split is the last ``=`` followed by ``/`` or ``http``."""
    for index in range(len(value) - 1, 0, -1):
        if value[index] == "=" and value[index + 1 :].startswith(("/", "http://", "https://")):
            return value[:index], value[index + 1 :]
    raise ValueError(f"--map-url wants OLD=NEW with NEW a path or an http(s) URL: {value!r}")


@dataclass
class _Run:
    """One import's state: the session, the threads met so far, the comments waiting."""

    session: ImportSession
    options: ImportOptions
    summary: ImportSummary
    threads: dict[str, ImportedThread] = field(default_factory=dict)
    thread_ids: dict[str, int | None] = field(default_factory=dict)
    pending: list[ImportedComment] = field(default_factory=list)
    blocks: list[BlockRow] = field(default_factory=list)
    learning: list[LearningRow] = field(default_factory=list)


@dataclass
class ImportService:
    """Stores what importers read: ``run`` takes a stream of records, returns a summary."""

    target: ImportTarget
    secret: str
    spam: SpamFilter | None = None
    clock: Callable[[], float] = time.time

    def run(
        self, options: ImportOptions, items: Iterable[ImportItem], progress: Progress | None = None
    ) -> ImportSummary:
        """Import a stream: staged, then published at once (nothing on failure or dry run)."""
        started = self.clock()
        summary = ImportSummary(format=options.format)
        with self.target.open_import(options.site, options.format, dry_run=options.dry_run) as s:
            work = _Run(s, options, summary)
            for item in items:
                self._take(work, item)
                if len(work.pending) >= BATCH:
                    self._flush(work)
                    if progress is not None:
                        summary.seconds = self.clock() - started
                        progress(summary)
            self._flush(work)
            if work.blocks:
                s.add_blocks(work.blocks)
            if work.learning:
                s.add_learning(work.learning)
            linked = s.link_replies()
            summary.replies = linked.replies
            if linked.orphans:
                summary.warn(0, f"{linked.orphans} replies lost their parent: now top-level")
            run = s.run
        if options.learn and not options.dry_run and self.spam is not None:
            self._learn(options.site, run)
        summary.seconds = self.clock() - started
        if progress is not None:
            progress(summary)
        return summary

    def _take(self, work: _Run, item: ImportItem) -> None:
        if isinstance(item, ImportedComment):
            if item.kind != "comment" and not work.options.with_pingbacks:
                work.summary.skipped += 1
            else:
                work.pending.append(item)
        elif isinstance(item, ImportedThread):
            work.threads[item.key] = item
        elif isinstance(item, ImportWarning):
            work.summary.warn(item.line, item.message)
        elif isinstance(item, ImportedSite):
            work.session.set_site(validation.check_title(item.title), item.settings)
        elif isinstance(item, BlockRow):
            work.blocks.append(item)
        elif isinstance(item, LearningRow):
            work.learning.append(item)

    def _flush(self, work: _Run) -> None:
        batch, work.pending = work.pending, []
        if not batch:
            return
        known = work.session.known([c.source_id for c in batch])
        rows: list[ImportRow] = []
        for comment in batch:
            if comment.source_id in known:
                work.summary.skipped += 1
                continue
            known.add(comment.source_id)  # the same id twice in one file: the first wins
            row = self._row(work, comment)
            if row is None:
                work.summary.skipped += 1
                continue
            rows.append(row)
            work.summary.comments += 1
            state = row.comment.state.value
            setattr(work.summary, state, getattr(work.summary, state) + 1)
        work.session.add_comments(rows)

    def _thread_id(self, work: _Run, key: str, line: int, first: float) -> int | None:
        if key in work.thread_ids:
            return work.thread_ids[key]
        thread = work.threads.pop(key, None)
        if thread is None:
            work.summary.warn(line, f"no thread {key!r} for this comment: skipped")
            work.thread_ids[key] = None
            return None
        uri = map_url(thread.uri, work.options.map_url)
        try:
            uri = validation.check_uri(uri)
        except InvalidField:
            work.summary.warn(thread.line, f"thread {key!r}: link {uri!r} unusable, skipped")
            work.thread_ids[key] = None
            return None
        title = validation.check_title(thread.title)
        # A thread without a date of its own is as old as its first comment, not the import.
        created = thread.created if thread.created is not None else first
        thread_id, new = work.session.thread(uri, title, thread.closed, created)
        work.summary.threads += new
        work.thread_ids[key] = thread_id
        return thread_id

    def _row(self, work: _Run, c: ImportedComment) -> ImportRow | None:
        thread_id = self._thread_id(work, c.thread, c.line, c.created)
        if thread_id is None:
            return None
        try:
            text, html = _body(c)
        except InvalidField:
            work.summary.warn(c.line, f"comment {c.source_id}: text is not valid Unicode")
            return None
        if not text and c.state != CommentState.DELETED:
            work.summary.warn(c.line, f"comment {c.source_id}: no text, skipped")
            return None
        author = " ".join(validation.clean_text(c.author, "author").split())[:MAX_AUTHOR]
        email = self._checked(work, c, _check_email, c.email, "e-mail")
        website = self._checked(work, c, _check_website, c.website, "website")
        native = c.native
        new = NewComment(
            parent_id=None,
            state=c.state,
            author=author,
            text=text,
            html=html,
            created=c.created,
            email=email,
            website=website,
            user_agent=validation.clean_text(c.user_agent, "user_agent")[:MAX_USER_AGENT] or None,
            **(_native(native) if native else self._identity(c, email, author)),
        )
        return ImportRow(
            source_id=c.source_id,
            parent_source_id=c.parent if c.parent != c.source_id else None,
            thread_id=thread_id,
            comment=new,
            modified=c.modified,
            likes=max(c.likes, 0),
            dislikes=max(c.dislikes, 0),
            pinned=bool(native and native.pinned),
            detail=json.dumps(c.detail, ensure_ascii=False, sort_keys=True) if c.detail else "{}",
        )

    def _identity(self, c: ImportedComment, email: str | None, author: str) -> dict[str, Any]:
        """Hash and minimise the address; the raw one goes no further than this."""
        ip = (c.ip or "").strip()
        prefix = _minimise_ip(ip) if ip else ""
        return {
            "ip_hash": _hash_ip(self.secret, ip) if prefix else None,
            "ip_prefix": prefix or None,
            "author_key": _author_key(self.secret, email, author),
            "spam_verdict": "spam" if c.state == CommentState.SPAM else "ham",
        }

    @staticmethod
    def _checked(
        work: _Run,
        c: ImportedComment,
        check: Callable[[str | None], str | None],
        value: str | None,
        what: str,
    ) -> str | None:
        try:
            return check(value)
        except InvalidField:
            work.summary.warn(c.line, f"comment {c.source_id}: {what} {value!r} dropped")
            return None

    def _learn(self, site: str, run: str) -> None:
        """Teach the site's filter the imported labels: spam is spam, approved is not."""
        assert self.spam is not None
        for comment, uri in self.target.imported(run):
            if comment.state not in (CommentState.SPAM, CommentState.APPROVED):
                continue
            sample = learning_sample(comment, site, uri)
            self.spam.learn(sample, comment.state == CommentState.SPAM, source="admin")


# Authors come back comment after comment: their checked and hashed fields are remembered
# (pure functions of their arguments).
_check_email = lru_cache(maxsize=65536)(validation.check_email)
_check_website = lru_cache(maxsize=65536)(validation.check_website)
_minimise_ip = lru_cache(maxsize=65536)(identity.minimise_ip)
_hash_ip = lru_cache(maxsize=65536)(identity.hash_ip)
_author_key = lru_cache(maxsize=65536)(identity.author_key)


def _body(c: ImportedComment) -> tuple[str, str]:
    """(markdown text, safe HTML) of a comment, whatever its source markup."""
    if c.native is not None:
        return validation.clean_text(c.body), markup.clean_html(c.native.html)
    if c.markup == "html":
        text, html = html_import.convert(c.body)
        return validation.clean_text(text), markup.clean_html(html)
    text = validation.clean_text(c.body)
    return text, markup.render(text) if text else ""


def _native(native: Any) -> dict[str, Any]:
    return {
        "lang": native.lang,
        "spam_score": native.spam_score,
        "spam_verdict": native.spam_verdict,
        "spam_reasons": native.spam_reasons,
        "ip_hash": native.ip_hash,
        "ip_prefix": native.ip_prefix,
        "author_key": native.author_key,
        "notify": native.notify,
        "by_site": native.by_site,
    }
