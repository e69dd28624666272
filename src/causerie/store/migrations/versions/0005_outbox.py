"""the notification outbox and its workers' leases

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The outbox of outgoing messages and the lease rows of its workers."""
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uid", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("site_id", sa.Integer, nullable=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("dedup_key", sa.String(191), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("not_before", sa.Float, nullable=False),
        sa.Column("lease_until", sa.Float, nullable=True),
        sa.Column("worker", sa.String(64), nullable=True),
        sa.Column("finished", sa.Float, nullable=True),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("last_status", sa.Integer, nullable=True),
        sa.Column("last_duration_ms", sa.Float, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_outbox_site_id_sites", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("uid", name="uq_outbox_uid"),
        sa.UniqueConstraint("dedup_key", name="uq_outbox_dedup_key"),
    )
    op.create_index("ix_outbox_state_not_before", "outbox", ["state", "not_before"])
    op.create_index("ix_outbox_site_id_channel_id", "outbox", ["site_id", "channel", "id"])
    op.create_index("ix_outbox_finished", "outbox", ["finished"])
    op.create_table(
        "outbox_leases",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("holder", sa.String(64), nullable=False),
        sa.Column("expires", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_outbox_leases"),
    )


def downgrade() -> None:
    """Drop both tables (undelivered messages are lost)."""
    op.drop_table("outbox_leases")
    op.drop_index("ix_outbox_finished", table_name="outbox")
    op.drop_index("ix_outbox_site_id_channel_id", table_name="outbox")
    op.drop_index("ix_outbox_state_not_before", table_name="outbox")
    op.drop_table("outbox")
