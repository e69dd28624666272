"""the newsroom desk: readers' reports, featured comments, per-article rules, rules on readers

Revision ID: 0009
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Two tables (reports, reader_rules), three columns on comments, three on threads."""
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("comment_id", sa.Integer, nullable=False),
        sa.Column("reporter", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("text", sa.String(500), nullable=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("resolved", sa.Float, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name="fk_reports_comment_id_comments",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("comment_id", "reporter", name="uq_reports_comment_id_reporter"),
    )
    op.create_index("ix_reports_reporter_created", "reports", ["reporter", "created"])
    op.create_table(
        "reader_rules",
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("reader", sa.String(64), nullable=False),
        sa.Column("suspended_until", sa.Float, nullable=True),
        sa.Column("message", sa.String(500), nullable=False),
        sa.Column("banned", sa.Boolean, nullable=False),
        sa.Column("premod", sa.Boolean, nullable=False),
        sa.Column("updated", sa.Float, nullable=False),
        sa.Column("updated_by", sa.String(320), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "reader", name="pk_reader_rules"),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_reader_rules_site_id_sites", ondelete="CASCADE"
        ),
    )
    # Plain ADD COLUMN, never a table rebuild: on SQLite, rebuilding ``threads`` drops
    # the old table, and the comments' ON DELETE CASCADE would empty ``comments``.
    op.add_column("comments", sa.Column("featured_at", sa.Float, nullable=True))
    op.add_column(
        "comments", sa.Column("reports_open", sa.Integer, nullable=False, server_default="0")
    )
    op.add_column("comments", sa.Column("reviewed", sa.Float, nullable=True))
    op.create_index("ix_comments_thread_id_featured_at", "comments", ["thread_id", "featured_at"])
    op.create_index("ix_comments_reports_open", "comments", ["reports_open"])
    op.add_column(
        "threads", sa.Column("premod", sa.Boolean, nullable=False, server_default=sa.false())
    )
    op.add_column("threads", sa.Column("close_after_days", sa.Integer, nullable=True))
    op.add_column("threads", sa.Column("published", sa.Float, nullable=True))


def downgrade() -> None:
    """Drop what the upgrade added."""
    # Plain DROP COLUMN (SQLite 3.35+), for the same reason as the upgrade's ADD COLUMN.
    for column in ("published", "close_after_days", "premod"):
        op.drop_column("threads", column)
    op.drop_index("ix_comments_reports_open", table_name="comments")
    op.drop_index("ix_comments_thread_id_featured_at", table_name="comments")
    for column in ("reviewed", "reports_open", "featured_at"):
        op.drop_column("comments", column)
    op.drop_table("reader_rules")
    op.drop_index("ix_reports_reporter_created", table_name="reports")
    op.drop_table("reports")
