"""The database schema, as SQLAlchemy Core tables: every table, one section per owning store.

Why one module: Alembic's autogenerate and the migration tests compare *one*
``metadata`` with the database, and erasure must reach every table holding a
reader's data, so the whole schema is reviewed in one place. Each section
names the store module that reads and writes its tables (and draws its rows):

- readers' data — sites, threads, comments, votes, learning log: ``comments.py``, ``learning.py``
- moderation — users, user_sites, sessions, audit_log, blocks, decisions: ``moderation.py``
- readers' rights — privacy_requests, subscriptions: ``privacy.py``
- Akismet-compatible API — api_keys, api_usage: ``apikeys.py``
- reader identity — identities, reader_sessions, signin_challenges: ``identity.py``
- notifications — outbox: ``outbox.py``; outbox_leases (every named lease): ``leases.py``;
  webhooks, moderator_alerts: ``notifications.py``
- the newsroom desk — reports, reader_rules: ``reports.py``, ``readers.py``
- imports — import_sources, import_runs, import_staging, import_staging_threads: ``imports.py``;
  import_jobs: ``import_jobs.py``

One row of ``comments`` looks like::

    id=42 thread_id=7 parent_id=40 root_id=40 state='approved'
    author='Samira' email=None website='https://blog.example' lang='fr'
    text='Merci pour *cet* article' html='<p>Merci pour <em>cet</em> article</p>'
    created=1764403200.5 modified=None likes=3 dislikes=0
    spam_score=0.02 spam_reasons='[]' ip_prefix='203.0.113.0/24' ip_hash='9f…'
    toxicity_score=0.91 toxicity_reasons='[{"code": "insult", "weight": 2.1}]' toxicity_flag='hold'

Times are UNIX seconds (float, UTC): sortable, compact and identical on
SQLite and PostgreSQL. ``root_id`` is the top-level ancestor, so that one
query fetches the replies of a page of top-level comments.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from causerie.store.records import CommentState

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

sites = Table(
    "sites",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("title", String(200), nullable=False, default=""),
    # JSON object of per-site overrides of the global settings.
    Column("settings", Text, nullable=False, default="{}"),
    Column("created", Float, nullable=False),
)

threads = Table(
    "threads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("uri", String(1024), nullable=False),
    Column("title", String(300), nullable=False, default=""),
    Column("closed", Boolean, nullable=False, default=False),
    Column("created", Float, nullable=False),
    # Per-article rules (docs/moderation.md): every new comment held; closing after
    # ``close_after_days`` (NULL: the site's default, 0: never); the article's date.
    Column("premod", Boolean, nullable=False, default=False, server_default=false()),
    Column("close_after_days", Integer, nullable=True),
    Column("published", Float, nullable=True),
    UniqueConstraint("site_id", "uri"),
)

comments = Table(
    "comments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("thread_id", Integer, ForeignKey("threads.id", ondelete="CASCADE"), nullable=False),
    Column("parent_id", Integer, ForeignKey("comments.id"), nullable=True),
    Column("root_id", Integer, nullable=True),
    Column(
        "state",
        Enum(
            CommentState,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        nullable=False,
    ),
    Column("author", String(200), nullable=False, default=""),
    Column("email", String(320), nullable=True),
    Column("website", String(512), nullable=True),
    Column("text", Text, nullable=False),
    # Short hash of the text: finds the same text posted again without reading rows.
    Column("text_hash", String(16), nullable=True),
    Column("html", Text, nullable=False),
    Column("lang", String(16), nullable=False, default=""),
    Column("created", Float, nullable=False),
    Column("modified", Float, nullable=True),
    Column("likes", Integer, nullable=False, default=0),
    Column("dislikes", Integer, nullable=False, default=0),
    Column("spam_score", Float, nullable=False, default=0.0),
    Column("spam_verdict", String(16), nullable=False, default="ham"),
    Column("spam_reasons", Text, nullable=False, default="[]"),
    # The toxicity model's verdict (docs/moderation.md, "Insults and hate"): its score
    # (NULL: not scored, the site's policy is off), its reasons as JSON
    # ``[{"code": "insult", "weight": 1.8}]``, and what the site's policy made of it:
    # NULL (below the threshold), 'flag' (published, marked), 'hold', 'reject'.
    Column("toxicity_score", Float, nullable=True),
    Column("toxicity_reasons", Text, nullable=True),
    Column("toxicity_flag", String(8), nullable=True),
    # Keyed hash of the full address (rate limits, votes, spam velocity) and
    # its minimised form (/24, /48) for moderators; the raw address is never kept.
    Column("ip_hash", String(64), nullable=True),
    Column("ip_prefix", String(64), nullable=True),
    Column("user_agent", String(512), nullable=True),
    # Keyed hash of the e-mail (or name) to recognise returning authors.
    Column("author_key", String(64), nullable=True),
    Column("notify", Boolean, nullable=False, default=False),
    Column("pinned", Boolean, nullable=False, default=False),
    Column("by_site", Boolean, nullable=False, default=False),
    # The signed-in reader who wrote it (the identity section below); NULL for a typed name.
    Column("identity_id", Integer, nullable=True),
    # The newsroom desk: when an editor featured it (NULL: not featured), how many
    # readers' reports are still open, when a human last decided on it (NULL: never).
    Column("featured_at", Float, nullable=True),
    Column("reports_open", Integer, nullable=False, default=0, server_default="0"),
    Column("reviewed", Float, nullable=True),
    Index("ix_comments_thread_state_created", "thread_id", "state", "created"),
    Index("ix_comments_root_id", "root_id"),
    Index("ix_comments_parent_id", "parent_id"),
    # Top-level comments of a thread in date order, straight from the index.
    Index("ix_comments_thread_parent_created", "thread_id", "parent_id", "created", "id"),
    Index("ix_comments_author_key", "author_key"),
    Index("ix_comments_ip_hash_created", "ip_hash", "created"),
    Index("ix_comments_created", "created"),
    Index("ix_comments_text_hash_created", "text_hash", "created"),
    Index("ix_comments_identity_id_created", "identity_id", "created"),
    # A thread's featured comments; the Reported queue (most comments have no open report).
    Index("ix_comments_thread_id_featured_at", "thread_id", "featured_at"),
    Index("ix_comments_reports_open", "reports_open"),
    # The Toxic queue (most comments carry no flag).
    Index("ix_comments_toxicity_flag", "toxicity_flag"),
)

votes = Table(
    "votes",
    metadata,
    Column("comment_id", Integer, ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True),
    # Keyed hash of the reader's address: one vote per reader and comment.
    Column("voter", String(64), primary_key=True),
    Column("value", SmallInteger, nullable=False),
    Column("created", Float, nullable=False),
)

spam_learning = Table(
    "spam_learning",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site", String(64), nullable=False),
    Column("is_spam", Boolean, nullable=False),
    # The comment sample as JSON (causerie.spam.verdict.CommentSample fields).
    Column("sample", Text, nullable=False),
    Column("source", String(32), nullable=False),
    Column("created", Float, nullable=False),
    # Which model the decision teaches: "spam" (is_spam: spam) or "toxicity"
    # (is_spam: offensive). Each model replays its own rows (store/learning.py).
    Column("model", String(16), nullable=False, default="spam", server_default="spam"),
)


# == the newsroom desk: readers' reports, rules on readers (store/reports.py, store/readers.py)

# One report per reader and comment. ``reporter`` is a keyed hash (of the signed-in
# identity, else of the address), never an address. A row looks like::
#
#     id=3 comment_id=42 reporter='5be1…' reason='abuse' text=None status='open'
#     created=1764403200.5 resolved=None      (status: open | kept | upheld)
reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("comment_id", Integer, ForeignKey("comments.id", ondelete="CASCADE"), nullable=False),
    Column("reporter", String(64), nullable=False),
    Column("reason", String(16), nullable=False),
    Column("text", String(500), nullable=True),
    Column("status", String(8), nullable=False),
    Column("created", Float, nullable=False),
    Column("resolved", Float, nullable=True),
    UniqueConstraint("comment_id", "reporter"),
    Index("ix_reports_reporter_created", "reporter", "created"),
)

# What moderators decided about one reader of a site, named by her key: the author key
# comments keep (keyed hash of her e-mail, typed name or identity) or ``ip-`` + the
# keyed hash of her address::
#
#     site_id=2 reader='9f2c…' suspended_until=1765008000.0 message='Restez courtois.'
#     banned=False premod=True updated=… updated_by='ines@news.example'
reader_rules = Table(
    "reader_rules",
    metadata,
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("reader", String(64), primary_key=True),
    Column("suspended_until", Float, nullable=True),
    Column("message", String(500), nullable=False, default=""),
    Column("banned", Boolean, nullable=False, default=False),
    Column("premod", Boolean, nullable=False, default=False),
    Column("updated", Float, nullable=False),
    Column("updated_by", String(320), nullable=False),
)


# == moderation: accounts, sessions, audit log, blocks, decisions (store/moderation.py) ==

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", Float, nullable=True),
    Column("created", Float, nullable=False),
)

user_sites = Table(
    "user_sites",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
)

sessions = Table(
    "sessions",
    metadata,
    # A hash of the cookie value: a leaked database does not hand out live sessions.
    Column("id", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created", Float, nullable=False),
    Column("expires", Float, nullable=False),
    Index("ix_sessions_user_id", "user_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("actor", String(320), nullable=False),
    Column("site", String(64), nullable=True),
    Column("action", String(32), nullable=False),
    Column("comment_id", Integer, nullable=True),
    Column("thread_id", Integer, nullable=True),
    Column("batch", String(32), nullable=True),
    Column("detail", Text, nullable=False, default="{}"),
    Column("undone", Boolean, nullable=False, default=False),
    Column("created", Float, nullable=False),
    Index("ix_audit_log_site_created", "site", "created"),
    Index("ix_audit_log_user_id_id", "user_id", "id"),
)

blocks = Table(
    "blocks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("value", String(320), nullable=False),
    Column("note", String(200), nullable=False, default=""),
    Column("created", Float, nullable=False),
    Column("expires", Float, nullable=True),
    Column("created_by", String(320), nullable=False),
    Index("ix_blocks_site_id_kind", "site_id", "kind"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("comment_id", Integer, nullable=False),
    Column("filter_spam", Boolean, nullable=False),
    Column("moderator_spam", Boolean, nullable=False),
    Column("batch", String(32), nullable=True),
    # Which model the decision judges: "spam", or "toxicity" (filter_spam: the model
    # called it offensive; moderator_spam: the moderator did).
    Column("kind", String(16), nullable=False, default="spam", server_default="spam"),
    Column("created", Float, nullable=False),
    Index("ix_decisions_site_id_created", "site_id", "created"),
)


# == readers' rights: request log, reply subscriptions (store/privacy.py) =============

privacy_requests = Table(
    "privacy_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # export | erase
    Column("via", String(16), nullable=False),  # email | token | cli
    Column("site", String(64), nullable=False),
    # Keyed hash of the address: enough to count requests, not to read it.
    Column("email_hash", String(64), nullable=True),
    Column("email", String(320), nullable=True),
    Column("lang", String(8), nullable=False, default="", server_default=""),
    Column("status", String(16), nullable=False),  # pending | done | expired
    Column("items", Integer, nullable=False, default=0, server_default="0"),
    Column("created", Float, nullable=False),
    Column("completed", Float, nullable=True),
    Index("ix_privacy_requests_email_hash_created", "email_hash", "created"),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "comment_id",
        Integer,
        ForeignKey("comments.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("author_key", String(64), nullable=False),
    Column("created", Float, nullable=False),
    Column("confirmed", Float, nullable=True),
    Index("ix_subscriptions_author_key", "author_key"),
)


# == Akismet-compatible API: keys and monthly usage (store/apikeys.py) ================

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(8), nullable=False),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("site_url", String(512), nullable=False, default=""),
    # Checks per minute and per process; 0 means no limit.
    Column("rate_per_minute", Integer, nullable=False, default=0),
    # Reported by usage-limit (0 = "none"); Akismet reports, it does not refuse.
    Column("monthly_limit", Integer, nullable=False, default=0),
    Column("created", Float, nullable=False),
    Column("revoked", Float, nullable=True),
)

api_usage = Table(
    "api_usage",
    metadata,
    Column("key_id", Integer, ForeignKey("api_keys.id", ondelete="CASCADE"), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("blog", String(255), primary_key=True),
    Column("api_calls", Integer, nullable=False, default=0),
    Column("spam", Integer, nullable=False, default=0),
    Column("ham", Integer, nullable=False, default=0),
    Column("missed_spam", Integer, nullable=False, default=0),
    Column("false_positives", Integer, nullable=False, default=0),
)


# == reader identity: signed-in readers, their sessions, sign-ins in progress (store/identity.py)

identities = Table(
    "identities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("method", String(8), nullable=False),
    Column("issuer", String(255), nullable=False, default=""),
    Column("subject", String(255), nullable=False),
    Column("name", String(200), nullable=False),
    # UTS #39 skeleton of the name: a typed name with the same skeleton is refused.
    Column("name_skeleton", String(400), nullable=False),
    # Kept only when the reader agreed (OIDC); never for e-mail sign-in (subject is its hash).
    Column("email", String(320), nullable=True),
    Column("subscriber", Boolean, nullable=False, default=False),
    Column("blocked", Boolean, nullable=False, default=False),
    Column("created", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
    UniqueConstraint("site_id", "method", "issuer", "subject"),
    Index("ix_identities_site_id_name_skeleton", "site_id", "name_skeleton"),
)

reader_sessions = Table(
    "reader_sessions",
    metadata,
    # A hash of the token the widget keeps: a leaked database does not hand out sessions.
    Column("id", String(64), primary_key=True),
    Column("identity_id", Integer, ForeignKey("identities.id", ondelete="CASCADE"), nullable=False),
    Column("created", Float, nullable=False),
    Column("expires", Float, nullable=False),
    Index("ix_reader_sessions_identity_id", "identity_id"),
    Index("ix_reader_sessions_expires", "expires"),
)

signin_challenges = Table(
    "signin_challenges",
    metadata,
    # A keyed hash of the OIDC state or of the e-mailed link token.
    Column("id", String(64), primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("secret_hash", String(64), nullable=False, default=""),
    # JSON: OIDC nonce, PKCE verifier and opener origin; or the e-mail's keyed hash.
    Column("data", Text, nullable=False, default="{}"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("created", Float, nullable=False),
    Column("expires", Float, nullable=False),
    Index("ix_signin_challenges_expires", "expires"),
)


# == notifications: the outbox of outgoing messages and the workers' leases (store/outbox.py) ==

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    # Stable delivery id sent with every attempt (receivers drop duplicates by it).
    Column("uid", String(32), nullable=False, unique=True),
    Column("channel", String(16), nullable=False),  # email | webhook | event | …
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=True),
    Column("payload", Text, nullable=False),  # JSON object, the channel's to read
    Column("dedup_key", String(191), nullable=True, unique=True),
    Column("state", String(16), nullable=False),  # pending | sent | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("created", Float, nullable=False),
    Column("not_before", Float, nullable=False),
    Column("lease_until", Float, nullable=True),
    Column("worker", String(64), nullable=True),
    Column("finished", Float, nullable=True),  # sent or given up
    Column("last_error", Text, nullable=False, default=""),
    Column("last_status", Integer, nullable=True),
    Column("last_duration_ms", Float, nullable=True),
    Index("ix_outbox_state_not_before", "state", "not_before"),
    Index("ix_outbox_site_id_channel_id", "site_id", "channel", "id"),
    Index("ix_outbox_finished", "finished"),
)

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("url", String(2048), nullable=False),
    Column("secret", String(128), nullable=False),
    # The secret before the last rotation, still signed with until ``previous_until``.
    Column("previous_secret", String(128), nullable=True),
    Column("previous_until", Float, nullable=True),
    Column("events", Text, nullable=False),  # JSON list of event types
    # The admin's choices: authors' names and addresses in payloads; private addresses.
    Column("personal_data", Boolean, nullable=False, default=False),
    Column("allow_private", Boolean, nullable=False, default=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created", Float, nullable=False),
    Index("ix_webhooks_site_id", "site_id"),
)

moderator_alerts = Table(
    "moderator_alerts",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("mode", String(8), nullable=False),  # each | digest | off
    Column("digest_minutes", Integer, nullable=False, default=60),
    # Minutes after midnight in ``timezone``; no alert mail between them (None: no quiet hours).
    Column("quiet_start", Integer, nullable=True),
    Column("quiet_end", Integer, nullable=True),
    Column("timezone", String(64), nullable=False, default="UTC"),
    Column("lang", String(8), nullable=False, default="en"),
)

# Named leases, each held by one process of the fleet at a time: ``outbox`` (the SQLite
# outbox worker), ``outbox-purge``, ``retention``. A row: name='retention'
# holder='web-1:4711:9f3c0a2e' expires=1764406800.0 (store/leases.py).
outbox_leases = Table(
    "outbox_leases",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(64), nullable=False),
    Column("expires", Float, nullable=False),
)


# == imports: where each imported comment came from (store/imports.py) ================

# One row per imported comment: re-importing a file finds its source ids here and
# adds nothing; ``detail`` keeps what the source said and Causerie has no column
# for (a WordPress comment's Akismet history, say). A row looks like::
#
#     site_id=1 format='wordpress' source_id='4711' comment_id=42
#     parent_source_id='4702' run='c0ffee…' detail='{"akismet": "true"}'
import_sources = Table(
    "import_sources",
    metadata,
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("format", String(16), primary_key=True),
    Column("source_id", String(128), primary_key=True),
    Column(
        "comment_id",
        Integer,
        ForeignKey("comments.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("parent_source_id", String(128), nullable=True),
    # Which import wrote the row: threading is resolved for one run at a time.
    Column("run", String(32), nullable=False),
    Column("detail", Text, nullable=False, default="{}"),
    Index("ix_import_sources_run", "run"),
    Index("ix_import_sources_comment_id", "comment_id"),
)


# A dashboard import, seen by every server process (the page may poll any of them). The
# uploaded file stays on the server that received it, which runs the import and
# refreshes ``updated`` while it does; a "running" job not refreshed for a while was
# lost with its server. A row::
#
#     id='3f2a9c…' site='journal' format='wordpress' file='export.xml' dry_run=False
#     state='running' summary='{"threads": 12, "comments": 3400, …, "messages": […]}'
#     error=None runner='web-2:4711' started=1764403200.0 updated=1764403260.5 finished=None
import_jobs = Table(
    "import_jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("site", String(64), nullable=False),
    Column("format", String(16), nullable=False),
    Column("file", String(200), nullable=False),
    Column("dry_run", Boolean, nullable=False),
    Column("state", String(16), nullable=False),  # running | done | failed
    Column("summary", Text, nullable=False),
    Column("error", Text, nullable=True),
    Column("runner", String(100), nullable=False),
    Column("started", Float, nullable=False),
    Column("updated", Float, nullable=False),
    Column("finished", Float, nullable=True),
)

# An import in progress writes here first, in short transactions, and nothing reads these
# tables but the import itself: publishing copies a run's rows into ``threads``,
# ``comments`` and ``import_sources`` in short transactions of whole threads, then the
# staged rows are deleted. A run whose ``touched`` is old (its process died) is removed
# by the next import. A staged comment::
#
#     run='c0ffee…' seq=17 thread=3 source_id='4711' parent_source_id='4702'
#     parent_seq=12 parent_id=None root_seq=9 root_id=None state='approved' author='Samira' …
#
# ``seq`` numbers the run's comments 1, 2, 3…; ``parent_seq`` and ``root_seq`` are the
# threading within the run, resolved while staged; ``parent_id``/``root_id`` a parent from
# an earlier import. As its chunk publishes, a comment's new id is written to
# ``published_id`` (base + its rank by ``seq`` in the chunk), where its replies find it.
import_runs = Table(
    "import_runs",
    metadata,
    Column("run", String(32), primary_key=True),
    Column("site", String(64), nullable=False),
    Column("format", String(16), nullable=False),
    Column("started", Float, nullable=False),
    Column("touched", Float, nullable=False),
)

import_staging_threads = Table(
    "import_staging_threads",
    metadata,
    Column("run", String(32), primary_key=True),
    Column("key", Integer, primary_key=True),
    Column("uri", String(1024), nullable=False),
    Column("title", String(300), nullable=False),
    Column("closed", Boolean, nullable=False),
    Column("created", Float, nullable=False),
)

import_staging = Table(
    "import_staging",
    metadata,
    Column("run", String(32), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("thread", Integer, nullable=False),
    Column("source_id", String(128), nullable=False),
    Column("parent_source_id", String(128), nullable=True),
    Column("parent_seq", Integer, nullable=True),
    Column("parent_id", Integer, nullable=True),
    Column("root_seq", Integer, nullable=True),
    Column("root_id", Integer, nullable=True),
    # The id the comment gets, written as its chunk publishes (parents are found by key).
    Column("published_id", Integer, nullable=True),
    Column("detail", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("author", String(200), nullable=False),
    Column("email", String(320), nullable=True),
    Column("website", String(512), nullable=True),
    Column("text", Text, nullable=False),
    Column("text_hash", String(16), nullable=True),
    Column("html", Text, nullable=False),
    Column("lang", String(16), nullable=False),
    Column("created", Float, nullable=False),
    Column("modified", Float, nullable=True),
    Column("likes", Integer, nullable=False),
    Column("dislikes", Integer, nullable=False),
    Column("spam_score", Float, nullable=False),
    Column("spam_verdict", String(16), nullable=False),
    Column("spam_reasons", Text, nullable=False),
    Column("ip_hash", String(64), nullable=True),
    Column("ip_prefix", String(64), nullable=True),
    Column("user_agent", String(512), nullable=True),
    Column("author_key", String(64), nullable=True),
    Column("notify", Boolean, nullable=False),
    Column("pinned", Boolean, nullable=False),
    Column("by_site", Boolean, nullable=False),
    Index("ix_import_staging_run_source_id", "run", "source_id", unique=True),
    # A thread's rows, and the children of a row: threading is resolved thread by thread.
    Index("ix_import_staging_run_thread_parent_seq", "run", "thread", "parent_seq"),
)
