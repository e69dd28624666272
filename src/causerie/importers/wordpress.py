"""WordPress eXtended RSS (WXR 1.0, 1.1, 1.2): read comments from it, write a site into it.

Reading, per ``<item>`` (a post or page) that has comments::

    item/link, item/title, wp:comment_status     → the thread (closed unless "open")
    wp:comment/wp:comment_id, wp:comment_parent  → source id, parent (0: top-level), both
                                                   keyed by the post ("12:4711"): a site
                                                   merged from two exports repeats ids
    wp:comment_approved 1 | 0 | spam | trash | post-trashed
                                                 → approved | pending | spam | deleted
    wp:comment_date_gmt (else wp:comment_date minus the site's offset)
    wp:comment_author, _email, _url, _IP         → author fields (the IP hashed by the writer)
    wp:comment_type '' | comment | pingback | trackback
    wp:commentmeta akismet_*                     → kept with the comment (``detail``)

The namespace differs by version (``…/export/1.0/`` to ``…/export/1.2/``);
elements are matched by local name, so every version reads the same way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape

from causerie.importers import dates
from causerie.importers.records import (
    ImportedComment,
    ImportedThread,
    ImportFailure,
    ImportItem,
    ImportWarning,
)
from causerie.importers.xmlstream import children, elements, fields, line_of, text_of
from causerie.store.contracts.imports import ExportSource
from causerie.store.records import CommentRecord, CommentState, ThreadRecord

FORMAT = "wordpress"
STATES = {
    "1": CommentState.APPROVED,
    "approve": CommentState.APPROVED,
    "0": CommentState.PENDING,
    "hold": CommentState.PENDING,
    "spam": CommentState.SPAM,
    "trash": CommentState.DELETED,
    "post-trashed": CommentState.DELETED,
}
KINDS = {"": "comment", "comment": "comment", "pingback": "pingback", "trackback": "trackback"}
MAX_META = 4000
# The Akismet plugin's verdicts; not ``akismet_as_submitted``, a copy of the submitted
# comment that repeats the reader's raw address and browser (never stored here).
AKISMET_KEPT = {"akismet_result", "akismet_history", "akismet_user_result", "akismet_error"}
# Elements whose own line a failure names.
NUMBERED = {"comment", "comment_date", "comment_date_gmt", "comment_parent", "post_date_gmt"}


def read(path: Path, name: str | None = None) -> Iterator[ImportItem]:
    """The threads and comments of a WXR file, in file order."""
    label = name or str(path)
    offset = _Offset()
    for item, line in elements(path, {"item"}, depth=2, numbered=NUMBERED, name=label):
        comments = list(children(item, "comment"))
        if not comments:
            continue
        key = text_of(item, "post_id") or text_of(item, "guid") or f"line-{line}"
        uri = text_of(item, "link") or text_of(item, "guid")
        yield ImportedThread(
            key=key,
            uri=uri,
            title=text_of(item, "title"),
            closed=text_of(item, "comment_status") not in ("", "open"),
            created=_post_date(label, item, line),
            line=line,
        )
        scope = key if len(key) <= 40 else hashlib.sha1(key.encode()).hexdigest()[:16]
        for comment in comments:
            yield from _comment(label, key, scope, comment, offset)


class _Offset:
    """The site's UTC offset, learnt from comments that carry both dates."""

    seconds = 0.0


def _comment(
    label: str, thread: str, scope: str, comment: Element, offset: _Offset
) -> Iterator[ImportItem]:
    line = line_of(comment)
    field = fields(comment)

    def text(name: str, *, strip: bool = True) -> str:
        found = field.get(name)
        value = "" if found is None else found.text or ""
        return value.strip() if strip else value

    def failure(name: str, reason: str) -> ImportFailure:
        found = field.get(name)
        return ImportFailure(label, line_of(found) if found is not None else line, reason)

    source_id = text("comment_id")
    if not source_id:
        raise ImportFailure(label, line, "wp:comment without wp:comment_id")
    parent = text("comment_parent") or "0"
    if not parent.isdigit():
        raise failure("comment_parent", f"wp:comment_parent {parent!r} is not a number")
    approved = text("comment_approved")
    state = STATES.get(approved)
    if state is None:
        state = CommentState.PENDING
        yield ImportWarning(line, f"comment {source_id}: unknown state {approved!r}, kept pending")
    kind = KINDS.get(text("comment_type"))
    if kind is None:
        yield ImportWarning(line, f"comment {source_id}: type {text('comment_type')!r} skipped")
        return
    stamps = []
    for name in ("comment_date", "comment_date_gmt"):
        try:
            stamps.append(dates.mysql(text(name)))
        except ValueError as error:
            raise failure(name, f"{name}: {error}") from None
    local, gmt = stamps
    if gmt is not None and local is not None:
        offset.seconds = local - gmt
    created = gmt if gmt is not None else (local - offset.seconds if local is not None else None)
    if created is None:
        raise ImportFailure(label, line, f"comment {source_id} has no date")
    yield ImportedComment(
        source_id=f"{scope}:{source_id}",
        thread=thread,
        created=created,
        state=state,
        body=text("comment_content", strip=False),
        markup="html",
        parent=None if parent == "0" else f"{scope}:{parent}",
        author=text("comment_author"),
        email=text("comment_author_email") or None,
        website=text("comment_author_url") or None,
        ip=text("comment_author_IP") or None,
        user_agent=text("comment_agent") or None,
        kind=kind,  # type: ignore[arg-type]
        detail=_akismet(comment) if "commentmeta" in field else {},
        line=line,
    )


