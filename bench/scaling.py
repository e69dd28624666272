"""Several servers behind nginx: how reads and posts grow with processes, beside Isso.

    .venv/bin/python bench/scaling.py [--seconds 10] [--counts 1,2,4] [--profile]

In one run, on this machine: Isso 0.14 (gunicorn, 2 workers, SQLite, as in
bench/compare_isso.py), then Causerie behind Debian's nginx with the
configuration of docs/deployment.md: 1 process on SQLite, then 1, 2 and 4
processes (``causerie serve``, one worker each) on one PostgreSQL database
and Redis. Each set-up gets the same 200-comment thread, then wrk (16
connections) reads it and posts comments through the balancer; Causerie's
spam filter is on, so each post includes a verdict. During each wrk run the
CPU time of every party is read from /proc: the Causerie processes,
PostgreSQL, Redis, nginx, wrk itself and the rest of the machine, so the
table says where the two cores went, and whether more processes can help.
``--profile`` samples one Causerie process with py-spy during the largest
set-up's posts (the interpreter's busy thread) and prints where its time goes.
The last line is JSON.
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
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from balancer import start_nginx, stop_nginx
from compare_isso import (
    CAUSERIE_WRITE,
    ISSO_WRITE,
    causerie_read_url,
    isso_read_url,
    isso_venv,
    seed_causerie,
    seed_isso,
    start_isso,
)
from loadgen import ROOT, LoadResult, Server, free_port, require_wrk, run_wrk, wait_idle

TICK = os.sysconf("SC_CLK_TCK")
REDIS = os.environ.get("CAUSERIE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
POSTGRES = os.environ.get(
    "CAUSERIE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _cpu_by_pid() -> dict[int, tuple[str, float]]:
    """CPU seconds used so far by every process on the machine, with its command name."""
    used: dict[int, tuple[str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        used[int(entry.name)] = (name, (int(fields[11]) + int(fields[12])) / TICK)
    return used


def _machine_busy() -> float:
    """CPU seconds the whole machine spent not idle so far (all cores)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICK


def _tree_cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICK
    return total


@dataclass
class Measured:
    """One wrk run with the CPU each party used meanwhile (cores = CPU seconds per second)."""

    result: LoadResult
    cores: dict[str, float]


def measured(name: str, url: str, seconds: int, servers: list[int], lua: str = "") -> Measured:
    """Run wrk and read who used the CPU meanwhile."""
    before_pids, before_all, before_servers = _cpu_by_pid(), _machine_busy(), _tree_cpu(servers)
    before_wrk = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = run_wrk(name, url, seconds=seconds, lua_setup=lua)
    wall = time.monotonic() - started
    after_wrk = resource.getrusage(resource.RUSAGE_CHILDREN)
    after_pids, after_all = _cpu_by_pid(), _machine_busy()
    server_cpu = _tree_cpu(servers) - before_servers

    def named(*names: str) -> float:
        # Per process: one that started meanwhile counts whole, one that ended is missed.
        return sum(
            cpu - (before_pids[pid][1] if pid in before_pids else 0.0)
            for pid, (name, cpu) in after_pids.items()
            if name in names
        )

    wrk_cpu = (after_wrk.ru_utime + after_wrk.ru_stime) - (
        before_wrk.ru_utime + before_wrk.ru_stime
    )
    cores = {
        "causerie": server_cpu,
        "postgres": named("postgres"),
        "redis": named("redis-server"),
        "nginx": named("nginx"),
        "wrk": wrk_cpu,
    }
    cores["other"] = max(0.0, (after_all - before_all) - sum(cores.values()))
    cores = {k: round(v / wall, 2) for k, v in cores.items()}
    cores["machine"] = round((after_all - before_all) / wall, 2)
    print(result.line(), " cores:", cores, flush=True)
    return Measured(result, cores)


def causerie_env(database_url: str, redis: bool) -> dict[str, str]:
    """One server process: moderation and rate limits off, spam filter on, nginx trusted."""
    env = {
        "CAUSERIE_DATABASE_URL": database_url,
        "CAUSERIE_COMMENTS_PER_MINUTE": "0",
        "CAUSERIE_MODERATION": "publish",
        "CAUSERIE_LOG_LEVEL": "warning",
        "CAUSERIE_SECRET": "bench-secret-0123456789abcdefghijkl",
        "CAUSERIE_TRUSTED_PROXIES": "127.0.0.1",
    }
    if redis:
        env["CAUSERIE_REDIS_URL"] = REDIS
    return env


@dataclass
class Fleet:
    """``count`` servers behind one nginx."""

    servers: list[Server]
    nginx: subprocess.Popen[bytes]
    url: str

    def pids(self) -> list[int]:
        """Every process of the fleet's servers."""
        return [pid for s in self.servers for pid in s.process_tree()]

    def stop(self) -> None:
        """nginx, then the servers."""
        stop_nginx(self.nginx)
        for server in self.servers:
            server.stop()


def start_fleet(count: int, database_url: str, redis: bool, folder: Path) -> Fleet:
    """``count`` ``causerie serve`` processes (1 worker each) and nginx in front."""
    servers = []
    for i in range(count):
        port = free_port()
        cmd = [str(ROOT / ".venv" / "bin" / "causerie"), "serve", "--port", str(port)]
        env = causerie_env(database_url, redis)
        servers.append(
            Server(f"scale-{count}-{i}", cmd, env, f"http://127.0.0.1:{port}", "/health")
        )
    listen = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    ports = [int(s.url.rpartition(":")[2]) for s in servers]
    nginx = start_nginx(ports, listen, folder)
    return Fleet(servers, nginx, f"http://127.0.0.1:{listen}")


