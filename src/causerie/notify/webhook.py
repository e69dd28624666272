"""Webhook calls over HTTP: signed, bounded in time, only to addresses the admin allowed.

A comment system must not become a way into the newsroom's network: the
webhook's host is resolved here, the address is refused if it is not a
public one (loopback, private, link-local, multicast, reserved…) unless the
admin ticked ``allow_private`` for this webhook, and the connection goes to
*that* address (the ``Host`` header and TLS name stay the webhook's host), so
a DNS answer that changes between the check and the call changes nothing.
Redirects are not followed: a 3xx is a failed attempt. Calls use the standard
library's ``http.client`` with kept-alive connections: at a few hundred calls a
second, a heavier client would take the server's time from its readers.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from causerie import __version__
from causerie.core.delivery import DeliveryFailed
from causerie.core.webhook_cache import WebhookCache
from causerie.core.webhooks import SIGNATURE_HEADER, signature_header
from causerie.store.contracts.notifications import NotificationStore
from causerie.store.records import DeliveryOutcome, OutboxMessage

MAX_ANSWER = 64 * 1024  # what is read of a receiver's answer (the rest is not wanted)
# A webhook's checked address is reused this long: parsing, resolving and checking it
# for every call cost as much as the call's own HTTP work; the call still goes to the
# address that was checked, never to what the name resolves to meanwhile.
DESTINATION_SECONDS = 5.0
Resolve = Callable[[str, int], str]  # host, port -> the IP address to connect to


@functools.cache
def system_tls() -> ssl.SSLContext:
    """The system's trusted certificates, loaded once, at the first HTTPS call.

    Loading them takes ~0.1 s: not at start-up (every app built would pay it), and
    not at all for a server that never calls an HTTPS webhook or moderation hook.
    """
    return ssl.create_default_context()


@dataclass(frozen=True)
class Destination:
    """Where a call really goes: the URL with the checked address, and the original host."""

    url: str
    host: str  # the Host header: the webhook's host (and port, if not the default)
    address: str
    scheme: str = "https"
    port: int = 443
    target: str = "/"  # path and query
    server_name: str = ""  # the webhook's host alone: the name TLS checks


def resolve_first(host: str, port: int) -> str:
    """The first address the system resolver gives for a host."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not infos:
        raise OSError(f"{host} has no address")
    return str(infos[0][4][0])


def refusal(address: str) -> str | None:
    """Why an address may not be called without the admin's consent (None: a public address)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # The most telling name first: 169.254.169.254 is "link-local" before "private".
    for kind in ("loopback", "link_local", "multicast", "unspecified", "private", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if ip.is_global else "not-global"


def destination(url: str, allow_private: bool, resolve: Resolve = resolve_first) -> Destination:
    """Resolve and check a webhook URL; raises ``DeliveryFailed`` (permanent) when refused."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise DeliveryFailed(DeliveryOutcome(error=f"not an http(s) URL: {url}"), permanent=True)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        address = resolve(host, port)
    except OSError as exc:  # DNS down or name gone: worth another try later
        raise DeliveryFailed(DeliveryOutcome(error=f"cannot resolve {host}: {exc}")) from exc
    why = refusal(address)
    if why is not None and not allow_private:
        error = f"destination refused: {host} is {address} ({why}); the admin may allow it"
        raise DeliveryFailed(DeliveryOutcome(error=error), permanent=True)
    literal = f"[{address}]" if ":" in address else address
    pinned = urlunsplit((parts.scheme, f"{literal}:{port}", parts.path or "/", parts.query, ""))
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    named = f"[{host}]" if ":" in host else host
    header = named if parts.port is None else f"{named}:{port}"
    return Destination(pinned, header, address, parts.scheme, port, target, host)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address, with the webhook's host name for SNI and the certificate."""

    def __init__(
        self, address: str, port: int, name: str, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(address, port, timeout=timeout, context=context)
        self._name = name

    def connect(self) -> None:
        """Connect to the address, then speak TLS as to the host name."""
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self._name)  # type: ignore[attr-defined]


