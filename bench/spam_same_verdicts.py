"""Check that a speed-up changed no verdict, score or reason.

    python bench/spam_same_verdicts.py --save /tmp/before.jsonl     # with the old code
    python bench/spam_same_verdicts.py --compare /tmp/before.jsonl  # with the new code

Runs the two mixes of ``bench/spam_speed.py`` (the usual mix, then the blog
mix: the written blog comments and the WordPress spam of ``../shared/data``
with author, website and post title) through one filter whose wave detector
and site near-duplicate memory start full, as ``--waves --full-memory`` does,
each mix twice over (the second pass meets the first one's waves and
remembered spam). Writes or compares, for each comment, the verdict, the
exact score before rounding and every reason with its exact weight.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import spam_speed

from causerie.spam.features import hash_text
from causerie.spam.filter import Filter
from causerie.spam.memory import minhash
from causerie.spam.verdict import CommentSample


def records() -> list[str]:
    """One JSON line per verdict, in order."""
    detector = spam_speed.full_wave_detector()
    # A clock of its own, 50 ms per verdict from when the detector was filled
    # (it stays full: each new template evicts a cluster), so runs repeat.
    start, ticks = time.time(), iter(range(10**9))
    clock = lambda: start + 0.05 * next(ticks)  # noqa: E731
    spam_filter = Filter.load(waves=detector, wave_clock=clock)
    memory = spam_filter._site("default").memory
    rng = random.Random(2)
    ham = spam_speed.HAM
    for _ in range(spam_filter.limits.memory_size):
        text = " ".join(rng.choice(ham[3].split() + ham[1].split()) for _ in range(20))
        memory.add(minhash(hash_text(f"{text} {rng.random()}").shingles))
    usual = [CommentSample(t, author=f"reader {i}") for i, t in enumerate(spam_speed.comments())]
    blog = spam_speed.blog_samples()
    out = []
    for mix, samples in (("usual", usual), ("blog", blog)):
        for turn in range(2):
            for i, sample in enumerate(samples):
                analysis = spam_filter.analyse(sample)
                verdict = spam_filter.check(sample)
                reasons = [[r.code, r.params, r.weight] for r in verdict.reasons]
                context = [[r.code, r.params, r.weight] for r in analysis.context]
                row = [mix, turn, i, verdict.verdict.value, verdict.score, analysis.base_logit]
                out.append(json.dumps([*row, reasons, context], sort_keys=True))
    return out


def main() -> None:
    """Save or compare."""
    lines = records()
    if "--save" in sys.argv:
        path = Path(sys.argv[sys.argv.index("--save") + 1])
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{len(lines)} verdicts saved to {path}")
        return
    path = Path(sys.argv[sys.argv.index("--compare") + 1])
    before = path.read_text(encoding="utf-8").splitlines()
    differ = [(a, b) for a, b in zip(before, lines, strict=True) if a != b]
    spam = sum(json.loads(line)[3] != "ham" for line in lines)
    print(f"{len(lines)} verdicts ({spam} spam or discard), {len(differ)} differ")
    for a, b in differ[:5]:
        print(f"  before {a}\n  after  {b}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
