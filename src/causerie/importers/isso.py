"""Isso: its SQLite database (schema ``user_version`` 3 to 5) or its generic JSON.

The database, opened read-only::

    threads   id, uri, title
    comments  tid, id, parent, created, modified, mode (1 approved, 2 pending,
              4 deleted), remote_addr (already cut to /24 by Isso), text
              (markdown), author, email, website, likes, dislikes, …
    comment_votes (some versions): votes are kept as the likes/dislikes counts

The generic JSON (``isso import --type generic``) is a list of threads
``{"id": uri, "title", "comments": [{"id", "author", "email", "website",
"remote_addr", "created": "YYYY-MM-DD HH:MM:SS", "text"}]}``; its comment ids
are unique within a thread only, and it has no replies.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from causerie.importers.jsondoc import Document
from causerie.importers.records import ImportedComment, ImportedThread, ImportFailure, ImportItem
from causerie.store.records import CommentState

FORMAT = "isso"
MODES = {1: CommentState.APPROVED, 2: CommentState.PENDING, 4: CommentState.DELETED}
VERSIONS = (3, 4, 5)
SQLITE_MAGIC = b"SQLite format 3\x00"


def read(path: Path, name: str | None = None) -> Iterator[ImportItem]:
    """An Isso database or generic JSON file, told apart by their first bytes."""
    label = name or str(path)
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return _database(path, label)
    return _generic(path, label)


def _database(path: Path, label: str) -> Iterator[ImportItem]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version not in VERSIONS:
            raise ImportFailure(label, 0, f"Isso schema version {version}, not one of 3, 4, 5")
        threads = connection.execute("SELECT id, uri, title FROM threads ORDER BY id").fetchall()
        for tid, uri, title in threads:
            yield ImportedThread(key=str(tid), uri=uri or "", title=title or "")
        query = (
            "SELECT id, tid, parent, created, modified, mode, remote_addr, text, author,"
            " email, website, likes, dislikes FROM comments ORDER BY id"
        )
        for row in connection.execute(query):
            yield _row(label, row)
    except sqlite3.DatabaseError as error:
        raise ImportFailure(label, 0, f"not a readable Isso database ({error})") from None
    finally:
        connection.close()


def _row(label: str, row: tuple[object, ...]) -> ImportedComment:
    ident, tid, parent, created, modified, mode, ip, text, author, email, website, *votes = row
    state = MODES.get(mode)  # type: ignore[call-overload]
    if state is None:
        raise ImportFailure(label, 0, f"comment {ident}: mode {mode!r} is not 1, 2 or 4")
    if not isinstance(created, int | float):
        raise ImportFailure(label, 0, f"comment {ident}: created {created!r} is not a time")
    return ImportedComment(
        source_id=str(ident),
        thread=str(tid),
        created=float(created),
        state=state,
        body=str(text or ""),
        markup="markdown",
        parent=None if parent is None else str(parent),
        author=str(author or ""),
        email=str(email) if email else None,
        website=str(website) if website else None,
        ip=str(ip) if ip else None,
        likes=int(votes[0] or 0),  # type: ignore[call-overload]
        dislikes=int(votes[1] or 0),  # type: ignore[call-overload]
        modified=float(modified) if isinstance(modified, int | float) else None,
    )


def _generic(path: Path, label: str) -> Iterator[ImportItem]:
    doc = Document.load(path, label)
    if not isinstance(doc.root, list):
        raise ImportFailure(label, 1, "neither an Isso database nor Isso's generic JSON (a list)")
    for thread in doc.root:
        doc.object(thread, "a thread")
        uri = doc.text(thread, "id")
        yield ImportedThread(
            key=uri, uri=uri, title=doc.text(thread, "title"), line=doc.line(thread)
        )
        for comment in doc.items(thread, "comments"):
            doc.object(comment, "a comment")
            stamp = doc.text(comment, "created")
            try:
                created = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
            except ValueError:
                raise doc.fail(comment, f"bad date {stamp!r}") from None
            yield ImportedComment(
                source_id=f"{uri}#{doc.text(comment, 'id')}",
                thread=uri,
                created=created.timestamp(),
                state=CommentState.APPROVED,
                body=doc.text(comment, "text"),
                markup="markdown",
                author=doc.text(comment, "author"),
                email=doc.text(comment, "email", None),
                website=doc.text(comment, "website", None),
                ip=doc.text(comment, "remote_addr", None),
                line=doc.line(comment),
            )
