"""Webhook calls over HTTP: signed, bounded in time, only to addresses the admin allowed.

A comment system must not become a way into the newsroom's network: the
webhook's host is resolved here, the address is refused if it is not a
public one (loopback, private, link-local, multicast, reserved…) unless the
admin ticked ``allow_private`` for this webhook, and the connection goes to
*that* address (the ``Host`` header and TLS name stay the webhook's host), so
a DNS answer that changes between the check and the call changes nothing.
Redirects are not followed: a 3xx is a failed attempt.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from causerie import __version__
from causerie.core.webhooks import SIGNATURE_HEADER, signature_header
from causerie.notify.delivery import DeliveryFailed
from causerie.store.contracts.notifications import NotificationStore
from causerie.store.records import DeliveryOutcome, OutboxMessage, WebhookRecord

HOOK_CACHE_SECONDS = 1.0
Resolve = Callable[[str, int], str]  # host, port -> the IP address to connect to


@dataclass(frozen=True)
class Destination:
    """Where a call really goes: the URL with the checked address, and the original host."""

    url: str
    host: str
    address: str


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
    return Destination(pinned, host if parts.port is None else f"{host}:{port}", address)


class WebhookSender:
    """Delivers outbox messages of channel ``webhook``."""

    def __init__(
        self,
        settings: NotificationStore,
        timeout: float = 10.0,
        resolve: Resolve = resolve_first,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.timeout = timeout
        self.resolve = resolve
        self.clock = clock
        # No proxies from the environment, no redirects: the checked address is the one called.
        self.client = httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False)
        self._hooks: dict[int, tuple[float, WebhookRecord | None]] = {}

    def _webhook(self, webhook_id: int) -> WebhookRecord | None:
        """The webhook as stored, read at most once a second (a batch calls it many times)."""
        now = time.monotonic()
        cached = self._hooks.get(webhook_id)
        if cached is not None and now - cached[0] < HOOK_CACHE_SECONDS:
            return cached[1]
        hook = self.settings.webhook(webhook_id)
        self._hooks[webhook_id] = (now, hook)
        return hook

    def forget(self) -> None:
        """Drop the cached webhooks (the dashboard changed one: use it from the next call)."""
        self._hooks.clear()

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def deliver(self, message: OutboxMessage) -> DeliveryOutcome:
        """Sign and POST one call; raises ``DeliveryFailed`` unless the receiver answered 2xx."""
        hook = self._webhook(int(message.payload["webhook_id"]))
        if hook is None or not hook.active:
            gone = "webhook removed" if hook is None else "webhook disabled"
            raise DeliveryFailed(DeliveryOutcome(error=gone), permanent=True)
        body = json.dumps(message.payload["body"], ensure_ascii=False, separators=(",", ":"))
        data = body.encode()
        target = destination(hook.url, hook.allow_private, self.resolve)
        headers = {
            "Host": target.host,
            "Content-Type": "application/json",
            "User-Agent": f"Causerie/{__version__} (webhook)",
            SIGNATURE_HEADER: signature_header(hook, int(self.clock()), data),
            "Causerie-Event": str(message.payload.get("type", "")),
            # The same on every attempt: receivers drop a duplicate by it.
            "Causerie-Delivery": message.uid,
        }
        extensions: dict[str, Any] = {}
        if target.url.startswith("https:"):
            extensions["sni_hostname"] = target.host.split(":")[0]
        started = time.perf_counter()
        try:
            response = self.client.post(
                target.url, content=data, headers=headers, extensions=extensions
            )
        except httpx.HTTPError as exc:
            elapsed = (time.perf_counter() - started) * 1000
            error = f"{type(exc).__name__}: {exc}"
            raise DeliveryFailed(DeliveryOutcome(None, elapsed, error)) from exc
        elapsed = (time.perf_counter() - started) * 1000
        if not 200 <= response.status_code < 300:
            error = f"HTTP {response.status_code}: {response.text[:200]}"
            raise DeliveryFailed(DeliveryOutcome(response.status_code, elapsed, error))
        return DeliveryOutcome(response.status_code, elapsed)
