"""The one composition root: settings in, every store and service wired, out as a ``Runtime``.

``build_runtime`` is the only place that picks implementations (SQLite or
PostgreSQL stores, the spam filter, Redis or in-process counters, SMTP) and
connects services to each other (listeners, gatekeepers). The web app
(``causerie.app.create_app``) and the command line both start from it; nothing
else constructs a store or a service for the running server.

    settings ─► build_runtime ─► Runtime ─┬─► create_app (HTTP)
                                          └─► causerie CLI commands
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from causerie.config import Settings, new_secret
from causerie.core.accounts import AccountService
from causerie.core.apikeys import ApiKeys, UsageMeter
from causerie.core.comments import CommentService
from causerie.core.moderation import ModerationService
from causerie.core.notifications import Links, Notifier
from causerie.core.privacy import PrivacyService, RetentionTask
from causerie.core.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from causerie.core.sites import DEFAULT_SITE, SiteSettings
from causerie.importers.jobs import ImportJobs
from causerie.importers.writer import ImportService
from causerie.notify.email import SmtpMailer
from causerie.notify.live import EventHub, LocalHub, live_listener
from causerie.spam import PassThroughFilter, SpamFilter
from causerie.spam.state import LearningLog
from causerie.store.apikeys import SqlApiKeyStore
from causerie.store.comments import SqlCommentStore
from causerie.store.contracts.apikeys import ApiKeyStore
from causerie.store.contracts.comments import CommentStore
from causerie.store.contracts.imports import ExportSource, ImportTarget
from causerie.store.contracts.moderation import ModerationStore
from causerie.store.contracts.privacy import PrivacyStore
from causerie.store.database import create_database_engine, upgrade
from causerie.store.imports import SqlImportStore
from causerie.store.learning import SqlLearningLog
from causerie.store.moderation import SqlModerationStore
from causerie.store.privacy import SqlPrivacyStore

log = logging.getLogger("causerie")

# The effective settings of the site a thread belongs to (None for an unknown thread).
SettingsOfThread = Callable[[int], SiteSettings | None]


@dataclass(frozen=True)
class Stores:
    """Every store of one database, one per owner of its tables."""

    comments: CommentStore
    moderation: ModerationStore
    privacy: PrivacyStore
    api_keys: ApiKeyStore
    learning: LearningLog
    imports: ImportTarget
    exports: ExportSource


@dataclass
class Runtime:
    """Everything built once per process and shared by requests and commands."""

    settings: Settings
    engine: Engine
    secret: str
    stores: Stores
    spam: SpamFilter
    rate_limiter: RateLimiter
    mailer: SmtpMailer
    events: EventHub
    comments: CommentService
    accounts: AccountService
    moderation: ModerationService
    links: Links
    notifier: Notifier | None
    privacy: PrivacyService
    retention: RetentionTask
    api_keys: ApiKeys
    usage: UsageMeter
    imports: ImportService
    import_jobs: ImportJobs

    @property
    def store(self) -> CommentStore:
        """The comment store (sites, threads, comments, votes)."""
        return self.stores.comments

    def close(self) -> None:
        """Stop the background work: retention, queued mail, usage counters."""
        self.retention.stop()
        if self.notifier is not None:
            self.notifier.stop()
        self.usage.close()


def build_runtime(settings: Settings, *, spam_filter: bool = True) -> Runtime:
    """Open the database (migrating it), resolve the secret, wire every service.

    ``spam_filter=False`` skips loading the model (commands that never classify).
    """
    engine = create_database_engine(
        settings.database_url, sqlite_synchronous=settings.sqlite_synchronous
    )
    upgrade(engine)
    imports = SqlImportStore(engine)
    stores = Stores(
        comments=SqlCommentStore(engine),
        moderation=SqlModerationStore(engine),
        privacy=SqlPrivacyStore(engine),
        api_keys=SqlApiKeyStore(engine),
        learning=SqlLearningLog(engine),
        imports=imports,
        exports=imports,
    )
    # Without a configured secret, one is generated once and kept in the database.
    secret = settings.secret or stores.comments.meta_setdefault("secret", new_secret())
    stores.comments.ensure_site(DEFAULT_SITE)
    spam = _spam_filter(settings, stores.learning) if spam_filter else PassThroughFilter()
    limiter = _rate_limiter(settings)
    comments = CommentService(
        settings=settings,
        store=stores.comments,
        secret=secret,
        spam=spam,
        rate_limiter=limiter if settings.redis_url else None,
    )
    events: EventHub = LocalHub()
    comments.listeners.append(live_listener(events, secret))
    moderation = ModerationService(comments, stores.moderation)
    comments.gatekeepers.append(moderation.gatekeeper)
    links = Links(secret, settings.public_url or f"http://{settings.host}:{settings.port}")
    mailer = SmtpMailer(settings)
    notifier = None
    if mailer.enabled:
        notifier = Notifier(
            stores.comments, stores.privacy, _settings_of_thread(comments), links, mailer.send
        )
        comments.listeners.append(notifier.on_change)
    privacy = PrivacyService(
        settings,
        stores.comments,
        stores.privacy,
        comments,
        secret,
        send=notifier.send if notifier else None,
    )
    imports_service = ImportService(stores.imports, secret, spam)
    return Runtime(
        settings=settings,
        engine=engine,
        secret=secret,
        stores=stores,
        spam=spam,
        rate_limiter=limiter,
        mailer=mailer,
        events=events,
        comments=comments,
        accounts=AccountService(stores.moderation, stores.comments, limiter=limiter),
        moderation=moderation,
        links=links,
        notifier=notifier,
        privacy=privacy,
        retention=RetentionTask(privacy, settings.purge_interval_minutes * 60.0),
        api_keys=ApiKeys(stores.comments, stores.api_keys),
        usage=UsageMeter(stores.api_keys),
        # Imports bypass CommentService: no rate limit, no listener, no notification.
        imports=imports_service,
        import_jobs=ImportJobs(imports_service),
    )


def _spam_filter(settings: Settings, learning: LearningLog) -> SpamFilter:
    """The shipped model with the site layer learning from the database."""
    if not settings.spam_filter:
        return PassThroughFilter()
    try:
        from causerie.spam.filter import Filter
    except ImportError:
        log.warning("spam filter not available; every comment follows the moderation mode")
        return PassThroughFilter()
    loaded: SpamFilter = Filter.load(log=learning)
    return loaded


def _rate_limiter(settings: Settings) -> RateLimiter:
    """Counters shared through Redis when configured, else in this process."""
    if settings.redis_url:
        import redis

        client = redis.Redis.from_url(
            settings.redis_url, socket_timeout=2, socket_connect_timeout=2
        )
        return RedisRateLimiter(client)
    return MemoryRateLimiter()


def _settings_of_thread(comments: CommentService) -> SettingsOfThread:
    def settings_for(thread_id: int) -> SiteSettings | None:
        thread = comments.store.thread_by_id(thread_id)
        site = comments.store.site_by_id(thread.site_id) if thread else None
        return comments.site_settings(site) if site else None

    return settings_for
