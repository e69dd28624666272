"""Settings precedence, clear start-up errors, and the core commands."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import inspect

from causerie.config import ConfigError, load_settings
from causerie.store.database import create_database_engine, is_up_to_date, upgrade


def test_defaults_then_toml_then_environment(tmp_path: Path) -> None:
    assert load_settings(environ={}).database_url == "sqlite:///causerie.db"
    config = tmp_path / "c.toml"
    config.write_text(
        'port = 9000\nallowed_origins = ["https://a.example"]\nmoderation = "hold_all"\n'
    )
    from_file = load_settings(config, environ={})
    assert (from_file.port, from_file.allowed_origins, from_file.moderation) == (
        9000,
        ("https://a.example",),
        "hold_all",
    )
    env = {
        "CAUSERIE_PORT": "9100",
        "CAUSERIE_ALLOWED_ORIGINS": "https://b.example, https://c.example",
    }
    both = load_settings(config, environ=env)
    assert both.port == 9100
    assert both.allowed_origins == ("https://b.example", "https://c.example")
    assert both.moderation == "hold_all"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"CAUSERIE_PORT": "huit"}, "CAUSERIE_PORT"),
        ({"CAUSERIE_DATABASE_URL": "mysql://x"}, "database_url"),
        ({"CAUSERIE_MODERATION": "sometimes"}, "moderation"),
        ({"CAUSERIE_ALLOW_ANONYMOUS": "peut-être"}, "CAUSERIE_ALLOW_ANONYMOUS"),
        ({"CAUSERIE_ALLOWED_ORIGINS": "news.example"}, "allowed_origins"),
    ],
)
def test_bad_setting_names_itself(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_settings(environ=env)


def test_unknown_key_in_toml(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("prot = 80\n")
    with pytest.raises(ConfigError, match="prot"):
        load_settings(config, environ={})


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    import os

    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "causerie", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=60,
    )


def test_serve_stops_with_one_line_naming_the_setting(tmp_path: Path) -> None:
    result = run_cli("serve", env={"CAUSERIE_PORT": "huit"}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "CAUSERIE_PORT" in lines[0]


def test_init_writes_a_commented_config_with_a_fresh_secret(tmp_path: Path) -> None:
    first = run_cli("init", "--path", str(tmp_path / "a.toml"))
    second = run_cli("init", "--path", str(tmp_path / "b.toml"))
    assert first.returncode == 0 and second.returncode == 0
    a = (tmp_path / "a.toml").read_text()
    assert a.count("#") > 10
    secret_a = tomllib.loads(a)["secret"]
    secret_b = tomllib.loads((tmp_path / "b.toml").read_text())["secret"]
    assert len(secret_a) >= 32 and secret_a != secret_b
    assert load_settings(tmp_path / "a.toml", environ={}).secret == secret_a
    again = run_cli("init", "--path", str(tmp_path / "a.toml"))
    assert again.returncode == 1 and "exists" in again.stderr


def test_db_upgrade_from_empty(empty_database_url: str) -> None:
    database_url = empty_database_url
    engine = create_database_engine(database_url)
    assert not inspect(engine).get_table_names()
    engine.dispose()
    result = run_cli("db", "upgrade", env={"CAUSERIE_DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    engine = create_database_engine(database_url)
    try:
        assert is_up_to_date(engine)
        tables = set(inspect(engine).get_table_names())
        assert {
            "sites",
            "threads",
            "comments",
            "votes",
            "spam_learning",
            "alembic_version",
        } <= tables
        upgrade(engine)  # a second run is a no-op
        assert is_up_to_date(engine)
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode(sqlite_url: str) -> None:
    engine = create_database_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    finally:
        engine.dispose()


def test_head_revision_constant_matches_the_migrations() -> None:
    from alembic.script import ScriptDirectory

    from causerie.store.database import HEAD_REVISION, _alembic_config

    assert ScriptDirectory.from_config(_alembic_config()).get_current_head() == HEAD_REVISION
