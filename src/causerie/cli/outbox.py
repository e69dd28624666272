"""``causerie outbox …``: run the outbox worker alone, see what waits or failed."""

from __future__ import annotations

import json
import signal
import threading
import time
from types import FrameType

import click

from causerie.cli.common import CONFIG_OPTION, settings_or_exit


@click.group()
def outbox() -> None:
    """The outbox of outgoing mails and webhook calls (docs/notifications.md)."""


@outbox.command("run")
@CONFIG_OPTION
def run(config_file: str | None) -> None:
    """Send queued messages until stopped (Ctrl-C, SIGTERM), without serving HTTP."""
    from causerie.runtime import build_runtime
    from causerie.store.outbox import watch_commits

    runtime = build_runtime(settings_or_exit(config_file), spam_filter=False)
    if not runtime.settings.outbox_worker:
        # The worker's own transactions wake it at once; others' are seen at the next poll.
        watch_commits(runtime.engine, runtime.outbox.wake)
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    runtime.outbox.start()
    click.echo(f"outbox worker {runtime.outbox.name} running", err=True)
    try:
        stop.wait()
    finally:
        runtime.close()


@outbox.command("status")
@CONFIG_OPTION
def status(config_file: str | None) -> None:
    """Messages per state, then the given-up ones; ends with one line of JSON (the counts)."""
    from causerie.runtime import build_runtime

    runtime = build_runtime(settings_or_exit(config_file), spam_filter=False)
    store = runtime.stores.outbox
    try:
        for message in store.failures(None, 20):
            when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(message.finished or 0))
            click.echo(f"failed #{message.id} {message.channel} {when}: {message.last_error}")
        click.echo(json.dumps(store.counts()))
    finally:
        runtime.close()
