"""Load benchmark of the Akismet-compatible comment-check over real HTTP.

Starts ``causerie serve`` on loopback (a fresh SQLite database in a temporary
directory, a key made with ``causerie key create``), then sends comment-check
requests from N keep-alive connections with a small asyncio HTTP/1.1 client
(pre-encoded requests, so the client costs little of the machine's CPU),
and prints throughput and latency percentiles, then one JSON line.

    .venv/bin/python bench/akismet_load.py                  # 1 server process
    .venv/bin/python bench/akismet_load.py --workers 2
    .venv/bin/python bench/akismet_load.py --url http://127.0.0.1:8080 --key KEY
    .venv/bin/python bench/akismet_load.py --redis redis://127.0.0.1:6379/0
        # the key gets a rate limit, so every check also asks Redis

Bounded: at most ``--requests`` checks and ``--seconds`` of load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode, urlsplit

COMMENTS = [
    ("Merci pour cet article très clair sur la réforme des retraites.", "Claire", "fr"),
    (
        "Je ne suis pas d'accord avec l'auteur : les chiffres de l'Insee disent autre chose.",
        "Marc",
        "fr",
    ),
    ("شكرا على هذا المقال المفيد، أتمنى أن تكتبوا المزيد عن هذا الموضوع", "سمير", "ar"),
    ("Great reporting, thanks. The second chart is missing its source though.", "Ann", "en"),
    ("Buy cheap viagra online!!! Best prices http://bit.ly/pills casino bonus", "pills4u", "en"),
    (
        "Gagnez 5000€ par semaine depuis chez vous, cliquez ici http://argent-facile.xyz",
        "promo",
        "fr",
    ),
    (
        "Earn money fast, crypto investment guaranteed 300% return, WhatsApp +1 555 0100",
        "Invest",
        "en",
    ),
    ("Quelqu'un sait quand la mairie publiera le compte rendu du conseil ?", "Lina", "fr"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            with urllib.request.urlopen(url + "/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start in time")


@contextmanager
def local_server(workers: int, spam_filter: bool, redis_url: str = "") -> Iterator[tuple[str, str]]:
    """A ``causerie serve`` process on a fresh SQLite database, and a key for it.

    With ``redis_url``, rate limits are counted in Redis and the key has one
    (high enough never to refuse), so that each check makes a Redis call.
    """
    with tempfile.TemporaryDirectory(prefix="causerie-bench-") as tmp:
        env = {
            **os.environ,
            "CAUSERIE_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "CAUSERIE_SECRET": secrets.token_urlsafe(32),
            "CAUSERIE_LOG_LEVEL": "warning",
            "CAUSERIE_SPAM_FILTER": "true" if spam_filter else "false",
        }
        limit = ["--rate-limit", "100000000"] if redis_url else []
        if redis_url:
            env["CAUSERIE_REDIS_URL"] = redis_url
        cli = [sys.executable, "-m", "causerie"]
        made = subprocess.run(
            [*cli, "key", "create", "--site", "https://bench.example", *limit],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        key = made.stdout.strip()
        port = _free_port()
        serve = [*cli, "serve", "--host", "127.0.0.1", "--port", str(port)]
        serve += ["--workers", str(workers)]
        with open(os.path.join(tmp, "server.log"), "wb") as log:
            process = subprocess.Popen(serve, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_for(url, process, time.monotonic() + 60)
            yield url, key
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()


TAILS = [
    "",
    " Bonne journée.",
    " Cordialement.",
    " What do others think?",
    " Visit my profile for more.",
    " والله أعلم.",
    " Merci d'avance pour vos réponses.",
]


def encoded_requests(url: str, key: str, count: int = 2000) -> list[bytes]:
    """Distinct pre-encoded HTTP/1.1 comment-checks (no two texts alike: no cache helps)."""
    host = urlsplit(url).netloc
    requests = []
    for i in range(count):
        base, author, lang = COMMENTS[i % len(COMMENTS)]
        text = f"{base}{TAILS[(i // len(COMMENTS)) % len(TAILS)]} ({i})"
        body = urlencode(
            {
                "api_key": key,
                "blog": "https://bench.example",
                "user_ip": f"198.51.{i // 250}.{i % 250 + 1}",
                "user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
                "permalink": f"https://bench.example/article-{i}",
                "comment_type": "comment",
                "comment_author": author,
                "comment_content": text,
                "blog_lang": lang,
            }
        ).encode()
        head = (
            f"POST /1.1/comment-check HTTP/1.1\r\nHost: {host}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nUser-Agent: causerie-bench\r\n\r\n"
        ).encode()
        requests.append(head + body)
    return requests


async def _one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, req: bytes) -> str:
    writer.write(req)
    head = await reader.readuntil(b"\r\n\r\n")
    status = head.split(b" ", 2)[1]
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    body = await reader.readexactly(length)
    return body.decode() if status == b"200" else f"HTTP {status.decode()}"


async def load(
    url: str, requests: list[bytes], total: int, concurrency: int, seconds: float
) -> dict[str, object]:
    """Send ``total`` checks over ``concurrency`` connections; return the figures."""
    parts = urlsplit(url)
    latencies: list[float] = []
    answers: Counter[str] = Counter()
    sent = 0
    stop_at = time.monotonic() + seconds

    async def connection(index: int) -> None:
        nonlocal sent
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            while sent < total and time.monotonic() < stop_at:
                req = requests[(sent + index) % len(requests)]
                sent += 1
                started = time.perf_counter()
                answers[await _one(reader, writer, req)] += 1
                latencies.append(time.perf_counter() - started)
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(connection(i) for i in range(concurrency)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "checks": len(latencies),
        "seconds": round(elapsed, 2),
        "checks_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(quantiles[49] * 1000, 2),
        "p90_ms": round(quantiles[89] * 1000, 2),
        "p99_ms": round(quantiles[98] * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2),
        "answers": dict(answers),
        "concurrency": concurrency,
    }


def filter_cost(count: int) -> dict[str, object]:
    """CPU time of the filter alone per check, in this process (no HTTP)."""
    from causerie.spam.filter import Filter
    from causerie.spam.verdict import CommentSample

    spam_filter = Filter.load()
    samples = []
    for i in range(count):
        base, author, lang = COMMENTS[i % len(COMMENTS)]
        text = f"{base}{TAILS[(i // len(COMMENTS)) % len(TAILS)]} ({i})"
        samples.append(CommentSample(text, author=author, lang=lang, site="bench"))
    spam_filter.check(samples[0])
    began = time.process_time()
    for sample in samples:
        spam_filter.check(sample)
    per_check = (time.process_time() - began) / count
    return {"filter_ms_per_check": round(per_check * 1000, 3), "checks": count}


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="Use a running server instead of starting one.")
    parser.add_argument("--key", help="API key for --url.")
    parser.add_argument("--workers", type=int, default=1, help="Server processes to start.")
    parser.add_argument(
        "--no-filter", action="store_true", help="Serve without the spam model (HTTP cost only)."
    )
    parser.add_argument(
        "--filter-only", action="store_true", help="Time the filter alone, in-process."
    )
    parser.add_argument(
        "--redis", default="", help="Count rate limits in this Redis (one call per check)."
    )
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--warmup", type=int, default=1_000)
    parser.add_argument("--seconds", type=float, default=60.0, help="Stop the load after this.")
    args = parser.parse_args()
    if args.filter_only:
        print(json.dumps(filter_cost(min(args.requests, 5000))))
        return
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass

    def run(url: str, key: str) -> None:
        requests = encoded_requests(url, key)
        asyncio.run(load(url, requests, args.warmup, args.concurrency, args.seconds))
        figures = asyncio.run(load(url, requests, args.requests, args.concurrency, args.seconds))
        figures["workers"] = args.workers if not args.url else None
        figures["spam_filter"] = not args.no_filter
        figures["redis"] = bool(args.redis)
        print(
            f"comment-check over HTTP, concurrency {args.concurrency}: "
            f"{figures['checks_per_s']} checks/s; p50 {figures['p50_ms']} ms, "
            f"p90 {figures['p90_ms']} ms, p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms; "
            f"answers {figures['answers']}"
        )
        print(json.dumps(figures))

    if args.url:
        if not args.key:
            raise SystemExit("--url needs --key")
        run(args.url, args.key)
    else:
        with local_server(args.workers, not args.no_filter, args.redis) as (url, key):
            run(url, key)


if __name__ == "__main__":
    main()