class Connections:
    """Kept-alive connections, one set per delivery thread (http.client: little overhead)."""

    def __init__(self, timeout: float, tls: ssl.SSLContext | None = None) -> None:
        self.timeout = timeout
        self._tls = tls  # None: the system's trusted certificates, loaded at the first HTTPS call
        self._local = threading.local()

    @property
    def tls(self) -> ssl.SSLContext:
        """The TLS context of HTTPS calls (tests give their own authority)."""
        return self._tls or system_tls()

    def post(self, to: Destination, body: bytes, headers: dict[str, str]) -> int:
        """POST and read the answer (at most ``MAX_ANSWER`` bytes); the status."""
        pool: dict[tuple[str, str, int, str], http.client.HTTPConnection]
        pool = self._local.__dict__.setdefault("pool", {})
        key = (to.scheme, to.address, to.port, to.host)
        kept = pool.pop(key, None)
        conn = kept or self._open(to)
        try:
            try:
                response = self._exchange(conn, to, body, headers)
            except ConnectionError:
                if kept is None:
                    raise
                # The receiver closed the kept-alive connection meanwhile: once more, afresh.
                conn.close()
                conn = self._open(to)
                response = self._exchange(conn, to, body, headers)
        except BaseException:
            conn.close()
            raise
        if response.isclosed() or response.will_close:
            conn.close()
        else:
            pool[key] = conn  # reused by this thread's next call to the same place
        return int(response.status)

    @staticmethod
    def _exchange(
        conn: http.client.HTTPConnection, to: Destination, body: bytes, headers: dict[str, str]
    ) -> http.client.HTTPResponse:
        conn.request("POST", to.target, body=body, headers=headers)
        response = conn.getresponse()
        response.read(MAX_ANSWER)
        return response

    def _open(self, to: Destination) -> http.client.HTTPConnection:
        if to.scheme == "https":
            return _PinnedHTTPS(to.address, to.port, to.server_name, self.timeout, self.tls)
        return http.client.HTTPConnection(to.address, to.port, timeout=self.timeout)

    def close(self) -> None:
        """Close this thread's connections."""
        for conn in self._local.__dict__.pop("pool", {}).values():
            conn.close()


class WebhookSender:
    """Delivers outbox messages of channel ``webhook`` (``hooks``: shared with the dispatch)."""

    def __init__(
        self,
        settings: NotificationStore,
        timeout: float = 10.0,
        resolve: Resolve = resolve_first,
        clock: Callable[[], float] = time.time,
        tls: ssl.SSLContext | None = None,
        hooks: WebhookCache | None = None,
    ) -> None:
        self.settings = settings
        self.timeout = timeout
        self.resolve = resolve
        self.clock = clock
        # No proxy from the environment, no redirect followed: the checked address is called.
        self.connections = Connections(timeout, tls)
        self.hooks = hooks or WebhookCache(settings)
        self._destinations: dict[tuple[str, bool], tuple[float, Destination]] = {}

    def close(self) -> None:
        """Close the kept-alive connections of the calling thread."""
        self.connections.close()

    def _destination(self, url: str, allow_private: bool) -> Destination:
        """The checked destination of a URL, resolved again once it is older than a few seconds."""
        key = (url, allow_private)
        now = time.monotonic()
        kept = self._destinations.get(key)
        if kept is not None and now - kept[0] < DESTINATION_SECONDS:
            return kept[1]
        found = destination(url, allow_private, self.resolve)  # a refusal is not kept
        if len(self._destinations) > 1000:
            self._destinations.clear()
        self._destinations[key] = (now, found)
        return found

    def deliver(self, message: OutboxMessage) -> DeliveryOutcome:
        """Sign and POST one call; raises ``DeliveryFailed`` unless the receiver answered 2xx."""
        # Read at most once a second per site: a batch makes many calls.
        hook = self.hooks.webhook(int(message.payload["webhook_id"]), message.site_id)
        if hook is None or not hook.active:
            gone = "webhook removed" if hook is None else "webhook disabled"
            raise DeliveryFailed(DeliveryOutcome(error=gone), permanent=True)
        body = json.dumps(message.payload["body"], ensure_ascii=False, separators=(",", ":"))
        data = body.encode()
        target = self._destination(hook.url, hook.allow_private)
        headers = {
            "Host": target.host,
            "Content-Type": "application/json",
            "User-Agent": f"Causerie/{__version__} (webhook)",
            SIGNATURE_HEADER: signature_header(hook, int(self.clock()), data),
            "Causerie-Event": str(message.payload.get("type", "")),
            # The same on every attempt: receivers drop a duplicate by it.
            "Causerie-Delivery": message.uid,
        }
        started = time.perf_counter()
        try:
            status = self.connections.post(target, data, headers)
        except (OSError, http.client.HTTPException) as exc:
            elapsed = (time.perf_counter() - started) * 1000
            error = f"{type(exc).__name__}: {exc}"
            raise DeliveryFailed(DeliveryOutcome(None, elapsed, error)) from exc
        elapsed = (time.perf_counter() - started) * 1000
        if not 200 <= status < 300:
            raise DeliveryFailed(DeliveryOutcome(status, elapsed, f"HTTP {status}"))
        return DeliveryOutcome(status, elapsed)
