"""CPU time per posted comment, of one ``causerie serve`` worker (and its profile if asked).

    PYTHONPATH=src .venv/bin/python bench/post_cpu.py [--seconds 20] [--postgres] [--profile F]

One server process (no separate workers) on a fresh SQLite database (or
PostgreSQL + Redis with ``--postgres``), spam filter on, rate limits off, as
in ``compare_isso.py``; wrk posts with 16 connections for ``--seconds`` and
the server's user + system CPU time (``/proc/PID/stat``) is divided by the
comments it accepted. CPU per post is steadier than posts per second on a
shared machine: other processes slow the wall clock much more than they
change the work one post costs. ``--profile F`` records the same run with
``py-spy record --gil --format raw`` into F (summarise it with
``bench/profile_summary.py F``). Which code runs is PYTHONPATH's: the same
script measures a branch and ``main``. ``--webhook`` configures one webhook
(``comment.created``) to a local receiver (``bench/outbox.py --receiver``, a
process of its own), delivered by the server's own outbox worker: the CPU
is then read once the receiver stopped getting calls (the backlog the run
left delivered), so the CPU per post includes what delivering it costs the
serving process; ``webhook_calls`` counts the calls of that window.
Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compare_isso import CAUSERIE_WRITE, fresh_postgres
from loadgen import ROOT, Server, free_port, run_wrk

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def _calls(log: Path) -> int:
    """Calls the receiver has logged so far."""
    return sum(1 for _ in log.open()) if log.exists() else 0


def _drained(log: Path, quiet: float = 1.0, limit: float = 60.0) -> None:
    """Wait until the receiver got no call for ``quiet`` seconds (the outbox is empty)."""
    deadline = time.monotonic() + limit
    seen = _calls(log)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = _calls(log)
        if now == seen:
            return
        seen = now


def main() -> None:
    """Start the server, post, print CPU per post."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--webhook", action="store_true", help="one webhook to a local receiver")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="causerie-postcpu-"))
    env = {
        "CAUSERIE_COMMENTS_PER_MINUTE": "0",
        "CAUSERIE_MODERATION": "publish",
        "CAUSERIE_LOG_LEVEL": "warning",
        "CAUSERIE_SECRET": "bench-secret-0123456789abcdefghijkl",
    }
    if args.postgres:
        env["CAUSERIE_DATABASE_URL"] = fresh_postgres("causerie_postcpu")
        env["CAUSERIE_REDIS_URL"] = os.environ.get(
            "CAUSERIE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"
        )
    else:
        env["CAUSERIE_DATABASE_URL"] = f"sqlite:///{workdir / 'c.db'}"
    port = free_port()
    cmd = [str(ROOT / ".venv" / "bin" / "causerie"), "serve", "--port", str(port)]
    receiver = None
    calls = workdir / "calls.log"
    if args.webhook:
        from outbox import add_webhook

        receiver_port = free_port()
        receiver = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "outbox.py"), "--receiver", str(receiver_port),
             str(calls)],
        )  # fmt: skip
    server = Server("causerie-postcpu", cmd, env, f"http://127.0.0.1:{port}", "/health")
    spy = None
    try:
        if receiver is not None:
            # The default site exists once the server started; the worker reads webhooks anew.
            add_webhook(env["CAUSERIE_DATABASE_URL"], f"http://127.0.0.1:{receiver_port}/hook")
        # Warm-up: the model loaded, the thread created, the statements compiled.
        run_wrk("warm-up", server.url, seconds=3, lua_setup=CAUSERIE_WRITE)
        pid = server.process.pid
        if args.profile:
            spy_bin = shutil.which("py-spy") or str(ROOT / ".venv" / "bin" / "py-spy")
            spy = subprocess.Popen(
                [spy_bin, "record", "--pid", str(pid), "--gil", "--format", "raw",
                 "-o", str(args.profile), "--duration", str(args.seconds), "--nonblocking"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        if receiver is not None:
            _drained(calls)  # the warm-up's deliveries are not this run's
        delivered = _calls(calls)
        before = cpu_seconds(pid)
        result = run_wrk("post", server.url, seconds=args.seconds, lua_setup=CAUSERIE_WRITE)
        if receiver is not None:
            _drained(calls)  # the deliveries the posts caused are part of their cost
        used = cpu_seconds(pid) - before
        delivered = _calls(calls) - delivered
        if spy is not None:
            spy.wait(60)
    finally:
        server.stop()
        if receiver is not None:
            receiver.terminate()
            receiver.wait()
    posts = result.requests - result.errors
    figures = {
        "database": "postgresql" if args.postgres else "sqlite",
        "posts": posts,
        "posts_per_s": round(result.rate, 1),
        "p99_ms": result.p99,
        "cpu_s": round(used, 2),
        "cpu_ms_per_post": round(1000 * used / posts, 2) if posts else None,
        "errors": result.errors,
    }
    if args.webhook:
        figures["webhook_calls"] = delivered
    print(result.line())
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
