"""Import speed on SQLite, one process: ``python bench/import_speed.py [--comments 100000]``.

Generates a WordPress export (bench/wxr_corpus.py), imports it into a fresh
SQLite file with the same code path as ``causerie import wordpress``, and
prints comments per second for the whole import (parse, convert, sanitise,
hash, insert, thread, commit). Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import wxr_corpus

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
            service = ImportService(SqlImportStore(engine), "bench-secret")
            started = time.perf_counter()
            summary = service.run(ImportOptions("bench", "wordpress"), wordpress.read(source))
            seconds = time.perf_counter() - started
            engine.dispose()
            rate = summary.comments / seconds
            rates.append(rate)
            print(
                f"round {round_}: {summary.comments:,} comments, {summary.replies:,} replies, "
                f"{summary.skipped:,} skipped in {seconds:.1f} s = {rate:,.0f} comments/s"
            )
        best = max(rates)
        print(json.dumps({"comments": total, "mb": round(size, 1), "comments_per_s": round(best)}))


if __name__ == "__main__":
    main()
