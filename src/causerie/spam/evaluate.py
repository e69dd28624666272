"""Reproduce every figure of ``docs/spam.md``: ``python -m causerie.spam.evaluate``.

* Held-out test parts (never used for training or thresholds) scored with the
  shipped model through the real :class:`Filter` (rules and all, no learning).

How the filter does on a community it never saw (each YouTube video, each
data set) is measured by :mod:`causerie.spam.generalization`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from causerie.spam import datasets as ds
from causerie.spam.csv_eval import Confusion
from causerie.spam.filter import Filter
from causerie.spam.model import MODEL_DIR, GlobalModel
from causerie.spam.train import shipped_rows


def score_rows(model: GlobalModel, rows: Sequence[ds.Example]) -> Confusion:
    """Run the real filter (read-only) over rows and count its calls."""
    import time

    spam_filter = Filter(model, remember_spam=False)
    counts = Confusion()
    for row in rows:
        sample = ds.sample_of(row)
        started = time.perf_counter()
        verdict = spam_filter.check(sample)
        counts.seconds += time.perf_counter() - started
        counts.add(bool(row.label), verdict.is_spam)
    return counts


def test_sets(root: Path) -> dict[str, list[ds.Example]]:
    """Every held-out test set, by the name used in the docs."""
    rows = [r for r in shipped_rows(root) if r.part == ds.TEST] + ds.french_spam()
    named: dict[str, list[ds.Example]] = {}
    for r in rows:
        name = f"{r.source}/{r.group}" if r.source == "myc" else r.source
        named.setdefault(name, []).append(r)
    return dict(sorted(named.items()))


def held_out_report(
    root: Path, model: GlobalModel, log: Callable[[str], None]
) -> dict[str, dict[str, float | int]]:
    """Metrics of the shipped model on each held-out test set."""
    out: dict[str, dict[str, float | int]] = {}
    for name, rows in test_sets(root).items():
        metrics = score_rows(model, rows).metrics()
        out[name] = metrics
        log(_line(name, metrics))
    return out


def _line(name: str, m: dict[str, float | int]) -> str:
    return (
        f"{name:<28} n={m['n']:5d} spam={m['spam']:5d} ham={m['ham']:5d} "
        f"precision={m['precision']:.4f} recall={m['recall']:.4f} f1={m['f1']:.4f} "
        f"fpr={m['fpr']:.4f} ms={m['ms_per_item']:.3f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Print every figure; write them as JSON with ``--json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--model", type=Path, default=MODEL_DIR)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"error: {args.data}: no such data folder", file=sys.stderr)
        return 2
    model = GlobalModel.load(args.model)
    print(f"held-out test sets, shipped model (spam threshold {model.spam_threshold:.3f})")
    figures: dict[str, object] = {"held_out": held_out_report(args.data, model, print)}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
