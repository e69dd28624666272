"""Shared fixtures: real SQLite files, the real PostgreSQL, real server processes.

- ``database_url`` is parametrised over SQLite and PostgreSQL: tests that take
  it run on both. PostgreSQL tests skip with a reason when the server is absent,
  except under ``CI=true``, where an absent server is a failure.
- ``make_client(**settings)`` builds the app in-process (Starlette TestClient).
- ``live_server(**settings)`` runs ``causerie serve`` as a real process.
- ``leaves_nothing_behind`` (tests/hygiene.py) fails the run if it leaves a
  process running or a file of the checkout changed.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from causerie.app import create_app
from causerie.config import Settings
from causerie.store.database import create_database_engine, upgrade
from tests.hygiene import leaves_nothing_behind  # noqa: F401  (a session-wide check)

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_BASE = os.environ.get(
    "CAUSERIE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("CAUSERIE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TEST_SECRET = "test-secret-0123456789abcdef0123456789"
CHROMIUM = os.environ.get("CAUSERIE_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


# The files that take minutes each (real processes started again and again, browsers,
# WordPress, the OpenAPI fuzzing), longest first. They run before the others: `make test`
# hands whole files to two pytest-xdist processes in this order (--no-loadscope-reorder),
# and a long file handed out last would leave the other process idle while it ends.
# A file missing here still runs; it may only end the run later.
LONG_FILES = (
    "tests/scaleout/test_start_together.py",
    # In-process work next, beside the bursts of six processes starting at once: the
    # files that start servers of their own (WordPress below) wait their turn.
    "tests/fuzz/test_openapi_fuzz.py",
    "tests/test_hostile_input.py",
    "tests/moderation/test_desk_frame_browser.py",
    "tests/importers/test_staging.py",
    "tests/moderation/test_desk_queue_browser.py",
    "tests/moderation/test_toxicity_browser.py",
    "tests/test_migrations.py",
    "tests/wordpress/test_akismet_plugin.py",
    "tests/identity/test_sso_and_policy.py",
    "tests/test_api_comments.py",
    "tests/akismet/test_real_clients.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the files of ``LONG_FILES`` first, in its order; the rest keep theirs.

    Under pytest-xdist, refuse tests that share an id: xdist runs none of them and
    says nothing (schemathesis's tests do; the Makefile runs that file apart).
    """
    if os.environ.get("PYTEST_XDIST_WORKER"):
        ids = Counter(item.nodeid for item in items)
        shared = sorted(nodeid for nodeid, count in ids.items() if count > 1)
        if shared:
            message = (
                f"tests sharing an id never run under pytest-xdist: {shared[:3]}; "
                "run their file in a pytest of its own (-p no:xdist), as the Makefile does"
            )
            # The worker's error reaches the terminal only as its crash: say why first.
            print(message, file=sys.stderr, flush=True)
            raise pytest.UsageError(message)
    rank = {name: i for i, name in enumerate(LONG_FILES)}
    items.sort(key=lambda item: rank.get(item.nodeid.partition("::")[0], len(LONG_FILES)))


