"""A fleet-wide duty (the retention purge, the outbox clean-up) runs in one process per period.

Four real processes on one database ask for their turn at the same moment
(``core/fleet.py``, leases in the database): exactly one gets it; when the
period is over, exactly one gets the next. SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

ASK = """
import sys, time
from causerie.core.fleet import FleetTurn
from causerie.store.database import create_database_engine
from causerie.store.leases import SqlLeases
engine = create_database_engine(sys.argv[1])
turn = FleetTurn("retention", float(sys.argv[2]), SqlLeases(engine))
engine.connect().close()
print("ready", flush=True)
for at in sys.stdin.readline().split(","):
    time.sleep(max(0.0, float(at) - time.time()))
    print(turn.due(), flush=True)
engine.dispose()
"""


def test_one_process_of_four_does_each_period_s_duty(database_url: str) -> None:
    period = 4.0
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", ASK, database_url, str(period)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=os.environ,
        )
        for _ in range(4)
    ]
    # The moments are set once every process is up and connected (it says "ready"): not
    # after a fixed wait, which a busy machine overran and which was idle time otherwise.
    for process in processes:
        assert process.stdout is not None and process.stdin is not None
        line = process.stdout.readline()
        assert line == "ready\n", line + process.stdout.read()
    start = time.time() + 0.5
    # Three rounds: together, together again within the period, together after it.
    moments = ",".join(str(start + offset) for offset in (0.0, 1.0, period + 1.0))
    for process in processes:
        assert process.stdin is not None
        process.stdin.write(moments + "\n")
        process.stdin.flush()
    answers = []
    for process in processes:
        out, _ = process.communicate(timeout=60)
        assert process.returncode == 0, out
        answers.append(out.split())
    by_round = list(zip(*answers, strict=True))
    assert [r.count("True") for r in by_round] == [1, 0, 1], by_round
