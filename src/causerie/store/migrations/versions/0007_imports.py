"""import sources: where each imported comment came from

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


def downgrade() -> None:
    """Drop the table."""
    op.drop_index("ix_import_sources_comment_id", table_name="import_sources")
    op.drop_index("ix_import_sources_run", table_name="import_sources")
    op.drop_table("import_sources")
