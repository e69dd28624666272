"""``causerie db …``: database maintenance."""

from __future__ import annotations

import click

from causerie.cli.common import CONFIG_OPTION, open_database, settings_or_exit


@click.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@CONFIG_OPTION
def db_upgrade(config_file: str | None) -> None:
    """Apply pending schema migrations."""
    open_database(settings_or_exit(config_file)).dispose()
    click.echo("database is up to date")
