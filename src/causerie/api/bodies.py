"""Request bodies, checked once before any endpoint reads them.

- **Size**: a body may not exceed 64 KB, counted on the bytes actually
  received, so a chunked upload without ``Content-Length`` is cut off like a
  declared one: 413 JSON. The Akismet API (``/1.1/``, ``/1.2/``) is left alone: it
  counts its own larger bodies the same way and answers in Akismet's words.
- **JSON text**: a JSON body must be valid UTF-8 without lone surrogates
  (``"\\ud800"`` parses in Python but cannot be encoded, hashed or stored):
  422 ``unicode_invalid``. Everything else about JSON (syntax, types) is left
  to the endpoint's own validation.
"""

from __future__ import annotations

import json

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from causerie.api.http import error_response
from causerie.core import validation

MAX_BODY = 64 * 1024
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Paths that bound their own bodies: Akismet forms, dashboard uploads (streamed to disk).
OWN_LIMITS = ("/1.1/", "/1.2/", "/api/admin/imports")
# Where a JSON body parsed here is left for the posting fast path (``fastpost.py``).
PARSED_JSON = "causerie.json"


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when the body grows past its limit."""

    def __init__(self) -> None:
        super().__init__(413)


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            media = value.split(b";")[0].strip().lower()
            return media == b"application/json" or media.endswith(b"+json")
    return False


def unencodable_field(body: bytes) -> str | None:
    """The field holding a lone surrogate or bad UTF-8 ("body" if not in a field), or None.

    orjson refuses both while Python's json accepts both, so only a body that
    orjson refuses is looked through (NaN, which only Python takes, is no
    reason to refuse here).
    """
    try:
        orjson.loads(body)
    except orjson.JSONDecodeError:
        pass
    else:
        return None
    try:
        data = json.loads(body.decode("utf-8", "surrogateescape"))
    except (ValueError, RecursionError):
        return None  # plain bad JSON: the endpoint says so
    if isinstance(data, dict):
        for key, value in data.items():
            if not validation.is_valid_unicode(key):
                return "body"
            if not _encodable(value):
                return key
        return None
    return None if _encodable(data) else "body"


def _encodable(value: object) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and not validation.is_valid_unicode(item):
            return False
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


class RequestBodyGuard:
    """ASGI middleware: bounded bodies, and JSON text that can be stored."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse what is too large or not valid Unicode; pass the rest on."""
        if (
            scope["type"] != "http"
            or scope["method"] not in BODY_METHODS
            or scope["path"].startswith(OWN_LIMITS)
        ):
            await self.app(scope, receive, send)
            return
        limit = MAX_BODY
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await self._refuse(scope, "body_too_large", 413, send)
                return
        if _is_json(scope):
            await self._json(scope, receive, send, limit)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge()
            return message

        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, "body_too_large", 413, send)

    async def _json(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        # JSON bodies are small: read it whole (bounded), check it, hand it on.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client left
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(scope, "body_too_large", 413, send)
                return
            chunks.append(chunk)
            more = bool(message.get("more_body"))
        body = b"".join(chunks)
        try:
            scope[PARSED_JSON] = orjson.loads(body)
        except orjson.JSONDecodeError:
            field = unencodable_field(body)
        else:
            field = None  # orjson takes only valid, encodable UTF-8
        if field is not None:
            await self._refuse(scope, "unicode_invalid", 422, send, field=field[:64])
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope: Scope, code: str, status: int, send: Send, **params: object) -> None:
        async def nothing() -> Message:
            return {"type": "http.disconnect"}

        response = error_response(Request(scope, nothing), code, status, **params)
        await response(scope, nothing, send)
