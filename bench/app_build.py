"""How long building the app takes (``create_app`` on a migrated SQLite file).

Every ``causerie serve`` pays it once, and the test suite once per in-process
app (about 1,500 of them), so a few hundred milliseconds here are minutes of
the suite. Prints the median and the slowest of ``--rounds`` builds.

    PYTHONPATH=src .venv/bin/python bench/app_build.py
    PYTHONPATH=src .venv/bin/python bench/app_build.py --rounds 50
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from causerie.app import create_app
from causerie.config import Settings
from causerie.store.database import create_database_engine, upgrade


def main() -> None:
    """Build the app ``--rounds`` times (after one untimed build) and print the times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = create_database_engine(url)
        upgrade(engine)
        engine.dispose()
        settings = Settings(
            database_url=url, secret="b" * 40, spam_filter=False, toxicity_filter=False
        )
        times = [_build(settings) for _ in range(rounds + 1)][1:]
    print(f"create_app: median {statistics.median(times) * 1000:.1f} ms, ", end="")
    print(f"slowest {max(times) * 1000:.1f} ms over {rounds} builds")


def _build(settings: Settings) -> float:
    started = time.perf_counter()
    app = create_app(settings)
    took = time.perf_counter() - started
    runtime = app.state.runtime
    runtime.outbox.stop()
    runtime.engine.dispose()
    return took


if __name__ == "__main__":
    main()
