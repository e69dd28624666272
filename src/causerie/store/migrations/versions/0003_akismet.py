"""akismet api keys and usage counters

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Filled in by the akismet work; empty until then."""


def downgrade() -> None:
    """Filled in by the akismet work; empty until then."""
