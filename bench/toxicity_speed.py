"""Speed and size of the toxicity model beside the spam filter: ``python bench/toxicity_speed.py``.

Prints the model's file size, load time and memory, then verdicts per second
on one core and latency percentiles for the toxicity model alone and for
spam + toxicity on the same comment (the comment path runs both).
Figures, not assertions; the goals (>= 500 combined verdicts/s, p99 <= 25 ms)
are in docs/toxicity.md.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# Written for the bench (no row of the public data sets).
COMMENTS = [
    "Merci pour cet article, très clair.",
    "Je ne suis pas d'accord avec la conclusion de l'auteur sur la réforme des retraites.",
    "شكرا على المقال الرائع، الله يعطيك الصحة",
    "tbarklah 3lik a5ti, dima nadia 😍😍",
    "The minister should resign after this, honestly. Great reporting as always!",
    "Bravo 👏",
    "C'est honteux, encore une hausse des prix de l'énergie cet hiver ! Les ménages "
    "modestes vont encore payer pendant que les grandes entreprises font des bénéfices records.",
    "t'es qu'un sale con, ferme ta gueule",
    "يا حمار الله ينعل بوك، سير تقرا عاد اجي تكتب",
    "nta hmar o wld l9a7ba, sir t9ra",
    "You are a stupid idiot and everybody on this site knows it.",
    "هاد الحكومة ديال الشفارة، كلهم كذابين و منافقين",
]
N = 5000


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(name: str, check: Callable[[str], object], texts: list[str]) -> None:
    """Print verdicts per second (wall and CPU) and latency percentiles of ``check``."""
    for text in texts[:50]:
        check(text)
    latencies = []
    cpu_started = time.process_time()
    started = time.perf_counter()
    for i in range(N):
        t0 = time.perf_counter()
        check(texts[i % len(texts)])
        latencies.append(time.perf_counter() - t0)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    ms = np.asarray(latencies) * 1000
    p50, p99 = np.percentile(ms, 50), np.percentile(ms, 99)
    print(
        f"{name:<18} {N / wall:6.0f} verdicts/s wall, {N / cpu:6.0f} per CPU-s; "
        f"p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {ms.max():.1f} ms"
    )


def main() -> None:
    """Print the figures."""
    model_dir = ROOT / "src/causerie/toxicity/model"
    size = sum(p.stat().st_size for p in model_dir.iterdir())
    from causerie.spam.filter import Filter
    from causerie.spam.verdict import CommentSample

    spam_filter = Filter.load()
    before = rss_mb()
    started = time.perf_counter()
    from causerie.toxicity import ToxicityModel

    model = ToxicityModel.load()
    load_s = time.perf_counter() - started
    print(f"toxicity model files {size / 1e6:.2f} MB")
    print(f"import + load        {load_s:.3f} s")
    print(f"memory added         {rss_mb() - before:.1f} MB (spam filter already loaded)")
    texts = COMMENTS * 10
    random.Random(1).shuffle(texts)
    measure("toxicity alone", model.check, texts)
    measure("spam alone", lambda t: spam_filter.check(CommentSample(t)), texts)

    def both(text: str) -> None:
        spam_filter.check(CommentSample(text))
        model.check(text)

    measure("spam + toxicity", both, texts)
    huge = "bonjour à tous " * 20_000
    t0 = time.perf_counter()
    model.check(huge)
    print(f"one {len(huge):,}-char comment {(time.perf_counter() - t0) * 1000:.1f} ms (toxicity)")
    print(f"process RSS          {rss_mb():.0f} MB (both models)")


if __name__ == "__main__":
    main()
