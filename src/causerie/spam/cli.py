"""``causerie spam …``: check, train and evaluate the filter from the shell."""

from __future__ import annotations

import click


@click.group(name="spam")
def spam() -> None:
    """Check, train and evaluate the spam filter."""
