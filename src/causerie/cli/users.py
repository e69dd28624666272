"""``causerie user …``: dashboard accounts from the command line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from causerie.cli.common import CONFIG_OPTION, settings_or_exit
from causerie.core.errors import CauserieError
from causerie.core.i18n import translate

PASSWORD_STDIN = click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (scripts)."
)


def _accounts(config_file: str | None) -> Any:
    from causerie.runtime import build_runtime

    return build_runtime(settings_or_exit(config_file), spam_filter=False).accounts


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


def _run(action: Callable[[], object]) -> None:
    try:
        action()
    except CauserieError as exc:
        click.echo(f"causerie: {translate('error.' + exc.code, 'en', **exc.params)}", err=True)
        sys.exit(1)


@click.group()
def user() -> None:
    """Dashboard accounts (admins see every site; moderators only theirs)."""


@user.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "moderator"]), required=True)
@click.option("--site", "sites", multiple=True, help="A site the moderator looks after (repeat).")
@PASSWORD_STDIN
@CONFIG_OPTION
def add(
    email: str, role: str, sites: tuple[str, ...], password_stdin: bool, config_file: str | None
) -> None:
    """Create an account; the password is asked twice (or read from stdin)."""
    accounts = _accounts(config_file)
    password = _password(password_stdin)
    _run(lambda: accounts.add_user(email, password, role, sites))
    click.echo(
        f"added {role} {email.strip().lower()}" + (f" ({', '.join(sites)})" if sites else "")
    )


@user.command("passwd")
@click.argument("email")
@PASSWORD_STDIN
@CONFIG_OPTION
def passwd(email: str, password_stdin: bool, config_file: str | None) -> None:
    """Set a new password (the account's sessions are closed, its lockout lifted)."""
    accounts = _accounts(config_file)
    password = _password(password_stdin)
    _run(lambda: accounts.set_password(email, password))
    click.echo(f"password changed for {email.strip().lower()}")


@user.command("list")
@CONFIG_OPTION
def list_users(config_file: str | None) -> None:
    """Every account with its role and sites."""
    accounts = _accounts(config_file)
    names = {s.id: s.name for s in accounts.sites.sites()}
    for account in accounts.store.users():
        sites = ", ".join(names.get(i, str(i)) for i in account.site_ids) or "all sites"
        click.echo(f"{account.email}\t{account.role}\t{sites}")
