"""The ``causerie`` command line."""

from __future__ import annotations

import click

from causerie.spam.cli import spam


@click.group()
@click.version_option(package_name="causerie")
def main() -> None:
    """Causerie: self-hosted comments with a multilingual spam filter."""


main.add_command(spam)
