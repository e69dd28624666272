"""A real HTTP receiver for webhook tests: a threaded ``http.server`` on a loopback port.

It records every request (path, headers, body) and answers from a script of
responses (status codes, 302 for a redirect, "hang" to never answer until
released), then 200 for the rest.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Call:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class Receiver:
    """The server's address and what it got."""

    port: int
    script: list[int | str] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    # Requests held open ("hang"): their delivery ids, in order.
    held: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        """The hook's URL on this receiver."""
        return f"http://127.0.0.1:{self.port}/hooks/causerie"

    def wait_for(self, count: int, timeout: float = 15.0) -> list[Call]:
        """Wait until ``count`` requests arrived."""
        import time

        deadline = time.monotonic() + timeout
        while len(self.calls) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.calls) >= count, f"{len(self.calls)} calls, expected {count}"
        return self.calls


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with receiver.lock:
                answer = receiver.script.pop(0) if receiver.script else 200
            if answer == "hang":
                receiver.held.append(self.headers.get("Causerie-Delivery", ""))
                receiver.release.wait(60)
                return
            status = int(answer)
            receiver.calls.append(Call(self.path, dict(self.headers.items()), body, status))
            self.send_response(status)
            if status == 302:
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            """Quiet."""

    return Handler


def serve(receiver: Receiver) -> Iterator[Receiver]:
    """Run the receiver until the generator is closed."""
    server = ThreadingHTTPServer(("127.0.0.1", receiver.port), _handler(receiver))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.shutdown()
        server.server_close()
