"""reader identity: identities, reader sessions, sign-ins in progress

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Signed-in readers of a site, their sessions, pending sign-ins; comments name their reader."""
    op.create_table(
        "identities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_skeleton", sa.String(400), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("subscriber", sa.Boolean, nullable=False),
        sa.Column("blocked", sa.Boolean, nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("last_seen", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_identities"),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_identities_site_id_sites", ondelete="CASCADE"
        ),
        sa.UniqueConstraint(
            "site_id",
            "method",
            "issuer",
            "subject",
            name="uq_identities_site_id_method_issuer_subject",
        ),
    )
    op.create_index(
        "ix_identities_site_id_name_skeleton", "identities", ["site_id", "name_skeleton"]
    )
    op.create_table(
        "reader_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("identity_id", sa.Integer, nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("expires", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reader_sessions"),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["identities.id"],
            name="fk_reader_sessions_identity_id_identities",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_reader_sessions_identity_id", "reader_sessions", ["identity_id"])
    op.create_index("ix_reader_sessions_expires", "reader_sessions", ["expires"])
    op.create_table(
        "signin_challenges",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("expires", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_signin_challenges"),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_signin_challenges_site_id_sites", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_signin_challenges_expires", "signin_challenges", ["expires"])
    op.add_column("comments", sa.Column("identity_id", sa.Integer, nullable=True))
    op.create_index("ix_comments_identity_id_created", "comments", ["identity_id", "created"])


def downgrade() -> None:
    """Drop the three tables and the comments' link to them."""
    op.drop_index("ix_comments_identity_id_created", table_name="comments")
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("identity_id")
    op.drop_table("signin_challenges")
    op.drop_table("reader_sessions")
    op.drop_table("identities")
