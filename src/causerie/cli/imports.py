"""``causerie import FORMAT FILE`` and ``causerie export``: bring comments in, take them out.

``import`` ends with ONE line of JSON, the last line it prints (see
docs/migrating.md); a malformed file prints one line naming the file, the line
and the reason, imports nothing and exits 1. So does a file of another format
than the one named (the line says which format it looks like), or one in
which nothing matches the format. ``json`` and ``native`` name the same format
both ways.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from causerie.cli.common import CONFIG_OPTION, settings_or_exit
from causerie.importers import FORMATS

if TYPE_CHECKING:
    from causerie.importers.writer import ImportSummary


@click.command("import")
@CONFIG_OPTION
@click.argument("format", type=click.Choice(FORMATS))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--site", default="default", show_default=True, help="Site to import into.")
@click.option("--dry-run", is_flag=True, help="Read and check everything, write nothing.")
@click.option(
    "--map-url",
    "map_urls",
    multiple=True,
    metavar="OLD=NEW",
    help="Rewrite thread URIs starting with OLD (repeatable): old domains, ?p=123 links.",
)
@click.option("--with-pingbacks", is_flag=True, help="Import pingbacks and trackbacks too.")
@click.option("--learn", is_flag=True, help="Teach the site's spam filter the imported labels.")
def import_comments(
    config_file: str | None,
    format: str,
    file: Path,
    site: str,
    dry_run: bool,
    map_urls: tuple[str, ...],
    with_pingbacks: bool,
    learn: bool,
) -> None:
    """Import the comments of FILE (an export of FORMAT) into a site."""
    from causerie.importers import canonical, checked_reader
    from causerie.importers.records import ImportFailure
    from causerie.importers.writer import ImportOptions, ImportSummary, parse_mapping
    from causerie.runtime import build_runtime
    from causerie.store.contracts.imports import ImportNotPublished

    try:
        mapping = tuple(parse_mapping(m) for m in map_urls)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--map-url") from None
    format = canonical(format)
    options = ImportOptions(site, format, dry_run, mapping, with_pingbacks, learn)
    runtime = build_runtime(settings_or_exit(config_file), spam_filter=learn)
    progress = _Progress() if sys.stderr.isatty() else None
    try:
        items = checked_reader(format, file, str(file))
        summary = runtime.imports.run(options, items, progress)
    except (ImportFailure, ImportNotPublished, OSError) as error:
        if progress:
            progress.clear()
        if isinstance(error, ImportFailure):
            reason = str(error)
        elif isinstance(error, ImportNotPublished):
            reason = f"{file}: nothing imported: {error}"
        else:
            reason = f"{file}:0: {error.strerror}"
        click.echo(f"causerie: {reason}", err=True)
        click.echo(json.dumps(ImportSummary(format=format, errors=1).as_dict()))
        sys.exit(1)
    finally:
        runtime.close()
    if progress:
        progress.clear()
    _table(summary, dry_run)
    click.echo(json.dumps(summary.as_dict()))


class _Progress:
    """One line on the terminal, redrawn: threads and comments, and per second."""

    def __init__(self) -> None:
        self.last = 0.0

    def __call__(self, summary: ImportSummary) -> None:
        now = time.monotonic()
        if now - self.last < 0.2:
            return
        self.last = now
        seconds = max(summary.seconds, 1e-6)
        line = (
            f"threads {summary.threads:,} ({summary.threads / seconds:,.0f}/s)  "
            f"comments {summary.comments:,} ({summary.comments / seconds:,.0f}/s)  "
            f"skipped {summary.skipped:,}"
        )
        click.echo("\r" + line, nl=False, err=True)

    def clear(self) -> None:
        click.echo("\r\033[K", nl=False, err=True)


def _table(summary: ImportSummary, dry_run: bool) -> None:
    title = "dry run: nothing was written" if dry_run else f"imported in {summary.seconds:.1f} s"
    click.echo(title)
    for key, value in summary.as_dict().items():
        if key != "format":
            click.echo(f"  {key:<9} {value:>10,}")
    for message in summary.messages:
        click.echo(f"  warning: {message}")
    if summary.warnings > len(summary.messages):
        click.echo(f"  … and {summary.warnings - len(summary.messages)} more warnings")


@click.command("export")
@CONFIG_OPTION
@click.option("--site", default="default", show_default=True, help="Site to export.")
@click.option(
    "--format",
    "format",
    type=click.Choice(["json", "native", "wxr"]),
    default="json",
    show_default=True,
    help="Causerie's lossless JSON (also called native), or WordPress WXR.",
)
@click.option(
    "--timezone",
    "zone_name",
    metavar="ZONE",
    help="WXR: the site's time zone for local dates (Europe/Paris; default: this machine's).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File (default: stdout).",
)
@click.option("--with-learning", is_flag=True, help="JSON: include the spam filter's learning log.")
def export_comments(
    config_file: str | None,
    site: str,
    format: str,
    zone_name: str | None,
    output: Path | None,
    with_learning: bool,
) -> None:
    """Write a site's threads and comments as JSON or WXR."""
    from causerie.importers import native, wordpress
    from causerie.runtime import build_runtime

    zone = _zone(zone_name)
    runtime = build_runtime(settings_or_exit(config_file), spam_filter=False)
    source = runtime.stores.exports
    if source.site(site) is None:
        click.echo(f"causerie: no site named {site!r}", err=True)
        sys.exit(1)
    target = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        if format in ("json", "native"):
            count = native.write(source, site, target, learning=with_learning)
        else:
            count = wordpress.write(source, site, target, zone)
    finally:
        if output:
            target.close()
        runtime.close()
    if output:
        click.echo(f"exported {count} comments of {site!r} to {output}", err=True)


def _zone(name: str | None) -> tzinfo:
    """The named IANA time zone, or this machine's (what WordPress calls local time)."""
    if not name:
        return datetime.now().astimezone().tzinfo or UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"unknown time zone {name!r}", param_hint="--timezone") from None


COMMANDS = (import_comments, export_comments)
