"""Dashboard accounts: argon2 passwords, login throttling and lockout, sessions.

- Passwords are hashed with argon2id (argon2-cffi); hashes are upgraded on
  login when the parameters change.
- Five failed logins in a row lock an account for 15 minutes (kept in the
  database, so every process agrees); each client address may also try only
  ``MAX_ATTEMPTS_PER_IP`` logins per 5 minutes in this process.
- A session is a random cookie value; only its SHA-256 is stored, next to the
  CSRF token the dashboard must echo on every change.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from causerie.core.errors import (
    Conflict,
    Forbidden,
    InvalidField,
    NotAuthenticated,
    NotFound,
    RateLimited,
)
from causerie.core.ratelimit import MemoryRateLimiter, RateLimiter
from causerie.store.contracts.comments import CommentStore
from causerie.store.contracts.moderation import ModerationStore
from causerie.store.records import UserRecord

ROLES = ("admin", "moderator")
MIN_PASSWORD = 10
MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60
MAX_ATTEMPTS_PER_IP = 20
IP_WINDOW_SECONDS = 5 * 60
SESSION_SECONDS = 12 * 3600
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


@dataclass(frozen=True)
class Session:
    """A logged-in moderator: who, and the CSRF token of this session."""

    user: UserRecord
    csrf: str
    key: str

    @property
    def is_admin(self) -> bool:
        """Admins may act on every site."""
        return self.user.role == "admin"


def session_key(cookie: str) -> str:
    """What the database keeps of a session cookie."""
    return hashlib.sha256(cookie.encode()).hexdigest()


@dataclass
class AccountService:
    """Creating accounts, checking passwords, opening and closing sessions."""

    store: ModerationStore
    sites: CommentStore
    hasher: PasswordHasher = field(default_factory=PasswordHasher)
    clock: Callable[[], float] = time.time
    # Login attempts per address: the server's shared limiter (Redis across workers).
    limiter: RateLimiter = field(default_factory=MemoryRateLimiter)
    _dummy: str = ""

    def add_user(self, email: str, password: str, role: str, sites: Sequence[str] = ()) -> int:
        """Create an account; a moderator needs at least one site."""
        email = self._check_email(email)
        if role not in ROLES:
            raise InvalidField("role_invalid", field="role")
        if role == "moderator" and not sites:
            raise InvalidField("sites_required", field="site")
        if self.store.user_by_email(email) is not None:
            raise Conflict("user_exists", field="email")
        self._check_password(password)
        site_ids = [self.sites.ensure_site(name).id for name in sites]
        return self.store.add_user(email, role, self.hasher.hash(password), site_ids)

    def set_password(self, email: str, password: str) -> None:
        """Replace a password and close the account's sessions."""
        user = self.store.user_by_email(email)
        if user is None:
            raise NotFound("user_not_found")
        self._check_password(password)
        self.store.set_password_hash(user.id, self.hasher.hash(password))
        self.store.drop_sessions(user_id=user.id)

    def change_password(self, session: Session, current: str, new: str) -> None:
        """A logged-in user's own password change (other sessions are closed)."""
        if not self._verify(session.user, current):
            raise Forbidden("password_wrong", field="current")
        self.set_password(session.user.email, new)

    def login(self, email: str, password: str, client: str) -> tuple[str, Session]:
        """Check a password; return the new session cookie value and the session."""
        self._throttle(client)
        user = self.store.user_by_email(email or "")
        now = self.clock()
        if user is None:
            # Spend the same time as a real check, so timing does not reveal accounts.
            self._verify(None, password)
            raise NotAuthenticated("login_failed")
        if user.locked_until and user.locked_until > now:
            raise RateLimited("account_locked", minutes=_minutes(user.locked_until - now))
        if not self._verify(user, password):
            failures = user.failed_logins + 1
            locked = now + LOCKOUT_SECONDS if failures >= MAX_FAILURES else None
            self.store.set_login_failures(user.id, 0 if locked else failures, locked)
            if locked:
                raise RateLimited("account_locked", minutes=_minutes(LOCKOUT_SECONDS))
            raise NotAuthenticated("login_failed")
        if self.hasher.check_needs_rehash(user.password_hash):
            self.store.set_password_hash(user.id, self.hasher.hash(password))
        else:
            self.store.set_login_failures(user.id, 0, None)
        cookie = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        key = session_key(cookie)
        self.store.add_session(key, user.id, csrf, now + SESSION_SECONDS)
        return cookie, Session(user, csrf, key)

    def session(self, cookie: str | None) -> Session | None:
        """The live session a cookie opens, if any."""
        if not cookie:
            return None
        key = session_key(cookie)
        found = self.store.session(key)
        if found is None or found[2] < self.clock():
            return None
        user = self.store.user(found[0])
        return Session(user, found[1], key) if user else None

    def logout(self, session: Session) -> None:
        """Close one session."""
        self.store.drop_sessions(key=session.key)

    @staticmethod
    def csrf_ok(session: Session, token: str | None) -> bool:
        """True when the header echoes this session's CSRF token."""
        return bool(token) and hmac.compare_digest(session.csrf, token or "")

    # -- helpers ----------------------------------------------------------------

    def _verify(self, user: UserRecord | None, password: str) -> bool:
        if user is None and not self._dummy:
            self._dummy = self.hasher.hash(secrets.token_urlsafe(16))
        stored = user.password_hash if user else self._dummy
        try:
            return bool(self.hasher.verify(stored, password or ""))
        except (VerificationError, InvalidHashError):
            return False

    def _throttle(self, client: str) -> None:
        if not self.limiter.hit(f"login:{client}", MAX_ATTEMPTS_PER_IP, IP_WINDOW_SECONDS):
            raise RateLimited("login_throttled")

    @staticmethod
    def _check_email(email: str) -> str:
        email = (email or "").strip().lower()
        if not EMAIL.match(email) or len(email) > 320:
            raise InvalidField("email_invalid", field="email")
        return email

    @staticmethod
    def _check_password(password: str) -> None:
        if len(password or "") < MIN_PASSWORD:
            raise InvalidField("password_too_short", field="password", min=MIN_PASSWORD)


def _minutes(seconds: float) -> int:
    return max(1, round(seconds / 60))
