"""``causerie serve`` and ``causerie init``: write a config, run the server."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Any

import click

from causerie.cli.common import CONFIG_OPTION, open_database, settings_or_exit
from causerie.config import Settings, write_config


@click.command()
@CONFIG_OPTION
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to listen on (default 8080).")
@click.option("--workers", type=int, default=None, help="Server processes (default 1).")
def serve(config_file: str | None, host: str | None, port: int | None, workers: int | None) -> None:
    """Run the server (migrating the database first)."""
    import os

    import uvicorn

    if workers is not None:
        # Worker processes read their settings from the environment.
        os.environ["CAUSERIE_WORKERS"] = str(workers)
    settings = settings_or_exit(config_file)
    if config_file:
        os.environ["CAUSERIE_CONFIG"] = str(Path(config_file).resolve())
    bind_host = host or settings.host
    bind_port = port or settings.port
    options: dict[str, Any] = {
        "host": bind_host,
        "port": bind_port,
        "log_level": settings.log_level,
        "proxy_headers": False,
        # Live streams would otherwise hold a clean stop for minutes.
        "timeout_graceful_shutdown": 5,
    }
    try:
        if settings.workers > 1:
            _migrate(settings)  # once, before the workers start
        else:
            from causerie.app import create_app

            app = create_app(settings)
            gc.freeze()  # start-up objects stay out of full collections (latency)
    except Exception as exc:  # a start-up failure is reported in one line, not a traceback
        click.echo(f"causerie: cannot start: {exc}", err=True)
        sys.exit(1)
    click.echo(
        f"Causerie listening on http://{bind_host}:{bind_port} (demo: /demo, API docs: /docs)"
    )
    if settings.workers > 1:
        uvicorn.run("causerie.asgi:app", workers=settings.workers, **options)
    else:
        uvicorn.run(app, **options)


def _migrate(settings: Settings) -> None:
    open_database(settings).dispose()


@click.command()
@click.option("--path", default="causerie.toml", show_default=True, type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: str, force: bool) -> None:
    """Write a commented TOML config with a freshly generated secret."""
    target = Path(path)
    if target.exists() and not force:
        click.echo(f"causerie: {target} exists; use --force to overwrite it", err=True)
        sys.exit(1)
    write_config(target)
    click.echo(f"wrote {target}; start with: causerie serve --config {target}")
