"""What the embedded widget needs beyond the JSON API: catalogs, HTML fragment, live stream.

- ``GET /api/i18n/{lang}.json``: the widget's messages in one language.
- ``GET /api/comments.html?uri=…``: the first page of a thread as HTML.
- ``GET /api/stream?uri=…``: server-sent events for a thread's new comments.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, Response, StreamingResponse

from causerie.api import fragment
from causerie.api.http import JSONBody, request_lang
from causerie.api.params import Digits
from causerie.api.state import runtime_of, web_of
from causerie.core import threads, validation
from causerie.core.comments import CommentService
from causerie.core.i18n import catalog, direction, negotiate
from causerie.notify.live import EventHub

log = logging.getLogger("causerie.widget")

router = APIRouter(prefix="/api", tags=["widget"])

# Server messages the widget also shows itself, when it checks a form before sending.
SHARED_ERRORS = (
    "error.text_required",
    "error.text_too_long",
    "error.author_required",
    "error.email_invalid",
    "error.website_invalid",
)
HEARTBEAT_SECONDS = 15.0
# Streams end after a while; browsers reconnect on their own (EventSource), which
# keeps a stuck connection or a server shutdown from holding a stream forever.
STREAM_SECONDS = 300.0


def widget_messages(lang: str) -> dict[str, str]:
    """Every ``widget.*`` message (English for any missing) plus the shared errors."""
    english = catalog("en")
    own = catalog(lang)
    keys = [k for k in english if k.startswith("widget.")] + list(SHARED_ERRORS)
    return {k.removeprefix("widget."): own.get(k) or english.get(k, k) for k in keys}


@router.get("/i18n/{lang}.json", summary="The widget's messages in one language")
def widget_catalog(request: Request, lang: str) -> JSONBody:
    """``{"lang", "dir", "messages"}``; an unknown language gets the server's default."""
    chosen = negotiate(lang, None, runtime_of(request).settings.default_language)
    body = {"lang": chosen, "dir": direction(chosen), "messages": widget_messages(chosen)}
    return JSONBody(body, headers={"Cache-Control": "public, max-age=3600"})


@router.get(
    "/comments.html",
    summary="The first page of a thread as an HTML fragment",
    response_class=HTMLResponse,
)
async def thread_fragment(
    request: Request,
    uri: Annotated[str, Query(description="The page's thread key")],
    site: Annotated[str | None, Query()] = None,
    sort: Annotated[str | None, Query(description="oldest | newest | top")] = None,
    limit: Annotated[
        int | None, Query(ge=1, le=threads.MAX_LIMIT, description="Top-level comments"), Digits
    ] = None,
) -> Response:
    """Ready markup that a CMS includes server-side and the widget takes over."""
    page = threads.parse_page_request(sort, None, limit)
    lang = request_lang(request)
    service = runtime_of(request).comments
    site_name = site or "default"
    cache = web_of(request).thread_cache
    key = (site_name, uri, "html", page.sort, str(page.limit), lang)
    entry = cache.get(key)
    if entry is None:
        generation = cache.generation(site_name, uri)
        body = await run_in_threadpool(_fragment, service, site, uri, page, lang)
        entry = cache.put(site_name, uri, key, body, generation)
    headers = {
        "ETag": entry.etag,
        "Cache-Control": "public, max-age=0, must-revalidate",
        "Content-Language": lang,
    }
    if request.headers.get("if-none-match") == entry.etag:
        return Response(status_code=304, headers=headers)
    return Response(entry.body, media_type="text/html; charset=utf-8", headers=headers)


def _fragment(
    service: CommentService, site_name: str | None, uri: str, page: threads.PageRequest, lang: str
) -> bytes:
    site = service.site(site_name)  # an unknown site is reported before a malformed uri
    data = service.thread_page(site.name, validation.check_uri(uri), page)
    return fragment.thread(data, lang).encode()


@router.get("/stream", summary="Server-sent events: a thread's changes as they happen")
async def stream(
    request: Request,
    uri: Annotated[str, Query(description="The page's thread key")],
    site: Annotated[str | None, Query()] = None,
) -> Response:
    """``event: comment|edit|remove`` with the public comment as JSON ``data``."""
    checked = validation.check_uri(uri)
    service = runtime_of(request).comments
    record = await run_in_threadpool(service.site, site)
    hub = runtime_of(request).events
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(
        _events(hub, record.name, checked),
        media_type="text/event-stream; charset=utf-8",
        headers=headers,
    )


def _frame(kind: str, data: dict[str, Any]) -> bytes:
    return b"event: " + kind.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


async def _events(hub: EventHub, site: str, uri: str) -> AsyncIterator[bytes]:
    async with hub.subscribe(site, uri) as subscription:
        # The opening comment lets the browser fire `open` at once.
        yield b"retry: 3000\n: connected\n\n"
        deadline = time.monotonic() + STREAM_SECONDS
        while not subscription.closed and time.monotonic() < deadline:
            event = await subscription.next(HEARTBEAT_SECONDS)
            if event is None:
                if subscription.closed:
                    return
                # A heartbeat: proxies keep the connection, a gone reader is noticed.
                yield b": ping\n\n"
                continue
            yield _frame(event.kind, event.data)
