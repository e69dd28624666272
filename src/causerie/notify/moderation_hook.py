"""The external moderation hook's HTTP call: bounded in time, to addresses the admin allowed.

A reader waits for this call, so its whole duration — name resolution,
connection, answer — is bounded by the site's ``moderation_hook_timeout_ms``:
the call runs on a small pool of threads and the poster stops waiting when
the time is up (the late call ends on its own, at the latest after the same
timeout on its socket). The address is checked as for webhooks
(``notify/webhook.py``: no loopback, private or link-local address unless the
admin allowed it; the connection goes to the checked address; redirects are
not followed). Never raises: every failure is a :class:`HookReply` with an error.
"""

from __future__ import annotations

import http.client
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as CallTimeout

from causerie.core.delivery import DeliveryFailed
from causerie.core.moderation_hook import HookCall, HookReply
from causerie.notify.webhook import (
    MAX_ANSWER,
    Resolve,
    _PinnedHTTPS,
    destination,
    resolve_first,
    system_tls,
)

WORKERS = 8  # calls in flight at once; more wait their turn (and may time out waiting)


class HookPoster:
    """POSTs a signed comment to a site's hook and brings back its answer in time."""

    def __init__(self, resolve: Resolve = resolve_first, tls: ssl.SSLContext | None = None) -> None:
        self.resolve = resolve
        self._tls = tls  # None: the system's trusted certificates, loaded at the first HTTPS call
        self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="causerie-hook")

    @property
    def tls(self) -> ssl.SSLContext:
        """The TLS context of HTTPS calls (the system's unless a test gives its own)."""
        return self._tls or system_tls()

    def __call__(self, call: HookCall) -> HookReply:
        """The hook's reply, or why there is none (``timed_out`` past the call's budget)."""
        started = time.perf_counter()
        future = self._pool.submit(self._exchange, call)
        try:
            status, body = future.result(timeout=call.timeout)
        except CallTimeout:
            future.cancel()
            ms = _since(started)
            return HookReply(None, b"", ms, f"no answer within {call.timeout * 1000:.0f} ms", True)
        except DeliveryFailed as failed:
            return HookReply(None, b"", _since(started), failed.outcome.error)
        except (OSError, http.client.HTTPException) as exc:
            return HookReply(None, b"", _since(started), f"{type(exc).__name__}: {exc}")
        return HookReply(status, body, _since(started))

    def _exchange(self, call: HookCall) -> tuple[int, bytes]:
        to = destination(call.url, call.allow_private, self.resolve)
        conn: http.client.HTTPConnection
        if to.scheme == "https":
            conn = _PinnedHTTPS(to.address, to.port, to.server_name, call.timeout, self.tls)
        else:
            conn = http.client.HTTPConnection(to.address, to.port, timeout=call.timeout)
        try:
            conn.request(
                "POST", to.target, body=call.body, headers={"Host": to.host, **call.headers}
            )
            response = conn.getresponse()
            return int(response.status), response.read(MAX_ANSWER)
        finally:
            conn.close()

    def close(self) -> None:
        """Stop taking calls (those in flight end on their own)."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
