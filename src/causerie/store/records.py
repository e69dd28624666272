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
    # Per-article rules: hold every new comment; close N days after the start (None: the
    # site's default, 0: never); the article's publication date (UNIX seconds).
    premod: bool = False
    close_after_days: int | None = None
    published: float | None = None


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
    # The signed-in reader who wrote it (store/identity.py); None for a typed name.
    identity_id: int | None = None
    # The newsroom desk: featured since (None: not featured), readers' reports still open,
    # when a human last decided on it (None: never).
    featured_at: float | None = None
    reports_open: int = 0
    reviewed: float | None = None
    # The toxicity model's score (None: not scored), its reasons (JSON), and the
    # site policy's outcome: None (below the threshold), "flag", "hold" or "reject".
    toxicity_score: float | None = None
    toxicity_reasons: str | None = None
    toxicity_flag: str | None = None

    @property
    def featured(self) -> bool:
        """Whether an editor featured it."""
        return self.featured_at is not None


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
    identity_id: int | None = None
    toxicity_score: float | None = None
    toxicity_reasons: str | None = None
    toxicity_flag: str | None = None


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
    "identity_id": None,
    # The toxicity model's reasons quote the text's words.
    "toxicity_score": None,
    "toxicity_reasons": None,
    "toxicity_flag": None,
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
class ToxicityMark:
    """The toxicity model's verdict stored with a comment (new, or edited)."""

    score: float
    reasons: str  # JSON list of {"code", "weight"}
    flag: str | None  # None, "flag", "hold" or "reject" (the site's policy)
    state: CommentState | None = None  # an edit: where the policy moves the comment


@dataclass(frozen=True)
class TextChange:
    """A comment's new text and author fields (an edit by its author or a moderator)."""

    text: str
    html: str
    author: str
    website: str | None
    modified: float | None
    spam: SpamMark | None = None  # set: the new text is spam, the comment goes to the spam queue
    # set: the new text is in doubt (a suspect word, the site's hook): the comment
    # waits for review (``pending``), or the site's hook rejects it (``deleted``)
    hold: SpamMark | None = None
    hold_state: CommentState = CommentState.PENDING
    # Set: the new text was scored for toxicity; a "hold" takes a published comment back
    # to pending, a "reject" to the spam state (a spam or hold mark above wins).
    toxicity: ToxicityMark | None = None


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


class Queue(enum.StrEnum):
    """The moderation desk's queues (docs/moderation.md); four are plain states."""

    PENDING = "pending"  # held by the system, not reported
    REPORTED = "reported"  # readers' reports still open, no human decision on them yet
    UNMODERATED = "unmoderated"  # published or pending, no human decided yet
    SPAM = "spam"
    APPROVED = "approved"
    DELETED = "deleted"  # also called "rejected"
    FEATURED = "featured"
    TOXIC = "toxic"  # flagged or held by the toxicity model, no human decision yet
    ALL = "all"  # every comment, whatever its state: search across queues


@dataclass(frozen=True)
class QueueFilter:
    """Which comments a queue page shows."""

    state: CommentState | Queue
    site_ids: Sequence[int] | None = None  # None: every site
    thread_id: int | None = None
    text: str = ""
    author: str = ""
    email: str = ""
    ip_prefix: str = ""
    # One reader's comments: her author key, or "ip-" + the keyed hash of her address.
    reader: str = ""


@dataclass(frozen=True)
class ParentExcerpt:
    """What a queue card shows of the comment another one replies to."""

    id: int
    author: str
    excerpt: str
    state: CommentState


@dataclass(frozen=True)
class QueueRow:
    """A comment in a queue, with its site and page (and the comment it replies to)."""

    comment: CommentRecord
    site: str
    uri: str
    thread_title: str
    thread_closed: bool
    parent: ParentExcerpt | None = None


# -- the newsroom desk: readers' reports, rules on readers, threads ----------------

REPORT_REASONS = ("spam", "abuse", "off_topic", "personal_data", "other")


class ReportStatus(enum.StrEnum):
    """Where a reader's report stands."""

    OPEN = "open"
    KEPT = "kept"  # a moderator kept the comment
    UPHELD = "upheld"  # a moderator rejected (or marked spam) the comment


@dataclass(frozen=True)
class ReportRecord:
    """One reader's report on a comment (the reporter stays a keyed hash in the store)."""

    id: int
    comment_id: int
    reason: str
    text: str | None
    status: ReportStatus
    created: float
    resolved: float | None


@dataclass(frozen=True)
class ReportSummary:
    """A comment's reports as a card shows them: open ones by reason, all-time total."""

    open: int
    total: int
    open_by_reason: dict[str, int]
    texts: tuple[str, ...]


@dataclass(frozen=True)
class ReaderRule:
    """What moderators decided about one reader of a site (docs/moderation.md)."""

    site_id: int
    reader: str  # an author key, or "ip-" + the keyed hash of an address
    suspended_until: float | None = None
    message: str = ""
    banned: bool = False
    premod: bool = False
    updated: float = 0.0
    updated_by: str = ""


@dataclass(frozen=True)
class HistoryItem:
    """One comment of a reader's history, with its page."""

    comment: CommentRecord
    uri: str
    thread_title: str


@dataclass(frozen=True)
class ReaderHistory:
    """A reader's comments on one site: a page of them, counts by state, the names she used."""

    total: int
    counts: dict[str, int]  # approved, pending, spam, deleted, reported (comments ever reported)
    names: tuple[str, ...]
    identity_ids: tuple[int, ...]
    items: list[HistoryItem]


