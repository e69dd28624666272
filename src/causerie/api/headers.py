"""Security headers on every response the server sends.

- ``X-Content-Type-Options: nosniff`` everywhere: a comment's bytes are never
  taken for a script or a page because they look like one.
- ``Referrer-Policy`` everywhere (a page may set a stricter one itself).
- A ``Content-Security-Policy`` on every HTML page that does not set its own:
  no script at all (the privacy notice, the fragment opened as a page, error
  pages); the demo article sets one allowing the widget from this server.
- ``Strict-Transport-Security`` when the request came over HTTPS: directly, or
  through a trusted proxy that says so in ``X-Forwarded-Proto``.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from causerie.api.http import in_networks

# HTML the server writes itself needs no script; inline styles are the notice's own.
PAGE_CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'self'"
)
# The demo article runs the widget from this server and talks to its API.
DEMO_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'"
)
REFERRER_POLICY = "strict-origin-when-cross-origin"
HSTS = "max-age=31536000"


def is_https(scope: Scope, trusted_proxies: Sequence[str]) -> bool:
    """True when the reader's connection is HTTPS (believing only trusted proxies)."""
    if scope.get("scheme") == "https":
        return True
    client = scope.get("client")
    if not trusted_proxies or not client or not in_networks(client[0], trusted_proxies):
        return False
    for name, value in scope["headers"]:
        if name == b"x-forwarded-proto":
            return value.split(b",")[0].strip().lower() == b"https"
    return False


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP response."""

    def __init__(self, app: ASGIApp, trusted_proxies: Sequence[str] = ()) -> None:
        self.app = app
        self.trusted_proxies = tuple(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; dress the response's headers."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = is_https(scope, self.trusted_proxies)

        async def dressed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", REFERRER_POLICY)
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", PAGE_CSP)
                if https:
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        await self.app(scope, receive, dressed)
