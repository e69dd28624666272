"""Atom feeds of approved comments and the "latest comments" block for home pages.

- ``GET /feed/{site}/latest.atom`` — a site's newest comments;
- ``GET /feed/{site}/thread.atom?uri=/path`` — one page's;
- ``GET /feed/{site}/latest.html?limit=5`` — the block as server HTML, to include;
- ``GET /api/latest?site=…&limit=5`` — the same as JSON, for ``/static/latest.js``
  (``<div data-causerie-latest data-site="…">``), kept out of the comment widget's bundle.

Feeds carry ``ETag`` (a hash of the document) and ``Last-Modified`` (the newest
entry) and answer ``304 Not Modified`` when the client's copy is current.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import HTMLResponse, Response

from causerie.api.http import JSONBody, request_lang
from causerie.api.state import runtime_of
from causerie.core import validation
from causerie.core.feeds import MAX_BLOCK, Feed, FeedService
from causerie.core.i18n import direction, translate
from causerie.notify.feeds import atom, latest_block, rfc3339

router = APIRouter(tags=["feeds"])
ATOM_TYPE = "application/atom+xml; charset=utf-8"
CACHING = "public, max-age=60, must-revalidate"


def _feeds(request: Request) -> FeedService:
    return runtime_of(request).feeds


def _limit(value: str | None) -> int:
    return validation.bounded_int(value or "5", "limit", 1, MAX_BLOCK, "limit_invalid")


ATOM_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/atom+xml": {"schema": {"type": "string"}}}},
    304: {"description": "Not modified: the client's copy is current"},
}


@router.get(
    "/feed/{site}/latest.atom",
    summary="Atom feed of a site's latest comments",
    response_class=Response,
    responses=ATOM_ANSWER,
)
def site_feed(request: Request, site: str) -> Response:
    """The newest approved comments of the site, in the request's language."""
    return _conditional(request, _feeds(request).site_feed(site, request_lang(request)))


@router.get(
    "/feed/{site}/thread.atom",
    summary="Atom feed of a page's latest comments",
    response_class=Response,
    responses=ATOM_ANSWER,
)
def thread_feed(
    request: Request, site: str, uri: Annotated[str, Query(max_length=1024)]
) -> Response:
    """The newest approved comments of one page."""
    return _conditional(request, _feeds(request).thread_feed(site, uri, request_lang(request)))


def _conditional(request: Request, feed: Feed) -> Response:
    """The Atom document, or 304 when the client's ETag / date is still current."""
    body = atom(feed)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    modified = format_datetime(_utc(feed.updated), usegmt=True)
    headers = {
        "ETag": etag,
        "Last-Modified": modified,
        "Cache-Control": CACHING,
        "Content-Language": feed.lang,
        "Vary": "Accept-Language",
    }
    if _not_modified(request, etag, int(feed.updated)):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=ATOM_TYPE, headers=headers)


def _not_modified(request: Request, etag: str, updated: int) -> bool:
    """RFC 9110: If-None-Match decides when present; else If-Modified-Since."""
    match = request.headers.get("if-none-match")
    if match is not None:
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        return etag in tags or "*" in tags
    since = request.headers.get("if-modified-since")
    if not since:
        return False
    try:
        return updated <= int(parsedate_to_datetime(since).timestamp())
    except (TypeError, ValueError):
        return False


def _utc(when: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(when), dt.UTC)


@router.get(
    "/feed/{site}/latest.html",
    summary="The latest comments as an HTML fragment",
    response_class=HTMLResponse,
)
def latest_html(request: Request, site: str, limit: str | None = None) -> HTMLResponse:
    """A small ``<section>`` to include in a home page (escaped, in the request's language)."""
    lang = request_lang(request)
    entries = _feeds(request).latest(site, _limit(limit), lang)
    return HTMLResponse(
        latest_block(entries, lang),
        headers={"Cache-Control": CACHING, "Content-Language": lang},
    )


@router.get("/api/latest", summary="The latest comments of a site (JSON)")
def latest_json(request: Request, site: str = "default", limit: str | None = None) -> JSONBody:
    """What ``/static/latest.js`` shows: author, page, excerpt, link, date."""
    lang = request_lang(request)
    entries = _feeds(request).latest(site, _limit(limit), lang)
    return JSONBody(
        {
            "lang": lang,
            "dir": direction(lang),
            "heading": translate("feed.latest.heading", lang),
            "empty": translate("feed.latest.empty", lang),
            "on": translate("feed.latest.on", lang),
            "items": [
                {
                    "author": e.author,
                    "page": e.page_title,
                    "text": e.text[:200],
                    "link": e.link,
                    "created": rfc3339(e.published),
                }
                for e in entries
            ],
        },
        headers={"Cache-Control": CACHING},
    )
