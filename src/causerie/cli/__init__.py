"""The ``causerie`` command line: one module per command group, assembled here.

``causerie = "causerie.cli:main"`` (pyproject.toml) and ``python -m causerie``
both run :func:`main`. Each module holds one group (``key``, ``user``,
``outbox``, ``privacy``…) or a few top-level commands that belong together
(``serve`` and ``init``; ``import`` and ``export``); ``common.py`` holds what
they share (``--config``, settings, the database). ``causerie spam`` lives with
the filter, in ``causerie/spam/cli.py``, and ``causerie toxicity`` with the toxicity
model, in ``causerie/toxicity/cli.py``.
"""

from __future__ import annotations

import inspect
import re

import click

from causerie.cli.database import db
from causerie.cli.imports import COMMANDS as IMPORT_COMMANDS
from causerie.cli.keys import key
from causerie.cli.outbox import outbox
from causerie.cli.privacy import COMMANDS as PRIVACY_COMMANDS
from causerie.cli.server import init, serve
from causerie.cli.users import user
from causerie.cli.wordpress import wordpress
from causerie.spam.cli import spam
from causerie.toxicity.cli import toxicity

__all__ = ["main"]


@click.group()
@click.version_option(package_name="causerie")
def main() -> None:
    """Causerie: self-hosted comments with a multilingual spam filter."""


for command in (serve, init, db, spam, toxicity, key, user, wordpress, outbox):
    main.add_command(command)
for command in (*PRIVACY_COMMANDS, *IMPORT_COMMANDS):
    main.add_command(command)


def whole_summaries(group: click.Group) -> None:
    """Each command's line in a ``--help`` list: its first sentence whole, wrapped, never cut.

    Click shortens a summary to fit one line and ends it with "...", which hid
    what half the commands do; an explicit ``short_help`` is shown as it is.
    """
    for command in group.commands.values():
        if command.short_help is None and command.help:
            paragraph = " ".join(inspect.cleandoc(command.help).split("\n\n", 1)[0].split())
            command.short_help = re.split(r"(?<=[.!?])\s", paragraph, maxsplit=1)[0]
        if isinstance(command, click.Group):
            whole_summaries(command)


whole_summaries(main)
