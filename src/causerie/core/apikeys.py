"""API keys for the Akismet-compatible API: issue, verify, revoke, meter.

A new key is 12 lowercase hexadecimal characters: the WordPress plugin
refuses any other length and its settings form strips every character but
0-9 and a-f, and a DNS label must survive lower-casing when clients put the
key in the host name (``<key>.causerie.example``). Keys issued before, 12
lowercase letters and digits, keep working. Only a SHA-256 is kept: 48
random bits cannot be guessed through the API, and a slow password hash would
slow every call down; after a database leak, revoke and reissue the keys.

Verifying a key is on the hot path of every comment-check, so answers are
cached for ``cache_seconds``: a key revoked from another process (the
``causerie key revoke`` command) stops working within that delay.

Usage counters are added up in memory and written once a second by a
background thread (and on shutdown), so a check costs no database write; a
process killed without warning loses at most the last second of counts.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import string
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from causerie.store.contracts import StoreUnavailable
from causerie.store.contracts.apikeys import ApiKeyStore
from causerie.store.contracts.comments import CommentStore
from causerie.store.records import COUNTERS, ApiKeyRecord, UsageKey, UsageRow

log = logging.getLogger("causerie.apikeys")

KEY_LENGTH = 12
# What a key may contain (older keys used every letter); new keys are hex.
KEY_ALPHABET = string.ascii_lowercase + string.digits
PREFIX_LENGTH = 4
_CACHE_LIMIT = 10_000


def new_key() -> str:
    """A fresh random key of 12 lowercase hexadecimal characters."""
    return secrets.token_hex(KEY_LENGTH // 2)


def looks_like_key(value: str) -> bool:
    """True if ``value`` has the shape of a key (it may still be unknown)."""
    value = value.lower()
    return len(value) == KEY_LENGTH and all(c in KEY_ALPHABET for c in value)


def hash_key(key: str) -> str:
    """The SHA-256 (hex) under which a key is stored."""
    return hashlib.sha256(f"causerie-api-key\x00{key.strip().lower()}".encode()).hexdigest()


def current_month(now: float | None = None) -> str:
    """The UTC month of ``now`` as ``YYYY-MM``, the period of the usage counters."""
    return time.strftime("%Y-%m", time.gmtime(time.time() if now is None else now))


def site_for(site: str) -> tuple[str, str]:
    """The site name and URL a ``--site`` value names: a URL's host, or a site name."""
    site = site.strip()
    if "://" in site:
        host = (urlsplit(site).hostname or "").lower()
        if not host:
            raise ValueError(f"{site!r} is not a URL with a host name")
        return host[:64], site.rstrip("/")
    if not site or len(site) > 64:
        raise ValueError("a site name is 1 to 64 characters long")
    return site, ""


class ApiKeys:
    """Issue, look up and revoke keys; each key teaches the filter of one site."""

    def __init__(
        self,
        store: CommentStore,
        keys: ApiKeyStore,
        *,
        cache_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.keys = keys
        self.cache_seconds = cache_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, ApiKeyRecord | None]] = {}

    def create(
        self, site: str, *, rate_per_minute: int = 0, monthly_limit: int = 0
    ) -> tuple[str, ApiKeyRecord]:
        """Issue a key for a site (URL or name); the key is shown only this once."""
        name, url = site_for(site)
        site_record = self.store.ensure_site(name)
        key = new_key()
        self.keys.create(
            hash_key(key),
            key[:PREFIX_LENGTH],
            site_record.id,
            url,
            rate_per_minute=max(rate_per_minute, 0),
            monthly_limit=max(monthly_limit, 0),
        )
        record = self.keys.by_hash(hash_key(key))
        assert record is not None
        return key, record

    def lookup(self, key: str) -> ApiKeyRecord | None:
        """The stored key (revoked or not), or None; cached for a few seconds."""
        if not looks_like_key(key):
            return None
        digest = hash_key(key)
        now = self._clock()
        cached = self._cache.get(digest)
        if cached is not None and cached[0] > now:
            return cached[1]
        record = self.keys.by_hash(digest)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()  # bounded: a flood of random keys cannot grow it
        self._cache[digest] = (now + self.cache_seconds, record)
        return record

    def verify(self, key: str) -> ApiKeyRecord | None:
        """The key if it exists and is not revoked."""
        record = self.lookup(key)
        return record if record is not None and record.revoked is None else None

    def all(self) -> list[ApiKeyRecord]:
        """Every key ever issued, oldest first."""
        return self.keys.all()

    def find(self, ident: str) -> list[ApiKeyRecord]:
        """Keys matching a full key, a numeric id or a prefix of at least 4 characters."""
        ident = ident.strip().lower()
        if looks_like_key(ident):
            record = self.keys.by_hash(hash_key(ident))
            return [record] if record else []
        keys = self.keys.all()
        found: list[ApiKeyRecord] = []
        if ident.isdigit():
            found = [k for k in keys if k.id == int(ident)]
        # Hex keys: a prefix may be all digits ("123456"), so it is tried too.
        if not found and len(ident) >= PREFIX_LENGTH:
            found = [k for k in keys if ident.startswith(k.prefix) or k.prefix.startswith(ident)]
        return found

    def revoke(self, record: ApiKeyRecord) -> bool:
        """Revoke a key; True if it was active."""
        done = self.keys.revoke(record.id)
        self._cache.clear()
        return done

    def usage(self, key_id: int, month: str) -> list[UsageRow]:
        """Per-blog counters of a key for a month."""
        return self.keys.usage(key_id, month)

    def calls_in_month(self, key_id: int, month: str) -> int:
        """How many calls a key made in a month."""
        return self.keys.calls_in_month(key_id, month)

    def stats(self, key_id: int, blog: str, period: str, now: float | None = None) -> KeyStats:
        """A blog's figures over ``all`` time, ``6-months`` or ``60-days`` (whole months)."""
        month = current_month(now)
        since = {
            "6-months": shift_month(month, -5),
            "60-days": current_month((time.time() if now is None else now) - 60 * 86400),
        }.get(period, "")
        monthly = self.keys.monthly_totals(key_id, blog, since)
        first = since or next(iter(monthly), month)
        months: list[str] = []
        while first <= month:
            months.append(first)
            first = shift_month(first, 1)
        empty = dict.fromkeys(COUNTERS, 0)
        return KeyStats([(m, monthly.get(m, empty)) for m in months])


