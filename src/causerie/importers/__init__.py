"""Imports from other comment systems and Causerie's own exports: one module per format.

Each format module has ``read(path, name) -> Iterator[ImportItem]`` (records of
``importers/records.py``); ``importers/writer.py`` stores them. ``native`` and
``wordpress`` also ``write`` a site (``causerie export``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

from causerie.importers.records import ImportFailure, ImportItem

Reader = Callable[[Path, str | None], Iterator[ImportItem]]

# The names ``causerie import FORMAT`` accepts, with the module that reads each.
FORMATS = ("wordpress", "disqus", "isso", "remark42", "commento", "native", "json")
# Other names of a format: ``causerie export --format json`` writes what ``native`` reads.
ALIASES = {"json": "native"}


def canonical(format: str) -> str:
    """The format's own name (``json`` → ``native``)."""
    return ALIASES.get(format, format)


def reader(format: str) -> Reader:
    """The reader of a format (imported on demand: each pulls in its own parser)."""
    from importlib import import_module

    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}")
    module = import_module(f"causerie.importers.{canonical(format)}")
    read: Reader = module.read
    return read


class WrongFormat(ImportFailure):
    """A file that is plainly another format than the one asked for."""

    def __init__(self, file: str, asked: str, found: str) -> None:
        from causerie.importers.detect import DESCRIPTIONS

        reason = (
            f"this looks like {DESCRIPTIONS[found]}, not {DESCRIPTIONS[asked]}: "
            f"use `causerie import {found}`"
        )
        super().__init__(file, 1, reason)
        self.found = found


def checked_reader(format: str, path: Path, label: str) -> Iterator[ImportItem]:
    """The records of ``path`` read as ``format``, refusing a file of another format.

    A file whose first bytes are another format's fails at once
    (:class:`WrongFormat`); one that matches no format and gives nothing when
    read as this one fails too, rather than importing an all-zero summary.
    """
    from causerie.importers.detect import DESCRIPTIONS, looks_like

    asked = canonical(format)
    found = looks_like(path)
    if found is not None and found != asked:
        raise WrongFormat(label, asked, found)
    items = iter(reader(asked)(path, label))
    first = next(items, None)
    if first is None:
        if found is None:
            raise ImportFailure(label, 1, f"nothing in this file is {DESCRIPTIONS[asked]}")
        return iter(())
    return itertools.chain((first,), items)
