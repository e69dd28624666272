"""Import speed on SQLite, one process: ``python bench/import_speed.py [--comments 100000]``.

Generates a WordPress export (bench/wxr_corpus.py), imports it into a fresh
SQLite file with the same code path as ``causerie import wordpress``, and
prints comments per second for the whole import (parse, convert, sanitise,
hash, stage, thread, publish), by the clock and per second of CPU used (the
second is the figure for "one core" on a machine other work shares), and how
long the import held SQLite's write lock at once, as another writer taking
the lock every 50 ms waited for it (a reader's comment waits that long at
most): the longest wait, the 99th percentile and the median, over the whole
import and during the publish alone (short transactions of whole threads);
and the longest write transaction of each step, timed inside the import (the
other writer's waits also hold its own scheduling on a busy machine: it
shares the interpreter with the import).
Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import wxr_corpus
from sqlalchemy import event

from causerie.importers import wordpress
from causerie.importers.writer import ImportOptions, ImportService
from causerie.store import import_publish, import_staging
from causerie.store.database import create_database_engine, upgrade
from causerie.store.imports import SqlImportStore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--publish-chunk", type=int, default=import_publish.PUBLISH_CHUNK, help="comments"
    )
    args = parser.parse_args()
    import_publish.PUBLISH_CHUNK = args.publish_chunk
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "export.xml"
        total = wxr_corpus.make(source, comments=args.comments)
        size = source.stat().st_size / 1e6
        chunk = args.publish_chunk
        print(f"corpus: {total:,} comments, {size:.1f} MB of WXR; publish chunk {chunk:,}")
        rates = []
        for round_ in range(1, args.rounds + 1):
            db = Path(folder) / f"round{round_}.db"
            engine = create_database_engine(f"sqlite:///{db}", sqlite_synchronous="FULL")
            upgrade(engine)
            held = _watch_write_locks(engine)
            writer = _Writer(db)
            writer.start()
            service = ImportService(SqlImportStore(engine), "bench-secret")
            publishing = _watch_publish()
            started, cpu = time.perf_counter(), time.process_time()
            summary = service.run(ImportOptions("bench", "wordpress"), wordpress.read(source))
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            writer.stop.set()
            writer.join()
            engine.dispose()
            rates.append((summary.comments / seconds, summary.comments / cpu))
            print(
                f"round {round_}: {summary.comments:,} comments, {summary.replies:,} replies, "
                f"{summary.skipped:,} skipped in {seconds:.1f} s ({cpu:.1f} s of CPU) = "
                f"{rates[-1][0]:,.0f} comments/s, {rates[-1][1]:,.0f} per CPU second"
            )
            print("  another writer, every 50 ms: " + _waits(writer.waits))
            print("  of which during the publish:  " + _waits(writer.during(publishing)))
            print("  the import's longest write transactions (the writer lock held):")
            for step, times in sorted(held.items(), key=lambda kv: -max(kv[1])):
                print(f"    {step:<10} at most {max(times):.3f} s, {len(times):,} transactions")
        wall, per_cpu = max(r[0] for r in rates), max(r[1] for r in rates)
        print(f"load average during the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of this process: {peak:.0f} MB")
        figures = {"comments": total, "mb": round(size, 1), "comments_per_s": round(wall)}
        print(json.dumps({**figures, "comments_per_cpu_s": round(per_cpu)}))


def _waits(waits: list[float]) -> str:
    if not waits:
        return "no write"
    ordered = sorted(waits)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"waited at most {ordered[-1]:.3f} s, p99 {p99 * 1000:.0f} ms, "
        f"median {ordered[len(ordered) // 2] * 1000:.1f} ms ({len(ordered):,} writes)"
    )


# Which step of the import a write transaction belongs to, by the function that opened it.
_STEPS = {
    "add_comments": "staging",
    "link_replies": "threading",
    "publish": "publishing",
    "discard": "clean-up",
}


def _watch_write_locks(engine: Any) -> dict[str, list[float]]:
    """Seconds each write transaction of the import held SQLite's writer lock, by step."""
    held: dict[str, list[float]] = {}
    begun: dict[int, tuple[float, str]] = {}

    def began(conn: Any) -> None:
        if conn.info.get("holds_write_lock"):
            names = {frame.name for frame in traceback.extract_stack(limit=14)}
            step = next((v for k, v in _STEPS.items() if k in names), "other")
            begun[id(conn)] = (time.perf_counter(), step)

    def ended(conn: Any) -> None:
        found = begun.pop(id(conn), None)
        if found is not None:
            held.setdefault(found[1], []).append(time.perf_counter() - found[0])

    event.listen(engine, "begin", began)  # after the engine's own: the lock is taken
    event.listen(engine, "commit", ended)
    event.listen(engine, "rollback", ended)
    return held


def _watch_publish() -> list[float]:
    """[start, end] of the publish, filled in as the import runs it (perf_counter)."""
    span: list[float] = []
    original = import_publish.publish

    def timed(conn: Any, what: Any) -> int:
        span.append(time.perf_counter())
        try:
            return original(conn, what)
        finally:
            span.append(time.perf_counter())

    import_staging.publish = timed  # type: ignore[assignment]
    return span


class _Writer(threading.Thread):
    """Another writer on the file, as a reader's comment is: every 50 ms it takes
    SQLite's write lock (BEGIN IMMEDIATE, COMMIT) and notes how long it waited."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.waits: list[float] = []
        self.at: list[float] = []
        self.stop = threading.Event()

    def during(self, span: list[float]) -> list[float]:
        """The waits of writes that began within ``span`` ([start, end])."""
        if len(span) < 2:
            return []
        return [w for w, t in zip(self.waits, self.at, strict=True) if span[0] <= t <= span[1]]

    def run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=600, isolation_level=None)
        try:
            while not self.stop.wait(0.05):
                started = time.perf_counter()
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("COMMIT")
                self.waits.append(time.perf_counter() - started)
                self.at.append(started)
        finally:
            conn.close()


if __name__ == "__main__":
    main()
