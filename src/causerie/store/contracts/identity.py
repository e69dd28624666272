"""IdentityStore: what reader sign-in (``core/readers.py``) needs from storage.

Signed-in readers of a site, the sessions their widgets hold, and sign-ins
in progress (an OIDC state, an e-mailed link or code). Implemented by
``store/identity.py``.
"""

from __future__ import annotations

from typing import Protocol

from causerie.store.records import (
    CommentRecord,
    IdentityRecord,
    NewOutboxMessage,
    SigninChallenge,
)


class IdentityStore(Protocol):
    """Readers who signed in, as little of them as the feature needs."""

    # -- identities ------------------------------------------------------------

    def upsert_identity(self, new: IdentityRecord) -> IdentityRecord:
        """Insert a reader, or refresh what a returning sign-in tells (name, subscriber…)."""

    def identity(self, identity_id: int) -> IdentityRecord | None:
        """An identity by id."""

    def identity_by_key(
        self, site_id: int, method: str, issuer: str, subject: str
    ) -> IdentityRecord | None:
        """The identity a sign-in names, if she signed in before."""

    def identities_matching(self, email: str, subject: str) -> list[IdentityRecord]:
        """Identities of an address: e-mail sign-ins of its hash, or OIDC ones that kept it."""

    def skeleton_taken(self, site_id: int, skeleton: str, except_id: int | None) -> bool:
        """Whether another identity of the site has a name with this skeleton."""

    def set_blocked(self, identity_id: int, blocked: bool) -> IdentityRecord | None:
        """Block or unblock a reader; a block also ends her sessions."""

    def comments_by(self, identity_id: int, limit: int) -> list[CommentRecord]:
        """A reader's comments, newest first."""

    # -- sessions --------------------------------------------------------------

    def add_session(self, token_hash: str, identity_id: int, now: float, expires: float) -> None:
        """Remember a session by the hash of the token the widget keeps."""

    def session_identity(self, token_hash: str, now: float) -> IdentityRecord | None:
        """The identity of a live session, None when unknown or expired."""

    def sessions_of(self, identity_id: int) -> list[tuple[float, float]]:
        """(created, expires) of a reader's sessions (for her data export)."""

    def drop_session(self, token_hash: str) -> None:
        """End one session (sign out)."""

    # -- sign-ins in progress --------------------------------------------------

    def add_challenge(self, challenge: SigninChallenge) -> None:
        """Remember a sign-in in progress."""

    def add_challenge_with_mail(
        self, challenge: SigninChallenge, mail: NewOutboxMessage, now: float
    ) -> int:
        """Remember an e-mail sign-in and queue its mail in one transaction; the outbox id."""

    def take_challenge(
        self, challenge_id: str, now: float, secret_hash: str | None, max_attempts: int
    ) -> SigninChallenge | None:
        """Use a live challenge once (its secret must match if given); a miss counts an attempt."""

    def purge_expired(self, now: float) -> int:
        """Delete expired sessions and challenges; how many rows went."""
