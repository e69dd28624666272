"""Commento (and Comentario, which writes the same shape) JSON exports.

::

    {"version": 1,
     "comments": [{"commentHex": "…", "domain": "blog.example", "url": "/post/",
                   "commenterHex": "…" | "anonymous", "markdown": "…", "html": "…",
                   "parentHex": "root" | "…", "score": 2, "state": "approved"
                   | "unapproved" | "flagged", "creationDate": "2020-…Z",
                   "deleted": false}],
     "commenters": [{"commenterHex": "…", "email": "…", "name": "…", "link": "…", …}]}

``unapproved`` → pending, ``flagged`` → spam, ``deleted`` → deleted. The
thread's URI is the comment's ``url`` (a path; prefix it with ``--map-url``
when the site's threads are keyed by full URLs).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from causerie.importers.jsondoc import Document
from causerie.importers.records import ImportedComment, ImportedThread, ImportItem, ImportWarning
from causerie.store.records import CommentState

FORMAT = "commento"
STATES = {
    "approved": CommentState.APPROVED,
    "unapproved": CommentState.PENDING,
    "flagged": CommentState.SPAM,
}


def read(path: Path, name: str | None = None) -> Iterator[ImportItem]:
    """The comments of a Commento/Comentario export, their pages as threads."""
    doc = Document.load(path, name or str(path))
    root = doc.object(doc.root, "the document")
    people: dict[str, dict[str, Any]] = {}
    for person in doc.items(root, "commenters"):
        doc.object(person, "a commenter")
        people[doc.text(person, "commenterHex")] = person
    threads: set[str] = set()
    for c in doc.items(root, "comments", required=True):
        doc.object(c, "a comment")
        url = doc.text(c, "url") or "/"
        if url not in threads:
            threads.add(url)
            yield ImportedThread(key=url, uri=url, line=doc.line(c))
        raw_state = doc.text(c, "state") or "approved"
        state = STATES.get(raw_state)
        if state is None:
            state = CommentState.PENDING
            yield ImportWarning(doc.line(c), f"unknown state {raw_state!r}, kept pending")
        if doc.flag(c, "deleted"):
            state = CommentState.DELETED
        person = people.get(doc.text(c, "commenterHex"), {})
        parent = doc.text(c, "parentHex")
        score = int(doc.number(c, "score"))
        yield ImportedComment(
            source_id=doc.text(c, "commentHex"),
            thread=url,
            created=doc.date(c, "creationDate"),
            state=state,
            body=doc.text(c, "markdown") or doc.text(c, "html"),
            markup="markdown" if doc.text(c, "markdown") else "html",
            parent=None if parent in ("", "root") else parent,
            author=doc.text(person, "name") if person else "",
            email=doc.text(person, "email", None) if person else None,
            website=_link(doc.text(person, "link", None)) if person else None,
            likes=max(score, 0),
            dislikes=max(-score, 0),
            line=doc.line(c),
        )


def _link(value: str | None) -> str | None:
    """Commento writes "undefined" for a commenter without a website."""
    return None if value in (None, "", "undefined") else value
