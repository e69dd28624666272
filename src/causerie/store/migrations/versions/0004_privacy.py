"""privacy requests and notification subscriptions

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Filled in by the privacy work; empty until then."""


def downgrade() -> None:
    """Filled in by the privacy work; empty until then."""