def shift_month(month: str, count: int) -> str:
    """``YYYY-MM`` moved by ``count`` months (negative: back)."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class KeyStats:
    """A key's counters month by month, oldest first, and their totals."""

    months: list[tuple[str, Mapping[str, int]]]

    def total(self, counter: str) -> int:
        """The sum of one counter (``spam``, ``ham``, ``missed_spam`` …) over the months."""
        return sum(row[counter] for _, row in self.months)

    @property
    def accuracy(self) -> float:
        """Per cent of checks not later reported as missed spam or false positive."""
        checked = self.total("spam") + self.total("ham")
        if not checked:
            return 100.0
        wrong = self.total("missed_spam") + self.total("false_positives")
        return round(max(0.0, 100.0 * (1 - wrong / checked)), 2)


class UsageMeter:
    """Counts calls in memory and adds them to the database about once a second."""

    def __init__(self, keys: ApiKeyStore, *, interval: float = 1.0) -> None:
        self.keys = keys
        self.interval = interval
        self._pending: dict[UsageKey, dict[str, int]] = {}
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def count(self, key_id: int, blog: str, **counts: int) -> None:
        """Add to a key's counters for this month (``api_calls=1, spam=1``)."""
        slot: UsageKey = (key_id, current_month(), blog[:255])
        with self._lock:
            row = self._pending.setdefault(slot, dict.fromkeys(COUNTERS, 0))
            for name, value in counts.items():
                row[name] += value
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(
                    target=self._run, name="causerie-usage-meter", daemon=True
                )
                self._thread.start()

    def flush(self) -> None:
        """Write the pending counts now; on failure they are kept for the next try."""
        with self._flush_lock:
            with self._lock:
                pending, self._pending = self._pending, {}
            if not pending:
                return
            try:
                self.keys.add_usage(pending)
            except StoreUnavailable:
                log.exception("could not save API usage counters; retrying in a second")
                with self._lock:
                    for slot, row in pending.items():
                        merged = self._pending.setdefault(slot, dict.fromkeys(COUNTERS, 0))
                        for name, value in row.items():
                            merged[name] += value

    def close(self) -> None:
        """Stop the background writer and write what is left."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(5)
        self.flush()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.flush()


# key-sites ``order`` values and the counter each sorts by (busiest first).
SITES_ORDERS = {
    "total": "api_calls",
    "spam": "spam",
    "ham": "ham",
    "missed_spam": "missed_spam",
    "false_positives": "false_positives",
}


@dataclass(frozen=True)
class SitesQuery:
    """What a key-sites request asks for, with Akismet's defaults."""

    month: str
    url_filter: str
    fmt: str
    order: str
    limit: int
    offset: int

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> SitesQuery | str:
        """The query, or a sentence saying which parameter is wrong."""
        month = params.get("month", "").strip() or current_month()
        if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit():
            return 'Invalid "month" value: expected YYYY-MM'
        fmt = params.get("format", "").strip().lower() or "json"
        order = params.get("order", "").strip().lower() or "total"
        if fmt not in ("json", "csv"):
            return 'Invalid "format" value: expected json or csv'
        if order not in SITES_ORDERS:
            return f'Invalid "order" value: expected one of {", ".join(SITES_ORDERS)}'
        numbers: list[int] = []
        for name, default in (("limit", 500), ("offset", 0)):
            raw = params.get(name, "").strip() or str(default)
            if not raw.isdigit() or len(raw) > 9:
                return f'Invalid "{name}" value: expected a whole number'
            numbers.append(int(raw))
        return cls(month, params.get("filter", "").strip(), fmt, order, *numbers)
