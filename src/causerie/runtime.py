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
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from causerie.config import Settings, new_secret
from causerie.core.accounts import AccountService
from causerie.core.alerts import DIGEST, ModeratorAlerts
from causerie.core.apikeys import ApiKeys, UsageMeter
from causerie.core.comments import CommentService
from causerie.core.delivery import Deliver
from causerie.core.dispatch import EventDispatch
from causerie.core.feeds import FeedService
from causerie.core.mail import Mail
from causerie.core.moderation import ModerationService
from causerie.core.moderation_hook import ExternalModeration
from causerie.core.notifications import Links, ReaderMails
from causerie.core.outbox import (
    EMAIL,
    Expand,
    OutboxWorker,
    RetryPolicy,
    WorkerOptions,
    mail_message,
)
from causerie.core.privacy import PrivacyService, RetentionTask
from causerie.core.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from causerie.core.reader_desk import ReaderDesk
from causerie.core.readers import ReaderService
from causerie.core.reports import ReportService
from causerie.core.sites import DEFAULT_SITE, SiteSettings
from causerie.core.thread_desk import ThreadDesk
from causerie.core.toxicity import ToxicityJudge
from causerie.core.webhook_cache import WebhookCache
from causerie.core.webhooks import WEBHOOK, WebhookService
from causerie.importers.jobs import ImportJobs
from causerie.importers.writer import ImportService
from causerie.notify.email import SmtpMailer
from causerie.notify.live import EventHub, LocalHub, live_listener
from causerie.notify.moderation_hook import HookPoster
from causerie.notify.webhook import WebhookSender
from causerie.spam import PassThroughFilter, SpamFilter
from causerie.spam.state import LearningLog
from causerie.store.apikeys import SqlApiKeyStore
from causerie.store.comments import SqlCommentStore
from causerie.store.contracts.apikeys import ApiKeyStore
from causerie.store.contracts.comments import CommentStore
from causerie.store.contracts.identity import IdentityStore
from causerie.store.contracts.imports import ExportSource, ImportJobStore, ImportTarget
from causerie.store.contracts.leases import Leases
from causerie.store.contracts.moderation import ModerationStore
from causerie.store.contracts.notifications import NotificationStore
from causerie.store.contracts.outbox import OutboxStore
from causerie.store.contracts.privacy import PrivacyStore
from causerie.store.contracts.readers import ReaderRuleStore
from causerie.store.contracts.reports import ReportStore
from causerie.store.database import create_database_engine, is_unavailable, upgrade
from causerie.store.exports import SqlExportSource
from causerie.store.feeds import SqlFeedStore
from causerie.store.identity import SqlIdentityStore
from causerie.store.import_jobs import SqlImportJobStore
from causerie.store.imports import SqlImportStore
from causerie.store.learning import SqlLearningLog
from causerie.store.leases import SqlLeases
from causerie.store.moderation import SqlModerationStore
from causerie.store.notifications import SqlNotificationStore
from causerie.store.outbox import EVENT, SqlOutboxStore, watch_commits
from causerie.store.privacy import SqlPrivacyStore
from causerie.store.readers import SqlReaderStore
from causerie.store.records import CommentState, QueueFilter, QueueRow
from causerie.store.reports import SqlReportStore

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
    identities: IdentityStore
    outbox: OutboxStore
    notifications: NotificationStore
    imports: ImportTarget
    exports: ExportSource
    reports: ReportStore
    readers: ReaderRuleStore
    leases: Leases
    import_jobs: ImportJobStore


@dataclass
class Runtime:
    """Everything built once per process and shared by requests and commands."""

    settings: Settings
    engine: Engine
    secret: str
    stores: Stores
    spam: SpamFilter
    # The toxicity model with its site layers (None: CAUSERIE_TOXICITY_FILTER=false).
    toxicity: ToxicityJudge | None
    rate_limiter: RateLimiter
    mailer: SmtpMailer
    events: EventHub
    comments: CommentService
    accounts: AccountService
    moderation: ModerationService
    links: Links
    privacy: PrivacyService
    retention: RetentionTask
    api_keys: ApiKeys
    usage: UsageMeter
    readers: ReaderService
    reports: ReportService
    thread_desk: ThreadDesk
    reader_desk: ReaderDesk
    hook_poster: HookPoster
    outbox: OutboxWorker
    webhooks: WebhookService
    webhook_sender: WebhookSender
    feeds: FeedService
    imports: ImportService
    import_jobs: ImportJobs

    @property
    def store(self) -> CommentStore:
        """The comment store (sites, threads, comments, votes)."""
        return self.stores.comments

    def close(self) -> None:
        """Stop the background work: retention, queued mail, usage counters."""
        self.retention.stop()
        self.outbox.stop()
        self.webhook_sender.close()
        self.hook_poster.close()
        self.usage.close()


