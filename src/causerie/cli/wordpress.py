"""``causerie wordpress …``: what a WordPress site needs to use Causerie."""

from __future__ import annotations

import sys

import click

from causerie.integrations.wordpress import MU_PLUGIN_NAME, mu_plugin


@click.group()
def wordpress() -> None:
    """Use Causerie from WordPress's own Akismet plugin."""


@wordpress.command("mu-plugin")
@click.option("--url", required=True, help="This Causerie server as WordPress reaches it.")
def wordpress_mu_plugin(url: str) -> None:
    """Print the must-use plugin that points WordPress's Akismet plugin at Causerie.

    Save it as wp-content/mu-plugins/causerie-akismet.php.
    """
    try:
        click.echo(mu_plugin(url), nl=False)
    except ValueError as exc:
        click.echo(f"causerie: {exc}", err=True)
        sys.exit(2)
    click.echo(f"save it as wp-content/mu-plugins/{MU_PLUGIN_NAME}", err=True)
