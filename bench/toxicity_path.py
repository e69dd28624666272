"""The comment path with both models: time per post, verdicts per second, memory.

Run: .venv/bin/python bench/toxicity_path.py [--posts N]

Posts N comments through ``CommentService.create`` (the domain, no HTTP) on a
fresh SQLite file with the shipped spam filter on, once with the toxicity
model off and once on (site policy ``hold``); a third of the comments are
insults, so the hold path is timed too. Prints, for each, the median, 95th
and 99th percentile milliseconds per post; then the spam verdict + toxicity
verdict of one comment, back to back on one core (combined verdicts per
second); then the memory the toxicity model adds to a worker. Last line: one
JSON object. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from causerie.config import Settings
from causerie.core.comments import CommentInput, Reader

TEXTS = [
    "Merci pour cet article, très clair sur la réforme.",
    "Espèce de sale con, ferme ta gueule.",
    "شكرا على المقال الرائع، الله يعطيك الصحة",
    "ولد الحرام يا حمار",
    "The minister should resign after this, honestly. Great reporting as always!",
    "you are a stupid idiot and a liar",
    "tbarklah 3lik a5ti, dima nadia",
    "C'est honteux, encore une hausse des prix de l'énergie cet hiver !",
    "Bravo",
]


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def posting(posts: int, toxicity: bool) -> dict[str, Any]:
    """Post ``posts`` comments with the spam filter on, the toxicity model on or off."""
    from causerie.runtime import build_runtime

    with tempfile.TemporaryDirectory() as where:
        settings = replace(
            Settings(),
            database_url=f"sqlite:///{Path(where) / 'bench.db'}",
            secret="bench-secret-0123456789abcdef",
            comments_per_minute=0,
            spam_filter=True,
            toxicity_filter=toxicity,
            outbox_worker=False,
            sqlite_synchronous="NORMAL",
        )
        runtime = build_runtime(settings)
        try:
            service = runtime.comments
            service.create(None, CommentInput("/bench", "Premier", "Bench"), Reader("198.51.100.1"))
            # Hold, not the default flag: the hold path (a pending comment) is timed too.
            service.store.update_site_settings("default", {"toxicity_policy": "hold"})
            times = []
            held = 0
            for i in range(posts):
                text = f"{TEXTS[i % len(TEXTS)]} ({i})"
                data = CommentInput("/bench", text, f"Lecteur {i}")
                started = time.perf_counter()
                made, _ = service.create(None, data, Reader(f"198.51.100.{i % 250 + 2}", "", "fr"))
                times.append((time.perf_counter() - started) * 1000)
                held += made.toxicity_flag == "hold"
        finally:
            runtime.close()
            runtime.engine.dispose()
    times.sort()
    return {
        "toxicity": toxicity,
        "median_ms": round(statistics.median(times), 3),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 3),
        "p99_ms": round(times[int(len(times) * 0.99) - 1], 3),
        "held_as_toxic": held,
    }


def combined(rounds: int) -> dict[str, Any]:
    """Spam verdict then toxicity verdict of one comment, on one core: how many per second."""
    from causerie.spam import CommentSample
    from causerie.spam.filter import Filter
    from causerie.toxicity.sites import SiteToxicity

    spam = Filter.load(remember_spam=False)
    before = rss_mb()
    judge = SiteToxicity.load()
    added = rss_mb() - before
    samples = [CommentSample(t, site="bench") for t in TEXTS]
    for s in samples:  # warm up
        spam.check(s)
        judge.judge(s.content, "fr", "bench")
    started = time.perf_counter()
    for i in range(rounds):
        s = samples[i % len(samples)]
        spam.check(s)
        judge.judge(s.content, "fr", "bench")
    elapsed = time.perf_counter() - started
    only = time.perf_counter()
    for i in range(rounds):
        judge.judge(samples[i % len(samples)].content, "fr", "bench")
    toxicity_ms = (time.perf_counter() - only) * 1000 / rounds
    return {
        "combined_per_second": round(rounds / elapsed),
        "toxicity_ms_per_verdict": round(toxicity_ms, 3),
        "toxicity_model_mb": round(added, 1),
    }


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3000)
    args = parser.parse_args()
    paths = [posting(args.posts, False), posting(args.posts, True)]
    for r in paths:
        name = "spam + toxicity" if r["toxicity"] else "spam only"
        print(
            f"{name:>16}: median {r['median_ms']:6.2f} ms, p95 {r['p95_ms']:6.2f} ms, "
            f"p99 {r['p99_ms']:6.2f} ms per post ({r['held_as_toxic']} held as toxic)"
        )
    speed = combined(args.rounds)
    print(
        f"combined verdicts on one core: {speed['combined_per_second']}/s; toxicity alone "
        f"{speed['toxicity_ms_per_verdict']} ms; toxicity model adds "
        f"{speed['toxicity_model_mb']} MB per worker"
    )
    print(json.dumps({"posts": args.posts, "paths": paths, **speed}))


if __name__ == "__main__":
    main()