@dataclass(frozen=True)
class ThreadRules:
    """The per-article rules a moderator sets on a thread (``ThreadRecord`` has the same)."""

    premod: bool = False
    close_after_days: int | None = None
    published: float | None = None


@dataclass(frozen=True)
class ThreadRow:
    """A thread as the moderators' list shows it, with its comment counts."""

    thread: ThreadRecord
    site: str
    approved: int
    pending: int
    reported: int


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
    identity_subject: str = ""  # identities.subject of the address's e-mail sign-in


# -- reader identity -------------------------------------------------------------


@dataclass(frozen=True)
class IdentityRecord:
    """A signed-in reader of one site: how she signed in, and the least we keep of her."""

    id: int
    site_id: int
    method: str  # "email", "oidc" or "sso"
    issuer: str  # the OIDC issuer, "site" for the publisher's accounts, "" for e-mail
    subject: str  # the provider's stable id (a keyed hash of the address for e-mail)
    name: str
    name_skeleton: str
    email: str | None
    subscriber: bool
    blocked: bool
    created: float
    last_seen: float


@dataclass(frozen=True)
class SigninChallenge:
    """A sign-in in progress: an OIDC state or an e-mailed link/code, used once."""

    id: str  # keyed hash of the state or link token the reader holds
    site_id: int
    kind: str  # "oidc" or "email"
    secret_hash: str  # keyed hash of the 6-digit code (e-mail); "" for OIDC
    data: dict[str, Any]
    attempts: int
    created: float
    expires: float


# -- outbox --------------------------------------------------------------------


class OutboxState(enum.StrEnum):
    """Where an outgoing message stands."""

    PENDING = "pending"  # due at ``not_before`` (again, after a failed attempt)
    SENT = "sent"
    FAILED = "failed"  # given up: shown in the dashboard


@dataclass(frozen=True)
class NewOutboxMessage:
    """A message to send later: a channel (``email``, ``webhook``, …) and what it carries.

    ``dedup_key``: a second message with the same key is not added (a digest
    window, one delivery per event and webhook). ``not_before``: not sent
    before this time (0: at once).
    """

    channel: str
    site_id: int | None
    payload: dict[str, Any]
    dedup_key: str | None = None
    not_before: float = 0.0


@dataclass(frozen=True)
class OutboxMessage:
    """One message of the outbox with its delivery history.

    ``uid`` is the stable delivery id sent with every attempt (``Message-ID``,
    ``X-Causerie-Delivery``) so that receivers can drop a duplicate.
    """

    id: int
    uid: str
    channel: str
    site_id: int | None
    payload: dict[str, Any]
    dedup_key: str | None
    state: OutboxState
    attempts: int
    created: float
    not_before: float
    lease_until: float | None
    worker: str | None
    finished: float | None  # when sent or given up
    last_error: str
    last_status: int | None
    last_duration_ms: float | None


@dataclass(frozen=True)
class DeliveryOutcome:
    """What one delivery attempt gave: a status (HTTP or SMTP), its time, an error."""

    status: int | None = None
    duration_ms: float | None = None
    error: str = ""


@dataclass(frozen=True)
class Settled:
    """How one claimed message ended: sent (with follow-ups), due again, or given up."""

    message_id: int
    state: OutboxState
    outcome: DeliveryOutcome = DeliveryOutcome()
    not_before: float | None = None  # PENDING: the next attempt
    follow_ups: Sequence[NewOutboxMessage] = ()


# -- webhooks and moderator alerts -----------------------------------------------


@dataclass(frozen=True)
class WebhookRecord:
    """A site's webhook: where events go, signed with ``secret`` (and ``previous_secret``)."""

    id: int
    site_id: int
    url: str
    secret: str
    previous_secret: str | None
    previous_until: float | None
    events: tuple[str, ...]
    personal_data: bool
    allow_private: bool
    active: bool
    created: float


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
class AlertSettings:
    """How one moderator hears of one site's held comments.

    ``mode``: ``each`` (a mail per comment), ``digest`` (one mail every
    ``digest_minutes``) or ``off``. Quiet hours are minutes after midnight in
    ``timezone``; a mail due inside them waits for their end.
    """

    user_id: int
    site_id: int
    mode: str = "off"
    digest_minutes: int = 60
    quiet_start: int | None = None
    quiet_end: int | None = None
    timezone: str = "UTC"
    lang: str = "en"


@dataclass(frozen=True)
class AlertRecipient:
    """A moderator's alert settings with the address they go to."""

    email: str
    settings: AlertSettings


@dataclass(frozen=True)
class FeedItem:
    """An approved comment as a feed shows it: with its page's address and title."""

    comment: CommentRecord
    uri: str
    thread_title: str


@dataclass(frozen=True)
class Linked:
    """What resolving the threading of one import found."""

    replies: int  # comments that found their parent
    orphans: int  # comments whose parent was missing, elsewhere or circular: now top-level


class JobState(enum.StrEnum):
    """Where a dashboard import stands."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class ImportJobRecord:
    """A dashboard import as every server process sees it (``import_jobs``)."""

    id: str
    site: str
    format: str
    file: str
    dry_run: bool
    state: JobState
    summary: dict[str, Any]  # the counts so far and the first warnings ("messages")
    error: str | None
    runner: str  # the process that runs it (and holds the uploaded file)
    started: float
    updated: float  # refreshed while it runs: a stale "running" job was lost with its server
    finished: float | None = None
