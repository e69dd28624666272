"""The database schema, as SQLAlchemy Core tables.

One row of ``comments`` looks like::

    id=42 thread_id=7 parent_id=40 root_id=40 state='approved'
    author='Samira' email=None website='https://blog.example' lang='fr'
    text='Merci pour *cet* article' html='<p>Merci pour <em>cet</em> article</p>'
    created=1764403200.5 modified=None likes=3 dislikes=0
    spam_score=0.02 spam_reasons='[]' ip_prefix='203.0.113.0/24' ip_hash='9f…'

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
    Index("ix_comments_thread_state_created", "thread_id", "state", "created"),
    Index("ix_comments_root_id", "root_id"),
    Index("ix_comments_parent_id", "parent_id"),
    # Top-level comments of a thread in date order, straight from the index.
    Index("ix_comments_thread_parent_created", "thread_id", "parent_id", "created", "id"),
    Index("ix_comments_author_key", "author_key"),
    Index("ix_comments_ip_hash_created", "ip_hash", "created"),
    Index("ix_comments_created", "created"),
    Index("ix_comments_text_hash_created", "text_hash", "created"),
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
)