def build_runtime(settings: Settings, *, spam_filter: bool = True) -> Runtime:
    """Open the database (migrating it), resolve the secret, wire every service.

    ``spam_filter=False`` skips loading the model (commands that never classify).
    """
    engine = create_database_engine(
        settings.database_url, sqlite_synchronous=settings.sqlite_synchronous
    )
    upgrade(engine)
    stores = Stores(
        comments=SqlCommentStore(engine),
        moderation=SqlModerationStore(engine),
        privacy=SqlPrivacyStore(engine),
        api_keys=SqlApiKeyStore(engine),
        learning=SqlLearningLog(engine),
        identities=SqlIdentityStore(engine),
        outbox=SqlOutboxStore(engine),
        notifications=SqlNotificationStore(engine),
        imports=SqlImportStore(engine),
        exports=SqlExportSource(engine),
        reports=SqlReportStore(engine),
        readers=SqlReaderStore(engine),
        leases=SqlLeases(engine),
        import_jobs=SqlImportJobStore(engine),
    )
    # Without a configured secret, one is generated once and kept in the database.
    secret = settings.secret or stores.comments.meta_setdefault("secret", new_secret())
    stores.comments.ensure_site(DEFAULT_SITE)
    spam = _spam_filter(settings, stores.learning, secret) if spam_filter else PassThroughFilter()
    toxicity = _toxicity_judge(settings, engine) if spam_filter else None
    limiter = _rate_limiter(settings)
    comments = CommentService(
        settings=settings,
        store=stores.comments,
        secret=secret,
        spam=spam,
        rate_limiter=limiter if settings.redis_url else None,
        toxicity=toxicity,
    )
    events: EventHub = LocalHub()
    comments.listeners.append(live_listener(events, secret))
    moderation = ModerationService(comments, stores.moderation, reports=stores.reports)
    comments.gatekeepers.append(moderation.gatekeeper)
    reports = ReportService(comments, stores.reports, stores.moderation.audit)
    # Asked only for sites that set a hook URL (core/moderation_hook.py).
    hook_poster = HookPoster()
    comments.hook = ExternalModeration(hook_poster)
    links = Links(secret, settings.public_url or f"http://{settings.host}:{settings.port}")
    mailer = SmtpMailer(settings)
    readers = ReaderService(
        comments, stores.identities, secret, mail_on=mailer.enabled, limiter=limiter
    )
    comments.author_checks.append(readers.check_author)
    reader_desk = ReaderDesk(moderation, stores.readers, stores.identities, readers.block)
    comments.standing = reader_desk.standing
    # One cache of the stored webhooks, for the dispatch and the sender alike.
    hooks = WebhookCache(stores.notifications)
    timeout = settings.webhook_timeout_seconds
    webhook_sender = WebhookSender(stores.notifications, timeout, hooks=hooks)
    dispatch = _event_dispatch(settings, stores, comments, links, mailer, hooks)
    comments.announces = dispatch.listens

    outbox = _outbox_worker(settings, stores.outbox, mailer, webhook_sender, dispatch)
    if settings.outbox_worker:
        # A transaction that queued a message wakes the worker once it is committed.
        watch_commits(engine, outbox.wake)
    privacy = PrivacyService(
        settings,
        stores.comments,
        stores.privacy,
        comments,
        secret,
        send=_queue_mail(stores.outbox) if mailer.enabled else None,
        readers=readers,
    )
    imports_service = ImportService(stores.imports, secret, spam)
    return Runtime(
        settings=settings,
        engine=engine,
        secret=secret,
        stores=stores,
        spam=spam,
        toxicity=toxicity,
        rate_limiter=limiter,
        mailer=mailer,
        events=events,
        comments=comments,
        accounts=AccountService(stores.moderation, stores.comments, limiter=limiter),
        moderation=moderation,
        links=links,
        privacy=privacy,
        retention=RetentionTask(
            privacy, settings.purge_interval_minutes * 60.0, leases=stores.leases
        ),
        api_keys=ApiKeys(stores.comments, stores.api_keys),
        usage=UsageMeter(stores.api_keys),
        readers=readers,
        reports=reports,
        thread_desk=ThreadDesk(moderation),
        reader_desk=reader_desk,
        hook_poster=hook_poster,
        outbox=outbox,
        webhooks=WebhookService(stores.notifications, stores.outbox, changed=hooks.forget),
        webhook_sender=webhook_sender,
        feeds=FeedService(
            stores.comments, SqlFeedStore(engine), comments.site_settings, links.base_url
        ),
        # Imports bypass CommentService: no rate limit, no listener, no notification.
        imports=imports_service,
        import_jobs=ImportJobs(imports_service, stores.import_jobs),
    )


