"""``causerie serve`` and ``causerie init``: write a config, run the server."""

from __future__ import annotations

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
    _few_malloc_arenas()
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
            from causerie.app import create_app, settle_after_start

            _migrate_apart(settings)
            app = create_app(settings)
            settle_after_start()
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


# glibc gives each thread that allocates its own memory arena (up to 8 per core); with the
# request threads that is tens of arenas, each keeping freed memory: RSS grows for hours.
MALLOC_ARENAS = "2"


def _few_malloc_arenas() -> None:
    """Two malloc arenas for this process (mallopt) and its workers (the environment)."""
    import ctypes
    import os

    os.environ.setdefault("MALLOC_ARENA_MAX", MALLOC_ARENAS)
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc: nothing to tune
        return
    m_arena_max = -8  # from glibc's malloc.h
    arenas = os.environ["MALLOC_ARENA_MAX"]
    if arenas.isdigit():
        mallopt(m_arena_max, int(arenas))


def _migrate(settings: Settings) -> None:
    open_database(settings).dispose()


def _migrate_apart(settings: Settings) -> None:
    """Migrate in a child process: Alembic (~10 MB) never loads into the serving one."""
    import subprocess

    from causerie.store.database import HEAD_REVISION, create_database_engine, current_revision

    if settings.database_url.endswith(":memory:"):
        return  # a child cannot reach this process's database: it migrates itself
    engine = create_database_engine(settings.database_url)
    try:
        if current_revision(engine) == HEAD_REVISION:
            return
    finally:
        engine.dispose()
    # The child reads the same settings: the environment, and CAUSERIE_CONFIG set above.
    done = subprocess.run(
        [sys.executable, "-m", "causerie", "db", "upgrade"], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "migration")


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
