"""What the newsroom desk adds to posting a comment: statements and time per post.

Run: .venv/bin/python bench/newsroom_post.py [--posts N]

Posts N comments through ``CommentService.create`` (the domain, no HTTP) on a
fresh SQLite file, spam filter off, for each configuration a site may have:

- ``plain``: no desk feature in use (what every site pays);
- ``reader_rules``: the site has rules on some readers (one indexed lookup per post);
- ``premod_thread``: the article is pre-moderated (read from the cached thread);
- ``hook_204``: an external hook on loopback answering "no opinion" at once;
- ``hook_timeout``: a hook that never answers in its 200 ms budget.

For each: median and 95th percentile milliseconds per post, and SQL queries
per post (counted on the engine; BEGIN and savepoints left out). Run it with
``PYTHONPATH`` pointing at another checkout's ``src`` to measure that code's
``plain`` line the same way (configurations it does not know are skipped).
Prints a readable line per configuration, then one line of JSON. Figures,
not assertions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import event

from causerie.config import Settings
from causerie.core.comments import CommentInput, Reader
from causerie.runtime import build_runtime

QUERIES = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


@contextmanager
def hook_server(delay: float) -> Iterator[str]:
    """A loopback hook answering 204 after ``delay`` seconds."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            time.sleep(delay)
            try:
                self.send_response(204)
                self.end_headers()
            except OSError:
                pass

        def log_message(self, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/moderate"
    finally:
        server.shutdown()
        server.server_close()


def run(
    name: str, posts: int, site_settings: dict[str, Any], premod: bool = False
) -> dict[str, Any]:
    """Post ``posts`` comments with these site settings; time and count statements."""
    with tempfile.TemporaryDirectory() as where:
        settings = replace(
            Settings(),
            database_url=f"sqlite:///{Path(where) / 'bench.db'}",
            secret="bench-secret-0123456789abcdef",
            comments_per_minute=0,
            spam_filter=False,
            outbox_worker=False,
            sqlite_synchronous="NORMAL",
        )
        runtime = build_runtime(settings, spam_filter=False)
        try:
            store = runtime.store
            store.update_site_settings("default", site_settings)
            service = runtime.comments
            first, _ = service.create(
                None, CommentInput("/bench", "Premier", "Bench"), Reader("198.51.100.1")
            )
            if premod:
                from causerie.store.records import ThreadRules

                store.set_thread_rules(first.thread_id, ThreadRules(premod=True))
            if "reader_rules" in name:
                from causerie.store.records import ReaderRule

                site = store.site("default")
                assert site is not None
                runtime.stores.readers.set_reader_rule(
                    ReaderRule(site.id, "0" * 32, premod=True, updated=time.time())
                )
            statements = [0]

            def count(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
                # Queries only: SQLite's BEGIN and savepoints are not round trips to a server.
                if statement.lstrip().upper().startswith(QUERIES):
                    statements[0] += 1

            event.listen(runtime.engine, "before_cursor_execute", count)
            times = []
            for i in range(posts):
                data = CommentInput("/bench", f"Avis numéro {i} sur l'article", f"Lecteur {i}")
                started = time.perf_counter()
                service.create(None, data, Reader(f"198.51.100.{i % 250 + 2}", lang="fr"))
                times.append((time.perf_counter() - started) * 1000)
            event.remove(runtime.engine, "before_cursor_execute", count)
        finally:
            runtime.close()
            runtime.engine.dispose()
    times.sort()
    return {
        "config": name,
        "median_ms": round(statistics.median(times), 3),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 3),
        "statements_per_post": round(statements[0] / posts, 2),
    }


def main() -> None:
    """Measure every configuration this checkout knows and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=300)
    args = parser.parse_args()
    results = [run("plain", args.posts, {})]
    newsroom = hasattr(Settings(), "database_url") and _has_desk()
    if newsroom:
        results.append(run("reader_rules", args.posts, {}))
        results.append(run("premod_thread", args.posts, {}, premod=True))
        with hook_server(0.0) as url:
            hook = {
                "moderation_hook_url": url,
                "moderation_hook_secret": "bench-hook-secret-0123",
                "moderation_hook_allow_private": True,
            }
            results.append(run("hook_204", args.posts, hook))
        with hook_server(5.0) as url:
            slow = {**hook, "moderation_hook_url": url, "moderation_hook_timeout_ms": 200}
            results.append(run("hook_timeout", max(10, args.posts // 20), slow))
    for r in results:
        print(
            f"{r['config']:>14}: median {r['median_ms']:7.2f} ms, p95 {r['p95_ms']:7.2f} ms, "
            f"{r['statements_per_post']:.2f} SQL statements per post"
        )
    print(json.dumps({"posts": args.posts, "results": results}))


def _has_desk() -> bool:
    try:
        import causerie.core.reader_desk  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
