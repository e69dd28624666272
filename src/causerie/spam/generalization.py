"""Leave-one-source-out: how the filter does on a community it never saw.

``python -m causerie.spam.generalization --data ../shared/data``

For every *unit* (a data set, one YouTube video, one group of Instagram
accounts, the project's written French set …) two models are trained on the
train and validation parts of every *other* unit:

* the shipped method (:func:`causerie.spam.train.train_on`, thresholds from
  the other units' validation parts), scored through the real
  :class:`~causerie.spam.filter.Filter`;
* a plain baseline: TF-IDF of character 2–5-grams and word 1–2-grams with a
  logistic regression, the same rows, sample weights and threshold rule.

Every row of the held-out unit is a test row (texts also present in the
training units are dropped: the figure measures a new community, not memory).
Test parts of the other units are never trained on.

Then a *stream* per unit: its comments in a fixed shuffled order through a
filter that a moderator corrects after every wrong verdict
(``learn(..., source="moderator")``); the second half's FPR and recall are
reported beside the same half scored without learning.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from causerie.spam import datasets as ds
from causerie.spam.csv_eval import Confusion
from causerie.spam.filter import Filter
from causerie.spam.model import GlobalModel
from causerie.spam.stacking import StackTable
from causerie.spam.state import MemoryLearningLog
from causerie.spam.text import normalize
from causerie.spam.train import (
    TrainingSettings,
    choose_thresholds,
    featurize,
    sample_weights,
    shipped_rows,
    train_on,
)

_WRITTEN_UNITS = {
    "french_train": "french_written",
    "french_validation": "french_written",
    "french_spam": "french_written",
    "french_train_extra": "french_written",
    "english_train": "english_written",
    "arabic_train": "arabic_written",
    "blog_written": "blog_written",
}
BASELINE_C = 10.0
STREAM_SEED = 20261130


def unit_of(row: ds.Example) -> str:
    """The unit a row is held out with."""
    if row.source == "youtube":
        return f"youtube/{row.group.split('-', 1)[-1]}"
    if row.source == "instagram":
        return f"instagram/{row.group}"
    return _WRITTEN_UNITS.get(row.source, row.source)


def all_rows(root: Path) -> list[ds.Example]:
    """Every labelled row: the shipped model's rows plus the French test set."""
    return shipped_rows(root) + ds.french_spam()


def split_for(rows: Sequence[ds.Example], unit: str) -> tuple[list[int], list[int]]:
    """Indices of training rows (other units, train/validation parts) and test rows."""
    train = [i for i, r in enumerate(rows) if unit_of(r) != unit and r.part != ds.TEST]
    seen = {normalize(rows[i].text) for i in train}
    test: list[int] = []
    kept: set[str] = set()
    for i, r in enumerate(rows):
        if unit_of(r) != unit:
            continue
        key = normalize(r.text)
        if key and key not in seen and key not in kept:
            kept.add(key)
            test.append(i)
    return train, test


@dataclass
class UnitResult:
    """Figures for one held-out unit."""

    unit: str
    shipped: dict[str, float | int]
    baseline: dict[str, float | int]
    static_second_half: dict[str, float | int]
    stream_second_half: dict[str, float | int]
    thresholds: dict[str, float] = field(default_factory=dict)
    groups: dict[str, dict[str, float | int]] = field(default_factory=dict)
    # Per test row (language, label, shipped score): the curves' input.
    scores: list[tuple[str, int, float]] = field(default_factory=list)


def baseline_counts(texts: Sequence[str]) -> sp.csr_matrix:
    """The plain baseline's features: raw counts of char 2–5-grams (within words) and
    word 1–2-grams, each hashed to 2**20 (the toxicity evaluation uses them too)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    chars = HashingVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), n_features=1 << 20,
        alternate_sign=False, norm=None,
    )  # fmt: skip
    words = HashingVectorizer(
        analyzer="word", ngram_range=(1, 2), n_features=1 << 20,
        alternate_sign=False, norm=None,
    )  # fmt: skip
    return sp.hstack([chars.transform(texts), words.transform(texts)]).tocsr()


class Baseline:
    """TF-IDF (char 2–5 within words, word 1–2) + logistic regression."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.counts = baseline_counts(texts)

    def fit_predict(
        self,
        train: list[int],
        train_rows: Sequence[ds.Example],
        test: list[int],
    ) -> tuple[npt.NDArray[np.float64], float]:
        """Fit on ``train``; return the test scores and the validation-chosen threshold."""
        from sklearn.feature_extraction.text import TfidfTransformer
        from sklearn.linear_model import LogisticRegression

        fit_idx = [i for i, r in zip(train, train_rows, strict=True) if r.part == ds.TRAIN]
        fit_rows = [r for r in train_rows if r.part == ds.TRAIN]
        val_idx = [i for i, r in zip(train, train_rows, strict=True) if r.part == ds.VALIDATION]
        val_rows = [r for r in train_rows if r.part == ds.VALIDATION]
        tfidf = TfidfTransformer(sublinear_tf=True).fit(self.counts[fit_idx])
        clf = LogisticRegression(C=BASELINE_C, solver="liblinear", max_iter=200, random_state=0)
        labels = np.asarray([r.label for r in fit_rows])
        clf.fit(
            tfidf.transform(self.counts[fit_idx]),
            labels,
            sample_weight=sample_weights(fit_rows, TrainingSettings()),
        )
        val = clf.predict_proba(tfidf.transform(self.counts[val_idx]))[:, 1]
        threshold, _ = choose_thresholds(val, val_rows, TrainingSettings().max_validation_fpr)
        test_scores = clf.predict_proba(tfidf.transform(self.counts[test]))[:, 1]
        return test_scores, threshold


