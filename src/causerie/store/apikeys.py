"""API keys of the Akismet-compatible API and their monthly usage counters.

One row of ``api_keys``::

    id=3 key_hash='5e88…' (SHA-256 hex of the 12-character key) prefix='5e0c'
    site_id=2 site_url='https://news.example' rate_per_minute=0 monthly_limit=0
    created=1764403200.5 revoked=None

One row of ``api_usage`` (primary key: key_id, month, blog)::

    key_id=3 month='2026-11' blog='https://news.example' api_calls=2072
    spam=2069 ham=3 missed_spam=0 false_positives=4

The key itself is never stored: only its hash, and four characters to tell
keys apart in ``causerie key list``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import (
    Engine,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from causerie.store.contracts import StoreUnavailable
from causerie.store.database import write_transaction
from causerie.store.records import COUNTERS, ApiKeyRecord, UsageKey, UsageRow
from causerie.store.schema import api_keys, api_usage, sites


class SqlApiKeyStore:
    """Keys and usage counters in the comment database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

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
        values = {
            "key_hash": key_hash,
            "prefix": prefix,
            "site_id": site_id,
            "site_url": site_url,
            "rate_per_minute": rate_per_minute,
            "monthly_limit": monthly_limit,
            "created": time.time(),
        }
        with write_transaction(self.engine) as conn:
            query = insert(api_keys).values(**values).returning(api_keys.c.id)
            return int(conn.execute(query).scalar_one())

    def by_hash(self, key_hash: str) -> ApiKeyRecord | None:
        """The key with this hash, revoked or not."""
        with self.engine.connect() as conn:
            row = conn.execute(_key_query().where(api_keys.c.key_hash == key_hash)).first()
        return _record(row._mapping) if row else None

    def all(self) -> list[ApiKeyRecord]:
        """Every key, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(_key_query().order_by(api_keys.c.id)).all()
        return [_record(r._mapping) for r in rows]

    def revoke(self, key_id: int) -> bool:
        """Mark a key revoked; False if it does not exist or was revoked already."""
        query = (
            update(api_keys)
            .where(api_keys.c.id == key_id, api_keys.c.revoked.is_(None))
            .values(revoked=time.time())
        )
        with write_transaction(self.engine) as conn:
            return conn.execute(query).rowcount == 1

    def add_usage(self, increments: Mapping[UsageKey, Mapping[str, int]]) -> None:
        """Add counts to the usage rows, creating them on first use; one transaction."""
        if not increments:
            return
        try:
            with write_transaction(self.engine) as conn:
                for (key_id, month, blog), counts in increments.items():
                    row = {c: int(counts.get(c, 0)) for c in COUNTERS}
                    conn.execute(self._upsert(key_id, month, blog, row))
        except SQLAlchemyError as exc:
            raise StoreUnavailable(str(exc)) from exc

    def _upsert(self, key_id: int, month: str, blog: str, row: dict[str, int]) -> Any:
        # One atomic statement: concurrent processes add, never overwrite.
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(api_usage).values(key_id=key_id, month=month, blog=blog, **row)
        added = {c: api_usage.c[c] + statement.excluded[c] for c in COUNTERS}
        return statement.on_conflict_do_update(
            index_elements=[api_usage.c.key_id, api_usage.c.month, api_usage.c.blog],
            set_=added,
        )

    def usage(self, key_id: int, month: str) -> list[UsageRow]:
        """Every blog's counters for a key and month, busiest first."""
        query = (
            select(api_usage)
            .where(api_usage.c.key_id == key_id, api_usage.c.month == month)
            .order_by(api_usage.c.api_calls.desc(), api_usage.c.blog)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            UsageRow(**{k: v for k, v in r._mapping.items() if k in _USAGE_FIELDS}) for r in rows
        ]

    def monthly_totals(self, key_id: int, blog: str, since: str) -> dict[str, dict[str, int]]:
        """A key's counters per month from ``since`` (``YYYY-MM``) on, for one blog.

        ``{"2026-11": {"api_calls": 2072, "spam": 2069, …}}``, oldest first.
        ``blog`` is compared with or without a trailing slash; an empty
        ``blog`` sums every blog.
        """
        columns = [func.coalesce(func.sum(api_usage.c[c]), 0).label(c) for c in COUNTERS]
        query = (
            select(api_usage.c.month, *columns)
            .where(api_usage.c.key_id == key_id, api_usage.c.month >= since)
            .group_by(api_usage.c.month)
            .order_by(api_usage.c.month)
        )
        wanted = blog.strip().rstrip("/")
        if wanted:
            query = query.where(api_usage.c.blog.in_([wanted, wanted + "/"]))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return {r.month: {c: int(r._mapping[c]) for c in COUNTERS} for r in rows}

    def calls_in_month(self, key_id: int, month: str) -> int:
        """Total API calls of a key in a month, over all blogs."""
        query = select(func.coalesce(func.sum(api_usage.c.api_calls), 0)).where(
            api_usage.c.key_id == key_id, api_usage.c.month == month
        )
        with self.engine.connect() as conn:
            return int(conn.scalar(query) or 0)


_USAGE_FIELDS = {"blog", *COUNTERS}


def _key_query() -> Any:
    return select(api_keys, sites.c.name.label("site_name")).join(
        sites, sites.c.id == api_keys.c.site_id
    )


def _record(row: Any) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=row["id"],
        prefix=row["prefix"],
        site_id=row["site_id"],
        site_name=row["site_name"],
        site_url=row["site_url"],
        rate_per_minute=row["rate_per_minute"],
        monthly_limit=row["monthly_limit"],
        created=row["created"],
        revoked=row["revoked"],
    )
