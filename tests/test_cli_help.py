"""``causerie --help`` and every group's ``--help`` show each command's summary whole."""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from causerie.cli import main


def _groups(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _groups(command, (*path, name))


def _group(path: tuple[str, ...]) -> click.Group:
    group: click.Command = main
    for name in path:
        assert isinstance(group, click.Group)
        group = group.commands[name]
    assert isinstance(group, click.Group)
    return group


@pytest.mark.parametrize("path", list(_groups(main)), ids=lambda p: " ".join(p) or "causerie")
def test_no_summary_is_cut(path: tuple[str, ...]) -> None:
    shown = CliRunner().invoke(main, [*path, "--help"], terminal_width=80)
    assert shown.exit_code == 0, shown.output
    listing = shown.output.split("Commands:", 1)[1]
    assert "..." not in listing, listing
    flat = " ".join(listing.split())
    for name, command in _group(path).commands.items():
        first = " ".join(inspect.cleandoc(command.help or "").split("\n\n")[0].split())
        sentence = first.split(". ", 1)[0].rstrip(".")
        assert f"{name} {sentence}" in flat, (name, sentence)
