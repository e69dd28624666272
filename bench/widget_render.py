"""First render of a 200-comment thread in headless Chromium (goal: ≤ 300 ms after script load).

Run: .venv/bin/python bench/widget_render.py [--runs 7]
Starts ``causerie serve`` on a fresh SQLite file, posts 50 comments with 3 replies
each (200 in all, one default page), then opens the French demo article in a new
browser context each run (one warm-up run first, not counted). The widget reports,
in its ``causerie:ready`` event, the time from the start of its own script to the
thread being in the page: its three requests (catalog, site config, thread; in
parallel) plus building the DOM.
Prints each run, then one line of JSON with the median.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
READY = """window.__causerie = new Promise((resolve) =>
  document.addEventListener('causerie:ready', (e) => resolve(e.detail)));"""


def free_port() -> int:
    """A port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A real server on a fresh database, once /health answers."""
    port = free_port()
    env = {
        **os.environ,
        "CAUSERIE_DATABASE_URL": f"sqlite:///{db}",
        "CAUSERIE_SECRET": "bench-secret-0123456789abcdef0123",
        "CAUSERIE_COMMENTS_PER_MINUTE": "0",
        "CAUSERIE_SPAM_FILTER": "false",
        "CAUSERIE_LOG_LEVEL": "warning",
    }
    cmd = [sys.executable, "-m", "causerie", "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(cmd, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("server did not start")


def seed(url: str, uri: str) -> None:
    """50 top-level comments with 3 replies each: 200 comments, markdown included."""
    with httpx.Client(base_url=url, timeout=10) as http:
        for i in range(50):
            text = f"Commentaire **{i}** : le tramway change la vie du quartier, [voir](https://ex.ma/{i})."
            root = http.post(
                "/api/comments", json={"uri": uri, "text": text, "author": f"Lecteur {i}"}
            )
            parent = root.json()["id"]
            for j in range(3):
                body = {
                    "uri": uri,
                    "text": f"Réponse {j} à {i}.",
                    "author": f"R{j}",
                    "parent": parent,
                }
                http.post("/api/comments", json=body).raise_for_status()


def measure(url: str, runs: int) -> list[dict[str, float]]:
    """One fresh browser context per run (nothing cached)."""
    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(runs + 1):
            context = browser.new_context()
            page = context.new_page()
            page.add_init_script(READY)
            page.goto(url + "/demo")
            detail = page.evaluate("window.__causerie")
            results.append(detail)  # the first (warm-up) run is dropped below
            context.close()
        browser.close()
    print(f"warm-up run (not counted): {results[0]['ms']:.1f} ms")
    return results[1:]


def main() -> None:
    """Seed, measure, report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        process, url = start(Path(tmp) / "bench.db")
        try:
            seed(url, "/demo")
            results = measure(url, args.runs)
        finally:
            process.terminate()
            process.wait(15)
    for i, r in enumerate(results):
        wait, build = r["fetched"], r["ms"] - r["fetched"]
        print(f"run {i + 1}: {r['ms']:.1f} ms for {r['comments']} comments", end="")
        print(f" (waiting for the server {wait:.1f} ms, building the DOM {build:.1f} ms)")
    times = [r["ms"] for r in results]
    median = statistics.median(times)
    print(f"median {median:.1f} ms (goal 300 ms) -> {'ok' if median <= 300 else 'OVER'}")
    build = statistics.median(r["ms"] - r["fetched"] for r in results)
    out = {"comments": results[0]["comments"], "runs": len(times), "median_ms": round(median, 1)}
    out["median_build_ms"] = round(build, 1)
    out.update(min_ms=round(min(times), 1), max_ms=round(max(times), 1), goal_ms=300)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
