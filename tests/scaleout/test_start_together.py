"""Four servers, the outbox worker and ``causerie db upgrade`` started at the same moment
on a new database, twenty times (PostgreSQL): all of them come up, and they agree on one
secret.

Real processes on the real PostgreSQL (and on one SQLite file): before the
migrations were serialised and the secret stored atomically, one server in a
few died at start with ``UniqueViolation … pk_meta`` or a half-made schema.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select

from causerie.store import schema
from causerie.store.database import sqlalchemy_url
from tests.conftest import _create_database, _drop_database, _url_of, free_port

ROUNDS = 20
# On SQLite the writer lock (a lock file) serialises migrations deterministically on one
# host; a few rounds show it, twenty would add minutes to every run of the suite.
SQLITE_ROUNDS = 5
SERVERS = 4


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = log.open("ab")
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "causerie", *args], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    finally:
        out.close()


def _healthy(url: str, process: subprocess.Popen[bytes], deadline: float) -> bool:
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    return False


def _one_round(database_url: str, folder: Path) -> None:
    """Start everything at once; check it all came up and shares one secret."""
    env = {
        **os.environ,
        "CAUSERIE_DATABASE_URL": database_url,
        "CAUSERIE_SPAM_FILTER": "false",
        "CAUSERIE_COMMENTS_PER_MINUTE": "0",
        "CAUSERIE_LOG_LEVEL": "warning",
    }
    env.pop("CAUSERIE_SECRET", None)  # the secret is generated and stored by whoever is first
    ports = [free_port() for _ in range(SERVERS)]
    log = folder / "round.log"
    processes = [
        _start(["serve", "--host", "127.0.0.1", "--port", str(p)], env, log) for p in ports
    ]
    worker = _start(["outbox", "run"], env, log)
    upgrade = _start(["db", "upgrade"], env, log)
    try:
        assert upgrade.wait(60) == 0, log.read_text(errors="replace")[-3000:]
        deadline = time.monotonic() + 60
        urls = [f"http://127.0.0.1:{p}" for p in ports]
        for url, process in zip(urls, processes, strict=True):
            assert _healthy(url, process, deadline), log.read_text(errors="replace")[-3000:]
        assert worker.poll() is None, log.read_text(errors="replace")[-3000:]
        # One secret: a comment posted on one server is edited with its token on another.
        posted = httpx.post(
            f"{urls[0]}/api/comments", json={"uri": "/x", "text": "Premier", "author": "Samira"}
        ).json()
        edited = httpx.patch(
            f"{urls[-1]}/api/comments/{posted['id']}",
            json={"text": "Corrigé"},
            headers={"Authorization": f"Bearer {posted['edit_token']}"},
        )
        assert edited.status_code == 200, edited.text
    finally:
        for process in [*processes, worker, upgrade]:
            if process.poll() is None:
                process.terminate()
        for process in [*processes, worker, upgrade]:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
    engine = create_engine(sqlalchemy_url(database_url))
    try:
        with engine.connect() as conn:
            secrets = conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == "secret"))
            assert len(secrets.all()) == 1
            assert [s.name for s in conn.execute(select(schema.sites.c.name))] == ["default"]
    finally:
        engine.dispose()
    assert "Traceback" not in log.read_text(errors="replace"), log.read_text()[-3000:]


@pytest.fixture
def fresh_postgres(postgres_server: str) -> Iterator[Callable[[], str]]:
    """A maker of empty PostgreSQL databases, all dropped at the end."""
    made: list[str] = []

    def make() -> str:
        made.append(_create_database(postgres_server))
        return _url_of(postgres_server, made[-1])

    yield make
    for name in made:
        _drop_database(postgres_server, name)


@pytest.mark.postgres
@pytest.mark.timeout(1200)  # twenty rounds of six processes starting on a shared machine
def test_servers_worker_and_upgrade_start_together_on_new_postgresql(
    fresh_postgres: Callable[[], str], tmp_path: Path
) -> None:
    for round_ in range(ROUNDS):
        folder = tmp_path / f"round-{round_}"
        folder.mkdir()
        _one_round(fresh_postgres(), folder)


@pytest.mark.timeout(600)
def test_servers_worker_and_upgrade_start_together_on_a_new_sqlite_file(tmp_path: Path) -> None:
    for round_ in range(SQLITE_ROUNDS):
        folder = tmp_path / f"round-{round_}"
        folder.mkdir()
        _one_round(f"sqlite:///{folder / 'new.db'}", folder)
