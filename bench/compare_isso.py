"""Causerie against Isso 0.14, side by side on this machine, with the same load generator.

    .venv/bin/python bench/compare_isso.py [--seconds 10] [--rounds 2] [--no-postgres]
    .venv/bin/python bench/compare_isso.py --posts [--seconds 10] [--rounds 3]

Both servers run as documented for production with two worker processes
(Isso under gunicorn, Causerie under uvicorn), on SQLite, with moderation and
rate limits off; Causerie's spam filter stays on, so its writes include a
verdict. Each gets the same 200-comment thread through its public API, then
wrk (16 connections) alternates between them: reads of the whole thread,
then comment posts (to another thread, so the read thread stays at 200).
Then: a bare ASGI app returning the same bytes (the stack's ceiling),
Causerie on PostgreSQL + Redis, a 5,000-comment thread, and memory per worker.
Figures and Causerie/Isso ratios are printed; the last line is JSON.

``--posts`` measures posting alone, the four servers up together and taken in
turn each round: Isso, Causerie on SQLite, Causerie on SQLite with one webhook
(to a local receiver, a separate process answering 200), the same with the
outbox worker as its own process (``causerie outbox run``), Causerie on
PostgreSQL + Redis; the median round of each, its p99 and the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import (
    ROOT,
    LoadResult,
    Server,
    free_port,
    http_json,
    post_lua,
    require_wrk,
    run_wrk,
    wait_idle,
)

ISSO_VERSION = "0.14.0"
READ_URI = "/2026/11/tramway-casablanca"
WRITE_URI = "/2026/11/ecritures"
TEXTS = [
    "Très bon article, merci pour ce travail de terrain.",
    "Je prends ce tram tous les jours : **vingt minutes** de gagnées, ce n'est pas rien.",
    "Et les commerçants du boulevard ? Deux ans de travaux, personne ne les a indemnisés.",
    "Quelqu'un sait si la ligne T5 passera par Bouskoura centre ou par la zone industrielle ?",
    "مقال ممتاز، شكرا على المجهود. الترامواي غيّر حياة سكان الحي المحمدي.",
    "Good reporting. The fares should be lower for students though.",
    "> Une indemnisation a été promise\n\nOn attend toujours, comme pour la ligne 1.",
    "Bravo à l'équipe, enfin un transport digne de ce nom à l'est de la ville.",
]


def isso_venv(base: Path) -> Path:
    """A virtual environment with Isso and gunicorn, created on first use."""
    venv = Path(os.environ.get("ISSO_VENV", base))
    if not (venv / "bin" / "gunicorn").exists():
        print(f"installing isso=={ISSO_VERSION} and gunicorn into {venv} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", f"isso=={ISSO_VERSION}", "gunicorn"],
            check=True,
        )
    return venv


def start_isso(venv: Path, workdir: Path) -> Server:
    """Isso under gunicorn with 2 workers, moderation and guard (rate limits) off."""
    port = free_port()
    config = workdir / "isso.cfg"
    config.write_text(
        f"[general]\ndbpath = {workdir / 'isso.db'}\nhost = http://127.0.0.1:{port}/\n"
        "[moderation]\nenabled = false\n[guard]\nenabled = false\n"
        f"[server]\nlisten = http://127.0.0.1:{port}/\n"
    )
    cmd = [
        str(venv / "bin" / "gunicorn"),
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        "2",
        "--preload",
        "isso.run",
    ]
    return Server("isso", cmd, {"ISSO_SETTINGS": str(config)}, f"http://127.0.0.1:{port}", "/info")


def start_causerie(name: str, database_url: str, extra: dict[str, str] | None = None) -> Server:
    """Causerie with 2 workers, moderation and rate limits off, spam filter on."""
    port = free_port()
    env = {
        "CAUSERIE_DATABASE_URL": database_url,
        "CAUSERIE_COMMENTS_PER_MINUTE": "0",
        "CAUSERIE_MODERATION": "publish",
        "CAUSERIE_LOG_LEVEL": "warning",
        "CAUSERIE_SECRET": "bench-secret-0123456789abcdefghijkl",
        # Seeding sends each comment "from" another reader, as a real thread would be.
        "CAUSERIE_TRUSTED_PROXIES": "127.0.0.1",
        **(extra or {}),
    }
    cmd = [str(ROOT / ".venv" / "bin" / "causerie"), "serve", "--port", str(port), "--workers", "2"]
    return Server(name, cmd, env, f"http://127.0.0.1:{port}", "/health")


def seed_isso(server: Server, count: int) -> None:
    """The thread through Isso's public API (POST /new)."""
    url = f"{server.url}/new?uri={urllib.parse.quote(READ_URI)}"
    for i in range(count):
        body = {
            "text": f"{TEXTS[i % len(TEXTS)]} ({i})",
            "author": f"Lecteur {i}",
            "title": "Tramway",
        }
        http_json("POST", url, body)


