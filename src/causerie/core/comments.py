"""Comment rules: create, edit, delete, vote; moderation and the spam filter's place.

A reader's comment goes: validation → rate limit → spam verdict → moderation
mode → one insert in the store → change listeners (cache, live updates,
notifications). Nothing here knows HTTP or SQL.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from causerie.config import Settings
from causerie.core import events, identity, markup, threads, validation
from causerie.core.admission import Reason, admit, readmit
from causerie.core.closing import refuse_if_closed
from causerie.core.errors import (
    Conflict,
    Forbidden,
    InvalidField,
    NotFound,
    RateLimited,
)
from causerie.core.moderation_hook import CommentDraft, ExternalModeration
from causerie.core.ratelimit import RateLimiter
from causerie.core.sites import DEFAULT_SITE, SiteSettings
from causerie.core.toxicity import (
    HoldThresholds,
    SiteHold,
    ToxicityJudge,
    assess,
    edited_state,
    settled_flag,
)
from causerie.spam import CommentSample, PassThroughFilter, SpamFilter, SpamVerdict
from causerie.store.contracts.comments import CommentStore
from causerie.store.records import (
    CommentRecord,
    CommentState,
    IdentityRecord,
    NewComment,
    SiteRecord,
    SpamMark,
    TextChange,
    ThreadRecord,
    ThreadRules,
)

Clock = Callable[[], float]
FEATURED_ON_PAGE = 10  # featured comments the first page of a thread carries
FEATURED_MAX = 50  # and GET /api/comments?featured=1


@dataclass(frozen=True)
class Reader:
    """What the server knows of the person behind a request."""

    ip: str = ""
    user_agent: str = ""
    lang: str = ""
    # The signed-in reader her session names (core/readers.py); None for a typed name.
    signed_in: IdentityRecord | None = None


@dataclass(frozen=True)
class CommentInput:
    """What a reader submits with a new comment."""

    uri: str
    text: str
    author: str | None = None
    email: str | None = None
    website: str | None = None
    parent: int | None = None
    title: str | None = None
    notify: bool = False
    # Filled by the widget: a hidden field bots fill, and seconds from page load.
    honeypot: str | None = None
    seconds_to_submit: float | None = None
    # The article's publication date (ISO 8601), kept with a new thread (auto-closing).
    published: str | None = None


@dataclass(frozen=True)
class ChangeEvent:
    """Something changed in a thread: listeners invalidate caches, push updates."""

    kind: str  # "created", "edited", "deleted", "voted", "moderated"
    site: str
    uri: str
    thread_id: int
    comment: CommentRecord


Listener = Callable[[ChangeEvent], None]
# Raises a CauserieError to refuse a comment before it is classified (e.g. blocked authors).
Gatekeeper = Callable[[SiteRecord, str | None, Reader], None]
# Raises a CauserieError when the site's policy refuses this author (core/readers.py).
AuthorCheck = Callable[[SiteRecord, SiteSettings, str, Reader], None]
# Rules on readers (core/reader_rules.py): raises for a suspended or banned reader, else
# says whether her comments are always held. Given the keys she may be named by.
Standing = Callable[[SiteRecord, Sequence[str]], bool]
ADDRESS = "ip-"  # a reader key naming the keyed hash of an address


@dataclass
class CommentService:
    """The domain's entry point for everything a reader does."""

    settings: Settings
    store: CommentStore
    secret: str
    spam: SpamFilter = field(default_factory=PassThroughFilter)
    clock: Clock = time.time
    listeners: list[Listener] = field(default_factory=list)
    # Shared counters (Redis) when several processes serve; else the store counts.
    rate_limiter: RateLimiter | None = None
    gatekeepers: list[Gatekeeper] = field(default_factory=list)
    author_checks: list[AuthorCheck] = field(default_factory=list)
    # Does anything (mail, alerts, a webhook) listen to a site's events? If not, no
    # event is written: an instance without mail or webhooks pays nothing for them.
    announces: Callable[[int], bool] = lambda site_id: True
    standing: Standing | None = None
    # A site's external moderation hook (core/moderation_hook.py), for sites that set one.
    hook: ExternalModeration | None = None
    # The toxicity model with each site's learned layer (core/toxicity.py); None: not loaded.
    toxicity: ToxicityJudge | None = None
    # Each site's toxicity hold threshold, learned from its moderators (cached per process).
    toxicity_holds: HoldThresholds = field(default_factory=HoldThresholds)

    # -- helpers --------------------------------------------------------------

    def event(self, site_id: int, name: str | None) -> str | None:
        """The event to write with a change on this site (None when nobody listens)."""
        return name if name and self.announces(site_id) else None

    def site(self, name: str | None) -> SiteRecord:
        """The site a request names (the default site when it names none)."""
        name = (name or DEFAULT_SITE).strip() or DEFAULT_SITE
        if name == DEFAULT_SITE:
            return self.store.ensure_site(DEFAULT_SITE)
        site = self.store.site(name)
        if site is None:
            raise NotFound("site_not_found")
        return site

    def site_settings(self, site: SiteRecord) -> SiteSettings:
        """The effective settings of a site."""
        return SiteSettings.for_site(self.settings, site)

    def toxicity_hold(self, site: SiteRecord, conf: SiteSettings) -> float | None:
        """The site's learned toxicity hold threshold for a new comment (None: pinned in
        its settings, or the model is off or absent; ``thresholds`` then decides)."""
        if self.toxicity is None or conf.toxicity_policy == "off":
            return None
        return self.toxicity_holds.threshold(self.toxicity, self.store, site.id, conf)

    def toxicity_threshold(self, site: SiteRecord, conf: SiteSettings) -> SiteHold | None:
        """The site's toxicity hold threshold in force and what it rests on (read now)."""
        if self.toxicity is None or conf.toxicity_policy == "off":
            return None
        return self.toxicity_holds.explain(self.toxicity, self.store, site.id, conf)

    def emit(
        self, kind: str, site: SiteRecord, thread: ThreadRecord, comment: CommentRecord
    ) -> None:
        """Tell every listener that a thread changed."""
        event = ChangeEvent(kind, site.name, thread.uri, thread.id, comment)
        for listener in self.listeners:
            listener(event)

    # -- read -------------------------------------------------------------------

    def thread_page(
        self,
        site_name: str | None,
        uri: str,
        page: threads.PageRequest,
        own_ids: Sequence[int] = (),
    ) -> dict[str, Any]:
        """One page of a page's thread as a reader sees it (own pending comments included)."""
        site = self.site(site_name)
        thread = self.store.thread(site.id, uri)
        thread_id = thread.id if thread else None
        data = threads.thread_page(
            self.store,
            thread_id,
            uri,
            page,
            self.secret,
            own_ids,
            max_depth=self.settings.max_reply_depth,
        )
        first = page.cursor is None and thread is not None
        featured = self.store.featured(thread.id, FEATURED_ON_PAGE) if first and thread else []
        data["featured"] = [threads.public_comment(c, self.secret) for c in featured]
        data.update(threads.thread_rules(thread, self.site_settings(site), self.clock()))
        return data

    def featured_page(self, site_name: str | None, uri: str) -> dict[str, Any]:
        """A thread's featured comments alone (``GET /api/comments?featured=1``)."""
        site = self.site(site_name)
        thread = self.store.thread(site.id, uri)
        found = self.store.featured(thread.id, FEATURED_MAX) if thread else []
        return {
            "uri": uri,
            "featured_only": True,
            "total": len(found),
            "sort": "newest",
            "comments": [threads.public_comment(c, self.secret) for c in found],
            "next": None,
        }

    def counts(self, site_name: str | None, uris: Sequence[str]) -> dict[str, int]:
        """Approved-comment counts of several pages of a site (0 for pages without comments)."""
        return self.store.counts(self.site(site_name).id, uris)

    # -- create -----------------------------------------------------------------

    def create(
        self, site_name: str | None, data: CommentInput, reader: Reader
    ) -> tuple[CommentRecord, str]:
        """Validate, classify and store a new comment; return it with its edit token."""
        site = self.site(site_name)
        conf = self.site_settings(site)
        uri = validation.check_uri(data.uri)
        text = validation.check_text(data.text, conf.max_comment_length)
        signed_in = reader.signed_in
        author = signed_in.name if signed_in else self._typed_author(data.author, conf)
        # A signed-in reader's e-mail is never stored with her comments.
        email = None if signed_in else validation.check_email(data.email)
        website = validation.check_website(data.website)
        for check in self.author_checks:
            check(site, conf, author, reader)
        for gatekeeper in self.gatekeepers:
            gatekeeper(site, email, reader)
        thread = self.store.thread(site.id, uri)
        now = self.clock()
        published = validation.check_published(data.published)
        refuse_if_closed(thread, conf, now, published, site.id, uri)
        parent_id = self._check_parent(data.parent, thread)
        ip_hash = identity.hash_ip(self.secret, reader.ip) if reader.ip else None
        akey = (
            identity.reader_author_key(self.secret, signed_in.id)
            if signed_in
            else identity.author_key(self.secret, email, author)
        )
        # Suspended or banned readers are refused here; "always pre-moderate" holds below.
        reader_premod = self.standing(site, reader_keys(akey, ip_hash)) if self.standing else False
        activity = self.store.recent_activity(ip_hash, text, now)
        self._check_rate(ip_hash, activity.by_ip_last_minute)
        title = validation.check_title(data.title)
        sample = CommentSample(
            content=text,
            author=author,
            email=email or "",
            url=website or "",
            lang=reader.lang,
            site=site.name,
            permalink=uri,
            # The post the comment is about: generic praise shares no word with it.
            article_title=thread.title if thread and thread.title else title,
            user_agent=reader.user_agent,
            ip_hash=ip_hash or "",
            site_languages=conf.languages,
            honeypot_filled=bool(data.honeypot),
            seconds_to_submit=data.seconds_to_submit,
            same_text_recent=activity.same_text_last_10_minutes,
            author_rate_10min=activity.by_ip_last_10_minutes,
            spam_sensitivity=conf.spam_sensitivity,
        )
        verdict = self.spam.check(sample)
        toxic = assess(
            self.toxicity, conf, text, reader.lang, site.name, self.toxicity_hold(site, conf)
        )
        html = markup.render(text)
        admitted = admit(
            verdict,
            conf,
            text,
            thread,
            reader_premod,
            lambda: not self.store.author_has_approved(site.id, akey),
            toxic,
        )
        if self.hook is not None and conf.moderation_hook_url:
            draft = CommentDraft(
                text, html, reader.lang, parent_id, author, signed_in is not None, now, uri,
                thread.title if thread else title,
            )  # fmt: skip
            admitted = self.hook.decide(site, conf, draft, admitted, verdict)
        new = NewComment(
            parent_id=parent_id,
            state=admitted.state,
            author=author,
            email=email,
            website=website,
            text=text,
            html=html,
            lang=reader.lang,
            created=now,
            spam_score=round(verdict.score, 4),
            spam_verdict=verdict.verdict.value,
            spam_reasons=reasons_json(verdict, admitted.reasons),
            ip_hash=ip_hash,
            ip_prefix=identity.minimise_ip(reader.ip) or None if reader.ip else None,
            user_agent=(reader.user_agent or "")[:512] or None,
            author_key=akey,
            notify=bool(data.notify and email),
            identity_id=signed_in.id if signed_in else None,
            toxicity_score=toxic.score if toxic else None,
            toxicity_reasons=toxic.reasons if toxic else None,
            toxicity_flag=settled_flag(toxic, admitted.state),
        )
        event = self.event(site.id, events.CREATED)
        comment = self.store.insert_comment(site.id, uri, title, new, event)
        thread = thread or self.store.thread_by_id(comment.thread_id)
        assert thread is not None
        if published is not None and thread.published is None:
            rules = ThreadRules(thread.premod, thread.close_after_days, published)
            thread = self.store.set_thread_rules(thread.id, rules) or thread
        self.emit("created", site, thread, comment)
        return comment, identity.edit_token(self.secret, comment.id)

    def _typed_author(self, typed: str | None, conf: SiteSettings) -> str:
        return validation.check_author(
            typed,
            anonymous_ok=conf.allow_anonymous,
            default=conf.anonymous_name or "",
            max_length=self.settings.max_name_length,
        )

    def _check_rate(self, ip_hash: str | None, stored_last_minute: int) -> None:
        limit = self.settings.comments_per_minute
        if limit <= 0 or not ip_hash:
            return
        if self.rate_limiter is not None:
            allowed = self.rate_limiter.hit(f"comment:{ip_hash}", limit, 60)
        else:
            # Without a shared limiter the database is the shared counter.
            allowed = stored_last_minute < limit
        if not allowed:
            raise RateLimited("rate_limited")

    def _check_parent(self, parent: int | None, thread: ThreadRecord | None) -> int | None:
        if parent is None:
            return None
        found = self.store.comment(parent)
        if (
            found is None
            or thread is None
            or found.thread_id != thread.id
            or found.state in (CommentState.SPAM, CommentState.DELETED)
        ):
            raise InvalidField("parent_not_found", field="parent")
        return self._attach_point(found.id)

    def _attach_point(self, parent_id: int) -> int:
        """The parent a reply gets: the one asked for, or its deepest ancestor within the limit.

        A top-level comment is at depth 0, so a reply to a comment at depth
        ``max_reply_depth`` or deeper joins the ancestor at ``max_reply_depth - 1``.
        """
        chain = self.store.ancestors(parent_id)  # [parent, …, root]
        depth = len(chain) - 1
        limit = self.settings.max_reply_depth
        if depth < limit:
            return parent_id
        return chain[depth - (limit - 1)]

    # -- edit, delete, vote ------------------------------------------------------

    def _own_comment(self, comment_id: int, token: str | None) -> CommentRecord:
        identity.require_token(self.secret, token, comment_id)
        comment = self.store.comment(comment_id)
        if comment is None or comment.state is CommentState.DELETED:
            raise NotFound("comment_not_found")
        thread = self.store.thread_by_id(comment.thread_id)
        site = self.store.site_by_id(thread.site_id) if thread else None
        window = self.site_settings(site).edit_window_seconds if site else 0
        if self.clock() - comment.created > window:
            raise Forbidden("edit_window_closed")
        return comment

    def _context(self, comment: CommentRecord) -> tuple[SiteRecord, ThreadRecord]:
        thread = self.store.thread_by_id(comment.thread_id)
        assert thread is not None
        site = self.store.site_by_id(thread.site_id)
        assert site is not None
        return site, thread

    def edit(
        self,
        comment_id: int,
        token: str | None,
        text: str,
        author: str | None = None,
        website: str | None = None,
    ) -> CommentRecord:
        """Change one's own comment within the edit window (and check it again for spam)."""
        comment = self._own_comment(comment_id, token)
        site, thread = self._context(comment)
        conf = self.site_settings(site)
        new_text = validation.check_text(text, conf.max_comment_length)
        new_author = comment.author
        if author is not None and comment.identity_id is None:
            new_author = self._typed_author(author, conf)
            if new_author != comment.author:
                for check in self.author_checks:
                    check(site, conf, new_author, Reader())
        new_website = comment.website
        if website is not None:
            new_website = validation.check_website(website)
        sample = CommentSample(
            content=new_text,
            author=new_author,
            url=new_website or "",
            site=site.name,
            site_languages=conf.languages,
            spam_sensitivity=conf.spam_sensitivity,
        )
        verdict = self.spam.check(sample)
        html = markup.render(new_text)
        admitted = readmit(verdict, conf, new_text, comment.state)
        if self.hook is not None and conf.moderation_hook_url:
            draft = CommentDraft(
                new_text, html, comment.lang, comment.parent_id, new_author,
                comment.identity_id is not None, comment.created, thread.uri, thread.title,
            )  # fmt: skip
            admitted = self.hook.decide(site, conf, draft, admitted, verdict)
        # A spammer editing links into an approved comment goes back to moderation;
        # a suspect word or the site's hook holds it for review.
        mark = SpamMark(
            round(verdict.score, 4), verdict.verdict.value, reasons_json(verdict, admitted.reasons)
        )
        moved = admitted.state is not comment.state
        # A held comment stays held; a published one edited into insults goes back to review.
        toxic = edited_state(
            assess(
                self.toxicity,
                conf,
                new_text,
                comment.lang,
                site.name,
                self.toxicity_hold(site, conf),
            ),
            comment.state,
        )
        change = TextChange(
            text=new_text,
            html=html,
            author=new_author,
            website=new_website,
            modified=self.clock(),
            spam=mark if moved and admitted.state is CommentState.SPAM else None,
            hold=mark if moved and admitted.state is not CommentState.SPAM else None,
            hold_state=admitted.state,
            toxicity=toxic,
        )
        updated = self.store.replace_text(
            comment_id, change, self.event(site.id, events.SPAM if change.spam else events.EDITED)
        )
        assert updated is not None
        self.emit("edited", site, thread, updated)
        return updated

    def delete(self, comment_id: int, token: str | None) -> CommentRecord:
        """Delete one's own comment; its place stays as "deleted" if it has replies."""
        comment = self._own_comment(comment_id, token)
        return self.erase(comment)

    def erase(self, comment: CommentRecord) -> CommentRecord:
        """Mark a comment deleted and drop its content, personal fields and undo history."""
        site, _ = self._context(comment)
        event = self.event(site.id, events.DELETED)
        (updated,) = self.store.erase_comments([comment.id], self.clock(), event)
        self.announce_erased([updated])
        return updated

    def announce_erased(self, erased: list[CommentRecord]) -> None:
        """Tell listeners (caches, live readers) that these comments were erased."""
        for comment in erased:
            site, thread = self._context(comment)
            self.emit("deleted", site, thread, comment)

    def vote(self, comment_id: int, value: int, reader: Reader) -> tuple[int, int]:
        """A reader's up (1) or down (-1) vote, once per reader and comment."""
        if value not in (1, -1):
            raise InvalidField("vote_invalid", field="value")
        comment = self.store.comment(comment_id)
        if comment is None or comment.state is not CommentState.APPROVED:
            raise NotFound("comment_not_found")
        voter = identity.keyed_hash(self.secret, "vote", reader.ip or reader.user_agent)
        result = self.store.add_vote(comment_id, voter, value)
        if result is None:
            raise Conflict("already_voted")
        site, thread = self._context(comment)
        likes, dislikes = result
        self.emit("voted", site, thread, comment)
        return likes, dislikes


def _spam_mark(verdict: SpamVerdict) -> SpamMark:
    return SpamMark(round(verdict.score, 4), verdict.verdict.value, reasons_json(verdict))


def reasons_json(verdict: SpamVerdict, more: Sequence[Reason] = ()) -> str:
    """The filter's reasons and the desk's own (words, rules, the hook), as stored."""
    found = [
        {"code": r.code, "params": dict(r.params), "weight": r.weight} for r in verdict.reasons
    ]
    return json.dumps([*found, *more], ensure_ascii=False)


def reader_keys(author_key: str, ip_hash: str | None) -> list[str]:
    """The keys a reader's rules may name her by: her author key, her (hashed) address."""
    return [author_key, ADDRESS + ip_hash] if ip_hash else [author_key]
