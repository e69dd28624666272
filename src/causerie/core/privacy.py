"""Readers' rights and retention: export, erasure, confirmation links, purge.

Everything tied to an e-mail address is found through the address itself or
its keyed hash (``comments.author_key``), so a reader can still exercise their
rights after retention removed the plain address from old comments. Every
request is logged with a keyed hash of the address, never the address itself
once the request is over.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from causerie.config import Settings
from causerie.core import identity
from causerie.core.comments import Clock, CommentService
from causerie.core.errors import CauserieError, Forbidden, InvalidField, RateLimited
from causerie.core.fleet import FleetTurn
from causerie.core.i18n import FALLBACK
from causerie.core.mail import Mail, html_body
from causerie.core.readers import ReaderService, ReaderTraces
from causerie.core.sites import SiteSettings
from causerie.core.threads import iso
from causerie.core.validation import check_email
from causerie.store.contracts.comments import CommentStore
from causerie.store.contracts.leases import Leases
from causerie.store.contracts.privacy import PrivacyStore
from causerie.store.records import PERSONAL_SAMPLE_FIELDS, CommentRecord, CommentState, ReaderKeys

log = logging.getLogger("causerie.privacy")

TEXTS_DIR = Path(__file__).resolve().parent.parent / "web" / "i18n" / "privacy"
DAY = 86_400.0
LINK_MAX_AGE = DAY  # confirmation links for export / erasure
REQUESTS_PER_HOUR = 3  # per address: a form must not become a mail cannon
KINDS = ("export", "erase")
RETENTION_LEASE = "retention"  # one process of the fleet purges per interval
RETENTION_CHECK_SECONDS = 60.0
Send = Callable[[Mail], None]


@cache
def _texts(lang: str) -> dict[str, str]:
    path = TEXTS_DIR / f"{lang}.json"
    if not path.is_file():
        return {}
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


def notice_text(key: str, lang: str, **params: object) -> str:
    """A text of the privacy notice, pages and mails in ``lang`` (English fallback)."""
    text = _texts(lang).get(key) or _texts(FALLBACK).get(key) or key
    return text.format(**params) if params else text


@dataclass(frozen=True)
class Confirmed:
    """A confirmation link that checked out: what to do, for which address."""

    request_id: int
    kind: str
    email: str
    lang: str


@dataclass
class PurgeReport:
    """What one retention run removed, per kind of data."""

    personal_cleared: int = 0
    spam_deleted: int = 0
    discard_deleted: int = 0
    unconfirmed_deleted: int = 0
    learning_scrubbed: int = 0
    requests_expired: int = 0
    requests_deleted: int = 0
    sign_ins_expired: int = 0  # reader sessions and sign-in challenges past their end

    def as_dict(self) -> dict[str, int]:
        """The counts, for the CLI and logs."""
        return dict(vars(self))


@dataclass
class PrivacyService:
    """Export, erasure, confirmation links and retention for one instance."""

    settings: Settings
    store: CommentStore
    records: PrivacyStore
    comments: CommentService
    secret: str
    send: Send | None = None
    clock: Clock = time.time
    # Signed-in readers (core/readers.py): their identities and sessions are exported too.
    readers: ReaderService | None = None
    _signer: URLSafeTimedSerializer = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._signer = URLSafeTimedSerializer(self.secret, salt="causerie.privacy.request")

    def email_hash(self, email: str) -> str:
        """The keyed hash the request log keeps instead of the address."""
        return identity.keyed_hash(self.secret, "privacy", email.strip().lower())

    def _author_key(self, email: str) -> str:
        return identity.author_key(self.secret, email, "")

    # -- export -----------------------------------------------------------------

    def export(self, email: str) -> dict[str, Any]:
        """Everything stored about an address, as one JSON-ready document."""
        email = _required_email(email)
        found = self.records.comments_of(email, self._author_key(email))
        subs = [self.records.subscription_of(c.id) for c, _, _ in found]
        learning = self.records.learning_of(_email_match(email), like=email)
        requests = self.records.requests_of(self.email_hash(email))
        return {
            "email": email,
            "generated": iso(self.clock()),
            "comments": [_comment_data(c, site, uri) for c, site, uri in found],
            "subscriptions": [_subscription_data(s) for s in subs if s],
            "spam_filter_examples": [_learning_data(row) for row in learning],
            "privacy_requests": [_request_data(r) for r in requests],
            "sign_ins": [self._sign_in_data(t) for t in self.readers.of_address(email)]
            if self.readers
            else [],
        }

    def _sign_in_data(self, traces: ReaderTraces) -> dict[str, Any]:
        found = traces.reader
        return {
            "method": found.method,
            "issuer": found.issuer,
            "subject": found.subject,
            "name": found.name,
            "email": found.email,
            "subscriber": found.subscriber,
            "blocked": found.blocked,
            "created": iso(found.created),
            "last_seen": iso(found.last_seen),
            "sessions": [{"created": iso(a), "expires": iso(b)} for a, b in traces.sessions],
            "comments": [_comment_data(c, *self._place(c)) for c in traces.comments],
        }

    def _place(self, comment: CommentRecord) -> tuple[str, str]:
        site, thread = self.comments._context(comment)
        return site.name, thread.uri

    def export_comment(self, token: str) -> dict[str, Any]:
        """What is stored with the one comment an edit token proves to be one's own."""
        comment = self._comment_for_token(token)
        site, thread = self.comments._context(comment)
        sub = self.records.subscription_of(comment.id)
        return {
            "generated": iso(self.clock()),
            "comments": [_comment_data(comment, site.name, thread.uri)],
            "subscriptions": [_subscription_data(sub)] if sub else [],
        }

    # -- erasure ----------------------------------------------------------------

    def erase(self, email: str) -> int:
        """Erase every comment and trace of an address; returns how many items went."""
        email = _required_email(email)
        keys = ReaderKeys(
            email=email,
            author_key=self._author_key(email),
            request_hash=self.email_hash(email),
            block_hash=identity.email_block_hash(self.secret, email),
            identity_subject=identity.email_subject(self.secret, email),
        )
        erased = self.records.erase_reader(keys, self.clock())
        self.comments.announce_erased(erased.comments)
        self.records.flush_erased()
        return len(erased.comments) + erased.learning

    def erase_comment(self, token: str) -> int:
        """Erase the one comment an edit token proves to be one's own."""
        comment = self._comment_for_token(token)
        site, _ = self.comments._context(comment)
        erased = self.records.erase_comment_with_lessons(comment, site.name, self.clock())
        self.comments.announce_erased(erased.comments)
        self.records.flush_erased()
        return len(erased.comments) + erased.learning

    def _comment_for_token(self, token: str) -> CommentRecord:
        comment_id = identity.comment_id_from_token(self.secret, token or "")
        comment = self.store.comment(comment_id) if comment_id is not None else None
        if comment is None or comment.state is CommentState.DELETED:
            raise Forbidden("token_invalid", field="edit_token")
        return comment

    # -- requests and confirmation links ---------------------------------------------

    def log(self, kind: str, via: str, site: str, email: str | None, items: int) -> None:
        """Record a request that was carried out at once (edit token, command line)."""
        now = self.clock()
        self.records.log_request(
            kind=kind,
            via=via,
            site=site,
            email_hash=self.email_hash(email) if email else None,
            lang="",
            status="done",
            items=items,
            created=now,
            completed=now,
        )

    def request_by_email(self, kind: str, email: str, site: str, lang: str, base_url: str) -> None:
        """Log a request and mail a signed, time-limited confirmation link to the address."""
        if kind not in KINDS:
            raise InvalidField("field_invalid", field="kind")
        email = _required_email(email)
        if self.send is None:
            raise CauserieError("privacy_mail_unavailable")
        hashed = self.email_hash(email)
        now = self.clock()
        if self.records.recent_requests(hashed, now - 3600) >= REQUESTS_PER_HOUR:
            raise RateLimited("rate_limited")
        request_id = self.records.log_request(
            kind=kind,
            via="email",
            site=site,
            email_hash=hashed,
            email=email,
            lang=lang,
            status="pending",
            created=now,
        )
        token = self._signer.dumps({"r": request_id})
        link = f"{base_url.rstrip('/')}/privacy/confirm?token={token}"
        hours = int(LINK_MAX_AGE // 3600)
        text = notice_text(f"mail.{kind}.body", lang, link=link, hours=hours)
        subject = notice_text(f"mail.{kind}.subject", lang)
        self.send(Mail(email, subject, text, lang, html=html_body(text, lang)))

    def check_link(self, token: str) -> Confirmed:
        """The pending request a confirmation link stands for; a 400 if it is not valid."""
        try:
            data = self._signer.loads(token, max_age=int(LINK_MAX_AGE))
        except BadSignature:
            raise CauserieError("privacy_link_invalid") from None
        request_id = data.get("r") if isinstance(data, dict) else None
        row = self.records.request(request_id) if isinstance(request_id, int) else None
        if (
            row is None
            or row["status"] != "pending"
            or not row["email"]
            or self.clock() - row["created"] > LINK_MAX_AGE
        ):
            raise CauserieError("privacy_link_invalid")
        return Confirmed(row["id"], row["kind"], row["email"], row["lang"] or FALLBACK)

    def carry_out(self, confirmed: Confirmed) -> tuple[int, dict[str, Any] | None]:
        """Do what a confirmed link asked: (items, export document or None)."""
        if confirmed.kind == "export":
            document = self.export(confirmed.email)
            items = len(document["comments"])
            self.records.finish_request(confirmed.request_id, "done", items, self.clock())
            return items, document
        items = self.erase(confirmed.email)
        self.records.finish_request(confirmed.request_id, "done", items, self.clock())
        self.records.flush_erased()  # the request row held the address until now
        return items, None

    # -- retention --------------------------------------------------------------

    def purge(self, now: float | None = None) -> PurgeReport:
        """Apply every site's retention settings as of ``now``."""
        now = self.clock() if now is None else now
        report = PurgeReport()
        for site in self.store.sites():
            conf = SiteSettings.for_site(self.settings, site)
            personal = now - max(1, conf.personal_data_retention_days) * DAY
            r = self.records
            report.personal_cleared += r.clear_personal(site.id, personal)
            report.spam_deleted += r.delete_spam(
                site.id, now - max(1, conf.spam_retention_days) * DAY, discard=False
            )
            report.discard_deleted += r.delete_spam(
                site.id, now - max(1, conf.discard_retention_days) * DAY, discard=True
            )
            report.unconfirmed_deleted += r.delete_unconfirmed(
                site.id, now - max(1, conf.unconfirmed_retention_days) * DAY
            )
            key = f"privacy.learning_scrubbed.{site.name}"
            scrubbed, last = r.scrub_learning(site.name, personal, r.marker(key))
            r.set_marker(key, last)
            report.learning_scrubbed += scrubbed
        expired, deleted = self.records.expire_requests(
            now - LINK_MAX_AGE, now - self.settings.privacy_log_retention_days * DAY
        )
        report.requests_expired, report.requests_deleted = expired, deleted
        if self.readers is not None:
            report.sign_ins_expired = self.readers.store.purge_expired(now)
        return report


class RetentionTask:
    """Runs the purge in a background thread: soon after start, then every interval.

    With ``leases`` (the database's), one process of the fleet purges per interval
    (``core/fleet.py``); the others only check now and then whether their turn came.
    """

    def __init__(
        self,
        service: PrivacyService,
        interval: float,
        first_delay: float = 5.0,
        leases: Leases | None = None,
    ):
        self.service = service
        self.interval = interval
        self.first_delay = first_delay
        self.turn = FleetTurn(RETENTION_LEASE, interval, leases)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the schedule (idempotent)."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="causerie-purge", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop after the current run."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        delay = self.first_delay
        # Another process's turn may end at any time: look at least once a minute.
        check = min(self.interval, RETENTION_CHECK_SECONDS)
        while not self._stop.wait(delay):
            delay = check
            if not self.turn.due():
                continue
            try:
                report = self.service.purge()
                log.info("retention purge: %s", report.as_dict())
            except Exception:  # a failed run must not stop the schedule; the next one retries
                log.exception("retention purge failed")


def _required_email(email: str | None) -> str:
    value = check_email(email)
    if value is None:
        raise InvalidField("email_invalid", field="email")
    return value


def _email_match(email: str) -> Callable[[dict[str, Any]], bool]:
    wanted = email.strip().lower()
    return lambda sample: str(sample.get("email") or "").strip().lower() == wanted


def _comment_data(c: CommentRecord, site: str, uri: str) -> dict[str, Any]:
    return {
        "id": c.id,
        "site": site,
        "page": uri,
        "parent": c.parent_id,
        "state": c.state.value,
        "author": c.author,
        "email": c.email,
        "website": c.website,
        "text": c.text,
        "language": c.lang,
        "created": iso(c.created),
        "modified": iso(c.modified),
        "likes": c.likes,
        "dislikes": c.dislikes,
        "notify": c.notify,
        "ip_network": c.ip_prefix,
        "ip_hash": c.ip_hash,
        "user_agent": c.user_agent,
        "spam_score": c.spam_score,
        "spam_verdict": c.spam_verdict,
        "spam_reasons": json.loads(c.spam_reasons or "[]"),
        # The toxicity model's verdict on her text (None: never scored).
        "toxicity_score": c.toxicity_score,
        "toxicity_flag": c.toxicity_flag,
        "toxicity_reasons": json.loads(c.toxicity_reasons or "[]"),
    }


def _subscription_data(sub: dict[str, Any]) -> dict[str, Any]:
    return {
        "comment": sub["comment_id"],
        "created": iso(sub["created"]),
        "confirmed": iso(sub["confirmed"]),
    }


def _learning_data(row: dict[str, Any]) -> dict[str, Any]:
    sample = row["sample"]
    kept = {k: sample.get(k) for k in ("content", "site", "lang", *PERSONAL_SAMPLE_FIELDS)}
    return {
        "site": row["site"],
        "taught_as": "spam" if row["is_spam"] else "not spam",
        "created": iso(row["created"]),
        "sample": kept,
    }


def _request_data(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": row["kind"],
        "via": row["via"],
        "status": row["status"],
        "created": iso(row["created"]),
        "completed": iso(row["completed"]),
    }