def seed_causerie(server: Server, count: int, uri: str = READ_URI) -> None:
    """The thread through Causerie's public API (POST /api/comments)."""
    for i in range(count):
        body = {
            "uri": uri,
            "text": f"{TEXTS[i % len(TEXTS)]} ({i})",
            "author": f"Lecteur {i}",
            "title": "Tramway",
        }
        reader = {"X-Forwarded-For": f"203.0.{113 + i // 250 % 3}.{i % 250 + 1}"}
        http_json("POST", f"{server.url}/api/comments", body, reader)


def isso_read_url(server: Server) -> str:
    return f"{server.url}/?uri={urllib.parse.quote(READ_URI)}"


def causerie_read_url(server: Server, uri: str = READ_URI, limit: int = 200) -> str:
    return f"{server.url}/api/comments?uri={urllib.parse.quote(uri)}&limit={limit}"


ISSO_WRITE = post_lua(
    f"/new?uri={urllib.parse.quote(WRITE_URI)}",
    '{"text": "Merci pour cet article, commentaire %d.", "author": "Lecteur", '
    '"title": "Ecritures"}',
)
CAUSERIE_WRITE = post_lua(
    "/api/comments",
    '{"uri": "'
    + WRITE_URI
    + '", "text": "Merci pour cet article, commentaire %d.", "author": "Lecteur"}',
)


def compare(
    isso: Server, causerie: Server, seconds: int, rounds: int
) -> dict[str, list[LoadResult]]:
    """Alternate the two servers, reads then writes, for several rounds."""
    results: dict[str, list[LoadResult]] = {
        k: [] for k in ("isso_read", "causerie_read", "isso_write", "causerie_write")
    }
    for r in range(rounds):
        for key, url, lua in (
            ("isso_read", isso_read_url(isso), ""),
            ("causerie_read", causerie_read_url(causerie), ""),
            ("isso_write", isso.url, ISSO_WRITE),
            ("causerie_write", causerie.url, CAUSERIE_WRITE),
        ):
            # Isso goes on with reads queued by the previous run: let both settle first.
            wait_idle(isso.url + "/info")
            wait_idle(causerie.url + "/health")
            result = run_wrk(
                f"{key.replace('_', ' ')} (round {r + 1})", url, seconds=seconds, lua_setup=lua
            )
            results[key].append(result)
            print(result.line(), flush=True)
    return results


