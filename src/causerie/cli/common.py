"""What every ``causerie`` command shares: the --config option, settings, the database."""

from __future__ import annotations

import sys

import click
from sqlalchemy import Engine

from causerie.config import ConfigError, Settings, load_settings

CONFIG_OPTION = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    envvar="CAUSERIE_CONFIG",
    help="TOML settings file (environment variables CAUSERIE_* win over it).",
)


def settings_or_exit(config_file: str | None) -> Settings:
    """Load settings, or stop with a one-line message naming the bad setting."""
    try:
        return load_settings(config_file)
    except ConfigError as exc:
        click.echo(f"causerie: bad setting: {exc}", err=True)
        sys.exit(2)


def open_database(settings: Settings) -> Engine:
    """The configured database, migrated to the newest schema."""
    from causerie.store.database import create_database_engine, upgrade

    engine = create_database_engine(
        settings.database_url, sqlite_synchronous=settings.sqlite_synchronous
    )
    upgrade(engine)
    return engine
