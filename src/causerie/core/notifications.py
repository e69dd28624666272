"""Reply notifications by e-mail, written to the outbox and sent by its worker.

A reader who ticks "notify me" (and gives an e-mail) gets one confirmation
mail first (double opt-in: anyone can type anyone's address into a form);
once they confirmed one subscription, later ones from the same address are
confirmed at once. Every mail has a text and an HTML part in the reader's
language and a signed unsubscribe link, also as ``List-Unsubscribe`` with
``List-Unsubscribe-Post`` (RFC 8058 one-click from mail clients).

The comment flow only writes an event to the outbox with the comment; the
worker turns it into these mails (``ReaderMails.expand``), so a slow or
broken mail server never delays or loses a comment.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from causerie.core import events
from causerie.core.errors import CauserieError
from causerie.core.mail import Mail, html_body
from causerie.core.outbox import mail_message
from causerie.core.privacy import DAY, notice_text
from causerie.core.sites import SiteSettings
from causerie.store.contracts.comments import CommentStore
from causerie.store.contracts.privacy import PrivacyStore
from causerie.store.records import CommentRecord, CommentState, NewOutboxMessage, ThreadRecord

EXCERPT = 500


@dataclass(frozen=True)
class Links:
    """Signs and checks the links mails carry."""

    secret: str
    base_url: str

    def _unsub(self) -> URLSafeSerializer:
        return URLSafeSerializer(self.secret, salt="causerie.unsubscribe")

    def _confirm(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret, salt="causerie.subscribe")

    def unsubscribe(self, comment_id: int) -> str:
        """The never-expiring link that stops notifications for a comment."""
        return f"{self.base_url}/privacy/unsubscribe?token={self._unsub().dumps(comment_id)}"

    def subscribe(self, subscription_id: int) -> str:
        """The link that confirms a subscription."""
        return f"{self.base_url}/privacy/subscribe?token={self._confirm().dumps(subscription_id)}"

    def unsubscribe_id(self, token: str) -> int:
        """The comment an unsubscribe token names; a 400 if forged."""
        return _int_payload(lambda: self._unsub().loads(token))

    def subscription_id(self, token: str, max_age_days: int) -> int:
        """The subscription a confirmation token names; a 400 if forged or too old."""
        return _int_payload(lambda: self._confirm().loads(token, max_age=max_age_days * int(DAY)))


def _int_payload(load: Callable[[], object]) -> int:
    try:
        value = load()
    except BadSignature:
        raise CauserieError("privacy_link_invalid") from None
    if not isinstance(value, int):
        raise CauserieError("privacy_link_invalid")
    return value


Send = Callable[[Mail], None]


class ReaderMails:
    """The mails a comment event means for readers: subscription confirmation, reply."""

    def __init__(
        self,
        store: CommentStore,
        records: PrivacyStore,
        settings_for: Callable[[int], SiteSettings | None],
        links: Links,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.records = records
        self.settings_for = settings_for
        self.links = links
        self.clock = clock

    def expand(
        self, event: str, comment: CommentRecord, thread: ThreadRecord
    ) -> list[NewOutboxMessage]:
        """The reader mails this event causes (each with a dedup key: expanding twice is safe)."""
        out = []
        if event == events.CREATED and comment.notify and comment.email:
            out += self._subscribe(comment, thread)
        if event in (events.CREATED, events.APPROVED) and comment.state is CommentState.APPROVED:
            out += self._notify_parent(comment, thread)
        return out

    def _subscribe(self, comment: CommentRecord, thread: ThreadRecord) -> list[NewOutboxMessage]:
        if not comment.author_key:
            return []
        sub = self.records.subscription_of(comment.id)
        if sub is None:
            known = self.records.has_confirmed(comment.author_key)
            sub_id = self.records.add_subscription(
                comment.id, comment.author_key, self.clock(), confirmed=known
            )
            if known:
                return []
        elif sub["confirmed"] is None:
            sub_id = int(sub["id"])  # expanded again after a crash: the same mail, deduplicated
        else:
            return []
        lang = comment.lang or "en"
        conf = self.settings_for(thread.id)
        days = conf.unconfirmed_retention_days if conf else 7
        text = notice_text(
            "mail.subscribe.body",
            lang,
            page=page_url(thread.uri, conf),
            link=self.links.subscribe(sub_id),
            days=days,
        )
        subject = notice_text("mail.subscribe.subject", lang)
        mail = Mail(comment.email or "", subject, text, lang, html=html_body(text, lang))
        return [mail_message(mail, thread.site_id, dedup_key=f"subscribe:{sub_id}")]

    def _notify_parent(self, reply: CommentRecord, thread: ThreadRecord) -> list[NewOutboxMessage]:
        parent = self.store.comment(reply.parent_id or 0)
        if parent is None or not parent.notify or not parent.email:
            return []
        sub = self.records.subscription_of(parent.id)
        if sub is None or sub["confirmed"] is None:
            return []
        if reply.author_key and reply.author_key == parent.author_key:
            return []  # nobody needs a mail about their own reply
        lang = parent.lang or "en"
        unsubscribe = self.links.unsubscribe(parent.id)
        text = notice_text(
            "mail.reply.body",
            lang,
            author=reply.author or "—",
            text=reply.text[:EXCERPT],
            page=page_url(thread.uri, self.settings_for(thread.id)),
            unsubscribe=unsubscribe,
        )
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        subject = notice_text("mail.reply.subject", lang, author=reply.author or "—")
        mail = Mail(parent.email, subject, text, lang, headers, html_body(text, lang))
        # One mail per reply, however often it is approved again.
        return [mail_message(mail, thread.site_id, dedup_key=f"reply:{reply.id}")]


def page_url(uri: str, conf: SiteSettings | None) -> str:
    """The page's address: the URI itself, or the site's first origin plus the path."""
    if uri.startswith(("http://", "https://")):
        return uri
    origins = conf.allowed_origins if conf else ()
    return f"{origins[0]}{uri}" if origins else uri
