"""import sources: where each imported comment came from; the staging tables of imports

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The table that makes imports idempotent and keeps their threading."""
    op.create_table(
        "import_sources",
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("source_id", sa.String(128), nullable=False),
        sa.Column("comment_id", sa.Integer, nullable=False),
        sa.Column("parent_source_id", sa.String(128), nullable=True),
        sa.Column("run", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("site_id", "format", "source_id", name="pk_import_sources"),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_import_sources_site_id_sites", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name="fk_import_sources_comment_id_comments",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_import_sources_run", "import_sources", ["run"])
    op.create_index("ix_import_sources_comment_id", "import_sources", ["comment_id"])
    _staging()


def _staging() -> None:
    """Where an import writes before it publishes (see ``store/schema.py``)."""
    op.create_table(
        "import_runs",
        sa.Column("run", sa.String(32), nullable=False),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("started", sa.Float, nullable=False),
        sa.Column("touched", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("run", name="pk_import_runs"),
    )
    op.create_table(
        "import_staging_threads",
        sa.Column("run", sa.String(32), nullable=False),
        sa.Column("key", sa.Integer, nullable=False),
        sa.Column("uri", sa.String(1024), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("closed", sa.Boolean, nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("run", "key", name="pk_import_staging_threads"),
    )
    optional = {"email": 320, "website": 512, "ip_hash": 64, "ip_prefix": 64, "user_agent": 512}
    op.create_table(
        "import_staging",
        sa.Column("run", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("thread", sa.Integer, nullable=False),
        sa.Column("source_id", sa.String(128), nullable=False),
        sa.Column("parent_source_id", sa.String(128), nullable=True),
        sa.Column("parent_seq", sa.Integer, nullable=True),
        sa.Column("parent_id", sa.Integer, nullable=True),
        sa.Column("root_seq", sa.Integer, nullable=True),
        sa.Column("root_id", sa.Integer, nullable=True),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        *(sa.Column(n, sa.String(optional[n]), nullable=True) for n in ("email", "website")),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("text_hash", sa.String(16), nullable=True),
        sa.Column("html", sa.Text, nullable=False),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("modified", sa.Float, nullable=True),
        sa.Column("likes", sa.Integer, nullable=False),
        sa.Column("dislikes", sa.Integer, nullable=False),
        sa.Column("spam_score", sa.Float, nullable=False),
        sa.Column("spam_verdict", sa.String(16), nullable=False),
        sa.Column("spam_reasons", sa.Text, nullable=False),
        *(
            sa.Column(n, sa.String(optional[n]), nullable=True)
            for n in ("ip_hash", "ip_prefix", "user_agent")
        ),
        sa.Column("author_key", sa.String(64), nullable=True),
        sa.Column("notify", sa.Boolean, nullable=False),
        sa.Column("pinned", sa.Boolean, nullable=False),
        sa.Column("by_site", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("run", "seq", name="pk_import_staging"),
    )
    op.create_index(
        "ix_import_staging_run_source_id", "import_staging", ["run", "source_id"], unique=True
    )
    op.create_index(
        "ix_import_staging_run_thread_parent_seq",
        "import_staging",
        ["run", "thread", "parent_seq"],
    )


def downgrade() -> None:
    """Drop the tables."""
    op.drop_table("import_staging")
    op.drop_table("import_staging_threads")
    op.drop_table("import_runs")
    op.drop_index("ix_import_sources_comment_id", table_name="import_sources")
    op.drop_index("ix_import_sources_run", table_name="import_sources")
    op.drop_table("import_sources")
