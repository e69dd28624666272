"""The app factory: a ``Runtime`` in, the ASGI application out (routes, middleware, lifespan)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from causerie import __version__
from causerie.api import (
    admin_notify,
    admin_pages,
    admin_settings,
    akismet_account,
    akismet_pages,
    desk,
    desk_readers,
    docs_pages,
    feeds,
    pages,
    readers_admin,
    widget,
)
from causerie.api import akismet as akismet_api
from causerie.api import comments as comments_api
from causerie.api import imports as imports_api
from causerie.api import moderation as moderation_api
from causerie.api import openapi as openapi_document
from causerie.api import privacy as privacy_api
from causerie.api import signin as signin_api
from causerie.api.bodies import RequestBodyGuard
from causerie.api.cache import MAX_AGE, ThreadCache
from causerie.api.fanout import RedisFanout
from causerie.api.fastpath import CachedThreadReads
from causerie.api.fastpost import FastPosts
from causerie.api.headers import SecurityHeaders
from causerie.api.http import (
    on_causerie_error,
    on_database_unavailable,
    on_http_error,
    on_unexpected_error,
    on_validation_error,
)
from causerie.api.origins import OriginGuard, OriginPolicy
from causerie.api.state import WebState
from causerie.config import Settings
from causerie.core.comments import ChangeEvent
from causerie.core.demo import seed_demo
from causerie.core.errors import CauserieError
from causerie.runtime import Runtime, build_runtime
from causerie.store.contracts.comments import CommentStore

REQUEST_THREADS = 16

DESCRIPTION = """\
Causerie's HTTP API. Errors are always JSON `{"error": code, "message": text}`
with the message in the request's language (`lang` parameter or
`Accept-Language`: fr, en, ar)."""


def create_app(settings: Settings, runtime: Runtime | None = None) -> FastAPI:
    """The Causerie ASGI application for these settings (built on ``runtime`` if given)."""
    runtime = runtime or build_runtime(settings)
    web = _web_state(runtime)
    app = FastAPI(
        title="Causerie",
        version=__version__,
        description=DESCRIPTION,
        # /docs is Causerie's own page (api/docs_pages.py): no CDN, no third party.
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan(runtime, web),
    )
    app.state.runtime = runtime
    app.state.web = web
    app.add_exception_handler(CauserieError, on_causerie_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    for unavailable in (OperationalError, InterfaceError, DisconnectionError, PoolTimeout):
        app.add_exception_handler(unavailable, on_database_unavailable)
    app.add_exception_handler(Exception, on_unexpected_error)
    app.include_router(comments_api.router)
    app.include_router(pages.router)
    app.include_router(docs_pages.router)
    app.include_router(moderation_api.router)
    app.include_router(admin_settings.router)
    app.include_router(admin_pages.router)
    app.include_router(admin_notify.router)
    app.include_router(feeds.router)
    app.include_router(imports_api.router)
    app.include_router(akismet_api.router)
    # After the comment calls: it ends with the catch-all for unknown methods.
    app.include_router(akismet_account.router)
    app.include_router(akismet_pages.router)
    app.include_router(widget.router)
    app.include_router(privacy_api.router)
    app.include_router(signin_api.router)
    app.include_router(readers_admin.router)
    app.include_router(desk.router)
    app.include_router(desk_readers.router)
    openapi_document.document_errors(app)
    app.add_middleware(CachedThreadReads, cache=web.thread_cache)
    # Inside the body guard: it leaves the parsed JSON the fast path reads.
    app.add_middleware(FastPosts)
    app.add_middleware(akismet_api.InlineCommentCheck)
    # Inside the origin check, so a refused body still carries CORS headers.
    app.add_middleware(RequestBodyGuard)
    app.add_middleware(OriginGuard, policy=web.origin_policy)
    app.add_middleware(SecurityHeaders, trusted_proxies=settings.trusted_proxies)
    return app


def settle_after_start() -> None:
    """Call once the app is built, before serving: freeze start-up objects, return free memory.

    Start-up objects live for the whole process: frozen, the collector's full
    passes skip them (fewer pauses in request latency). Loading the models
    leaves freed buffers inside the malloc heap; glibc keeps them resident
    unless asked (``malloc_trim``), about 6 MB per worker.
    """
    import ctypes
    import gc

    gc.collect()
    gc.freeze()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to return
        ctypes.CDLL(None).malloc_trim(0)


def _web_state(runtime: Runtime) -> WebState:
    """The HTTP-only parts, connected to the runtime's comment events."""
    settings = runtime.settings
    # Several processes without Redis cannot tell each other of changes: cap staleness at 1 s.
    shared_blind = settings.workers > 1 and not settings.redis_url
    cache = ThreadCache(max_age=1.0 if shared_blind else MAX_AGE)

    def invalidate(event: ChangeEvent) -> None:
        cache.invalidate(event.site, event.uri)

    # First of the listeners: no reader hears of a change before cached reads of it are gone.
    runtime.comments.listeners.insert(0, invalidate)
    policy = OriginPolicy(
        settings.allowed_origins,
        lambda: _site_origins(runtime.store),
        lambda comment_id: _site_of_comment(runtime.store, comment_id),
    )
    # An import bypasses the comment service: once it is published, every cached read goes.
    runtime.import_jobs.published.append(cache.clear)
    fanout = None
    if settings.redis_url:
        fanout = RedisFanout(settings.redis_url, cache, runtime.events, runtime.secret)
        runtime.comments.listeners.append(fanout.on_change)
        runtime.import_jobs.published.append(fanout.publish_reset)
    return WebState(thread_cache=cache, origin_policy=policy, fanout=fanout)


def _site_origins(store: CommentStore) -> Iterator[tuple[str, str]]:
    for site in store.sites():
        origins: Any = site.settings.get("allowed_origins") or []
        yield from ((site.name, str(o)) for o in origins)


def _site_of_comment(store: CommentStore, comment_id: int) -> str | None:
    comment = store.comment(comment_id)
    thread = store.thread_by_id(comment.thread_id) if comment else None
    site = store.site_by_id(thread.site_id) if thread else None
    return site.name if site else None


def _lifespan(runtime: Runtime, web: WebState) -> Any:
    """Background work runs while the server does; queued mail and counters drain at exit."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if runtime.settings.demo and runtime.settings.demo_seed:
            await run_in_threadpool(seed_demo, runtime.comments)
        # Request threads (sync endpoints): enough to keep two cores and the database busy;
        # each more one costs memory (its malloc use, a database connection and its cache).
        anyio.to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS
        runtime.retention.start()
        # Messages queued before a restart (or a crash) are sent without waiting for new ones.
        if runtime.settings.outbox_worker:
            runtime.outbox.start()
        listener = None
        if web.fanout is not None:
            listener = asyncio.create_task(web.fanout.run(), name="causerie-redis-fanout")
        try:
            yield
        finally:
            if listener is not None and web.fanout is not None:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listener
                web.fanout.close()
            await run_in_threadpool(runtime.close)

    return lifespan
