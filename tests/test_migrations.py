"""Migrations: every earlier revision upgrades with its data intact, and models == migrations.

Each test starts from an empty database (SQLite, then PostgreSQL), migrates it
to an earlier revision, fills every table that revision has with rows shaped
like real ones (inserted through the tables reflected from that database, not
through today's models), upgrades to the newest revision, and checks that the
rows are all still there and that the application works on the result.
"""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, Table, insert, select

import causerie.store.apikeys
import causerie.store.moderation
import causerie.store.privacy  # noqa: F401  (their tables join the metadata)
from causerie.store.comments import SqlCommentStore
from causerie.store.database import (
    HEAD_REVISION,
    _alembic_config,
    create_database_engine,
    current_revision,
    upgrade,
)
from causerie.store.schema import metadata

NOW = 1_764_403_200.0

# Rows per table, in insertion order; a revision fills the tables it has.
ROWS: dict[str, list[dict[str, Any]]] = {
    "meta": [{"key": "secret", "value": "s3cr3t"}],
    "sites": [
        {"id": 1, "name": "default", "title": "Le Journal", "settings": "{}", "created": NOW}
    ],
    "threads": [
        {
            "id": 1,
            "site_id": 1,
            "uri": "/2026/tram",
            "title": "Tram",
            "closed": False,
            "created": NOW,
        }
    ],
    "comments": [
        {
            "id": 1,
            "thread_id": 1,
            "parent_id": None,
            "root_id": None,
            "state": "approved",
            "author": "Samira",
            "email": "samira@example.org",
            "website": None,
            "text": "Bonne analyse",
            "text_hash": "abcd",
            "html": "<p>Bonne analyse</p>",
            "lang": "fr",
            "created": NOW,
            "modified": None,
            "likes": 1,
            "dislikes": 0,
            "spam_score": 0.01,
            "spam_verdict": "ham",
            "spam_reasons": "[]",
            "ip_hash": "9f" * 16,
            "ip_prefix": "203.0.113.0/24",
            "user_agent": "Firefox",
            "author_key": "ak" * 16,
            "notify": True,
            "pinned": False,
            "by_site": False,
        }
    ],
    "votes": [{"comment_id": 1, "voter": "v" * 32, "value": 1, "created": NOW}],
    "spam_learning": [
        {
            "id": 1,
            "site": "default",
            "is_spam": False,
            "sample": '{"content": "Bonne analyse"}',
            "source": "moderator",
            "created": NOW,
        }
    ],
    "users": [
        {
            "id": 1,
            "email": "admin@news.example",
            "role": "admin",
            "password_hash": "$argon2id$x",
            "failed_logins": 0,
            "locked_until": None,
            "created": NOW,
        }
    ],
    "user_sites": [{"user_id": 1, "site_id": 1}],
    "sessions": [{"id": "h" * 64, "user_id": 1, "csrf": "c", "created": NOW, "expires": NOW + 1}],
    "audit_log": [
        {
            "id": 1,
            "user_id": 1,
            "actor": "admin@news.example",
            "site": "default",
            "action": "approve",
            "comment_id": 1,
            "thread_id": 1,
            "batch": "b1",
            "detail": '{"before": {"state": "pending"}}',
            "undone": False,
            "created": NOW,
        }
    ],
    "blocks": [
        {
            "id": 1,
            "site_id": 1,
            "kind": "ip_range",
            "value": "198.51.100.0/24",
            "note": "",
            "created": NOW,
            "expires": None,
            "created_by": "admin@news.example",
        }
    ],
    "decisions": [
        {
            "id": 1,
            "site_id": 1,
            "comment_id": 1,
            "filter_spam": False,
            "moderator_spam": False,
            "batch": "b1",
            "created": NOW,
        }
    ],
    "api_keys": [
        {
            "id": 1,
            "key_hash": "k" * 64,
            "prefix": "abcd1234",
            "site_id": 1,
            "site_url": "https://news.example",
            "rate_per_minute": 0,
            "monthly_limit": 0,
            "created": NOW,
            "revoked": None,
        }
    ],
    "api_usage": [
        {
            "key_id": 1,
            "month": "2026-11",
            "blog": "https://news.example",
            "api_calls": 3,
            "spam": 1,
            "ham": 2,
            "missed_spam": 0,
            "false_positives": 0,
        }
    ],
    "privacy_requests": [
        {
            "id": 1,
            "kind": "erase",
            "via": "email",
            "site": "default",
            "email_hash": "e" * 32,
            "email": None,
            "lang": "fr",
            "status": "done",
            "items": 2,
            "created": NOW,
            "completed": NOW + 60,
        }
    ],
    "subscriptions": [
        {"id": 1, "comment_id": 1, "author_key": "ak" * 16, "created": NOW, "confirmed": NOW}
    ],
    "identities": [
        {
            "id": 1,
            "site_id": 1,
            "method": "oidc",
            "issuer": "https://id.example",
            "subject": "248289761001",
            "name": "Samira",
            "name_skeleton": "samira",
            "email": None,
            "subscriber": False,
            "blocked": False,
            "created": NOW,
            "last_seen": NOW,
        }
    ],
    "reader_sessions": [{"id": "r" * 64, "identity_id": 1, "created": NOW, "expires": NOW + 1}],
    "signin_challenges": [
        {
            "id": "s" * 64,
            "site_id": 1,
            "kind": "oidc",
            "secret_hash": "",
            "data": '{"nonce": "n"}',
            "attempts": 0,
            "created": NOW,
            "expires": NOW + 600,
        }
    ],
    "outbox": [
        {
            "id": 1,
            "uid": "u" * 32,
            "channel": "email",
            "site_id": 1,
            "payload": '{"to": "samira@example.org", "subject": "Réponse", "text": "…"}',
            "dedup_key": None,
            "state": "pending",
            "attempts": 1,
            "created": NOW,
            "not_before": NOW + 10,
            "lease_until": None,
            "worker": None,
            "finished": None,
            "last_error": "connection refused",
            "last_status": None,
            "last_duration_ms": 12.5,
        }
    ],
    "outbox_leases": [{"name": "outbox", "holder": "host:1:ab", "expires": NOW + 60}],
    "webhooks": [
        {
            "id": 1,
            "site_id": 1,
            "url": "https://hooks.news.example/causerie",
            "secret": "whsec_new",
            "previous_secret": "whsec_old",
            "previous_until": NOW + 86400,
            "events": '["comment.created"]',
            "personal_data": False,
            "allow_private": False,
            "active": True,
            "created": NOW,
        }
    ],
    "moderator_alerts": [
        {
            "user_id": 1,
            "site_id": 1,
            "mode": "digest",
            "digest_minutes": 30,
            "quiet_start": 22 * 60,
            "quiet_end": 7 * 60,
            "timezone": "Europe/Paris",
            "lang": "fr",
        }
    ],
    "import_sources": [
        {
            "site_id": 1,
            "format": "wordpress",
            "source_id": "4711",
            "comment_id": 1,
            "parent_source_id": None,
            "run": "c0ffee" * 5,
            "detail": '{"akismet": {"akismet_result": "false"}}',
        }
    ],
    "import_runs": [
        {"run": "c0ffee" * 5, "site": "s", "format": "wordpress", "started": NOW, "touched": NOW}
    ],
    "import_staging_threads": [
        {"run": "c0ffee" * 5, "key": 1, "uri": "/a", "title": "A", "closed": False, "created": NOW}
    ],
    "import_staging": [
        {
            "run": "c0ffee" * 5,
            "seq": 1,
            "thread": 1,
            "source_id": "4712",
            "parent_source_id": "4711",
            "parent_seq": None,
            "parent_id": 1,
            "root_seq": None,
            "root_id": 1,
            "detail": "{}",
            "state": "approved",
            "author": "Samira",
            "email": None,
            "website": None,
            "text": "Merci",
            "text_hash": None,
            "html": "<p>Merci</p>",
            "lang": "fr",
            "created": NOW,
            "modified": None,
            "likes": 0,
            "dislikes": 0,
            "spam_score": 0.0,
            "spam_verdict": "ham",
            "spam_reasons": "[]",
            "ip_hash": None,
            "ip_prefix": None,
            "user_agent": None,
            "author_key": None,
            "notify": False,
            "pinned": False,
            "by_site": False,
        }
    ],
    "reports": [
        {
            "id": 1,
            "comment_id": 1,
            "reporter": "5be1" * 8,
            "reason": "abuse",
            "text": None,
            "status": "open",
            "created": NOW,
            "resolved": None,
        }
    ],
    "reader_rules": [
        {
            "site_id": 1,
            "reader": "9f2c" * 8,
            "suspended_until": NOW + 7 * 86400,
            "message": "Restez courtois.",
            "banned": False,
            "premod": True,
            "updated": NOW,
            "updated_by": "ines@news.example",
        }
    ],
}


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(_alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


EARLIER = _revisions()[:-1]


def _upgrade_to(engine: Engine, revision: str) -> None:
    cfg = _alembic_config()
    with engine.connect() as conn:
        conn.info["write"] = True
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()


def _reflected(engine: Engine) -> MetaData:
    meta = MetaData()
    meta.reflect(engine)
    return meta


def _fill(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Insert ROWS into every table this database has; return what went in."""
    meta = _reflected(engine)
    filled = {}
    with engine.begin() as conn:
        for name, rows in ROWS.items():
            table = meta.tables.get(name)
            if table is not None:
                conn.execute(insert(table), rows)
                filled[name] = rows
    return filled


def _rows(engine: Engine, table: Table) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(table))]


def test_every_revision_but_the_last_is_tested_and_every_table_has_rows() -> None:
    assert EARLIER and _revisions()[-1] == HEAD_REVISION
    # A new table needs rows here, so that the next migration is tested with data in it.
    assert set(ROWS) == set(metadata.tables)


@pytest.mark.parametrize("revision", EARLIER)
def test_upgrade_from_an_earlier_revision_keeps_its_data(
    empty_database_url: str, revision: str
) -> None:
    engine = create_database_engine(empty_database_url)
    try:
        _upgrade_to(engine, revision)
        assert current_revision(engine) == revision
        filled = _fill(engine)
        assert "comments" in filled  # every revision has comments
        upgrade(engine)
        assert current_revision(engine) == HEAD_REVISION
        meta = _reflected(engine)
        for name, rows in filled.items():
            found = _rows(engine, meta.tables[name])
            assert len(found) == len(rows), name
            for expected, got in zip(rows, found, strict=True):
                assert {k: got[k] for k in expected} == expected, name
        # The application works on the upgraded database.
        store = SqlCommentStore(engine)
        comment = store.comment(1)
        assert comment is not None and comment.text == "Bonne analyse"
        site = store.site("default")
        assert site is not None and store.counts(site.id, ["/2026/tram"]) == {"/2026/tram": 1}
    finally:
        engine.dispose()


def _plain_default(rendered: str | None) -> str | None:
    if rendered is None:
        return None
    value = rendered.strip()
    while value.startswith("(") and value.endswith(")"):
        value = value[1:-1].strip()
    return value.strip("'\"")


def _same_default(
    context: Any,
    inspected_column: Any,
    metadata_column: Any,
    inspected_default: str | None,
    metadata_default: Any,
    rendered_metadata_default: str | None,
) -> bool | None:
    """Alembic's SQLite comparison misreads an empty-string default (DEFAULT ''); this does not."""
    if context.dialect.name != "sqlite":
        return None  # Alembic's own comparison
    return _plain_default(inspected_default) != _plain_default(rendered_metadata_default)


def test_models_and_migrations_describe_the_same_schema(empty_database_url: str) -> None:
    engine = create_database_engine(empty_database_url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": _same_default}
            )
            differences = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert differences == []
