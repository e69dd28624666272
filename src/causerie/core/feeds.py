"""Feeds of approved comments (a site's, a thread's) and the "latest comments" block.

What a feed holds, in the reader's language; its Atom form is drawn by
``notify/feeds.py`` and served, with ``ETag``/``Last-Modified``, by ``api/feeds.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from causerie.core.errors import NotFound
from causerie.core.i18n import translate
from causerie.core.notifications import page_url
from causerie.core.sites import SiteSettings
from causerie.store.contracts.comments import CommentStore
from causerie.store.contracts.feeds import FeedStore
from causerie.store.records import FeedItem, SiteRecord

FEED_SIZE = 30
MAX_BLOCK = 20


@dataclass(frozen=True)
class FeedEntry:
    """One comment in a feed."""

    id: str
    title: str
    author: str
    link: str
    published: float
    updated: float
    html: str
    text: str
    page_title: str


@dataclass(frozen=True)
class Feed:
    """A feed: its address, title, language, newest change and entries (newest first)."""

    id: str
    title: str
    lang: str
    self_link: str
    alternate: str
    updated: float
    entries: list[FeedEntry]


class FeedService:
    """Builds feeds and the latest-comments block of a site."""

    def __init__(
        self,
        store: CommentStore,
        feeds: FeedStore,
        settings_of: Callable[[SiteRecord], SiteSettings],
        base_url: str,
    ) -> None:
        self.store = store
        self.feeds = feeds
        self.settings_of = settings_of
        self.base_url = base_url

    def site_feed(self, site_name: str, lang: str) -> Feed:
        """The newest approved comments of a whole site."""
        site = self._site(site_name)
        items = self.feeds.latest_approved(site.id, None, FEED_SIZE)
        conf = self.settings_of(site)
        self_link = f"{self.base_url}/feed/{quote(site.name)}/latest.atom"
        home = conf.allowed_origins[0] if conf.allowed_origins else self.base_url
        title = translate("feed.site.title", lang, site=site.title or site.name)
        return self._feed(self_link, title, lang, home, items, conf, site)

    def thread_feed(self, site_name: str, uri: str, lang: str) -> Feed:
        """The newest approved comments of one page."""
        site = self._site(site_name)
        thread = self.store.thread(site.id, uri)
        if thread is None:
            raise NotFound("thread_not_found")
        items = self.feeds.latest_approved(site.id, thread.id, FEED_SIZE)
        conf = self.settings_of(site)
        self_link = f"{self.base_url}/feed/{quote(site.name)}/thread.atom?uri={quote(uri)}"
        title = translate("feed.thread.title", lang, title=thread.title or thread.uri)
        return self._feed(self_link, title, lang, page_url(uri, conf), items, conf, site)

    def latest(self, site_name: str, limit: int, lang: str) -> list[FeedEntry]:
        """The newest approved comments of a site, for a home page's block."""
        site = self._site(site_name)
        conf = self.settings_of(site)
        items = self.feeds.latest_approved(site.id, None, min(limit, MAX_BLOCK))
        return [self._entry(item, conf, lang) for item in items]

    def _site(self, name: str) -> SiteRecord:
        site = self.store.site(name)
        if site is None:
            raise NotFound("site_not_found")
        return site

    def _feed(
        self,
        self_link: str,
        title: str,
        lang: str,
        alternate: str,
        items: list[FeedItem],
        conf: SiteSettings,
        site: SiteRecord,
    ) -> Feed:
        entries = [self._entry(item, conf, lang) for item in items]
        updated = max((e.updated for e in entries), default=site.created)
        return Feed(self_link, title, lang, self_link, alternate, updated, entries)

    def _entry(self, item: FeedItem, conf: SiteSettings, lang: str) -> FeedEntry:
        comment = item.comment
        page = page_url(item.uri, conf)
        author = comment.author or "—"
        page_title = item.thread_title or item.uri
        return FeedEntry(
            id=f"{self.base_url}/comments/{comment.id}",
            title=translate("feed.entry.title", lang, author=author, title=page_title),
            author=author,
            link=f"{page}#cz-c-{comment.id}",
            published=comment.created,
            updated=comment.modified or comment.created,
            html=comment.html,
            text=comment.text,
            page_title=page_title,
        )
