"""Import speed on SQLite, one process: ``python bench/import_speed.py [--comments 100000]``.

Generates a WordPress export (bench/wxr_corpus.py), imports it into a fresh
SQLite file with the same code path as ``causerie import wordpress``, and
prints comments per second for the whole import (parse, convert, sanitise,
hash, stage, thread, publish), by the clock and per second of CPU used (the
second is the figure for "one core" on a machine other work shares), and how
long the import held SQLite's write lock at once: the publishing transaction,
and the longest of the others (staging a batch, threading a few thousand rows,
clean-up) -- readers' comments wait that long at most.
Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import wxr_corpus
from sqlalchemy import Connection, Engine, event

from causerie.importers import wordpress
from causerie.importers.writer import ImportOptions, ImportService
from causerie.store.database import create_database_engine, upgrade
from causerie.store.imports import SqlImportStore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "export.xml"
        total = wxr_corpus.make(source, comments=args.comments)
        size = source.stat().st_size / 1e6
        print(f"corpus: {total:,} comments, {size:.1f} MB of WXR")
        rates = []
        for round_ in range(1, args.rounds + 1):
            db = Path(folder) / f"round{round_}.db"
            engine = create_database_engine(f"sqlite:///{db}", sqlite_synchronous="FULL")
            upgrade(engine)
            held = _write_locks(engine)
            service = ImportService(SqlImportStore(engine), "bench-secret")
            started, cpu = time.perf_counter(), time.process_time()
            summary = service.run(ImportOptions("bench", "wordpress"), wordpress.read(source))
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            engine.dispose()
            rates.append((summary.comments / seconds, summary.comments / cpu))
            print(
                f"round {round_}: {summary.comments:,} comments, {summary.replies:,} replies, "
                f"{summary.skipped:,} skipped in {seconds:.1f} s ({cpu:.1f} s of CPU) = "
                f"{rates[-1][0]:,.0f} comments/s, {rates[-1][1]:,.0f} per CPU second"
            )
            held.sort()
            print(
                f"  write lock held: publish {held[-1]:.2f} s, every other transaction "
                f"<= {held[-2] * 1000:.0f} ms ({len(held) - 1:,} of them)"
            )
        wall, per_cpu = max(r[0] for r in rates), max(r[1] for r in rates)
        print(f"load average during the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        figures = {"comments": total, "mb": round(size, 1), "comments_per_s": round(wall)}
        print(json.dumps({**figures, "comments_per_cpu_s": round(per_cpu)}))


def _write_locks(engine: Engine) -> list[float]:
    """Seconds each write transaction held the lock (filled as the engine runs)."""
    held: list[float] = []

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        info = conn.info
        if info.get("holds_write_lock"):
            info["bench_started"] = time.perf_counter()

    def _end(conn: Connection) -> None:
        started = conn.info.pop("bench_started", None)
        if started is not None:
            held.append(time.perf_counter() - started)

    event.listen(engine, "commit", _end, insert=True)
    event.listen(engine, "rollback", _end, insert=True)
    return held


if __name__ == "__main__":
    main()