def _confusion(labels: Sequence[int], called: Sequence[bool]) -> Confusion:
    counts = Confusion()
    for truth, spam in zip(labels, called, strict=True):
        counts.add(bool(truth), spam)
    return counts


def stream(model: GlobalModel, rows: Sequence[ds.Example]) -> tuple[Confusion, Confusion]:
    """Second half of a corrected stream: (without learning, with learning)."""
    order = list(range(len(rows)))
    random.Random(STREAM_SEED).shuffle(order)
    half = len(order) // 2
    static = Filter(model, remember_spam=False)
    learning = Filter(model, MemoryLearningLog(), refresh_interval=0.0)
    before, after = Confusion(), Confusion()
    for position, i in enumerate(order):
        row = rows[i]
        sample = ds.sample_of(row, site="stream")
        called = learning.check(sample).is_spam
        if position >= half:
            after.add(bool(row.label), called)
            before.add(bool(row.label), static.check(sample).is_spam)
        if called != bool(row.label):
            learning.learn(sample, bool(row.label), source="moderator")
    return before, after


def _score(model: GlobalModel, rows: Sequence[ds.Example]) -> tuple[list[bool], list[float]]:
    spam_filter = Filter(model, remember_spam=False)
    verdicts = [spam_filter.check(ds.sample_of(r)) for r in rows]
    return [v.is_spam for v in verdicts], [v.score for v in verdicts]


def evaluate_unit(
    unit: str,
    rows: Sequence[ds.Example],
    matrix: sp.csr_matrix,
    baseline: Baseline | None,
    settings: TrainingSettings,
    stacker: tuple[Sequence[float], float] | None = None,
) -> UnitResult:
    """Train both models without ``unit`` and score them on it.

    ``stacker``: the stacked model's combiner, fitted without ``unit``
    (``stacking.StackTable.fit``); ``baseline`` None skips the baseline.
    """
    from causerie.spam.curves import language_of

    train, test = split_for(rows, unit)
    train_rows = [rows[i] for i in train]
    test_rows = [rows[i] for i in test]
    model = train_on(train_rows, matrix[train], settings, log=lambda _: None, stacker=stacker)
    called, row_scores = _score(model, test_rows)
    labels = [r.label for r in test_rows]
    base: dict[str, float | int] = {}
    base_threshold = float("nan")
    if baseline is not None:
        base_scores, base_threshold = baseline.fit_predict(train, train_rows, test)
        base = _confusion(labels, [bool(s >= base_threshold) for s in base_scores]).metrics()
    groups: dict[str, dict[str, float | int]] = {}
    for name in sorted({r.group for r in test_rows if r.source == "myc"}):
        picked = [j for j, r in enumerate(test_rows) if r.group == name]
        groups[name] = _confusion(
            [labels[j] for j in picked], [called[j] for j in picked]
        ).metrics()
    before, after = stream(model, test_rows)
    return UnitResult(
        unit=unit,
        shipped=_confusion(labels, called).metrics(),
        baseline=base,
        static_second_half=before.metrics(),
        stream_second_half=after.metrics(),
        thresholds={"shipped": model.spam_threshold, "baseline": base_threshold},
        groups=groups,
        scores=[(language_of(r), r.label, s) for r, s in zip(test_rows, row_scores, strict=True)],
    )


_STATE: dict[str, object] = {}


def _init_worker(
    root: str, settings: TrainingSettings, stack: str | None = None, with_baseline: bool = True
) -> None:
    rows = all_rows(Path(root))
    texts = [r.text for r in rows]
    _STATE.update(
        rows=rows,
        matrix=featurize(texts),
        baseline=Baseline(texts) if with_baseline else None,
        settings=settings,
        stack=StackTable(Path(stack), rows) if stack else None,
    )


def _run_unit(unit: str) -> UnitResult:
    rows = _STATE["rows"]
    assert isinstance(rows, list)
    matrix = _STATE["matrix"]
    baseline = _STATE["baseline"]
    settings = _STATE["settings"]
    table = _STATE["stack"]
    assert isinstance(matrix, sp.csr_matrix)
    assert baseline is None or isinstance(baseline, Baseline)
    assert isinstance(settings, TrainingSettings)
    # The stacker behind a held-out figure never saw the held-out unit.
    stacker = table.fit(unit) if isinstance(table, StackTable) else None
    return evaluate_unit(unit, rows, matrix, baseline, settings, stacker)


