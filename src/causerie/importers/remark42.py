"""Remark42 backup files: one JSON object per line, the first one describing the site.

::

    {"version": 1, "users": [...], "posts": [{"url": "…", "count": 3, …}]}   ← line 1
    {"id": "…", "pid": "" | parent id, "text": "<p>HTML</p>", "orig": "markdown",
     "user": {"name", "id", "picture", "ip" (a hash: not kept), "admin"},
     "locator": {"site": "remark", "url": "https://…/page"}, "score": 2,
     "votes": {…}, "time": "2021-03-04T05:06:07Z", "title": "Page title",
     "delete": false, "imported": false, "pin": false}                         ← one per line

Remark42 keeps no e-mail address and only a hash of the address, so neither
comes across. Every comment of a backup is visible in Remark42: approved here
(``delete: true`` → deleted). A gzip-compressed backup is read as well.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from causerie.importers.jsondoc import Document
from causerie.importers.records import ImportedComment, ImportedThread, ImportFailure, ImportItem
from causerie.store.records import CommentState

FORMAT = "remark42"


def read(path: Path, name: str | None = None) -> Iterator[ImportItem]:
    """The pages and comments of a Remark42 backup, a line at a time."""
    label = name or str(path)
    with _open(path) as file:
        titles: dict[str, str] = {}  # from the first line, when it lists the posts
        seen: set[str] = set()
        for number, raw in enumerate(file, start=1):
            try:
                line = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                raise ImportFailure(label, number, "not UTF-8 text") from None
            if not line:
                continue
            doc = Document(line, label, start_line=number)
            record = doc.object(doc.root, "a line")
            if number == 1 and "version" in record and "id" not in record:
                for post in doc.items(record, "posts"):
                    doc.object(post, "a post")
                    titles[doc.text(post, "url")] = doc.text(post, "title")
                continue
            yield from _comment(doc, record, titles, seen)


def _open(path: Path) -> IO[bytes]:
    with path.open("rb") as probe:
        zipped = probe.read(2) == b"\x1f\x8b"
    if zipped:
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _comment(
    doc: Document, c: dict[str, object], titles: dict[str, str], seen: set[str]
) -> Iterator[ImportItem]:
    locator = doc.object(c.get("locator") or {}, "locator")
    url = doc.text(locator, "url")
    if url not in seen:
        seen.add(url)
        title = doc.text(c, "title") or titles.get(url, "")
        yield ImportedThread(key=url, uri=url, title=title, line=doc.line(c))
    user = doc.object(c.get("user") or {}, "user")
    original = doc.text(c, "orig")
    score = int(doc.number(c, "score"))
    yield ImportedComment(
        source_id=doc.text(c, "id"),
        thread=url,
        created=doc.date(c, "time"),
        state=CommentState.DELETED if doc.flag(c, "delete") else CommentState.APPROVED,
        body=original or doc.text(c, "text"),
        markup="markdown" if original else "html",
        parent=doc.text(c, "pid") or None,
        author=doc.text(user, "name"),
        likes=max(score, 0),
        dislikes=max(-score, 0),
        line=doc.line(c),
    )
