"""API keys: shape, hashed storage, lookup, revocation, the CLI and the migration."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from fastapi import FastAPI
from sqlalchemy import inspect, select

from causerie.cli import main
from causerie.core.apikeys import KEY_ALPHABET, looks_like_key, site_for
from causerie.store.apikeys import api_keys
from causerie.store.database import _alembic_config, create_database_engine


def test_keys_are_12_characters_and_stored_only_hashed(akismet_app: FastAPI) -> None:
    keys = akismet_app.state.runtime.api_keys
    issued = {keys.create("https://news.example/")[0] for _ in range(20)}
    assert len(issued) == 20
    assert all(len(k) == 12 and set(k) <= set(KEY_ALPHABET) for k in issued)
    with akismet_app.state.runtime.engine.connect() as conn:
        stored = [tuple(r) for r in conn.execute(select(api_keys)).all()]
    dump = repr(stored)
    assert not any(k in dump for k in issued)
    key, record = keys.create("https://News.Example/path")
    assert (record.site_name, record.site_url) == ("news.example", "https://News.Example/path")
    assert keys.verify(key.upper()) == record, "DNS lower-cases host names; so do keys"
    assert akismet_app.state.runtime.store.site("news.example") is not None


def test_find_and_revoke(akismet_app: FastAPI) -> None:
    keys = akismet_app.state.runtime.api_keys
    key, record = keys.create("blog-two")
    assert record.site_name == "blog-two" and record.site_url == ""
    assert keys.find(key) == [record]
    assert keys.find(str(record.id)) == [record]
    assert keys.find(key[:6]) == [record]
    assert keys.find("ab") == []
    assert keys.revoke(record) and not keys.revoke(record)
    assert keys.verify(key) is None and keys.lookup(key) is not None


def test_a_prefix_of_digits_is_a_prefix_too(
    akismet_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hex keys start with six digits about one time in sixteen: such a prefix
    # was read as an id alone and found nothing.
    import causerie.core.apikeys as apikeys

    monkeypatch.setattr(apikeys.secrets, "token_hex", lambda n: "123456abcdef"[: 2 * n])
    keys = akismet_app.state.runtime.api_keys
    key, record = keys.create("blog-digits")
    assert key.startswith("123456")
    assert keys.find("123456") == [record]


@pytest.mark.parametrize("bad", ["", "https://", "x" * 65])
def test_bad_site_values(bad: str) -> None:
    with pytest.raises(ValueError):
        site_for(bad)


def test_key_shape() -> None:
    assert looks_like_key("abcdef123456") and looks_like_key("ABCDEF123456")
    assert not looks_like_key("abcdef12345") and not looks_like_key("abcdef-23456")


def test_cli_create_list_revoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAUSERIE_DATABASE_URL", f"sqlite:///{tmp_path / 'keys.db'}")
    runner = CliRunner()
    created = runner.invoke(main, ["key", "create", "--site", "https://news.example"])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[0]
    assert looks_like_key(key)
    listing = runner.invoke(main, ["key", "list"]).output
    assert "news.example" in listing and key[:4] in listing and key not in listing
    assert runner.invoke(main, ["key", "revoke", "nope"]).exit_code == 1
    revoked = runner.invoke(main, ["key", "revoke", key])
    assert revoked.exit_code == 0 and "revoked key #1" in revoked.output
    assert "already revoked" in runner.invoke(main, ["key", "revoke", "1"]).output
    bad = runner.invoke(main, ["key", "create", "--site", "https://"])
    assert bad.exit_code == 2


def test_migration_downgrades_and_upgrades(database_url: str) -> None:
    engine = create_database_engine(database_url)
    cfg = _alembic_config()
    try:
        for target, present in (("head", True), ("0002", False), ("head", True)):
            with engine.connect() as conn:
                cfg.attributes["connection"] = conn
                (command.upgrade if present else command.downgrade)(cfg, target)
                conn.commit()
            tables = set(inspect(engine).get_table_names())
            assert ({"api_keys", "api_usage"} <= tables) is present
    finally:
        engine.dispose()
