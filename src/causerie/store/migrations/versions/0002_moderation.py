"""moderation accounts, sessions, audit log and blocks

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Filled in by the moderation work; empty until then."""


def downgrade() -> None:
    """Filled in by the moderation work; empty until then."""