def _unavailable(what: str, reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} is required in CI but unavailable: {reason}")
    pytest.skip(f"{what} unavailable: {reason}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium per module (skip without it, fail in CI).

    Playwright's sync API keeps an event loop running while it is open, so it
    must close before other modules run their own loops (asyncio.run, other
    browsers); a session-wide browser broke them.
    """
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        _unavailable("Chromium", f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def axe() -> Path:
    """axe-core's script, to inject into pages (skip without it, fail in CI)."""
    if not AXE.is_file():
        _unavailable("axe-core", f"{AXE} is missing (npm install)")
    return AXE


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The base URL of a reachable PostgreSQL server (skip or fail otherwise)."""
    try:
        import psycopg

        with psycopg.connect(POSTGRES_BASE, connect_timeout=3) as conn:
            conn.execute("select 1")
    except Exception as exc:  # any failure to connect means "no server here"
        _unavailable("PostgreSQL", str(exc).strip().splitlines()[0])
    yield POSTGRES_BASE


def _create_database(server: str, template: str | None = None) -> str:
    import psycopg

    name = "causerie_test_" + secrets.token_hex(6)
    clause = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{clause}')
    return name


def _drop_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _url_of(server: str, name: str) -> str:
    return f"{server.rpartition('/')[0]}/{name}"


def _migrate(url: str) -> None:
    engine = create_database_engine(url)
    try:
        upgrade(engine)
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> Iterator[str]:
    """A migrated database that each test's database is copied from (fast)."""
    name = _create_database(postgres_server)
    _migrate(_url_of(postgres_server, name))
    yield name
    _drop_database(postgres_server, name)


@pytest.fixture
def postgres_url(postgres_server: str, postgres_template: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for one test, dropped afterwards."""
    name = _create_database(postgres_server, postgres_template)
    yield _url_of(postgres_server, name)
    _drop_database(postgres_server, name)


@pytest.fixture
def empty_postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh PostgreSQL database with no tables at all."""
    name = _create_database(postgres_server)
    yield _url_of(postgres_server, name)
    _drop_database(postgres_server, name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test's database is copied from (fast)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def redis_url() -> str:
    """The URL of a reachable Redis server (skip or fail otherwise)."""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:  # any failure to connect means "no server here"
        _unavailable("Redis", str(exc))
    return REDIS_URL


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """A fresh, migrated database of each kind: a SQLite file, then PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database of each kind without any table (for migration tests)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    url: str = request.getfixturevalue("empty_postgres_url")
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated SQLite database file."""
    path = tmp_path / "causerie.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


def test_settings(database_url: str, **overrides: Any) -> Settings:
    """Settings for tests: no rate limit, no spam model unless asked, fixed secret."""
    base = Settings(
        database_url=database_url,
        secret=TEST_SECRET,
        comments_per_minute=0,
        spam_filter=False,
        toxicity_filter=False,
        sqlite_synchronous="NORMAL",
        allowed_origins=("https://news.example",),
    )
    return replace(base, **overrides)


MakeClient = Callable[..., TestClient]


def client_factory(database_url: str) -> Iterator[MakeClient]:
    """Yield a maker of in-process clients on one database; close them all afterwards."""
    clients: list[TestClient] = []

    def make(ip: str = "203.0.113.10", **overrides: Any) -> TestClient:
        app = create_app(test_settings(database_url, **overrides))
        client = TestClient(app, client=(ip, 50000), raise_server_exceptions=False)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
        runtime = client.app.state.runtime  # type: ignore[attr-defined]
        runtime.outbox.stop()  # its thread would outlive the test's database
        runtime.engine.dispose()


@pytest.fixture
def make_client(database_url: str) -> Iterator[MakeClient]:
    """Build in-process clients of an app on the parametrised database."""
    yield from client_factory(database_url)


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    """A client of an app with test settings on the parametrised database."""
    return make_client()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A ``causerie serve`` process."""

    url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    log_path: Path

    def kill(self) -> None:
        """SIGKILL: no chance to flush or clean up."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        """A clean stop (SIGTERM)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def start_server(
    env_overrides: dict[str, str], log_path: Path, port: int | None = None
) -> LiveServer:
    """Start ``causerie serve`` and wait until /health answers."""
    port = port or free_port()
    env = {
        **os.environ,
        "CAUSERIE_SECRET": TEST_SECRET,
        "CAUSERIE_COMMENTS_PER_MINUTE": "0",
        "CAUSERIE_LOG_LEVEL": "warning",
        # A test that turns the spam model off wants no model: the toxicity one follows.
        "CAUSERIE_TOXICITY_FILTER": env_overrides.get("CAUSERIE_SPAM_FILTER", "true"),
        **env_overrides,
    }
    cmd = [sys.executable, "-m", "causerie", "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = log_path.open("ab")
    process = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    # A guard against a server that never comes up, not a speed check: a busy machine
    # (another test process starting six servers at once) took over 30 s.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return LiveServer(url, process, env, log_path)
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server did not start: {log_path.read_text(errors='replace')[-2000:]}")


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start real server processes; each is stopped at the end of the test."""
    servers: list[LiveServer] = []

    def start(**env: str) -> LiveServer:
        env.setdefault("CAUSERIE_DATABASE_URL", f"sqlite:///{tmp_path / 'live.db'}")
        server = start_server(env, tmp_path / f"server-{len(servers)}.log")
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def set_comment_columns(engine: Any, comment_id: int, **values: object) -> None:
    """Test setup only: write columns of a comment directly (a state the API cannot reach)."""
    from sqlalchemy import update

    from causerie.store import schema

    with engine.begin() as conn:
        conn.execute(
            update(schema.comments).where(schema.comments.c.id == comment_id).values(**values)
        )
