"""A real moderation hook for the tests: an HTTP server on a loopback port.

It checks each request's ``Causerie-Signature`` with its own secret (401 when
it does not match, as a careful receiver does), records what it got, and
answers from a script of ``(status, body, delay seconds)``; then 204.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = tuple[int, Any, float]  # status, body (JSON-able, bytes or None), delay


@dataclass
class HookCall:
    """One request the hook got."""

    headers: dict[str, str]
    body: dict[str, Any]
    signed: bool


@dataclass
class Hook:
    """The hook's address, its secret, its script and what it got."""

    port: int
    secret: str
    script: list[Answer] = field(default_factory=list)
    calls: list[HookCall] = field(default_factory=list)
    # Answers written back (after their delay), whether or not anyone still listened.
    answered: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        """Where Causerie POSTs."""
        return f"http://127.0.0.1:{self.port}/moderate"


def verify(secret: str, header: str, body: bytes) -> bool:
    """The receiver's side of the webhook signature: ``t=…,v1=…`` over ``"<t>.<body>"``."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    stamp = parts.get("t", "")
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    fresh = stamp.isdigit() and abs(time.time() - int(stamp)) < 300
    return fresh and hmac.compare_digest(expected, parts.get("v1", ""))


def _handler(hook: Hook) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            signed = verify(hook.secret, self.headers.get("Causerie-Signature", ""), raw)
            hook.calls.append(HookCall(dict(self.headers.items()), json.loads(raw), signed))
            with hook.lock:
                status, body, delay = hook.script.pop(0) if hook.script else (204, None, 0.0)
            if not signed:
                status, body, delay = 401, {"error": "bad signature"}, 0.0
            time.sleep(delay)
            data = (
                body
                if isinstance(body, bytes)
                else b""
                if body is None
                else json.dumps(body).encode()
            )
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # Causerie stopped waiting (a timeout): nothing to answer to
            with hook.lock:
                hook.answered += 1

        def log_message(self, *args: object) -> None:
            """Quiet."""

    return Handler


def serve(hook: Hook) -> Iterator[Hook]:
    """Run the hook until the generator is closed."""
    server = ThreadingHTTPServer(("127.0.0.1", hook.port), _handler(hook))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
