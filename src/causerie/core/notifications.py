"""Reply notifications by e-mail, sent off the request path.

A reader who ticks "notify me" (and gives an e-mail) gets one confirmation
mail first (double opt-in: anyone can type anyone's address into a form);
once they confirmed one subscription, later ones from the same address are
confirmed at once. Every mail carries a signed unsubscribe link (RFC 8058
one-click as well). The comment flow only puts events on a queue: a slow or
broken mail server never delays or loses a comment.
"""

from __future__ import annotations

import logging
import queue
import smtplib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from causerie.core.comments import ChangeEvent
from causerie.core.errors import CauserieError
from causerie.core.privacy import DAY, notice_text
from causerie.core.sites import SiteSettings
from causerie.notify.email import Mail
from causerie.store.contracts.comments import CommentStore
from causerie.store.contracts.privacy import PrivacyStore
from causerie.store.records import CommentRecord, CommentState

log = logging.getLogger("causerie.notify")

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


Sender = Callable[[Mail], None]


class Notifier:
    """A queue and one worker thread that turns comment events and mails into SMTP."""

    def __init__(
        self,
        store: CommentStore,
        records: PrivacyStore,
        settings_for: Callable[[int], SiteSettings | None],
        links: Links,
        deliver: Sender,
        retry_delays: Sequence[float] = (5.0, 30.0, 120.0),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.records = records
        self.settings_for = settings_for
        self.links = links
        self.deliver = deliver
        self.retry_delays = tuple(retry_delays)
        self.clock = clock
        self.failed = 0
        self._queue: queue.Queue[ChangeEvent | Mail | None] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # -- entry points (request path: enqueue only) ---------------------------------

    def on_change(self, event: ChangeEvent) -> None:
        """Comment listener: new comments and approvals may mean mail to send."""
        if event.kind in ("created", "moderated"):
            self._put(event)

    def send(self, mail: Mail) -> None:
        """Queue one mail (privacy confirmations)."""
        self._put(mail)

    def _put(self, item: ChangeEvent | Mail) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="causerie-mail", daemon=True)
                self._thread.start()
        self._queue.put(item)

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued was handled (tests, shutdown); False on timeout."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def stop(self) -> None:
        """Finish what is queued, then stop the worker."""
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=30)

    # -- the worker -------------------------------------------------------------

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                if isinstance(item, Mail):
                    self._deliver(item)
                else:
                    self._handle(item)
            except Exception:  # one bad event must not kill the worker for the others
                log.exception("notification failed")
            finally:
                self._queue.task_done()

    def _deliver(self, mail: Mail) -> None:
        for attempt, delay in enumerate((0.0, *self.retry_delays)):
            time.sleep(delay)
            try:
                self.deliver(mail)
                return
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("mail not sent (attempt %d): %s", attempt + 1, exc)
        self.failed += 1
        log.error("mail given up after %d attempts", len(self.retry_delays) + 1)

    def _handle(self, event: ChangeEvent) -> None:
        comment = self.store.comment(event.comment.id) or event.comment
        if event.kind == "created" and comment.notify and comment.email:
            self._subscribe(comment, event)
        if comment.state is CommentState.APPROVED and comment.parent_id is not None:
            self._notify_parent(comment, event)

    def _subscribe(self, comment: CommentRecord, event: ChangeEvent) -> None:
        if self.records.subscription_of(comment.id) or not comment.author_key:
            return
        known = self.records.has_confirmed(comment.author_key)
        sub_id = self.records.add_subscription(
            comment.id, comment.author_key, self.clock(), confirmed=known
        )
        if known:
            return
        lang = comment.lang or "en"
        conf = self.settings_for(event.thread_id)
        days = conf.unconfirmed_retention_days if conf else 7
        text = notice_text(
            "mail.subscribe.body",
            lang,
            page=_page_url(event.uri, conf),
            link=self.links.subscribe(sub_id),
            days=days,
        )
        self._deliver(
            Mail(comment.email or "", notice_text("mail.subscribe.subject", lang), text, lang)
        )

    def _notify_parent(self, reply: CommentRecord, event: ChangeEvent) -> None:
        parent = self.store.comment(reply.parent_id or 0)
        if parent is None or not parent.notify or not parent.email:
            return
        sub = self.records.subscription_of(parent.id)
        if sub is None or sub["confirmed"] is None:
            return
        if reply.author_key and reply.author_key == parent.author_key:
            return  # nobody needs a mail about their own reply
        lang = parent.lang or "en"
        unsubscribe = self.links.unsubscribe(parent.id)
        text = notice_text(
            "mail.reply.body",
            lang,
            author=reply.author or "—",
            text=reply.text[:EXCERPT],
            page=_page_url(event.uri, self.settings_for(event.thread_id)),
            unsubscribe=unsubscribe,
        )
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        subject = notice_text("mail.reply.subject", lang, author=reply.author or "—")
        self._deliver(Mail(parent.email, subject, text, lang, headers))


def _page_url(uri: str, conf: SiteSettings | None) -> str:
    """The page's address: the URI itself, or the site's first origin plus the path."""
    if uri.startswith(("http://", "https://")):
        return uri
    origins = conf.allowed_origins if conf else ()
    return f"{origins[0]}{uri}" if origins else uri