def units(rows: Sequence[ds.Example]) -> list[str]:
    """Every unit of the data, in a stable order."""
    return sorted({unit_of(r) for r in rows})


def _fmt(m: dict[str, float | int]) -> str:
    if not m:
        return "(not run)"
    spam, ham = int(m["spam"]), int(m["ham"])
    recall = f"{m['recall']:.3f}" if spam else "  —  "
    f1 = f"{m['f1']:.3f}" if spam and ham else "  —  "
    fpr = f"{100 * float(m['fpr']):5.2f}%" if ham else "   —  "
    return f"R {recall} F1 {f1} FPR {fpr}"


def report_line(r: UnitResult) -> str:
    """One readable line per unit."""
    n = r.shipped
    return (
        f"{r.unit:<26} n={n['n']:5d} (spam {n['spam']:4d}) | "
        f"shipped (t={r.thresholds['shipped']:.2f}) {_fmt(r.shipped)} | "
        f"baseline {_fmt(r.baseline)} | 2nd half static FPR "
        f"{100 * float(r.static_second_half['fpr']):5.2f}% R {r.static_second_half['recall']:.3f}"
        f" -> stream FPR {100 * float(r.stream_second_half['fpr']):5.2f}% "
        f"R {r.stream_second_half['recall']:.3f}"
    )


def _cell(m: dict[str, float | int], key: str) -> str:
    if not m:
        return "n/a"
    if key == "fpr":
        return f"{100 * float(m['fpr']):.2f}%" if m["ham"] else "—"
    if key == "recall":
        return f"{float(m['recall']):.3f}" if m["spam"] else "—"
    return f"{float(m['f1']):.3f}" if m["spam"] and m["ham"] else "—"


def markdown_table(results: Sequence[UnitResult]) -> list[str]:
    """The leave-one-source-out and stream figures as one Markdown table."""
    lines = [
        "| held-out unit | n | spam | shipped recall | F1 | FPR | baseline recall | F1 | FPR "
        "| 2nd half static FPR / recall | stream FPR / recall |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        s, b = r.shipped, r.baseline
        static, learned = r.static_second_half, r.stream_second_half
        lines.append(
            f"| {r.unit} | {s['n']:,} | {s['spam']:,} | {_cell(s, 'recall')} | {_cell(s, 'f1')} "
            f"| {_cell(s, 'fpr')} | {_cell(b, 'recall')} | {_cell(b, 'f1')} | {_cell(b, 'fpr')} "
            f"| {_cell(static, 'fpr')} / {_cell(static, 'recall')} "
            f"| {_cell(learned, 'fpr')} / {_cell(learned, 'recall')} |"
        )
    return lines


def run(
    root: Path,
    settings: TrainingSettings,
    only: Sequence[str] = (),
    jobs: int = 1,
    log: Callable[[str], None] = print,
    stack: Path | None = None,
    with_baseline: bool = True,
) -> list[UnitResult]:
    """Evaluate every unit (or ``only`` those), ``jobs`` at a time."""
    names = [u for u in units(all_rows(root)) if not only or u in only]
    started = time.perf_counter()
    results: list[UnitResult] = []
    initargs = (str(root), settings, str(stack) if stack else None, with_baseline)
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=initargs) as ex:
        for result in ex.map(_run_unit, names):
            log(report_line(result))
            results.append(result)
    log(f"{len(results)} units in {time.perf_counter() - started:.0f}s")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Print the leave-one-source-out table; ``--json`` writes every figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--only", nargs="*", default=(), help="units to evaluate (default: all)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--stack", type=Path, help="out-of-fold predictions (stacking.py)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain baseline")
    parser.add_argument("--curves", type=Path, help="write curves.json from the held-out scores")
    defaults = TrainingSettings()
    parser.add_argument("--c", type=float, default=defaults.c, help="regularisation C")
    parser.add_argument("--nb-floor", type=float, default=defaults.nb_floor, help="0: no NBSVM")
    parser.add_argument("--dense-scale", type=float, default=defaults.dense_scale)
    parser.add_argument("--drop", nargs="*", default=list(defaults.dropped_signals))
    parser.add_argument(
        "--arabic-threshold", action="store_true", help="Arabic-script comments' own threshold"
    )
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"error: {args.data}: no such data folder", file=sys.stderr)
        return 2
    settings = TrainingSettings(
        c=args.c,
        nb_floor=args.nb_floor,
        dense_scale=args.dense_scale,
        dropped_signals=tuple(args.drop),
        arabic_threshold=args.arabic_threshold,
    )
    results = run(
        args.data,
        settings,
        args.only,
        args.jobs,
        stack=args.stack,
        with_baseline=not args.no_baseline,
    )
    for line in markdown_table(results):
        print(line)
    if args.curves:
        from causerie.spam.curves import Prediction, write_curves

        predictions = [Prediction(*p) for r in results for p in r.scores]
        write_curves(predictions, args.curves, units=len(results))
    if args.json:
        payload = [r.__dict__ for r in results]
        args.json.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
