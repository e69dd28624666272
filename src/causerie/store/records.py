"""Plain records the stores and the domain exchange: part of the contracts, no SQL here."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal


class CommentState(enum.StrEnum):
    """Where a comment stands in moderation."""

    PENDING = "pending"
    APPROVED = "approved"
    SPAM = "spam"
    DELETED = "deleted"


@dataclass(frozen=True)
class SiteRecord:
    """A site served by this instance; ``settings`` overrides the global ones."""

    id: int
    name: str
    title: str
    settings: dict[str, Any]
    created: float


@dataclass(frozen=True)
class ThreadRecord:
    """The comment thread of one page (site + URI)."""

    id: int
    site_id: int
    uri: str
    title: str
    closed: bool
    created: float


@dataclass(frozen=True)
class CommentRecord:
    """One comment as stored."""

    id: int
    thread_id: int
    parent_id: int | None
    root_id: int | None
    state: CommentState
    author: str
    email: str | None
    website: str | None
    text: str
    text_hash: str | None
    html: str
    lang: str
    created: float
    modified: float | None
    likes: int
    dislikes: int
    spam_score: float
    spam_verdict: str
    spam_reasons: str
    ip_hash: str | None
    ip_prefix: str | None
    user_agent: str | None
    author_key: str | None
    notify: bool
    pinned: bool
    by_site: bool


@dataclass(frozen=True)
class NewComment:
    """What the domain asks the store to insert."""

    parent_id: int | None
    state: CommentState
    author: str
    text: str
    html: str
    created: float
    email: str | None = None
    website: str | None = None
    lang: str = ""
    spam_score: float = 0.0
    spam_verdict: str = "ham"
    spam_reasons: str = "[]"
    ip_hash: str | None = None
    ip_prefix: str | None = None
    user_agent: str | None = None
    author_key: str | None = None
    notify: bool = False
    by_site: bool = False


# What an erased comment keeps: its place in the thread, nothing about its author.
ERASED: dict[str, Any] = {
    "state": CommentState.DELETED,
    "text": "",
    "html": "",
    "author": "",
    "email": None,
    "website": None,
    "ip_hash": None,
    "ip_prefix": None,
    "user_agent": None,
    "author_key": None,
    "notify": False,
}

# Which fields of a learning sample can name a person (erased with them).
PERSONAL_SAMPLE_FIELDS = ("author", "email", "url", "user_agent", "ip_hash")


Sort = Literal["oldest", "newest", "top"]
Cursor = tuple[float, ...]


@dataclass(frozen=True)
class SpamMark:
    """The filter's verdict stored with a comment it calls spam."""

    score: float
    verdict: str
    reasons: str  # JSON list of {"code", "params", "weight"}


@dataclass(frozen=True)
class TextChange:
    """A comment's new text and author fields (an edit by its author or a moderator)."""

    text: str
    html: str
    author: str
    website: str | None
    modified: float | None
    spam: SpamMark | None = None  # set: the new text is spam, the comment goes to the spam queue


@dataclass(frozen=True)
class Activity:
    """Recent behaviour around a new comment, for rate limits and the spam filter."""

    by_ip_last_minute: int
    by_ip_last_10_minutes: int
    same_text_last_10_minutes: int


# -- moderation ----------------------------------------------------------------


@dataclass(frozen=True)
class UserRecord:
    """A dashboard account; ``site_ids`` are a moderator's sites."""

    id: int
    email: str
    role: str
    password_hash: str
    failed_logins: int
    locked_until: float | None
    created: float
    site_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class QueueFilter:
    """Which comments a queue page shows."""

    state: CommentState
    site_ids: Sequence[int] | None = None  # None: every site
    thread_id: int | None = None
    text: str = ""
    author: str = ""
    email: str = ""
    ip_prefix: str = ""


@dataclass(frozen=True)
class QueueRow:
    """A comment in a queue, with its site and page."""

    comment: CommentRecord
    site: str
    uri: str
    thread_title: str
    thread_closed: bool


# -- API keys ------------------------------------------------------------------

COUNTERS = ("api_calls", "spam", "ham", "missed_spam", "false_positives")
UsageKey = tuple[int, str, str]  # (key_id, month "YYYY-MM", blog)


@dataclass(frozen=True)
class ApiKeyRecord:
    """One API key as stored, with the name of the site it teaches."""

    id: int
    prefix: str
    site_id: int
    site_name: str
    site_url: str
    rate_per_minute: int
    monthly_limit: int
    created: float
    revoked: float | None


@dataclass(frozen=True)
class UsageRow:
    """One blog's counters for one key and month."""

    blog: str
    api_calls: int
    spam: int
    ham: int
    missed_spam: int
    false_positives: int


# -- erasure -------------------------------------------------------------------


@dataclass(frozen=True)
class ErasedReader:
    """What one erasure removed: the emptied comments and the learning rows deleted."""

    comments: list[CommentRecord]
    learning: int


@dataclass(frozen=True)
class ReaderKeys:
    """How a reader is recognised in each table (the plain address and its keyed hashes)."""

    email: str
    author_key: str
    request_hash: str  # privacy_requests.email_hash
    block_hash: str  # what a block by e-mail becomes


# -- imports and exports -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One comment an import stores: the comment, its thread, where it came from."""

    source_id: str
    parent_source_id: str | None  # resolved to ``parent_id`` once the whole file is read
    thread_id: int  # the thread's key in this import (``ImportSession.thread``)
    comment: NewComment  # ``parent_id`` is ignored: threading comes from the source ids
    modified: float | None = None
    likes: int = 0
    dislikes: int = 0
    pinned: bool = False
    detail: str = "{}"  # JSON: what the source said that has no column (Akismet history)


@dataclass(frozen=True)
class BlockRow:
    """A site's block-list entry as exported and imported."""

    kind: str
    value: str
    note: str
    created: float
    expires: float | None
    created_by: str


@dataclass(frozen=True)
class LearningRow:
    """One entry of the spam filter's learning log, as exported (opt-in) and imported."""

    is_spam: bool
    sample: str  # JSON of a CommentSample
    source: str
    created: float


@dataclass(frozen=True)
class Linked:
    """What resolving the threading of one import found."""

    replies: int  # comments that found their parent
    orphans: int  # comments whose parent was missing, elsewhere or circular: now top-level
