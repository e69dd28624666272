"""The command line's output for a model's verdict and for ``eval FILE.csv`` (spam, toxicity).

causerie toxicity check TEXT --json   ->  verdict_json(...)
causerie toxicity eval FILE.csv       ->  eval_lines(...), last line one JSON object
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from causerie.spam.csv_eval import Confusion
from causerie.spam.explain import Reason

METRIC_NAMES = ("precision", "recall", "f1", "fpr", "accuracy", "ms_per_item")


def verdict_json(reasons: Sequence[Reason], texts: Sequence[str], **fields: Any) -> str:
    """One verdict as JSON: ``fields`` first, then each reason's code, params, weight, text."""
    payload = dict(fields)
    payload["reasons"] = [
        {"code": r.code, "params": dict(r.params), "weight": r.weight, "text": t}
        for r, t in zip(reasons, texts, strict=True)
    ]
    return json.dumps(payload, ensure_ascii=False)


def named_metrics(counts: Confusion, positive: str, negative: str) -> dict[str, float | int]:
    """``Confusion.metrics()`` with the model's names for its two classes (spam/ham …)."""
    metrics = counts.metrics()
    out: dict[str, float | int] = {"n": metrics["n"]}
    out[positive] = metrics["spam"]
    out[negative] = metrics["ham"]
    out.update({k: v for k, v in metrics.items() if k not in ("n", "spam", "ham")})
    return out


def eval_lines(
    csv_file: Path,
    counts: Confusion,
    positive: str,
    negative: str,
    errors: Iterable[tuple[int, bool, float]],
) -> list[str]:
    """The ``eval`` report: counts, metrics, the first ten errors, then one line of JSON."""
    metrics = named_metrics(counts, positive, negative)
    lines = [
        f"{csv_file}: {metrics['n']} comments ({metrics[positive]} {positive}, "
        f"{metrics[negative]} {negative})",
        f"  {positive} caught {counts.tp:6d}   {positive} missed {counts.fn:6d}",
        f"  {negative} wrongly {counts.fp:6d}   {negative} kept {counts.tn:6d}",
    ]
    lines += [f"  {name:<12} {metrics[name]}" for name in METRIC_NAMES]
    for i, (line, truth, score) in enumerate(errors):
        if i == 10:
            break
        lines.append(f"  line {line}: {positive if truth else negative} scored {score:.3f}")
    lines.append(json.dumps(metrics, separators=(",", ":")))
    return lines