def _akismet(comment: Element) -> dict[str, object]:
    meta = {}
    for entry in children(comment, "commentmeta"):
        key = text_of(entry, "meta_key")
        if key in AKISMET_KEPT:
            meta[key] = text_of(entry, "meta_value")[:MAX_META]
    return {"akismet": meta} if meta else {}


def _post_date(label: str, item: Element, line: int) -> float | None:
    try:
        return dates.mysql(text_of(item, "post_date_gmt"))
    except ValueError as error:
        found = next(children(item, "post_date_gmt"), None)
        where = line_of(found) if found is not None else line
        raise ImportFailure(label, where, f"post_date_gmt: {error}") from None


# -- writing -------------------------------------------------------------------

WXR_NS = "http://wordpress.org/export/1.2/"
WP_STATES = {
    CommentState.APPROVED: "1",
    CommentState.PENDING: "0",
    CommentState.SPAM: "spam",
    CommentState.DELETED: "trash",
}


def write(source: ExportSource, site_name: str, out: IO[str], zone: tzinfo = UTC) -> int:
    """Write one site as WXR 1.2 (one item per thread); return the comments written.

    WordPress's importer attaches comments to the posts it creates from the
    items; comment ids are Causerie's, so parents stay right. Dates are
    written twice, as WordPress does: local (in ``zone``, the site's time
    zone) and GMT. A post's date is its thread's, or its first comment's when
    that is older (a thread created by an earlier import may carry the
    import's time). The channel's title is the site's title, never its
    internal name. Addresses are not exported (Causerie never had them), nor votes.
    """
    site = source.site(site_name)
    if site is None:
        raise LookupError(site_name)
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        f' xmlns:wp="{WXR_NS}">\n<channel>\n'
        f"<title>{escape(site.title)}</title>\n"
        "<wp:wxr_version>1.2</wp:wxr_version>\n"
    )
    written = 0
    for number, thread in enumerate(source.threads(site.id), start=1):
        details = source.sources(thread.id)
        comments = list(source.comments(thread.id))
        posted = min([thread.created, *(c.created for c in comments)])
        out.write(_item(thread, number, posted, zone))
        for c in comments:
            out.write(_comment_xml(c, details.get(c.id), zone))
            written += 1
        out.write("</item>\n")
    out.write("</channel>\n</rss>\n")
    return written


def _item(thread: ThreadRecord, number: int, posted: float, zone: tzinfo) -> str:
    return (
        f"<item>\n<title>{escape(thread.title)}</title>\n<link>{escape(thread.uri)}</link>\n"
        f'<guid isPermaLink="false">{escape(thread.uri)}</guid>\n'
        f"<wp:post_id>{number}</wp:post_id>\n"
        f"<wp:post_date>{_mysql(posted, zone)}</wp:post_date>\n"
        f"<wp:post_date_gmt>{_mysql(posted, UTC)}</wp:post_date_gmt>\n"
        f"<wp:comment_status>{'closed' if thread.closed else 'open'}</wp:comment_status>\n"
        "<wp:post_type>post</wp:post_type>\n<wp:status>publish</wp:status>\n"
    )


def _comment_xml(c: CommentRecord, detail: str | None, zone: tzinfo) -> str:
    fields = [
        ("comment_id", str(c.id)),
        ("comment_author", c.author),
        ("comment_author_email", c.email or ""),
        ("comment_author_url", c.website or ""),
        ("comment_author_IP", ""),
        ("comment_date", _mysql(c.created, zone)),
        ("comment_date_gmt", _mysql(c.created, UTC)),
        ("comment_content", c.html),
        ("comment_approved", WP_STATES[c.state]),
        ("comment_type", "comment"),
        ("comment_parent", str(c.parent_id or 0)),
        ("comment_user_id", "0"),
    ]
    body = "".join(f"<wp:{k}>{escape(v)}</wp:{k}>\n" for k, v in fields)
    akismet = json.loads(detail).get("akismet", {}) if detail else {}
    for key, value in akismet.items():
        body += (
            f"<wp:commentmeta><wp:meta_key>{escape(key)}</wp:meta_key>"
            f"<wp:meta_value>{escape(str(value))}</wp:meta_value></wp:commentmeta>\n"
        )
    return f"<wp:comment>\n{body}</wp:comment>\n"


def _mysql(seconds: float, zone: tzinfo) -> str:
    return datetime.fromtimestamp(seconds, zone).strftime("%Y-%m-%d %H:%M:%S")
