"""ApiKeyStore: what the Akismet-compatible API (``core/apikeys``) needs from storage.

Keys (only their hashes) and monthly usage counters per key and blog.
Implemented by ``store/apikeys.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from causerie.store.records import ApiKeyRecord, UsageKey, UsageRow


class ApiKeyStore(Protocol):
    """API keys and what each one was used for."""

    # -- keys ------------------------------------------------------------------

    def create(
        self,
        key_hash: str,
        prefix: str,
        site_id: int,
        site_url: str,
        rate_per_minute: int = 0,
        monthly_limit: int = 0,
    ) -> int:
        """Store a new key's hash and return its id."""

    def by_hash(self, key_hash: str) -> ApiKeyRecord | None:
        """The key with this hash, revoked or not."""

    def all(self) -> list[ApiKeyRecord]:
        """Every key, oldest first."""

    def revoke(self, key_id: int) -> bool:
        """Mark a key revoked; False if it does not exist or was revoked already."""

    # -- usage counters --------------------------------------------------------

    def add_usage(self, increments: Mapping[UsageKey, Mapping[str, int]]) -> None:
        """Add counts to the usage rows in one transaction; ``StoreUnavailable`` if it fails."""

    def usage(self, key_id: int, month: str) -> list[UsageRow]:
        """Every blog's counters for a key and month, busiest first."""

    def monthly_totals(self, key_id: int, blog: str, since: str) -> dict[str, dict[str, int]]:
        """A key's counters per month from ``since`` (``YYYY-MM``) on, for one blog."""

    def calls_in_month(self, key_id: int, month: str) -> int:
        """Total API calls of a key in a month, over all blogs."""
