"""Causerie's own JSON export: everything of one site, read back without loss.

The document (``"causerie": 1``)::

    {"causerie": 1,
     "site": {"name": "journal", "title": "Le Journal", "settings": {...}},
     "threads": [
       {"uri": "/2026/tram", "title": "Tram", "closed": false, "created": 1764403200.0,
        "comments": [
          {"id": 7, "parent": null, "state": "approved", "author": "Samira", "email": null,
           "website": null, "text": "Merci", "html": "<p>Merci</p>", "lang": "fr",
           "created": 1764403300.5, "modified": null, "likes": 3, "dislikes": 0,
           "pinned": false, "notify": false, "by_site": false, "spam_score": 0.02,
           "spam_verdict": "ham", "spam_reasons": "[]", "ip_hash": "9f…",
           "ip_prefix": "203.0.113.0/24", "author_key": "…", "user_agent": null,
           "source": {}}]}],
     "blocks": [{"kind": "email", "value": "…", "note": "", "created": …,
                 "expires": null, "created_by": "admin@example.org"}],
     "learning": [...]}   ← only with --with-learning

The export puts the head, each thread, and the tail on lines of their own,
so that an import reads it a line at a time. Comment ids are the exporting
database's; ``parent`` refers to them. An
import keeps everything but the ids, so export → import → export gives the
same document with other ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from causerie.importers.jsondoc import Document, plain
from causerie.importers.records import (
    ImportedComment,
    ImportedSite,
    ImportedThread,
    ImportFailure,
    ImportItem,
    NativeFields,
)
from causerie.store.contracts.imports import ExportSource
from causerie.store.records import BlockRow, CommentRecord, CommentState, LearningRow

FORMAT = "native"
VERSION = 1
STATES = {state.value: state for state in CommentState}


def read(path: Path, name: str | None = None) -> Iterator[ImportItem]:
    """The site, threads, comments, blocks (and learning log) of a Causerie export.

    An export as ``causerie export`` writes it (one thread per line) is read a
    line at a time, in bounded memory; a document laid out otherwise (pretty
    printed by another tool, say) is read whole.
    """
    label = name or str(path)
    with path.open("rb") as file:
        first, second = file.readline().strip(), file.readline().strip()
    if first.startswith(b'{"causerie":') and first.endswith(b",") and second == b'"threads": [':
        return _by_line(path, label)
    return _whole(path, label)


def _whole(path: Path, label: str) -> Iterator[ImportItem]:
    doc = Document.load(path, label)
    root = _head(doc)
    yield _site(doc, root)
    for thread in doc.items(root, "threads", required=True):
        yield from _thread(doc, thread)
    yield from _tail(doc, root)


def _by_line(path: Path, label: str) -> Iterator[ImportItem]:
    threads_open = True
    tail: list[str] = []
    tail_line = 0
    with path.open("rb") as file:
        for number, raw in enumerate(file, start=1):
            try:
                line = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                raise ImportFailure(label, number, "not UTF-8 text") from None
            if number == 1:
                head = Document(line[:-1] + "}", label, start_line=1)
                yield _site(head, _head(head))
            elif number > 2 and threads_open:
                if line in ("],", "]"):
                    threads_open, tail_line = False, number + 1
                elif line:
                    doc = Document(line.removesuffix(","), label, start_line=number)
                    yield from _thread(doc, doc.root)
            elif number > 2:
                tail.append(line)
    if threads_open:
        raise ImportFailure(label, number, "the list of threads is not closed")
    doc = Document("{" + "\n".join(tail), label, start_line=tail_line)
    yield from _tail(doc, doc.object(doc.root, "the end of the document"))


def _head(doc: Document) -> dict[str, Any]:
    root = doc.object(doc.root, "the document")
    if root.get("causerie") != VERSION:
        raise doc.fail(root, f'not a Causerie export (wants "causerie": {VERSION})')
    return root


def _site(doc: Document, root: dict[str, Any]) -> ImportedSite:
    site = doc.object(root.get("site"), "site")
    settings = site.get("settings") or {}
    return ImportedSite(
        title=doc.text(site, "title"), settings=plain(doc.object(settings, "settings"))
    )


def _thread(doc: Document, thread: Any) -> Iterator[ImportItem]:
    doc.object(thread, "a thread")
    uri = doc.text(thread, "uri")
    yield ImportedThread(
        key=uri,
        uri=uri,
        title=doc.text(thread, "title"),
        closed=doc.flag(thread, "closed"),
        created=doc.number(thread, "created"),
        line=doc.line(thread),
    )
    for comment in doc.items(thread, "comments"):
        yield _comment(doc, uri, doc.object(comment, "a comment"))


def _tail(doc: Document, root: dict[str, Any]) -> Iterator[ImportItem]:
    for block in doc.items(root, "blocks"):
        doc.object(block, "a block")
        expires = block.get("expires")
        yield BlockRow(
            kind=doc.text(block, "kind"),
            value=doc.text(block, "value"),
            note=doc.text(block, "note"),
            created=doc.number(block, "created"),
            expires=None if expires is None else doc.number(block, "expires"),
            created_by=doc.text(block, "created_by"),
        )
    for entry in doc.items(root, "learning"):
        doc.object(entry, "a learning entry")
        yield LearningRow(
            is_spam=doc.flag(entry, "is_spam"),
            sample=json.dumps(plain(doc.object(entry.get("sample"), "sample")), ensure_ascii=False),
            source=doc.text(entry, "source"),
            created=doc.number(entry, "created"),
        )


def _comment(doc: Document, thread: str, c: dict[str, Any]) -> ImportedComment:
    state = STATES.get(doc.text(c, "state"))
    if state is None:
        raise doc.fail(c, f"state {c.get('state')!r} is not one of {', '.join(STATES)}")
    modified = c.get("modified")
    source = c.get("source") or {}
    return ImportedComment(
        source_id=doc.text(c, "id"),
        thread=thread,
        created=doc.number(c, "created"),
        state=state,
        body=doc.text(c, "text"),
        markup="markdown",
        parent=doc.text(c, "parent", None),
        author=doc.text(c, "author"),
        email=doc.text(c, "email", None),
        website=doc.text(c, "website", None),
        user_agent=doc.text(c, "user_agent", None),
        likes=int(doc.number(c, "likes")),
        dislikes=int(doc.number(c, "dislikes")),
        modified=None if modified is None else doc.number(c, "modified"),
        detail=plain(doc.object(source, "source")),
        native=NativeFields(
            html=doc.text(c, "html"),
            lang=doc.text(c, "lang"),
            spam_score=doc.number(c, "spam_score"),
            spam_verdict=doc.text(c, "spam_verdict") or "ham",
            spam_reasons=doc.text(c, "spam_reasons") or "[]",
            ip_hash=doc.text(c, "ip_hash", None),
            ip_prefix=doc.text(c, "ip_prefix", None),
            author_key=doc.text(c, "author_key", None),
            notify=doc.flag(c, "notify"),
            pinned=doc.flag(c, "pinned"),
            by_site=doc.flag(c, "by_site"),
        ),
        line=doc.line(c),
    )


def write(source: ExportSource, site_name: str, out: IO[str], *, learning: bool = False) -> int:
    """Write one site as a native document, a thread at a time; return the comments written."""
    site = source.site(site_name)
    if site is None:
        raise LookupError(site_name)
    head = {
        "causerie": VERSION,
        "site": {"name": site.name, "title": site.title, "settings": site.settings},
    }
    out.write(_dumps(head)[:-1] + ',\n"threads": [')
    written = 0
    for number, thread in enumerate(source.threads(site.id)):
        comments = source.comments(thread.id)
        details = source.sources(thread.id)
        document = {
            "uri": thread.uri,
            "title": thread.title,
            "closed": thread.closed,
            "created": thread.created,
            "comments": [_comment_out(c, details.get(c.id)) for c in comments],
        }
        out.write(("\n" if number == 0 else ",\n") + _dumps(document))
        written += len(comments)
    out.write("\n],\n")
    blocks = [vars(b) for b in source.blocks(site.id)]
    out.write('"blocks": ' + _dumps(blocks))
    if learning:
        out.write(',\n"learning": [')
        for number, entry in enumerate(source.learning(site.name)):
            row = {**vars(entry), "sample": json.loads(entry.sample)}
            out.write(("\n" if number == 0 else ",\n") + _dumps(row))
        out.write("\n]")
    out.write("\n}\n")
    return written


def _comment_out(c: CommentRecord, detail: str | None) -> dict[str, Any]:
    return {
        "id": c.id,
        "parent": c.parent_id,
        "state": c.state.value,
        "author": c.author,
        "email": c.email,
        "website": c.website,
        "text": c.text,
        "html": c.html,
        "lang": c.lang,
        "created": c.created,
        "modified": c.modified,
        "likes": c.likes,
        "dislikes": c.dislikes,
        "pinned": c.pinned,
        "notify": c.notify,
        "by_site": c.by_site,
        "spam_score": c.spam_score,
        "spam_verdict": c.spam_verdict,
        "spam_reasons": c.spam_reasons,
        "ip_hash": c.ip_hash,
        "ip_prefix": c.ip_prefix,
        "author_key": c.author_key,
        "user_agent": c.user_agent,
        "source": json.loads(detail) if detail else {},
    }


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
