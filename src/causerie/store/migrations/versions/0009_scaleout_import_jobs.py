"""import jobs: a dashboard import's state, shared by every server process; the id a
staged comment gets as its chunk of the import publishes

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The table the dashboard polls, whichever server answers (see ``store/schema.py``)."""
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("file", sa.String(200), nullable=False),
        sa.Column("dry_run", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("runner", sa.String(100), nullable=False),
        sa.Column("started", sa.Float, nullable=False),
        sa.Column("updated", sa.Float, nullable=False),
        sa.Column("finished", sa.Float, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_import_jobs"),
    )
    with op.batch_alter_table("import_staging") as batch:
        batch.add_column(sa.Column("published_id", sa.Integer, nullable=True))


def downgrade() -> None:
    """Back to jobs in each process's memory, and imports published in one transaction."""
    with op.batch_alter_table("import_staging") as batch:
        batch.drop_column("published_id")
    op.drop_table("import_jobs")
