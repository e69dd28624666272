"""Builds the ASGI application: storage, services, routes, middleware."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from causerie import __version__
from causerie.api import akismet as akismet_api
from causerie.api import akismet_account, akismet_pages, fanout, pages, widget
from causerie.api import comments as comments_api
from causerie.api import moderation as moderation_api
from causerie.api import openapi as openapi_document
from causerie.api import privacy as privacy_api
from causerie.api.bodies import RequestBodyGuard
from causerie.api.cache import ThreadCache
from causerie.api.fastpath import CachedThreadReads
from causerie.api.headers import SecurityHeaders
from causerie.api.http import (
    on_causerie_error,
    on_database_unavailable,
    on_http_error,
    on_unexpected_error,
    on_validation_error,
)
from causerie.api.origins import OriginGuard, OriginPolicy
from causerie.config import Settings, new_secret
from causerie.core.comments import ChangeEvent, CommentService
from causerie.core.errors import CauserieError
from causerie.core.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from causerie.core.sites import DEFAULT_SITE
from causerie.spam import PassThroughFilter, SpamFilter
from causerie.store.comments import Store
from causerie.store.database import create_database_engine, upgrade
from causerie.store.learning import SqlLearningLog

log = logging.getLogger("causerie")

DESCRIPTION = """\
Causerie's HTTP API. Errors are always JSON `{"error": code, "message": text}`
with the message in the request's language (`lang` parameter or
`Accept-Language`: fr, en, ar)."""


@dataclass
class Runtime:
    """Everything built once per process and shared by the requests."""

    settings: Settings
    engine: Engine
    store: Store
    secret: str
    spam: SpamFilter
    comments: CommentService
    thread_cache: ThreadCache = field(default_factory=ThreadCache)
    # Logins, API keys and (with Redis) comments count their attempts here.
    rate_limiter: RateLimiter = field(default_factory=MemoryRateLimiter)


def build_spam_filter(settings: Settings, engine: Engine) -> SpamFilter:
    """The shipped model with the site layer learning from the database."""
    if not settings.spam_filter:
        return PassThroughFilter()
    try:
        from causerie.spam.filter import Filter
    except ImportError:
        log.warning("spam filter not available; every comment follows the moderation mode")
        return PassThroughFilter()
    loaded: SpamFilter = Filter.load(log=SqlLearningLog(engine))
    return loaded


def build_runtime(settings: Settings) -> Runtime:
    """Open the database (migrating it), resolve the secret, wire the services."""
    engine = create_database_engine(
        settings.database_url, sqlite_synchronous=settings.sqlite_synchronous
    )
    upgrade(engine)
    store = Store(engine)
    # Without a configured secret, one is generated once and kept in the database.
    secret = settings.secret or store.meta_setdefault("secret", new_secret())
    store.ensure_site(DEFAULT_SITE)
    spam = build_spam_filter(settings, engine)
    limiter = _rate_limiter(settings)
    service = CommentService(
        settings=settings,
        store=store,
        secret=secret,
        spam=spam,
        rate_limiter=limiter if settings.redis_url else None,
    )
    # Several processes without Redis cannot tell each other of changes: cap staleness at 1 s.
    shared_blind = settings.workers > 1 and not settings.redis_url
    cache = ThreadCache(max_age=1.0 if shared_blind else None)
    runtime = Runtime(
        settings, engine, store, secret, spam, service, thread_cache=cache, rate_limiter=limiter
    )
    service.listeners.append(lambda event: _invalidate(runtime, event))
    return runtime


def _rate_limiter(settings: Settings) -> RateLimiter:
    """Counters shared through Redis when configured, else in this process."""
    if settings.redis_url:
        import redis

        client = redis.Redis.from_url(
            settings.redis_url, socket_timeout=2, socket_connect_timeout=2
        )
        return RedisRateLimiter(client)
    return MemoryRateLimiter()


def _invalidate(runtime: Runtime, event: ChangeEvent) -> None:
    runtime.thread_cache.invalidate(event.site, event.uri)


def _site_origins(store: Store) -> Iterator[tuple[str, str]]:
    for site in store.sites():
        origins: Any = site.settings.get("allowed_origins") or []
        yield from ((site.name, str(o)) for o in origins)


def _site_of_comment(store: Store, comment_id: int) -> str | None:
    comment = store.comment(comment_id)
    thread = store.thread_by_id(comment.thread_id) if comment else None
    site = store.site_by_id(thread.site_id) if thread else None
    return site.name if site else None


def create_app(settings: Settings) -> FastAPI:
    """The Causerie ASGI application for these settings."""
    runtime = build_runtime(settings)
    app = FastAPI(
        title="Causerie",
        version=__version__,
        description=DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.settings = settings
    app.state.comments = runtime.comments
    app.state.thread_cache = runtime.thread_cache
    app.state.inflight = {}  # thread reads being computed, by cache key
    app.add_exception_handler(CauserieError, on_causerie_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    for unavailable in (OperationalError, InterfaceError, DisconnectionError, PoolTimeout):
        app.add_exception_handler(unavailable, on_database_unavailable)
    app.add_exception_handler(Exception, on_unexpected_error)
    app.include_router(comments_api.router)
    app.include_router(pages.router)
    moderation_api.install(app)
    app.include_router(akismet_api.router)
    # After the comment calls: it ends with the catch-all for unknown methods.
    app.include_router(akismet_account.router)
    app.include_router(akismet_pages.router)
    widget.install(app, runtime.comments)
    privacy_api.install(app, runtime)
    fanout.install(app, runtime)
    openapi_document.install(app)
    policy = OriginPolicy(
        settings.allowed_origins,
        lambda: _site_origins(runtime.store),
        lambda comment_id: _site_of_comment(runtime.store, comment_id),
    )
    app.state.origin_policy = policy
    app.add_middleware(CachedThreadReads, cache=runtime.thread_cache)
    app.add_middleware(akismet_api.InlineCommentCheck)
    # Inside the origin check, so a refused body still carries CORS headers.
    app.add_middleware(RequestBodyGuard)
    app.add_middleware(OriginGuard, policy=policy)
    app.add_middleware(SecurityHeaders, trusted_proxies=settings.trusted_proxies)
    return app
