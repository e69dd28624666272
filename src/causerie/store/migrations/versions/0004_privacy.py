"""privacy requests and notification subscriptions

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The privacy request log and reply-notification subscriptions."""
    op.create_table(
        "privacy_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("email_hash", sa.String(64), nullable=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("lang", sa.String(8), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("items", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("completed", sa.Float, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_privacy_requests"),
    )
    op.create_index(
        "ix_privacy_requests_email_hash_created", "privacy_requests", ["email_hash", "created"]
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("comment_id", sa.Integer, nullable=False),
        sa.Column("author_key", sa.String(64), nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("confirmed", sa.Float, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_subscriptions"),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name="fk_subscriptions_comment_id_comments",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("comment_id", name="uq_subscriptions_comment_id"),
    )
    op.create_index("ix_subscriptions_author_key", "subscriptions", ["author_key"])


def downgrade() -> None:
    """Drop both tables."""
    op.drop_index("ix_subscriptions_author_key", table_name="subscriptions")
    op.drop_table("subscriptions")
    op.drop_index("ix_privacy_requests_email_hash_created", table_name="privacy_requests")
    op.drop_table("privacy_requests")
