"""A large import on a live SQLite site, for real: ``causerie import`` in its own process.

While it stages, readers' comments posted to a ``causerie serve`` process go
through; killed with SIGKILL half-way, it leaves nothing visible, and running
it again imports every comment once. (Timings go to bench/import_speed.py and
docs/migrating.md; the only bound here is "answered while the import still
ran".)
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from causerie.store import schema as t
from causerie.store.database import create_database_engine
from causerie.store.imports import STALE, SqlImportStore
from tests.conftest import TEST_SECRET, LiveServer

BENCH = Path(__file__).resolve().parents[2] / "bench" / "wxr_corpus.py"


def _corpus(path: Path, comments: int) -> int:
    """Write the benchmark's synthetic WXR; return how many comments it imports (no pingbacks)."""
    spec = importlib.util.spec_from_file_location("wxr_corpus", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.make(path, comments=comments)
    return path.read_text(encoding="utf-8").count("<wp:comment_type></wp:comment_type>")


def _start_import(url: str, path: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CAUSERIE_DATABASE_URL": url,
        "CAUSERIE_SECRET": TEST_SECRET,
        "CAUSERIE_SPAM_FILTER": "false",
    }
    cmd = [sys.executable, "-m", "causerie", "import", "wordpress", str(path), "--site", "default"]
    return subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def _count(url: str, table: t.Table, *where: object) -> int:
    engine = create_database_engine(url)
    try:
        with engine.connect() as conn:
            query = select(func.count()).select_from(table).where(*where)  # type: ignore[arg-type]
            return int(conn.scalar(query) or 0)
    finally:
        engine.dispose()


def _wait_until_staging(url: str, process: subprocess.Popen[bytes], rows: int) -> int:
    """Wait until the import has staged ``rows`` comments (it is then mid-way)."""
    while process.poll() is None:
        staged = _count(url, t.import_staging)
        if staged >= rows:
            return staged
        time.sleep(0.05)
    pytest.fail(f"the import ended (code {process.returncode}) before staging {rows} rows")


def _summary(log: Path) -> dict[str, int]:
    summary: dict[str, int] = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    return summary


def test_a_killed_import_leaves_nothing_and_a_rerun_imports_everything_once(
    sqlite_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "export.xml"
    expected = _corpus(source, comments=30_000)
    process = _start_import(sqlite_url, source, tmp_path / "killed.log")
    staged = _wait_until_staging(sqlite_url, process, 6000)
    process.send_signal(signal.SIGKILL)
    assert process.wait(30) == -signal.SIGKILL
    assert 0 < staged < expected
    for table in (t.comments, t.threads, t.import_sources):
        assert _count(sqlite_url, table) == 0, table.name

    for log_name, imported in (("rerun.log", expected), ("again.log", 0)):
        log = tmp_path / log_name
        assert _start_import(sqlite_url, source, log).wait(600) == 0, log.read_text()
        assert _summary(log)["comments"] == imported
    assert _count(sqlite_url, t.comments) == expected
    assert _count(sqlite_url, t.import_sources) == expected  # one source row per source id

    # The killed run's rows stay staged (and invisible) until they are STALE seconds old.
    assert _count(sqlite_url, t.import_staging) == staged
    engine = create_database_engine(sqlite_url)
    try:
        later = SqlImportStore(engine, clock=lambda: time.time() + STALE + 1)
        assert later.purge_staging() == 1
    finally:
        engine.dispose()
    for table in (t.import_staging, t.import_staging_threads, t.import_runs):
        assert _count(sqlite_url, table) == 0, table.name


def test_readers_comment_while_a_large_import_runs(
    sqlite_url: str, tmp_path: Path, live_server: Callable[..., LiveServer]
) -> None:
    source = tmp_path / "export.xml"
    expected = _corpus(source, comments=40_000)
    server = live_server(CAUSERIE_DATABASE_URL=sqlite_url)
    log = tmp_path / "import.log"
    process = _start_import(sqlite_url, source, log)
    _wait_until_staging(sqlite_url, process, 2000)
    answered_during_import = 0
    seconds = []
    while process.poll() is None and answered_during_import < 20:
        body = {"uri": "/en-direct", "author": "Samira", "text": f"Bravo {len(seconds)}"}
        started = time.monotonic()
        response = httpx.post(server.url + "/api/comments", json=body, timeout=120)
        seconds.append(time.monotonic() - started)
        assert response.status_code == 201, response.text
        answered_during_import += process.poll() is None
        time.sleep(0.1)
    assert process.wait(600) == 0, log.read_text()
    print(f"{len(seconds)} comments posted, slowest answered in {max(seconds):.2f} s")
    # Under one import-long transaction the first answer came only after the import.
    assert answered_during_import >= 5
    assert _summary(log)["comments"] == expected
    assert _count(sqlite_url, t.comments) == expected + len(seconds)
    public = httpx.get(server.url + "/api/comments", params={"uri": "/en-direct"}, timeout=10)
    assert len(public.json()["comments"]) == len(seconds)
