"""Mixed-load soak: is memory flat after minutes of reads, writes, votes and hostile input?

Starts ``causerie serve`` on loopback (a fresh SQLite database in a temporary
directory, spam filter on), then for ``--seconds`` (default 600) runs a mix
from a few threads: cached and personal thread reads, fragments, new comments
and replies on many threads, votes, previews, and hostile requests (the
corpus of tests/fuzz/corpus/, bad ids, huge cursors, lone surrogates, chunked
oversized bodies). Every ``--every`` seconds it prints the server's resident
memory (VmRSS of the process tree) and the request counts; it ends with one
JSON line:

    {"seconds", "requests", "by_status", "server_errors",
     "rss_mb": [[t, mb], …], "rss_after_warmup_mb", "rss_end_mb", "growth_mb"}

    .venv/bin/python bench/soak.py                 # 10 minutes
    .venv/bin/python bench/soak.py --seconds 60    # a quick look

Bounded by time, loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fuzz" / "corpus"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _corpus() -> list[str]:
    lines: list[str] = []
    for name in ("xss.txt", "naughty.txt"):
        text = (CORPUS / name).read_text(encoding="utf-8")
        lines += [x for x in text.splitlines() if x.strip() and not x.startswith("#")]
    return lines


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (Linux /proc)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024


class Mix:
    """One client thread's loop of mixed requests."""

    def __init__(self, url: str, seed: int, stop: threading.Event, tally: Counter[int]) -> None:
        self.http = httpx.Client(base_url=url, timeout=30)
        self.rng = random.Random(seed)
        self.stop = stop
        self.tally = tally
        self.tokens: list[str] = []
        self.ids: list[int] = []
        self.corpus = _corpus()

    def run(self) -> None:
        """Until stopped: pick a request by weight and send it."""
        actions = [
            (self.read, 40),
            (self.read_own, 5),
            (self.fragment, 5),
            (self.post, 20),
            (self.vote, 5),
            (self.preview, 5),
            (self.hostile, 20),
        ]
        funcs = [a for a, _ in actions]
        weights = [w for _, w in actions]
        while not self.stop.is_set():
            action = self.rng.choices(funcs, weights)[0]
            try:
                response = action()
            except httpx.HTTPError:
                self.tally[0] += 1
                continue
            self.tally[response.status_code] += 1
        self.http.close()

    def _uri(self) -> str:
        return f"/soak/{self.rng.randrange(200)}"

    def read(self) -> httpx.Response:
        limit = self.rng.choice([10, 20, 50])
        return self.http.get("/api/comments", params={"uri": self._uri(), "limit": limit})

    def read_own(self) -> httpx.Response:
        headers = {"X-Causerie-Tokens": ",".join(self.tokens[-5:])} if self.tokens else {}
        return self.http.get("/api/comments", params={"uri": self._uri()}, headers=headers)

    def fragment(self) -> httpx.Response:
        return self.http.get("/api/comments.html", params={"uri": self._uri()})

    def post(self) -> httpx.Response:
        body = {
            "uri": self._uri(),
            "author": f"Lecteur {self.rng.randrange(1000)}",
            "text": f"Avis {secrets.token_hex(4)} sur le tramway, ligne {self.rng.randrange(9)}.",
            "elapsed": 30,
        }
        response = self.http.post("/api/comments", json=body)
        if response.status_code == 201:
            data = response.json()
            self.tokens = [*self.tokens[-50:], data["edit_token"]]
            self.ids = [*self.ids[-200:], data["id"]]
        return response

    def vote(self) -> httpx.Response:
        target = self.rng.choice(self.ids) if self.ids else 1
        return self.http.post(f"/api/comments/{target}/vote", json={"value": 1})

    def preview(self) -> httpx.Response:
        return self.http.post("/api/preview", json={"text": self.rng.choice(self.corpus)})

    def hostile(self) -> httpx.Response:
        payload = self.rng.choice(self.corpus)
        kind = self.rng.randrange(6)
        if kind == 0:
            body = {"uri": self._uri(), "author": payload[:80], "text": payload}
            return self.http.post("/api/comments", json=body)
        if kind == 1:
            return self.http.post(
                "/api/comments",
                json={"uri": self._uri(), "author": "A", "text": "x", "website": payload},
            )
        if kind == 2:
            return self.http.get("/api/comments", params={"uri": "/a", "cursor": "W" * 300})
        if kind == 3:
            return self.http.post(f"/api/comments/{'9' * 30}/vote", json={"value": 1})
        if kind == 4:
            raw = b'{"uri": "/a", "author": "A", "text": "\\ud800"}'
            headers = {"content-type": "application/json"}
            return self.http.post("/api/comments", content=raw, headers=headers)
        chunks = (b"x" * 8192 for _ in range(16))  # 128 KB, chunked
        return self.http.post(
            "/api/comments", content=chunks, headers={"content-type": "application/json"}
        )


def main() -> None:
    """Run the soak and print memory over time."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--every", type=float, default=30)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--start-timeout", type=float, default=60, help="seconds to wait for the server"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        port = _free_port()
        env = {
            **os.environ,
            "CAUSERIE_DATABASE_URL": f"sqlite:///{folder}/soak.db",
            "CAUSERIE_SECRET": secrets.token_hex(16),
            "CAUSERIE_COMMENTS_PER_MINUTE": "0",
            "CAUSERIE_LOG_LEVEL": "error",
            "CAUSERIE_SQLITE_SYNCHRONOUS": "NORMAL",
        }
        command = [sys.executable, "-m", "causerie", "serve", "--port", str(port)]
        log = open(Path(folder) / "server.log", "wb")  # noqa: SIM115 - closed below
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait(url, args.start_timeout)
            _soak(url, server.pid, args)
        finally:
            server.terminate()
            server.wait(10)
            log.close()


def _wait(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def _soak(url: str, pid: int, args: argparse.Namespace) -> None:
    stop = threading.Event()
    tally: Counter[int] = Counter()
    mixes = [Mix(url, seed, stop, tally) for seed in range(args.clients)]
    threads = [threading.Thread(target=m.run) for m in mixes]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    samples: list[list[float]] = [[0.0, round(_rss_mb(pid), 1)]]
    print(f"{'t (s)':>7} {'RSS (MB)':>9} {'requests':>9} {'5xx':>5}")
    print(f"{0:7.0f} {samples[0][1]:9.1f} {0:9d} {0:5d}")
    try:
        while time.monotonic() - start < args.seconds:
            time.sleep(min(args.every, max(0.0, args.seconds - (time.monotonic() - start))))
            t = round(time.monotonic() - start, 1)
            rss = round(_rss_mb(pid), 1)
            samples.append([t, rss])
            errors = sum(n for status, n in tally.items() if status >= 500)
            print(f"{t:7.0f} {rss:9.1f} {sum(tally.values()):9d} {errors:5d}", flush=True)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    # Memory after the first fifth (caches and pools filled) against the end.
    warm = next((rss for t, rss in samples if t >= args.seconds / 5), samples[-1][1])
    result = {
        "seconds": round(time.monotonic() - start, 1),
        "requests": sum(tally.values()),
        "by_status": {str(k): v for k, v in sorted(tally.items())},
        "server_errors": sum(n for status, n in tally.items() if status >= 500),
        "rss_mb": samples,
        "rss_after_warmup_mb": warm,
        "rss_end_mb": samples[-1][1],
        "growth_mb": round(samples[-1][1] - warm, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
