"""toxicity: each comment's toxicity verdict, the decisions and lessons of the toxicity model

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Score, reasons and policy outcome per comment; a model tag on decisions and lessons."""
    with op.batch_alter_table("comments") as batch:
        batch.add_column(sa.Column("toxicity_score", sa.Float, nullable=True))
        batch.add_column(sa.Column("toxicity_reasons", sa.Text, nullable=True))
        batch.add_column(sa.Column("toxicity_flag", sa.String(8), nullable=True))
        batch.create_index("ix_comments_toxicity_flag", ["toxicity_flag"])
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="spam"))
    with op.batch_alter_table("spam_learning") as batch:
        batch.add_column(sa.Column("model", sa.String(16), nullable=False, server_default="spam"))


def downgrade() -> None:
    """Back to spam only: the toxicity model's lessons and decisions go with their tag."""
    op.execute("DELETE FROM spam_learning WHERE model <> 'spam'")
    op.execute("DELETE FROM decisions WHERE kind <> 'spam'")
    with op.batch_alter_table("spam_learning") as batch:
        batch.drop_column("model")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("kind")
    with op.batch_alter_table("comments") as batch:
        batch.drop_index("ix_comments_toxicity_flag")
        batch.drop_column("toxicity_flag")
        batch.drop_column("toxicity_reasons")
        batch.drop_column("toxicity_score")
