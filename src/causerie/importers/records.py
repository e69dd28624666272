"""What every importer yields: one stream of plain records, whatever the file's format.

A reader turns a file into, in file order::

    ImportedSite     (native only)   title and settings of the site
    ImportedThread   a page: key (the source's id for it), URI, title, closed
    ImportedComment  source id, thread key, parent's source id, state, dates,
                     author fields, the raw IP (only inside this stream), body
    ImportWarning    something odd but not fatal, with the line it was seen on
    BlockRow / LearningRow (native only)

and raises :class:`ImportFailure` (file, line, reason) on a malformed file.
The writer (``importers/writer.py``) validates and stores the stream; a reader
never touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from causerie.store.records import BlockRow, CommentState, LearningRow

Markup = Literal["html", "markdown"]


@dataclass(frozen=True, slots=True)
class ImportedSite:
    """A native export's site: its title and settings overrides."""

    title: str
    settings: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ImportedThread:
    """A page with comments; ``key`` is how the source's comments name it."""

    key: str
    uri: str
    title: str = ""
    closed: bool = False
    created: float | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class NativeFields:
    """What only a Causerie export carries: kept as they are."""

    html: str
    lang: str
    spam_score: float
    spam_verdict: str
    spam_reasons: str
    ip_hash: str | None
    ip_prefix: str | None
    author_key: str | None
    notify: bool
    pinned: bool
    by_site: bool


@dataclass(frozen=True, slots=True)
class ImportedComment:
    """One comment as the source has it (not validated yet)."""

    source_id: str
    thread: str  # the key of its ImportedThread
    created: float
    state: CommentState
    body: str
    markup: Markup
    parent: str | None = None
    author: str = ""
    email: str | None = None
    website: str | None = None
    ip: str | None = None  # raw: hashed and minimised by the writer, never stored
    user_agent: str | None = None
    likes: int = 0
    dislikes: int = 0
    modified: float | None = None
    kind: Literal["comment", "pingback", "trackback"] = "comment"
    detail: dict[str, Any] = field(default_factory=dict)
    native: NativeFields | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class ImportWarning:
    """Something the import could not keep as it was (it goes on)."""

    line: int
    message: str


class ImportFailure(Exception):
    """A file that cannot be imported: nothing of it is stored."""

    def __init__(self, file: str, line: int, reason: str) -> None:
        super().__init__(f"{file}:{line}: {reason}")
        self.file = file
        self.line = line
        self.reason = reason


ImportItem = (
    ImportedSite | ImportedThread | ImportedComment | ImportWarning | BlockRow | LearningRow
)
