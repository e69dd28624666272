"""Privacy commands for the operator: ``causerie privacy export|erase EMAIL``, ``causerie purge``.

They work on the database directly (no server needed) and log every request
like the web flow does, with a keyed hash of the address.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from causerie.cli.common import CONFIG_OPTION, settings_or_exit
from causerie.config import Settings

if TYPE_CHECKING:
    from causerie.core.privacy import PrivacyService


def privacy_service(settings: Settings) -> PrivacyService:
    """The privacy service on the configured database (migrated first)."""
    from causerie.runtime import build_runtime

    return build_runtime(settings, spam_filter=False).privacy


@click.group()
def privacy() -> None:
    """Readers' rights: export or erase everything tied to an e-mail address."""


@privacy.command("export")
@CONFIG_OPTION
@click.argument("email")
def export(config_file: str | None, email: str) -> None:
    """Print, as JSON, everything stored about EMAIL."""
    service = privacy_service(settings_or_exit(config_file))
    document = service.export(email)
    service.log("export", "cli", "*", email, len(document["comments"]))
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


@privacy.command("erase")
@CONFIG_OPTION
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase(config_file: str | None, email: str, yes: bool) -> None:
    """Erase every comment and trace of EMAIL (threads keep their shape)."""
    if not yes and not click.confirm(f"Erase all data of {email}?", err=True):
        sys.exit(1)
    service = privacy_service(settings_or_exit(config_file))
    items = service.erase(email)
    service.log("erase", "cli", "*", email, items)
    click.echo(f"erased {items} items")


@click.command()
@CONFIG_OPTION
def purge(config_file: str | None) -> None:
    """Apply the retention settings now (the server also does it on a schedule)."""
    service = privacy_service(settings_or_exit(config_file))
    click.echo(json.dumps(service.purge().as_dict()))


COMMANDS = (privacy, purge)
