"""The hot path: a cached thread read answered before the framework runs.

Most requests a comment server gets are reads of a thread nobody changed
since the last read. When such a read is in the cache, this middleware
answers it (200, or 304 for a matching ``If-None-Match``) without routing,
parameter validation or a thread hop. Anything else — a cache miss, a
reader's tokens, an unusual parameter — goes on to the real endpoint in
``api/comments.py``, which fills the cache and documents the API.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from causerie.api.cache import PUBLIC_CACHE_CONTROL, ThreadCache, read_key
from causerie.core import validation
from causerie.core.errors import CauserieError
from causerie.core.threads import MAX_LIMIT

PATH = "/api/comments"
KNOWN = frozenset({"uri", "site", "sort", "cursor", "limit", "lang"})


class CachedThreadReads:
    """ASGI middleware: serve cache hits of ``GET /api/comments`` directly."""

    def __init__(self, app: ASGIApp, cache: ThreadCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a cache hit, or pass the request on."""
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        key = self._key(scope)
        entry = self.cache.get(key) if key else None
        if entry is None:
            await self.app(scope, receive, send)
            return
        if_none_match = None
        for name, value in scope["headers"]:
            if name == b"x-causerie-tokens":
                await self.app(scope, receive, send)
                return
            if name == b"if-none-match":
                if_none_match = value
        etag = entry.etag.encode()
        headers = [(b"etag", etag), (b"cache-control", PUBLIC_CACHE_CONTROL)]
        if if_none_match == etag:
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers += [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(entry.body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": entry.body})

    @staticmethod
    def _key(scope: Scope) -> tuple[str, ...] | None:
        params: dict[str, str] = {}
        for name, value in parse_qsl(
            scope["query_string"].decode("latin-1"), keep_blank_values=True
        ):
            if name not in KNOWN or name in params:
                return None  # unusual: let the endpoint validate and explain
            params[name] = value
        uri = params.get("uri")
        if not uri:
            return None
        try:
            # The endpoint's own rule: a cached answer never accepts what it refuses.
            limit = validation.bounded_int(params.get("limit", "50"), "limit", 1, MAX_LIMIT)
        except CauserieError:
            return None
        return read_key(params.get("site"), uri, params.get("sort"), params.get("cursor"), limit)
