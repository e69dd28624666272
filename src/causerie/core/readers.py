"""Signed-in readers: the site's policy, sign-in by OIDC or publisher token, sessions.

Who may comment is a site setting (``who_may_comment``): ``anyone`` with a
typed name, ``signed_in`` readers only, or the publisher's ``subscribers``
only; ``signin_methods`` says which ways in the widget offers (``email``,
``oidc``, ``sso``). A sign-in ends in a session: an opaque token the widget
keeps (never a cookie, so it works on a page of another domain with
third-party cookies blocked) and sends in ``X-Causerie-Session``; the
database keeps only its keyed hash. Of a reader, Causerie keeps the
provider's subject, a display name and, if the site asks and she agrees,
her e-mail from OIDC; an e-mail sign-in keeps only a keyed hash of the
address.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass, field, replace
from typing import Any

from causerie.core import identity, validation
from causerie.core.comments import Clock, CommentService, Reader
from causerie.core.confusables import skeleton
from causerie.core.errors import (
    Forbidden,
    InvalidField,
    NotAuthenticated,
    NotFound,
    RateLimited,
)
from causerie.core.i18n import translate
from causerie.core.mail import Mail
from causerie.core.oidc import PRESETS, OidcClient, Provider, display_name
from causerie.core.outbox import mail_message
from causerie.core.ratelimit import RateLimiter
from causerie.core.sites import SiteSettings
from causerie.core.sso import verify_publisher_token
from causerie.store.contracts.identity import IdentityStore
from causerie.store.records import CommentRecord, IdentityRecord, SigninChallenge, SiteRecord

POLICIES = ("anyone", "signed_in", "subscribers")
METHODS = ("email", "oidc", "sso")
SESSION_SECONDS = 30 * 86_400.0
SSO_SESSION_SECONDS = 86_400.0  # a subscription can end: the publisher's token is asked again
CHALLENGE_SECONDS = 600.0
MAX_ATTEMPTS = 5
MAILS_PER_HOUR = 5  # sign-in mails per address: the form must not become a mail cannon
STARTS_PER_HOUR = 60  # sign-ins begun or codes tried per network address
MAX_NAME = 80


@dataclass(frozen=True)
class Session:
    """A fresh sign-in: the token for the widget and who it names."""

    token: str
    reader: IdentityRecord


@dataclass(frozen=True)
class EmailSignin:
    """A reader asking for a sign-in code: her address, the name to show, the page she is on."""

    email: str
    name: str
    page: str
    lang: str


@dataclass(frozen=True)
class ReaderTraces:
    """One identity of a reader with what hangs on it: sessions (created, expires), comments."""

    reader: IdentityRecord
    sessions: list[tuple[float, float]]
    comments: list[CommentRecord]


@dataclass(frozen=True)
class OidcStart:
    """Where to send the pop-up, for a sign-in now remembered by its state."""

    url: str


@dataclass
class ReaderService:
    """Sign-in, sessions and the policy check every new comment goes through."""

    comments: CommentService
    store: IdentityStore
    secret: str
    oidc: OidcClient = field(default_factory=OidcClient)
    clock: Clock = time.time
    # E-mail sign-in needs a mail path (SMTP configured); mails go through the outbox.
    mail_on: bool = False
    limiter: RateLimiter | None = None

    # -- policy -----------------------------------------------------------------

    def options(self, site_name: str | None) -> dict[str, Any]:
        """What the widget shows: the site's policy and its sign-in buttons (no provider call)."""
        site = self.comments.site(site_name)
        conf = self.comments.site_settings(site)
        methods: list[dict[str, str]] = []
        for method in offered_methods(conf, self.mail_on):
            entry = {"method": method}
            if method == "oidc":
                entry["name"] = site_provider(conf).name
            if method == "sso" and conf.sso_login_url:
                entry["login_url"] = conf.sso_login_url
            methods.append(entry)
        return {"site": site.name, "policy": conf.who_may_comment, "methods": methods}

    def check_author(
        self, site: SiteRecord, conf: SiteSettings, author: str, reader: Reader
    ) -> None:
        """Refuse a comment the site's policy forbids, or a typed name that imitates another."""
        signed_in = reader.signed_in
        if signed_in is not None:
            if signed_in.site_id != site.id:
                raise NotAuthenticated("signin_required")
            if signed_in.blocked:
                raise Forbidden("reader_blocked")
            if conf.who_may_comment == "subscribers" and not signed_in.subscriber:
                raise Forbidden("subscribers_only")
            return
        if conf.who_may_comment == "signed_in":
            raise NotAuthenticated("signin_required")
        if conf.who_may_comment == "subscribers":
            raise NotAuthenticated("subscribers_only")
        if self._imitates(site, author, None):
            raise InvalidField("name_taken", field="author")

    def _imitates(self, site: SiteRecord, name: str, except_id: int | None) -> bool:
        """Whether a name looks like the site's, or like another signed-in reader's."""
        wanted = skeleton(name)
        if wanted in {skeleton(site.name), skeleton(site.title)} - {""}:
            return True
        return self.store.skeleton_taken(site.id, wanted, except_id)

    # -- sessions ---------------------------------------------------------------

    def reader_of(self, token: str | None) -> IdentityRecord | None:
        """The signed-in reader a session token names; None when absent, forged or expired."""
        if not token or not self._genuine(token):
            return None
        return self.store.session_identity(self._hash(token), self.clock())

    def require(self, token: str | None) -> IdentityRecord:
        """Like :meth:`reader_of`, but a missing session is ``signin_required``."""
        found = self.reader_of(token)
        if found is None:
            raise NotAuthenticated("signin_required")
        return found

    def sign_out(self, token: str | None) -> None:
        """End the session this token holds (nothing happens for an unknown one)."""
        if token and self._genuine(token):
            self.store.drop_session(self._hash(token))

    def _open_session(self, reader: IdentityRecord, seconds: float) -> Session:
        if reader.blocked:
            raise Forbidden("reader_blocked")
        raw = secrets.token_urlsafe(32)
        token = f"{raw}.{self._mac(raw)}"
        now = self.clock()
        self.store.add_session(self._hash(token), reader.id, now, now + seconds)
        return Session(token, reader)

    def _mac(self, raw: str) -> str:
        return identity.keyed_hash(self.secret, "reader-session", raw)[:22]

    def _genuine(self, token: str) -> bool:
        # A forged token is refused without a database read.
        raw, _, mac = token.partition(".")
        return bool(raw and mac) and hmac.compare_digest(mac, self._mac(raw))

    def _hash(self, token: str) -> str:
        return identity.keyed_hash(self.secret, "reader-session-id", token)

    def _remember(
        self,
        site: SiteRecord,
        method: str,
        issuer: str,
        subject: str,
        name: str,
        *,
        email: str | None = None,
        subscriber: bool = False,
    ) -> IdentityRecord:
        if not name:
            raise NotAuthenticated("signin_no_name")
        now = self.clock()
        new = IdentityRecord(
            id=0,
            site_id=site.id,
            method=method,
            issuer=issuer,
            subject=subject,
            name=name,
            name_skeleton=skeleton(name),
            email=email,
            subscriber=subscriber,
            blocked=False,
            created=now,
            last_seen=now,
        )
        return self.store.upsert_identity(new)

    # -- the publisher's accounts ------------------------------------------------

    def sign_in_publisher(self, site_name: str | None, token: str) -> Session:
        """Check a token the publisher signed for its reader; open a session for her."""
        site, conf = self._site_offering(site_name, "sso")
        claims = verify_publisher_token(
            token,
            secret=conf.sso_secret,
            public_key=conf.sso_public_key,
            audience=site.name,
            now=self.clock(),
        )
        reader = self._remember(
            site, "sso", "site", claims.subject, claims.name, subscriber=claims.subscriber
        )
        return self._open_session(reader, SSO_SESSION_SECONDS)

    # -- e-mail: a single-use code, also carried by a link ----------------------

    def start_email(self, site_name: str | None, request: EmailSignin) -> str:
        """Queue a mail with a 6-digit code and a link; the handle the widget keeps to finish."""
        site, _ = self._site_offering(site_name, "email")
        email = validation.check_email(request.email)
        if not email:
            raise InvalidField("email_invalid", field="email")
        name = validation.check_author(
            request.name, anonymous_ok=False, default="", max_length=MAX_NAME
        )
        subject = identity.email_subject(self.secret, email)
        self._not_too_often(subject)
        self._name_free(site, name, subject)
        handle, code = secrets.token_urlsafe(24), f"{secrets.randbelow(10**6):06d}"
        now = self.clock()
        challenge = SigninChallenge(
            id=self._challenge_id(handle),
            site_id=site.id,
            kind="email",
            secret_hash=self._code_hash(handle, code),
            # Only the keyed hash of the address: the address itself is in the mail alone.
            data={"subject": subject, "name": name},
            attempts=0,
            created=now,
            expires=now + CHALLENGE_SECONDS,
        )
        lang = request.lang
        minutes = int(CHALLENGE_SECONDS // 60)
        link = f"{request.page.split('#')[0]}#causerie-signin={handle}.{code}"
        params = {"site": site.title or site.name, "code": code, "link": link, "minutes": minutes}
        mail = Mail(
            to=email,
            subject=translate("mail.signin.subject", lang, **params),
            text=translate("mail.signin.body", lang, **params),
            lang=lang,
        )
        self.store.add_challenge_with_mail(challenge, mail_message(mail, site.id), now)
        return handle

    def finish_email(self, handle: str, code: str) -> Session:
        """The code (typed, or from the link) for this handle, once, within 10 minutes."""
        handle, code = handle.strip(), code.strip()
        taken = self.store.take_challenge(
            self._challenge_id(handle), self.clock(), self._code_hash(handle, code), MAX_ATTEMPTS
        )
        site = self.comments.store.site_by_id(taken.site_id) if taken else None
        if taken is None or taken.kind != "email" or site is None:
            raise NotAuthenticated("signin_code_invalid")
        data = taken.data
        reader = self._remember(site, "email", "", str(data["subject"]), str(data["name"]))
        return self._open_session(reader, SESSION_SECONDS)

    def _code_hash(self, handle: str, code: str) -> str:
        return identity.keyed_hash(self.secret, "signin-code", f"{handle}\x00{code}")

    def throttle(self, ip: str) -> None:
        """Count a sign-in step of this address; too many in an hour is ``rate_limited``."""
        key = "signin-steps:" + identity.hash_ip(self.secret, ip)
        if self.limiter and ip and not self.limiter.hit(key, STARTS_PER_HOUR, 3600):
            raise RateLimited("rate_limited")

    def _not_too_often(self, subject: str) -> None:
        if self.limiter and not self.limiter.hit(f"signin-mail:{subject}", MAILS_PER_HOUR, 3600):
            raise RateLimited("rate_limited")

    def _name_free(self, site: SiteRecord, name: str, subject: str) -> None:
        """The name chosen at e-mail sign-in must not imitate the site or another reader."""
        own = self.store.identity_by_key(site.id, "email", "", subject)
        if self._imitates(site, name, own.id if own else None):
            raise InvalidField("name_taken", field="name")

    # -- OpenID Connect ----------------------------------------------------------

    def start_oidc(
        self, site_name: str | None, origin: str, redirect_uri: str, lang: str
    ) -> OidcStart:
        """Remember a new sign-in (state, nonce, PKCE verifier) and say where the pop-up goes."""
        site, conf = self._site_offering(site_name, "oidc")
        state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
        provider = site_provider(conf)
        url = self.oidc.authorization_url(provider, redirect_uri, state, nonce, verifier)
        now = self.clock()
        data = {"nonce": nonce, "verifier": verifier, "origin": origin, "lang": lang}
        challenge = SigninChallenge(
            id=self._challenge_id(state),
            site_id=site.id,
            kind="oidc",
            secret_hash="",
            data=data,
            attempts=0,
            created=now,
            expires=now + CHALLENGE_SECONDS,
        )
        self.store.add_challenge(challenge)
        return OidcStart(url)

    def finish_oidc(self, state: str, code: str, redirect_uri: str) -> tuple[Session, str, str]:
        """Exchange the code, verify the ID token; the session, the opener's origin and language."""
        challenge = self.store.take_challenge(
            self._challenge_id(state), self.clock(), None, MAX_ATTEMPTS
        )
        if challenge is None or challenge.kind != "oidc":
            raise NotAuthenticated("signin_expired")
        site = self.comments.store.site_by_id(challenge.site_id)
        if site is None:
            raise NotAuthenticated("signin_expired")
        provider = site_provider(self.comments.site_settings(site))
        data = challenge.data
        id_token = self.oidc.exchange(provider, code, str(data["verifier"]), redirect_uri)
        claims = self.oidc.verify_id_token(provider, id_token, str(data["nonce"]))
        email = claims.get("email") if provider.keep_email else None
        reader = self._remember(
            site,
            "oidc",
            provider.issuer,
            str(claims["sub"])[:255],
            display_name(claims),
            email=email if isinstance(email, str) and claims.get("email_verified") else None,
        )
        return self._open_session(reader, SESSION_SECONDS), str(data["origin"]), str(data["lang"])

    def _challenge_id(self, state: str) -> str:
        return identity.keyed_hash(self.secret, "signin-challenge", state)

    def _site_offering(self, site_name: str | None, method: str) -> tuple[SiteRecord, SiteSettings]:
        site = self.comments.site(site_name)
        conf = self.comments.site_settings(site)
        if method not in offered_methods(conf, self.mail_on):
            raise Forbidden("signin_method_off")
        return site, conf

    # -- moderation and privacy --------------------------------------------------

    def block(self, identity_id: int, blocked: bool) -> IdentityRecord:
        """Block (or unblock) a signed-in reader: her sessions end, her new comments are refused."""
        found = self.store.set_blocked(identity_id, blocked)
        if found is None:
            raise NotFound("reader_not_found")
        return found

    def comments_by(
        self, identity_id: int, limit: int = 100
    ) -> tuple[IdentityRecord, list[CommentRecord]]:
        """A reader and her comments on the site, newest first (for moderators)."""
        found = self.store.identity(identity_id)
        if found is None:
            raise NotFound("reader_not_found")
        return found, self.store.comments_by(identity_id, limit)

    def of_address(self, email: str) -> list[ReaderTraces]:
        """The identities of an address, with their sessions and comments (data export)."""
        subject = identity.email_subject(self.secret, email)
        return [
            ReaderTraces(
                found, self.store.sessions_of(found.id), self.store.comments_by(found.id, 10_000)
            )
            for found in self.store.identities_matching(email, subject)
        ]


def offered_methods(conf: SiteSettings, mail_on: bool = True) -> list[str]:
    """The methods a site offers that are configured enough to work."""
    ready = {
        "email": mail_on,
        "oidc": bool(site_provider(conf).issuer and conf.oidc_client_id),
        "sso": bool(conf.sso_secret or conf.sso_public_key),
    }
    return [m for m in conf.signin_methods if m in METHODS and ready[m]]


def site_provider(conf: SiteSettings) -> Provider:
    name, issuer = PRESETS.get(conf.oidc_preset, ("", ""))
    return Provider(
        issuer=conf.oidc_issuer or issuer,
        client_id=conf.oidc_client_id,
        client_secret=conf.oidc_client_secret,
        name=conf.oidc_name or name or "OpenID Connect",
        keep_email=conf.oidc_keep_email,
    )


def signed_in_reader(reader: Reader, found: IdentityRecord | None) -> Reader:
    """The request's reader with the identity its session names."""
    return replace(reader, signed_in=found)
