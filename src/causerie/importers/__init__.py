"""Imports from other comment systems and Causerie's own exports: one module per format.

Each format module has ``read(path, name) -> Iterator[ImportItem]`` (records of
``importers/records.py``); ``importers/writer.py`` stores them. ``native`` and
``wordpress`` also ``write`` a site (``causerie export``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from causerie.importers.records import ImportItem

Reader = Callable[[Path, str | None], Iterator[ImportItem]]

# The names ``causerie import FORMAT`` accepts, with the module that reads each.
FORMATS = ("wordpress", "disqus", "isso", "remark42", "commento", "native")


def reader(format: str) -> Reader:
    """The reader of a format (imported on demand: each pulls in its own parser)."""
    from importlib import import_module

    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}")
    module = import_module(f"causerie.importers.{format}")
    read: Reader = module.read
    return read
