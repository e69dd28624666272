"""Does the outbox keep up with 200 events/s on SQLite, and what does it cost comment posting?

Starts ``causerie serve`` (SQLite, spam filter off so that the outbox's own
cost is not hidden behind the classifier, synchronous=FULL as in production)
in four set-ups, each on a fresh database:

- ``before``: the code of the main checkout (``--baseline``, default
  /work/main/src), which has no outbox: the comment is stored, nothing queued;
- ``outbox``: this code, no webhook: each comment writes its event to the
  outbox, which the worker expands into nothing;
- ``outbox+webhook``: this code and one webhook to a local receiver (a
  separate process): each comment means an event, then a signed HTTP call;
- ``outbox+webhook, worker apart``: the same with ``outbox_worker = false``
  and ``causerie outbox run`` as its own process (the worker then takes no
  time from the interpreter that answers the readers).

For each set-up it measures (1) posting at full speed from ``--clients``
threads for ``--seconds``: comments/s and latency; (2) posting paced at
``--rate`` (200) comments/s: latency, and for the webhook set-up the calls
the receiver got per second and the delay from the comment's commit to the
call (p50/p95), plus how long the backlog took to drain. First, the worker
alone: ``--drain`` comments already stored with their events, one webhook,
``causerie outbox run`` started, and the time until every call arrived. Ends
with one JSON line.

    .venv/bin/python bench/outbox.py
    .venv/bin/python bench/outbox.py --seconds 10 --rate 200
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from loadgen import free_port, wait_http  # noqa: E402

# -- the receiver (run as its own process: ``bench/outbox.py --receiver PORT FILE``) -----


def receive(port: int, log_path: str) -> None:
    """Answer 200 to every webhook call; log (arrival time, event time) per call."""
    log = open(log_path, "a", buffering=1)  # noqa: SIM115 (open for the process's life)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            arrived = time.time()
            created = json.loads(body).get("created", arrived)
            with lock:
                log.write(f"{arrived:.6f} {created:.6f}\n")
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            """Quiet."""

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


# -- the server under test ----------------------------------------------------------------


@dataclass
class Server:
    """A ``causerie serve`` process on a fresh SQLite file."""

    name: str
    url: str
    db: str
    processes: list[subprocess.Popen[bytes]]

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


def start(name: str, folder: Path, source: Path, worker_apart: bool = False) -> Server:
    port = free_port()
    db = f"sqlite:///{folder / (name.replace(' ', '_').replace(',', '') + '.db')}"
    env = {
        **os.environ,
        "PYTHONPATH": str(source),
        "CAUSERIE_DATABASE_URL": db,
        "CAUSERIE_SECRET": "bench-secret-0123456789abcdef01234567",
        "CAUSERIE_COMMENTS_PER_MINUTE": "0",
        "CAUSERIE_SPAM_FILTER": "false",
        "CAUSERIE_LOG_LEVEL": "warning",
        "CAUSERIE_DEMO": "false",
        "CAUSERIE_OUTBOX_WORKER": "false" if worker_apart else "true",
        # A worker in its own process is not woken by the server's commits: it polls.
        "CAUSERIE_OUTBOX_POLL_MS": "100",
    }
    cmd = [sys.executable, "-m", "causerie", "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = (folder / "server.log").open("ab")
    process = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    processes = [process]
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/health")
    if worker_apart:
        worker = [sys.executable, "-m", "causerie", "outbox", "run"]
        processes.append(
            subprocess.Popen(worker, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
        )
    return Server(name, url, db, processes)


def add_webhook(db: str, url: str) -> None:
    """Configure the webhook straight in the database (what the dashboard would do)."""
    sys.path.insert(0, str(ROOT / "src"))
    from causerie.store.comments import SqlCommentStore
    from causerie.store.database import create_database_engine
    from causerie.store.notifications import SqlNotificationStore

    engine = create_database_engine(db)
    try:
        site = SqlCommentStore(engine).site("default")
        assert site is not None
        values = {
            "url": url,
            "secret": "whsec_bench",
            "events": ["comment.created"],
            "allow_private": True,
        }
        SqlNotificationStore(engine).add_webhook(site.id, values, time.time())
    finally:
        engine.dispose()


# -- load ----------------------------------------------------------------------------------


@dataclass
class Posting:
    """What one posting run measured."""

    ok: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict[str, float]:
        lat = sorted(self.latencies) or [0.0]
        return {
            "comments_per_s": round(self.ok / self.seconds, 1) if self.seconds else 0.0,
            "errors": self.errors,
            "p50_ms": round(lat[len(lat) // 2] * 1000, 2),
            "p95_ms": round(lat[int(len(lat) * 0.95)] * 1000, 2),
        }


def post_loop(
    url: str, until: float, result: Posting, lock: threading.Lock, pace: float, n: int
) -> None:
    """Post comments until ``until``; ``pace`` > 0: one every ``pace`` seconds."""
    with httpx.Client(base_url=url, timeout=30) as http:
        next_at = time.monotonic()
        i = 0
        while time.monotonic() < until:
            if pace:
                next_at += pace
                wait = next_at - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            i += 1
            body = {
                "uri": f"/bench/{i % 50}",
                "text": f"Commentaire {n}-{i} du banc",
                "author": "Banc",
            }
            started = time.perf_counter()
            try:
                response = http.post("/api/comments", json=body)
                good = response.status_code == 201
            except httpx.HTTPError:
                good = False
            elapsed = time.perf_counter() - started
            with lock:
                if good:
                    result.ok += 1
                    result.latencies.append(elapsed)
                else:
                    result.errors += 1


def post(url: str, seconds: float, clients: int, rate: float = 0.0) -> Posting:
    result = Posting()
    lock = threading.Lock()
    pace = clients / rate if rate else 0.0
    started = time.monotonic()
    until = started + seconds
    threads = [
        threading.Thread(target=post_loop, args=(url, until, result, lock, pace, n))
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    return result


def deliveries(log_path: Path, since: float) -> list[tuple[float, float]]:
    if not log_path.exists():
        return []
    rows = []
    for line in log_path.read_text().splitlines():
        arrived, created = (float(x) for x in line.split())
        if arrived >= since:
            rows.append((arrived, created))
    return rows


def delivery_summary(
    rows: list[tuple[float, float]], posted: int, started: float, ended: float
) -> dict[str, float]:
    if not rows:
        return {"delivered": 0}
    lags = sorted(a - c for a, c in rows)
    in_window = sum(1 for a, _ in rows if a <= ended)
    return {
        "delivered": len(rows),
        "posted": posted,
        "events_per_s_during_load": round(in_window / (ended - started), 1),
        "lag_p50_ms": round(statistics.median(lags) * 1000, 1),
        "lag_p95_ms": round(lags[int(len(lags) * 0.95)] * 1000, 1),
        "drained_after_s": round(max(a for a, _ in rows) - ended, 2),
    }


def wait_delivered(log_path: Path, since: float, expected: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(deliveries(log_path, since)) < expected:
        time.sleep(0.2)


def measure(
    name: str, server: Server, args: argparse.Namespace, log_path: Path | None
) -> dict[str, object]:
    # Warm up (first thread creations, caches), then the two runs.
    post(server.url, 2, args.clients)
    if log_path is not None:
        wait_delivered(log_path, 0, 1)
    out: dict[str, object] = {}
    for mode, rate in (("full_speed", 0.0), ("paced", args.rate)):
        time.sleep(1)
        started = time.time()
        clients = args.paced_clients if rate else args.clients
        result = post(server.url, args.seconds, clients, rate)
        ended = time.time()
        row: dict[str, object] = dict(result.summary())
        if log_path is not None:
            wait_delivered(log_path, started, result.ok)
            row.update(delivery_summary(deliveries(log_path, started), result.ok, started, ended))
        out[mode] = row
        print(f"{name:<30} {mode:<10} {json.dumps(row)}", flush=True)
    return out


SETUPS = ("before", "outbox", "outbox+webhook", "outbox+webhook, worker apart")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drain_rate(
    folder: Path, port: int, log_path: Path, events: int, source: Path = ROOT / "src"
) -> dict[str, float]:
    """The worker alone: ``events`` comments already stored, how fast their calls go out.

    Also its CPU per call: the worker process's CPU time from its first call to
    its last, over the calls between (start-up left out). ``source``: whose code.
    """
    sys.path.insert(0, str(ROOT / "src"))
    from causerie.store.comments import SqlCommentStore
    from causerie.store.database import create_database_engine, upgrade
    from causerie.store.records import CommentState, NewComment

    db = f"sqlite:///{folder / 'drain.db'}"
    engine = create_database_engine(db)
    try:
        upgrade(engine)
        store = SqlCommentStore(engine)
        site = store.ensure_site("default")
        for i in range(events):
            text = f"Commentaire {i} du banc"
            new = NewComment(
                None, CommentState.APPROVED, "Banc", text, f"<p>{text}</p>", time.time()
            )
            store.insert_comment(site.id, f"/bench/{i % 50}", "", new, "comment.created")
    finally:
        engine.dispose()
    add_webhook(db, f"http://127.0.0.1:{port}/hook")
    env = {
        **os.environ,
        "PYTHONPATH": str(source),
        "CAUSERIE_DATABASE_URL": db,
        "CAUSERIE_SECRET": "bench-secret-0123456789abcdef01234567",
        "CAUSERIE_LOG_LEVEL": "warning",
    }
    started = time.time()
    command = [sys.executable, "-m", "causerie", "outbox", "run"]
    worker = subprocess.Popen(command, env=env, cwd=folder)
    try:
        wait_delivered(log_path, started, 1, timeout=120)
        first, cpu_first = len(deliveries(log_path, started)), _cpu_seconds(worker.pid)
        wait_delivered(log_path, started, events, timeout=300)
        done = time.time()
        last, cpu_last = len(deliveries(log_path, started)), _cpu_seconds(worker.pid)
    finally:
        worker.terminate()
        worker.wait(20)
    got = len(deliveries(log_path, started))
    seconds = done - started
    cpu_ms = 1000 * (cpu_last - cpu_first) / max(last - first, 1)
    return {
        "events": got,
        "seconds": round(seconds, 2),
        "events_per_s": round(got / seconds, 1),
        "worker_cpu_ms_per_call": round(cpu_ms, 3),
    }


def median_of(runs: list[dict[str, object]], mode: str, key: str) -> float:
    values = [float(run[mode][key]) for run in runs if key in run[mode]]  # type: ignore[index]
    return round(statistics.median(values), 2) if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="set-ups interleaved, medians kept")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--paced-clients", type=int, default=32)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--baseline", type=Path, default=Path("/work/main/src"))
    parser.add_argument("--receiver", nargs=2, metavar=("PORT", "LOG"))
    parser.add_argument("--drain", type=int, default=3000, help="events for the worker-alone run")
    parser.add_argument("--drain-only", action="store_true")
    parser.add_argument(
        "--drain-source", type=Path, default=ROOT / "src", help="the worker-alone run's code"
    )
    args = parser.parse_args()
    if args.receiver:
        receive(int(args.receiver[0]), args.receiver[1])
        return

    folder = Path(tempfile.mkdtemp(prefix="causerie-bench-outbox-"))
    port = free_port()
    log_path = folder / "receiver.log"
    receiver = subprocess.Popen([sys.executable, __file__, "--receiver", str(port), str(log_path)])
    runs: dict[str, list[dict[str, object]]] = {name: [] for name in SETUPS}
    try:
        # Start-up included (about a second): a lower bound of the worker's rate.
        drained = drain_rate(folder, port, log_path, args.drain, args.drain_source)
        print(f"worker alone: {json.dumps(drained)}", flush=True)
        if args.drain_only:
            print(json.dumps({"worker_alone": drained}))
            return
        for round_ in range(args.rounds):
            # Interleaved: a machine that gets busier or quieter touches every set-up alike.
            for name in SETUPS:
                source = args.baseline if name == "before" else ROOT / "src"
                hook = "webhook" in name
                server = start(f"{name} {round_}", folder, source, "apart" in name)
                try:
                    if hook:
                        add_webhook(server.db, f"http://127.0.0.1:{port}/hook")
                    runs[name].append(measure(name, server, args, log_path if hook else None))
                finally:
                    server.stop()
    finally:
        receiver.terminate()
        receiver.wait(10)

    keys = ("comments_per_s", "p50_ms", "p95_ms", "events_per_s_during_load", "lag_p50_ms")
    keys += ("lag_p95_ms", "drained_after_s")
    summary: dict[str, object] = {
        name: {
            mode: {k: median_of(runs[name], mode, k) for k in keys if k in runs[name][0][mode]}  # type: ignore[operator]
            for mode in ("full_speed", "paced")
        }
        for name in SETUPS
    }
    base_rate = median_of(runs["before"], "full_speed", "comments_per_s")
    base_p50 = median_of(runs["before"], "paced", "p50_ms")
    for name in SETUPS[1:]:
        rate = median_of(runs[name], "full_speed", "comments_per_s")
        summary[f"{name}: slowdown at full speed"] = round(1 - rate / base_rate, 3)
        paced = median_of(runs[name], "paced", "p50_ms")
        summary[f"{name}: paced p50 latency ratio"] = round(paced / base_p50, 3)
    summary["worker_alone"] = drained
    print(
        json.dumps({"rounds": args.rounds, "seconds": args.seconds, "rate": args.rate, **summary})
    )


if __name__ == "__main__":
    main()