def best(results: list[LoadResult]) -> LoadResult:
    """The median run by rate (upper median of two: the machine is shared and noisy)."""
    ordered = sorted(results, key=lambda r: r.rate)
    return ordered[len(ordered) // 2]


def bare_ceiling(causerie: Server, seconds: int, workdir: Path) -> LoadResult:
    """The same bytes as a cached thread read, from a bare ASGI app on the same server stack."""
    body = urllib.request.urlopen(causerie_read_url(causerie)).read()
    (workdir / "body.json").write_bytes(body)
    port = free_port()
    cmd = [
        str(ROOT / ".venv" / "bin" / "uvicorn"),
        "bare_asgi:app",
        "--app-dir",
        str(Path(__file__).resolve().parent),
        "--port",
        str(port),
        "--workers",
        "2",
        "--log-level",
        "warning",
    ]
    bare = Server(
        "bare", cmd, {"BARE_BODY": str(workdir / "body.json")}, f"http://127.0.0.1:{port}", "/"
    )
    try:
        return run_wrk("bare ASGI app, same bytes", f"{bare.url}/api/comments", seconds=seconds)
    finally:
        bare.stop()


def postgres_run(seconds: int) -> tuple[LoadResult, LoadResult] | None:
    """Causerie on PostgreSQL with 2 workers and Redis."""
    try:
        import psycopg
    except ImportError:
        return None
    base = os.environ.get(
        "CAUSERIE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    name = "causerie_bench"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    url = base.rpartition("/")[0] + "/" + name
    redis_url = os.environ.get("CAUSERIE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    server = start_causerie("causerie-pg", url, {"CAUSERIE_REDIS_URL": redis_url})
    try:
        seed_causerie(server, 200)
        read = run_wrk(
            "causerie read, PostgreSQL + Redis", causerie_read_url(server), seconds=seconds
        )
        print(read.line(), flush=True)
        write = run_wrk(
            "causerie write, PostgreSQL + Redis",
            server.url,
            seconds=seconds,
            lua_setup=CAUSERIE_WRITE,
        )
        print(write.line(), flush=True)
        return read, write
    finally:
        server.stop()


def big_thread(causerie: Server, seconds: int) -> tuple[LoadResult, LoadResult]:
    """First page of a 5,000-comment thread: cached, and computed for every request."""
    uri = "/2026/11/grand-debat"
    seed_causerie(causerie, 5000, uri)
    cached = run_wrk(
        "5,000-comment thread, first page", causerie_read_url(causerie, uri, 50), seconds=seconds
    )
    print(cached.line(), flush=True)
    # A reader's own token makes the answer private: computed from the database each time.
    uncached = run_wrk(
        "5,000-comment thread, first page, uncached",
        causerie_read_url(causerie, uri, 50),
        seconds=seconds,
        lua_setup='wrk.headers["X-Causerie-Tokens"] = "1.none"',
    )
    print(uncached.line(), flush=True)
    return cached, uncached


def fresh_postgres(name: str) -> str:
    """The URL of a new, empty PostgreSQL database (dropped first if it exists)."""
    import psycopg

    base = os.environ.get(
        "CAUSERIE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return base.rpartition("/")[0] + "/" + name


def posts_only(seconds: int, rounds: int) -> None:
    """Posting side by side: Isso, Causerie SQLite, SQLite + one webhook, PostgreSQL."""
    from outbox import add_webhook

    venv = isso_venv(ROOT / "bench" / ".isso-venv")
    workdir = Path(tempfile.mkdtemp(prefix="causerie-bench-"))
    receiver_port = free_port()
    worker = None
    receiver = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "outbox.py"), "--receiver", str(receiver_port),
         str(workdir / "calls.log")],
    )  # fmt: skip
    servers: dict[str, Server] = {}
    redis_url = os.environ.get("CAUSERIE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        servers["isso"] = start_isso(venv, workdir)
        servers["sqlite"] = start_causerie("causerie", f"sqlite:///{workdir / 'c.db'}")
        hooked = f"sqlite:///{workdir / 'hooked.db'}"
        servers["webhook"] = start_causerie("causerie-webhook", hooked)
        seed_causerie(servers["webhook"], 1)  # creates the default site the webhook belongs to
        add_webhook(hooked, f"http://127.0.0.1:{receiver_port}/hook")
        # The same, with the outbox worker as its own process (docs/deployment.md).
        apart = f"sqlite:///{workdir / 'apart.db'}"
        quiet = {"CAUSERIE_OUTBOX_WORKER": "false", "CAUSERIE_OUTBOX_POLL_MS": "100"}
        servers["webhook_apart"] = start_causerie("causerie-webhook-apart", apart, quiet)
        seed_causerie(servers["webhook_apart"], 1)
        add_webhook(apart, f"http://127.0.0.1:{receiver_port}/hook")
        worker = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "causerie"), "outbox", "run"],
            env={**os.environ, "CAUSERIE_DATABASE_URL": apart, **quiet,
                 "CAUSERIE_SECRET": "bench-secret-0123456789abcdefghijkl"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        pg_url = fresh_postgres("causerie_bench")
        servers["pg"] = start_causerie("causerie-pg", pg_url, {"CAUSERIE_REDIS_URL": redis_url})
        print(f"wrk, 16 connections, {seconds} s per run, {rounds} rounds\n", flush=True)
        runs: dict[str, list[LoadResult]] = {k: [] for k in servers}
        for r in range(rounds):
            for key, server in servers.items():
                for other in servers.values():
                    wait_idle(other.url + ("/info" if other is servers["isso"] else "/health"))
                lua = ISSO_WRITE if key == "isso" else CAUSERIE_WRITE
                result = run_wrk(f"{key} post (round {r + 1})", server.url, seconds=seconds,
                                 lua_setup=lua)  # fmt: skip
                runs[key].append(result)
                print(result.line(), flush=True)
        memory = {k: sorted(s.worker_rss_mb(), reverse=True)[:2] for k, s in servers.items()}
        calls = sum(1 for _ in (workdir / "calls.log").open()) if receiver.poll() is None else 0
    finally:
        for server in servers.values():
            server.stop()
        for helper in (worker, receiver):
            if helper is not None:
                helper.terminate()
                helper.wait()
    medians = {k: best(v) for k, v in runs.items()}
    isso = medians["isso"].rate
    figures: dict[str, object] = {}
    for key, found in medians.items():
        figures[f"{key}_posts_per_s"] = round(found.rate, 1)
        figures[f"{key}_p99_ms"] = found.p99
        if key != "isso":
            figures[f"{key}_ratio"] = round(found.rate / isso, 2) if isso else None
    sqlite = medians["sqlite"].rate
    for key in ("webhook", "webhook_apart"):
        slower = round(1 - medians[key].rate / sqlite, 3) if sqlite else None
        figures[f"{key}_slowdown"] = slower
    figures["webhook_calls"] = calls
    figures["worker_rss_mb"] = {k: [round(x, 1) for x in v] for k, v in memory.items()}
    figures["errors"] = sum(r.errors for rs in runs.values() for r in rs)
    print()
    for key in ("sqlite", "webhook", "webhook_apart", "pg"):
        m = medians[key]
        print(f"{key:8} {m.rate:6.0f}/s vs Isso {isso:.0f}/s ×{figures[key + '_ratio']} "
              f"(≥ ×5), p99 {m.p99:.1f} ms (≤ 25)")  # fmt: skip
    for key in ("webhook", "webhook_apart"):
        print(f"{key}: posting {figures[key + '_slowdown']:.1%} slower (≤ 10 %)")
    print(json.dumps(figures))


def main() -> None:
    """Run everything and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--posts", action="store_true", help="posting alone (see above)")
    args = parser.parse_args()
    require_wrk()
    if args.posts:
        posts_only(args.seconds, args.rounds)
        return
    venv = isso_venv(ROOT / "bench" / ".isso-venv")
    workdir = Path(tempfile.mkdtemp(prefix="causerie-bench-"))
    isso = start_isso(venv, workdir)
    causerie = start_causerie("causerie", f"sqlite:///{workdir / 'causerie.db'}")
    try:
        seed_isso(isso, 200)
        seed_causerie(causerie, 200)
        print(
            f"seeded 200 comments in each; wrk, 16 connections, {args.seconds} s per run\n",
            flush=True,
        )
        runs = compare(isso, causerie, args.seconds, args.rounds)
        ceiling = bare_ceiling(causerie, args.seconds, workdir)
        print(ceiling.line(), flush=True)
        pg = None if args.no_postgres else postgres_run(args.seconds)
        big_cached, big_uncached = big_thread(causerie, args.seconds)
        # Both run 2 workers; their supervisors and helper processes are not workers.
        memory = {
            "causerie": sorted(causerie.worker_rss_mb(), reverse=True)[:2],
            "isso": sorted(isso.worker_rss_mb(), reverse=True)[:2],
        }
    finally:
        isso.stop()
        causerie.stop()
    report(runs, ceiling, pg, big_cached, big_uncached, memory)


def report(runs, ceiling, pg, big_cached, big_uncached, memory) -> None:  # type: ignore[no-untyped-def]
    """Ratios and the closing JSON line."""
    ir, cr = best(runs["isso_read"]), best(runs["causerie_read"])
    iw, cw = best(runs["isso_write"]), best(runs["causerie_write"])
    figures = {
        "isso_read_rps": round(ir.rate, 1),
        "causerie_read_rps": round(cr.rate, 1),
        "read_ratio": round(cr.rate / ir.rate, 1) if ir.rate else None,
        "causerie_read_p99_ms": cr.p99,
        "isso_read_p99_ms": ir.p99,
        "isso_write_rps": round(iw.rate, 1),
        "causerie_write_rps": round(cw.rate, 1),
        "write_ratio": round(cw.rate / iw.rate, 2) if iw.rate else None,
        "causerie_write_p99_ms": cw.p99,
        "isso_write_p99_ms": iw.p99,
        "bare_rps": round(ceiling.rate, 1),
        "fraction_of_bare": round(cr.rate / ceiling.rate, 2) if ceiling.rate else None,
        "big_thread_first_page_p99_ms": big_cached.p99,
        "big_thread_uncached_p99_ms": big_uncached.p99,
        "causerie_worker_rss_mb": [round(x, 1) for x in memory["causerie"]],
        "isso_worker_rss_mb": [round(x, 1) for x in memory["isso"]],
        "errors": sum(r.errors for rs in runs.values() for r in rs),
    }
    if pg:
        figures.update(
            pg_read_rps=round(pg[0].rate, 1),
            pg_read_p99_ms=pg[0].p99,
            pg_write_rps=round(pg[1].rate, 1),
            pg_write_p99_ms=pg[1].p99,
        )
    f = figures
    print()
    print(f"reads:  Causerie {cr.rate:.0f}/s vs Isso {ir.rate:.1f}/s ×{f['read_ratio']} (≥ ×100)")
    print(f"        Causerie read p99 {cr.p99:.1f} ms (target ≤ 25)")
    print(f"writes: Causerie {cw.rate:.0f}/s vs Isso {iw.rate:.0f}/s ×{f['write_ratio']} (≥ ×5)")
    print(
        f"ceiling: bare ASGI {ceiling.rate:.0f}/s; Causerie reads at {f['fraction_of_bare']} of it"
    )
    print(
        f"5,000 comments: first page p99 {big_cached.p99:.1f} ms ({big_uncached.p99:.1f} uncached)"
    )
    print(f"RSS/worker MB: Causerie {f['causerie_worker_rss_mb']}, Isso {f['isso_worker_rss_mb']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