def fresh_postgres(name: str) -> str:
    """An empty PostgreSQL database (dropped first if a previous run left it)."""
    import psycopg

    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return POSTGRES.rpartition("/")[0] + "/" + name


def profile(pid: int, seconds: int, out: Path) -> dict[str, float]:
    """Where one server process spends the interpreter (py-spy, samples holding the GIL)."""
    spy = shutil.which("py-spy") or str(ROOT / ".venv" / "bin" / "py-spy")
    raw = out / f"profile-{pid}.raw"
    subprocess.run(
        [spy, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "200",
         "--gil", "--nonblocking", "--format", "raw", "-o", str(raw)],
        capture_output=True, check=False,
    )  # fmt: skip
    from profile_summary import summarise

    return summarise(raw) if raw.exists() else {}


@dataclass
class _Url:
    """What compare_isso's helpers need of a server: its URL."""

    url: str


def _profiled(pid: int | None, seconds: int, folder: Path | None) -> Callable[[], dict[str, float]]:
    """Start sampling ``pid`` now (if asked); the returned call waits for the shares."""
    if pid is None or folder is None:
        return dict
    found: dict[str, float] = {}
    thread = threading.Thread(target=lambda: found.update(profile(pid, seconds - 2, folder)))
    thread.start()

    def shares() -> dict[str, float]:
        thread.join(60)
        return found

    return shares


def run_setup(
    label: str, fleet: Fleet, seconds: int, out: dict[str, Any], spy: Path | None = None
) -> None:
    """Seed, read, post; figures into ``out[label]``."""
    front = _Url(fleet.url)
    seed_causerie(front, 200)  # type: ignore[arg-type]
    wait_idle(fleet.url + "/health")
    pids = fleet.pids()
    read = measured(f"{label} read", causerie_read_url(front), seconds, pids)  # type: ignore[arg-type]
    wait_idle(fleet.url + "/health")
    shares = _profiled(fleet.servers[0].process.pid if spy else None, seconds, spy)
    write = measured(f"{label} post", fleet.url, seconds, pids, CAUSERIE_WRITE)
    profiled = shares()
    out[label] = {
        "read_rps": round(read.result.rate, 1),
        "read_p99_ms": read.result.p99,
        "read_cores": read.cores,
        "post_rps": round(write.result.rate, 1),
        "post_p50_ms": write.result.p50,
        "post_p99_ms": write.result.p99,
        "post_cores": write.cores,
        "errors": read.result.errors + write.result.errors,
        **({"post_profile": profiled} if profiled else {}),
    }


def main() -> None:
    """Isso, then Causerie on SQLite and on PostgreSQL with 1, 2, 4 processes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--counts", default="1,2,4")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    require_wrk()
    counts = [int(c) for c in args.counts.split(",")]
    work = Path(tempfile.mkdtemp(prefix="causerie-scaling-"))
    figures: dict[str, Any] = {"load_average_start": os.getloadavg()[0]}
    isso = start_isso(isso_venv(ROOT / "bench" / ".isso-venv"), work)
    try:
        seed_isso(isso, 200)
        wait_idle(isso.url + "/info")
        ir = measured("isso read", isso_read_url(isso), args.seconds, list(isso.process_tree()))
        wait_idle(isso.url + "/info")
        iw = measured("isso post", isso.url, args.seconds, list(isso.process_tree()), ISSO_WRITE)
        figures["isso"] = {
            "read_rps": round(ir.result.rate, 1), "read_p99_ms": ir.result.p99,
            "post_rps": round(iw.result.rate, 1), "post_p99_ms": iw.result.p99,
            "post_cores": iw.cores,
        }  # fmt: skip
    finally:
        isso.stop()
    fleet = start_fleet(1, f"sqlite:///{work / 'causerie.db'}", False, work / "sqlite")
    try:
        run_setup("sqlite-1", fleet, args.seconds, figures)
    finally:
        fleet.stop()
    for count in counts:
        url = fresh_postgres(f"causerie_scaling_{count}")
        fleet = start_fleet(count, url, True, work / f"pg-{count}")
        try:
            spy = work if args.profile and count == max(counts) else None
            run_setup(f"postgres-{count}", fleet, args.seconds, figures, spy)
        finally:
            fleet.stop()
    figures["load_average_end"] = os.getloadavg()[0]
    report(figures)


def report(figures: dict[str, Any]) -> None:
    """A readable table, the ratios to Isso, then one JSON line."""
    isso = figures["isso"]
    print()
    print(f"{'set-up':<14} {'reads/s':>9} {'p99':>7} {'posts/s':>8} {'p99':>7} {'× Isso':>7}  "
          "posts: cores used (causerie / postgres / nginx / wrk / other)")  # fmt: skip
    print(f"{'isso (2 w.)':<14} {isso['read_rps']:>9} {isso['read_p99_ms']:>7.1f} "
          f"{isso['post_rps']:>8} {isso['post_p99_ms']:>7.1f} {'1.00':>7}")  # fmt: skip
    for label, f in figures.items():
        if not isinstance(f, dict) or label == "isso":
            continue
        ratio = f["post_rps"] / isso["post_rps"] if isso["post_rps"] else 0
        f["post_ratio_to_isso"] = round(ratio, 2)
        c = f["post_cores"]
        print(
            f"{label:<14} {f['read_rps']:>9} {f['read_p99_ms']:>7.1f} {f['post_rps']:>8} "
            f"{f['post_p99_ms']:>7.1f} {ratio:>7.2f}  {c['causerie']} / {c['postgres']} / "
            f"{c['nginx']} / {c['wrk']} / {c['other']} (machine {c['machine']})"
        )
        if "post_profile" in f:
            print("  profile of one process posting:", f["post_profile"])
    print(f"load average: {figures['load_average_start']:.2f} → {figures['load_average_end']:.2f}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
