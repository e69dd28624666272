"""``causerie key …``: API keys for the Akismet-compatible API."""

from __future__ import annotations

import sys
import time

import click

from causerie.cli.common import CONFIG_OPTION, settings_or_exit
from causerie.core.apikeys import ApiKeys, current_month
from causerie.store.records import ApiKeyRecord


def _keys(config_file: str | None) -> ApiKeys:
    from causerie.runtime import build_runtime

    return build_runtime(settings_or_exit(config_file), spam_filter=False).api_keys


def _when(stamp: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(stamp)) if stamp else "-"


@click.group()
def key() -> None:
    """API keys of the Akismet-compatible API (one per site)."""


@key.command("create")
@CONFIG_OPTION
@click.option("--site", required=True, help="The site's URL (https://news.example) or name.")
@click.option(
    "--rate-limit", type=int, default=0, show_default=True, help="Calls per minute (0: none)."
)
@click.option(
    "--monthly-limit",
    type=int,
    default=0,
    show_default=True,
    help="Reported by usage-limit (0: none).",
)
def key_create(config_file: str | None, site: str, rate_limit: int, monthly_limit: int) -> None:
    """Issue a key; it is printed once and only its hash is kept."""
    keys = _keys(config_file)
    try:
        value, record = keys.create(site, rate_per_minute=rate_limit, monthly_limit=monthly_limit)
    except ValueError as exc:
        click.echo(f"causerie: {exc}", err=True)
        sys.exit(2)
    click.echo(value)
    click.echo(
        f"key #{record.id} for site {record.site_name!r}; it is shown only now, keep it safe",
        err=True,
    )


@key.command("list")
@CONFIG_OPTION
def key_list(config_file: str | None) -> None:
    """Every key: id, first characters, site, this month's calls, state."""
    keys = _keys(config_file)
    month = current_month()
    click.echo(f"{'id':>4}  {'key':<12}  {'site':<24}  {'calls ' + month:>14}  state")
    for record in keys.all():
        calls = keys.calls_in_month(record.id, month)
        click.echo(
            f"{record.id:>4}  {record.prefix + '…':<12}  {record.site_name:<24}  {calls:>14}  "
            f"{_state(record)}"
        )


def _state(record: ApiKeyRecord) -> str:
    if record.revoked:
        return f"revoked {_when(record.revoked)}"
    limit = f", {record.rate_per_minute}/min" if record.rate_per_minute else ""
    return f"active since {_when(record.created)}{limit}"


@key.command("revoke")
@CONFIG_OPTION
@click.argument("ident")
def key_revoke(config_file: str | None, ident: str) -> None:
    """Revoke a key, named by the key itself, its id, or its first characters."""
    keys = _keys(config_file)
    found = keys.find(ident)
    if not found:
        click.echo(f"causerie: no key matches {ident!r}", err=True)
        sys.exit(1)
    if len(found) > 1:
        ids = ", ".join(f"#{k.id}" for k in found)
        click.echo(f"causerie: {ident!r} matches several keys ({ids}); give the id", err=True)
        sys.exit(1)
    record = found[0]
    if keys.revoke(record):
        click.echo(f"revoked key #{record.id} ({record.prefix}…) of site {record.site_name!r}")
    else:
        click.echo(f"key #{record.id} was already revoked")
