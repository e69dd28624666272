"""Which web pages may talk to the API: CORS answers and the origin check on writes.

Allowed: the server's own origin, the global ``allowed_origins`` and each
site's own list (editable from the dashboard, so it is re-read every few
seconds). A write from any other origin is refused with a 403 before it
reaches the API; requests without an ``Origin`` header (servers, curl) pass,
since only browsers need protecting from cross-site posting.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from causerie.api.http import error_response

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ALLOW_HEADERS = "Content-Type, Authorization, X-Causerie-Tokens, Accept-Language"
ALLOW_METHODS = "GET, POST, PATCH, DELETE, OPTIONS"
MAX_BODY = 64 * 1024


class OriginPolicy:
    """The set of allowed origins, refreshed from the sites every few seconds."""

    def __init__(
        self, static: Iterable[str], load_site_origins: Callable[[], Iterable[str]]
    ) -> None:
        self._static = frozenset(o.rstrip("/") for o in static)
        self._load = load_site_origins
        self._cached: frozenset[str] = self._static
        self._loaded_at = 0.0

    def allowed(self) -> frozenset[str]:
        """Every origin allowed now."""
        if time.monotonic() - self._loaded_at > 5:
            self._cached = self._static | frozenset(o.rstrip("/") for o in self._load())
            self._loaded_at = time.monotonic()
        return self._cached

    def refresh(self) -> None:
        """Re-read site origins on the next request (after a settings change)."""
        self._loaded_at = 0.0


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
