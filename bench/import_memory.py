"""Memory of a large import: ``python bench/import_memory.py [--gb 1.0] [--keep]``.

Generates a WordPress export of about ``--gb`` gigabytes in a temporary
folder (bench/wxr_corpus.py), runs ``causerie import wordpress`` on it in a
child process (a fresh SQLite database beside it) and reports the child's
peak resident memory, the time and the import's own summary line. Both
files are deleted afterwards (unless ``--keep``). Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import wxr_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gb", type=float, default=1.0, help="size of the generated export")
    parser.add_argument("--keep", action="store_true", help="keep the files (for a rerun)")
    parser.add_argument("--dir", help="work folder (default: a new temporary one)")
    args = parser.parse_args()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="causerie-import-memory-"))
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "large.xml"
    try:
        started = time.perf_counter()
        comments = wxr_corpus.make(source, size=int(args.gb * 1e9))
        size = source.stat().st_size
        print(
            f"generated {size / 1e9:.2f} GB, {comments:,} comments in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
        env = {
            **os.environ,
            "CAUSERIE_DATABASE_URL": f"sqlite:///{folder / 'import.db'}",
            "CAUSERIE_SPAM_FILTER": "false",
        }
        causerie = Path(sys.executable).with_name("causerie")
        started = time.perf_counter()
        result = subprocess.run(
            [str(causerie), "import", "wordpress", str(source), "--site", "bench"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        summary = json.loads(result.stdout.splitlines()[-1]) if result.stdout else {}
        if result.returncode != 0:
            print(result.stderr, file=sys.stderr)
        print(
            f"import: exit {result.returncode} in {seconds:.0f} s, "
            f"{summary.get('comments', 0) / seconds:,.0f} comments/s, peak RSS {peak_mb:.0f} MB"
        )
        print(
            json.dumps(
                {
                    "gb": round(size / 1e9, 2),
                    "comments": summary.get("comments"),
                    "seconds": round(seconds),
                    "peak_rss_mb": round(peak_mb),
                }
            )
        )
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
