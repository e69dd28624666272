"""``causerie toxicity eval FILE.csv``: score a labelled CSV with the shipped model.

Input (header row)::

    content,label[,lang]
    "t'es qu'un sale con",offensive
    "Merci pour cet article",clean

The model never learns from what it evaluates. The report ends with one line
of JSON, like ``causerie spam eval``: ``{"n", "offensive", "clean",
"precision", "recall", "f1", "fpr", "accuracy", "ms_per_item"}``
(``fpr`` = clean rows called offensive ÷ all clean rows).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from causerie.spam.csv_eval import Confusion, EvalInputError, labelled_rows
from causerie.spam.report import named_metrics
from causerie.toxicity.classifier import ToxicityModel

LABELS = {"offensive": True, "clean": False}

__all__ = ["EvalInputError", "evaluate_csv", "read_rows", "summary"]


def read_rows(path: Path) -> Iterator[tuple[int, str, str, bool]]:
    """Rows of a labelled CSV as (line, content, lang, is_offensive); raises EvalInputError."""
    for line, row, truth in labelled_rows(path, LABELS):
        yield line, row.get("content") or "", row.get("lang") or "", truth


def evaluate_csv(
    path: Path, model: ToxicityModel, threshold: float | None = None
) -> tuple[Confusion, list[tuple[int, bool, float]]]:
    """Classify every row; return the counts and the misclassified (line, truth, score)."""
    cut = model.hold_threshold if threshold is None else threshold
    counts = Confusion()
    errors: list[tuple[int, bool, float]] = []
    rows = list(read_rows(path))
    if not rows:
        raise EvalInputError(f"{path}: no data rows")
    for line, content, lang, truth in rows:
        started = time.perf_counter()
        verdict = model.check(content, lang or None)
        counts.seconds += time.perf_counter() - started
        called = verdict.score >= cut
        counts.add(truth, called)
        if truth != called:
            errors.append((line, truth, verdict.score))
    return counts, errors


def summary(counts: Confusion) -> dict[str, float | int]:
    """The contract's numbers, with the toxicity names for the two classes."""
    return named_metrics(counts, "offensive", "clean")