def _event_dispatch(
    settings: Settings,
    stores: Stores,
    comments: CommentService,
    links: Links,
    mailer: SmtpMailer,
    hooks: WebhookCache,
) -> EventDispatch:
    """What a comment event becomes: reply mails and alerts (with a mail server), webhooks."""
    mails = alerts = None
    if mailer.enabled:
        mails = ReaderMails(stores.comments, stores.privacy, _settings_of_thread(comments), links)

        def pending_of(site_id: int, limit: int) -> tuple[list[QueueRow], int]:
            held = QueueFilter(CommentState.PENDING, site_ids=[site_id])
            return stores.moderation.queue(held, limit, 0)

        alerts = ModeratorAlerts(stores.notifications, pending_of, links.base_url)
    return EventDispatch(stores.comments, stores.notifications, mails, alerts, hooks)


def _queue_mail(outbox: OutboxStore) -> Callable[[Mail], None]:
    """Send a mail by queueing it in the outbox (privacy confirmations)."""

    def send(mail: Mail) -> None:
        outbox.enqueue([mail_message(mail, None)], time.time())

    return send


def _outbox_worker(
    settings: Settings,
    store: OutboxStore,
    mailer: SmtpMailer,
    webhooks: WebhookSender,
    dispatch: EventDispatch,
) -> OutboxWorker:
    """The worker that sends queued messages, one channel per kind of message."""
    senders: dict[str, Deliver] = {WEBHOOK: webhooks.deliver}
    if mailer.enabled:
        senders[EMAIL] = mailer.deliver
    expanders: dict[str, Expand] = {EVENT: dispatch.expand_events, DIGEST: dispatch.expand_digests}
    policy = RetryPolicy(
        base_seconds=settings.outbox_retry_seconds,
        max_delay_seconds=settings.outbox_retry_max_seconds,
        give_up_after=settings.outbox_give_up_hours * 3600.0,
    )
    options = WorkerOptions(
        poll_seconds=settings.outbox_poll_ms / 1000,
        gather_seconds=settings.outbox_gather_ms / 1000,
        lease_seconds=settings.outbox_lease_seconds,
        concurrency=settings.outbox_concurrency,
        keep_seconds=settings.outbox_keep_days * 86400.0,
        # SQLite: one worker per database file, through a lease row.
        single=settings.is_sqlite,
    )
    return OutboxWorker(
        store, senders, expanders, policy=policy, options=options, is_outage=is_unavailable
    )


def _spam_filter(settings: Settings, learning: LearningLog, secret: str) -> SpamFilter:
    """The shipped model with the site layer learning from the database."""
    if not settings.spam_filter:
        return PassThroughFilter()
    try:
        from causerie.spam.filter import Filter
    except ImportError:
        log.warning("spam filter not available; every comment follows the moderation mode")
        return PassThroughFilter()
    from causerie.spam.waves import WaveDetector

    # Each process counts waves; with Redis it also counts the others' copies
    # (docs/deployment.md). Moderators' marks reach all through the learning log.
    waves = WaveDetector() if settings.spam_waves else None
    feed = None
    if waves is not None and settings.redis_url:
        import redis

        from causerie.spam.wave_feed import RedisWaveFeed, stream_name

        client = redis.Redis.from_url(
            settings.redis_url, socket_timeout=0.05, socket_connect_timeout=0.5
        )
        # One stream per instance: two instances sharing a Redis do not share waves.
        feed = RedisWaveFeed(client, stream=stream_name(secret))
    loaded: SpamFilter = Filter.load(log=learning, waves=waves, wave_feed=feed)
    return loaded


def _toxicity_judge(settings: Settings, engine: Engine) -> ToxicityJudge | None:
    """The shipped toxicity model, each site's layer learning from its own log namespace."""
    if not settings.toxicity_filter:
        return None
    try:
        from causerie.toxicity.sites import SiteToxicity
    except ImportError:
        log.warning("toxicity model not available; comments are not scored for insults")
        return None
    return SiteToxicity.load(log=SqlLearningLog(engine, model="toxicity"))


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
