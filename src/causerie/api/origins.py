"""Which web pages may talk to the API: CORS answers and the origin check on writes.

The server's own origin and the global ``allowed_origins`` may write to every
site. An origin in a site's own list (editable from the dashboard, so it is
re-read every few seconds) may write to that site only: the guard finds the
site a write names (``site`` in the JSON or form body, else in the query
string, else the default site; for ``/api/comments/{id}…`` the comment's
site) and refuses with a 403 before the API runs. Requests without an
``Origin`` header (servers, curl) pass, since only browsers need protecting
from cross-site posting. Reads are public: CORS answers every allowed origin.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from causerie.api.bodies import MAX_BODY
from causerie.api.http import error_response

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ALLOW_HEADERS = (
    "Content-Type, Authorization, X-Causerie-Tokens, X-Causerie-Session, Accept-Language"
)
ALLOW_METHODS = "GET, POST, PATCH, DELETE, OPTIONS"


DEFAULT_SITE = "default"
RELOAD_SECONDS = 5.0
FORM = "application/x-www-form-urlencoded"
# Writes that change no site's data (markdown preview): any allowed origin may send them.
SITELESS_WRITES = frozenset({"/api/preview"})
COMMENT_PATH = re.compile(r"/api/comments/(\d+)(?:/vote|/reports)?")
SiteOrigin = tuple[str, str]  # (site name, origin)
TOO_LARGE = "\x00too large"  # what _target_site answers for a body past MAX_BODY


class OriginPolicy:
    """Allowed origins, global and per site, refreshed from the sites every few seconds."""

    def __init__(
        self,
        static: Iterable[str],
        load_site_origins: Callable[[], Iterable[SiteOrigin]],
        site_of_comment: Callable[[int], str | None] = lambda _: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._static = frozenset(o.rstrip("/") for o in static)
        self._load = load_site_origins
        self.site_of_comment = site_of_comment
        self._clock = clock
        self._sites: dict[str, frozenset[str]] = {}
        self._cached: frozenset[str] = self._static
        self._loaded_at = -math.inf

    def _fresh(self) -> None:
        if self._clock() - self._loaded_at > RELOAD_SECONDS:
            by_origin: dict[str, set[str]] = {}
            for site, origin in self._load():
                by_origin.setdefault(origin.rstrip("/"), set()).add(site)
            self._sites = {o: frozenset(names) for o, names in by_origin.items()}
            self._cached = self._static | frozenset(self._sites)
            self._loaded_at = self._clock()

    def allowed(self) -> frozenset[str]:
        """Every origin allowed now, for some site or for all."""
        self._fresh()
        return self._cached

    def is_global(self, origin: str) -> bool:
        """True for an origin allowed to write to every site."""
        return origin in self._static

    def may_write(self, origin: str, site: str) -> bool:
        """True when this origin may write to this site."""
        self._fresh()
        return origin in self._static or site in self._sites.get(origin, ())

    def refresh(self) -> None:
        """Re-read site origins on the next request (after a settings change)."""
        self._loaded_at = -math.inf


def site_named(body: bytes, content_type: str, query: str) -> str:
    """The site a write names, read where the API reads it: the body, else the query.

    A body that names no site is for the default site, whatever the query says
    (the endpoints read the site from the body).
    """
    fields: dict[str, object]
    if not body:
        fields = dict(parse_qsl(query))
    elif content_type == "application/json":
        fields = _json_object(body)
    elif content_type == FORM:
        fields = dict(parse_qsl(body.decode("utf-8", "replace")))
    else:
        fields = {}
    name = fields.get("site")
    return (name.strip() if isinstance(name, str) else "") or DEFAULT_SITE


def _json_object(body: bytes) -> dict[str, object]:
    try:
        data = json.loads(body)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def own_origin(scope: Scope, headers: Headers) -> str:
    """The origin this request was addressed to."""
    scheme = headers.get("x-forwarded-proto") or scope.get("scheme", "http")
    host = headers.get("host", "")
    return f"{scheme}://{host}"


class OriginGuard:
    """ASGI middleware: CORS for allowed origins, 403 for writes from others, body limit."""

    def __init__(
        self, app: ASGIApp, policy: OriginPolicy, prefixes: tuple[str, ...] = ("/api/",)
    ) -> None:
        self.app = app
        self.policy = policy
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the origin, answer pre-flights, add CORS headers."""
        if scope["type"] != "http" or not scope["path"].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        method = scope["method"]
        allowed = origin is not None and (
            origin in self.policy.allowed() or origin == own_origin(scope, headers)
        )
        if (
            method == "OPTIONS"
            and origin is not None
            and "access-control-request-method" in headers
        ):
            await self._preflight(scope, receive, send, origin if allowed else None)
            return
        if origin is not None and not allowed and method in WRITE_METHODS:
            await self._refuse(scope, receive, send, "origin_forbidden", 403)
            return
        length = headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY:
            await self._refuse(scope, receive, send, "body_too_large", 413)
            return
        if (
            allowed
            and method in WRITE_METHODS
            and origin is not None
            and not self.policy.is_global(origin)
            and origin != own_origin(scope, headers)
            and scope["path"] not in SITELESS_WRITES
        ):
            site, receive = await self._target_site(scope, receive, headers)
            if site is TOO_LARGE:  # a chunked body past the limit: its site is unknown
                await self._refuse(scope, receive, send, "body_too_large", 413)
                return
            if site is not None and not self.policy.may_write(origin, site):
                await self._refuse(scope, receive, send, "origin_forbidden", 403)
                return
        if not allowed or origin is None:
            await self.app(scope, receive, send)
            return
        cors_origin = origin.encode()

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                raw.append((b"access-control-allow-origin", cors_origin))
                raw.append((b"vary", b"Origin"))
                raw.append((b"access-control-expose-headers", b"ETag, Content-Language"))
                message["headers"] = raw
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _target_site(
        self, scope: Scope, receive: Receive, headers: Headers
    ) -> tuple[str | None, Receive]:
        """The site a write is for (None: no such comment; TOO_LARGE), and a replaying receive."""
        found = COMMENT_PATH.fullmatch(scope["path"])
        if found:
            site = await run_in_threadpool(self.policy.site_of_comment, int(found.group(1)))
            return site, receive
        body, replay = await _buffered(receive)
        if body is None:
            return TOO_LARGE, replay
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        return site_named(body, content_type, scope["query_string"].decode("latin-1")), replay

    async def _preflight(
        self, scope: Scope, receive: Receive, send: Send, origin: str | None
    ) -> None:
        headers = {"Vary": "Origin"}
        if origin:
            headers.update(
                {
                    "Access-Control-Allow-Origin": origin,
                    "Access-Control-Allow-Methods": ALLOW_METHODS,
                    "Access-Control-Allow-Headers": ALLOW_HEADERS,
                    "Access-Control-Max-Age": "600",
                }
            )
        await Response(status_code=204 if origin else 403, headers=headers)(scope, receive, send)

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, code: str, status: int
    ) -> None:
        # Starlette put the app in the scope, so the request knows the settings.
        response = error_response(Request(scope, receive), code, status)
        await response(scope, receive, send)


async def _buffered(receive: Receive) -> tuple[bytes | None, Receive]:
    """Read the request body (None beyond MAX_BODY) and a receive that hands it on again."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        size += len(message.get("body", b""))
        if not message.get("more_body", False) or size > MAX_BODY:
            break
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    if size > MAX_BODY:
        return None, replay
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
    return body, replay
