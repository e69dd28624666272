"""The ceiling of the stack: an ASGI app that returns fixed bytes, nothing else.

Served by the same uvicorn as Causerie; ``BARE_BODY`` names the file holding
the bytes of a cached thread read.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

BODY = Path(os.environ["BARE_BODY"]).read_bytes() if "BARE_BODY" in os.environ else b"{}"
HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(BODY)).encode()),
    (b"etag", b'"0123456789abcdef01234567"'),
    (b"cache-control", b"public, max-age=0, must-revalidate"),
]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answer every HTTP request with the same JSON bytes."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
