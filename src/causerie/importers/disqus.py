"""Disqus XML export: categories, threads, then posts, each post naming its thread by id.

::

    <thread dsq:id="1001">  link, title, createdAt, isClosed, isDeleted      → thread
    <post dsq:id="5002">    message (HTML), createdAt, isDeleted, isSpam,
                            author (name, email, isAnonymous, username),
                            ipAddress, <thread dsq:id>, <parent dsq:id>        → comment

Older exports carry the authors' e-mails and addresses; recent ones do not
(the fields are then simply absent or empty). A thread may come without a
date (its first comment's is taken) or without a link (its comments are then
skipped with a warning, the rest imported). ``isSpam`` wins over
``isDeleted``; a flag that is neither ``true`` nor ``false`` fails the import.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from causerie.importers import dates
from causerie.importers.records import (
    ImportedComment,
    ImportedThread,
    ImportFailure,
    ImportItem,
)
from causerie.importers.xmlstream import children, elements, line_of, local_name, text_of
from causerie.store.records import CommentState

FORMAT = "disqus"
DSQ_ID = "{http://disqus.com/disqus-internals}id"
# Fields whose own line a failure names.
CHECKED = {"isClosed", "isDeleted", "isSpam", "createdAt"}


def read(path: Path, name: str | None = None) -> Iterator[ImportItem]:
    """The threads and posts of a Disqus export, in file order."""
    label = name or str(path)
    for element, line in elements(path, {"thread", "post"}, depth=1, numbered=CHECKED, name=label):
        key = element.get(DSQ_ID, "")
        if not key:
            raise ImportFailure(label, line, f"<{local_name(element.tag)}> without dsq:id")
        if local_name(element.tag) == "thread":
            yield ImportedThread(
                key=key,
                uri=text_of(element, "link") or text_of(element, "id"),
                title=text_of(element, "title"),
                closed=_flag(label, line, element, "isClosed"),
                # Real exports hold threads with an empty <id/> and no date or link: the
                # date then comes from the thread's first comment (no link: see the writer).
                created=_date(label, line, element) if text_of(element, "createdAt") else None,
                line=line,
            )
        else:
            yield _post(label, line, key, element)


def _post(label: str, line: int, key: str, post: Element) -> ImportedComment:
    thread = _ref(post, "thread")
    if not thread:
        raise ImportFailure(label, line, f"post {key} names no thread")
    if _flag(label, line, post, "isSpam"):
        state = CommentState.SPAM
    elif _flag(label, line, post, "isDeleted"):
        state = CommentState.DELETED
    else:
        state = CommentState.APPROVED
    author = next(children(post, "author"), None)
    name = email = ""
    if author is not None:
        name = text_of(author, "name") or text_of(author, "username")
        email = text_of(author, "email")
    return ImportedComment(
        source_id=key,
        thread=thread,
        created=_date(label, line, post),
        state=state,
        body=text_of(post, "message", strip=False),
        markup="html",
        parent=_ref(post, "parent"),
        author=name,
        email=email or None,
        ip=text_of(post, "ipAddress") or None,
        line=line,
    )


def _ref(element: Element, child: str) -> str | None:
    found = next(children(element, child), None)
    return found.get(DSQ_ID) if found is not None else None


def _flag(label: str, line: int, element: Element, child: str) -> bool:
    value = text_of(element, child) or "false"
    if value not in ("true", "false"):
        where = _line(element, child, line)
        raise ImportFailure(label, where, f"<{child}> is {value!r}, not true or false")
    return value == "true"


def _date(label: str, line: int, element: Element) -> float:
    try:
        return dates.iso(text_of(element, "createdAt"))
    except ValueError as error:
        where = _line(element, "createdAt", line)
        raise ImportFailure(label, where, f"createdAt: {error}") from None


def _line(element: Element, child: str, default: int) -> int:
    found = next(children(element, child), None)
    return line_of(found) if found is not None else default
