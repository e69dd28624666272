"""What a request handler may reach: the process's ``Runtime`` and the web layer's own state.

``create_app`` sets both once (``app.state.runtime`` and ``app.state.web``);
handlers read them through these two functions, never by other names, so
that everything an endpoint depends on is typed and found here.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.requests import HTTPConnection

from causerie.api.cache import CachedRead, ThreadCache

if TYPE_CHECKING:
    from causerie.api.fanout import RedisFanout
    from causerie.api.origins import OriginPolicy
    from causerie.runtime import Runtime


@dataclass
class WebState:
    """HTTP-only state of one app: cached thread reads, the CORS policy, the Redis fan-out."""

    thread_cache: ThreadCache
    origin_policy: OriginPolicy
    fanout: RedisFanout | None = None
    # Thread reads being computed, by cache key (one computation per key at a time).
    inflight: dict[tuple[str, ...], asyncio.Future[CachedRead]] = field(default_factory=dict)


def runtime_of(request: HTTPConnection) -> Runtime:
    """The stores and services of the app serving this request."""
    runtime: Runtime = request.app.state.runtime
    return runtime


def web_of(request: HTTPConnection) -> WebState:
    """The web layer's state of the app serving this request."""
    web: WebState = request.app.state.web
    return web
