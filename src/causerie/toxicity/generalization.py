"""Leave-one-source-out for the toxicity model, with a plain baseline beside it.

For each unit (``datasets.UNITS``): train on every other unit (texts also found
in the held-out unit removed), choose the thresholds, then score the whole
held-out unit once. Two threshold rules are reported from the same fits: on
the other units' validation parts (``validation``), and on the other units'
out-of-source scores from fits that never saw the held-out unit either
(``crossfit``, see ``crossfit.py``; the shipped model's rule). The baseline —
TF-IDF over character 2–5-grams within words and word 1–2-grams, logistic
regression — gets the same rows, sample weights and both threshold rules.

    causerie toxicity generalization --data ../shared/data [--only omcd] [--json out.json]
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from causerie.spam.generalization import baseline_counts
from causerie.toxicity.crossfit import FoldPair, held_out_pool_scores, pair_fit_scores, pair_for
from causerie.toxicity.datasets import FAMILY, UNITS, Example, load_all
from causerie.toxicity.train import (
    DEFAULT_SETTINGS,
    TrainingSettings,
    binary_metrics,
    choose_thresholds,
    featurize,
    fit,
    fit_with_thresholds,
    sample_weights,
    scores,
)

BASELINE_C = 10.0
# Units reported per script too: MDOLD mixes Arabic script and Arabizi, and its
# Latin-script rows carry the "zebi" keyword artefact (its README).
SPLIT_BY_SCRIPT = ("mdold",)
Metrics = dict[str, float | int]
_STATE: dict[str, object] = {}
# The two threshold rules reported: on the training sources' validation parts
# (the first versions'), and on out-of-source scores (``crossfit``).
VALIDATION = "validation"
CROSSFIT = "crossfit"
FloatVector = npt.NDArray[np.float64]
Item = TypeVar("Item")
Result = TypeVar("Result")


@dataclass
class UnitResult:
    """Figures for one held-out unit: ours and the baseline's, with their thresholds."""

    unit: str
    family: str
    ours: Metrics
    baseline: Metrics
    thresholds: dict[str, float] = field(default_factory=dict)
    crossfit: dict[str, Metrics] = field(default_factory=dict)
    scripts: dict[str, dict[str, Metrics]] = field(default_factory=dict)
    # The held-out unit's labels and scores in row order (``labels``, ``ours``,
    # ``baseline``): what a stream replay (``toxicity/stream.py``) reads. Not in the JSON.
    arrays: dict[str, npt.NDArray[np.float64]] = field(default_factory=dict, repr=False)


def baseline_fit_score(
    counts: sp.csr_matrix, rows: Sequence[Example], fit_idx: Sequence[int], score_idx: Sequence[int]
) -> npt.NDArray[np.float64]:
    """Fit the baseline on ``fit_idx`` (the rows' sample weights) and score ``score_idx``."""
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    fit_idx, score_idx = list(fit_idx), list(score_idx)
    fit_rows = [rows[i] for i in fit_idx]
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts[fit_idx])
    clf = LogisticRegression(C=BASELINE_C, solver="liblinear", max_iter=200, random_state=0)
    clf.fit(
        tfidf.transform(counts[fit_idx]),
        np.asarray([r.label for r in fit_rows]),
        sample_weight=sample_weights(fit_rows),
    )
    return np.asarray(clf.predict_proba(tfidf.transform(counts[score_idx]))[:, 1])


def baseline_scores(
    counts: sp.csr_matrix, train_idx: list[int], rows: Sequence[Example], test_idx: list[int]
) -> tuple[npt.NDArray[np.float64], float]:
    """Fit the baseline on the training parts; test scores and the validation threshold."""
    fit_idx = [i for i in train_idx if not rows[i].validation]
    val_idx = [i for i in train_idx if rows[i].validation]
    both = baseline_fit_score(counts, rows, fit_idx, val_idx + test_idx)
    val, test = both[: len(val_idx)], both[len(val_idx) :]
    labels = np.asarray([rows[i].label for i in val_idx])
    hold, _ = choose_thresholds(val, labels, [rows[i].unit for i in val_idx], TrainingSettings())
    return test, hold


def split_for(rows: Sequence[Example], unit: str) -> tuple[list[int], list[int]]:
    """Indices of the training rows (other units, minus texts of the unit) and the test rows."""
    test = [i for i, r in enumerate(rows) if r.unit == unit]
    held = {rows[i].key for i in test}
    train = [i for i, r in enumerate(rows) if r.unit != unit and r.key not in held]
    return train, test


def _ours_fit_score(fit_idx: Sequence[int], score_idx: Sequence[int]) -> FloatVector:
    rows: list[Example] = _STATE["rows"]  # type: ignore[assignment]
    matrix: sp.csr_matrix = _STATE["matrix"]
    settings: TrainingSettings = _STATE["settings"]  # type: ignore[assignment]
    fitted = list(fit_idx)
    weights = fit(matrix[fitted], [rows[i] for i in fitted], settings, for_serving=False)
    return scores(weights, matrix[list(score_idx)])


def _baseline_fit_score(fit_idx: Sequence[int], score_idx: Sequence[int]) -> FloatVector:
    rows: list[Example] = _STATE["rows"]  # type: ignore[assignment]
    return baseline_fit_score(_STATE["counts"], rows, fit_idx, score_idx)


def evaluate_pair(pair: FoldPair) -> tuple[FoldPair, FloatVector, FloatVector]:
    """Out-of-source scores of two source folds' rows, ours and the baseline's."""
    rows: list[Example] = _STATE["rows"]  # type: ignore[assignment]
    return (
        pair,
        pair_fit_scores(rows, pair, _ours_fit_score),
        pair_fit_scores(rows, pair, _baseline_fit_score),
    )


def crossfit_thresholds(unit: str, pool: list[int], side: str) -> tuple[float, float]:
    """(hold, reject) chosen on out-of-source scores of the pool, from fits without ``unit``."""
    rows: list[Example] = _STATE["rows"]  # type: ignore[assignment]
    by_pair: dict[FoldPair, FloatVector] = _STATE[f"pairs_{side}"]  # type: ignore[assignment]
    settings: TrainingSettings = _STATE["settings"]  # type: ignore[assignment]
    score = held_out_pool_scores(rows, unit, pool, by_pair)
    labels = np.asarray([rows[i].label for i in pool])
    return choose_thresholds(score, labels, [rows[i].unit for i in pool], settings)


def evaluate_unit(unit: str) -> UnitResult:
    """Train without ``unit``, score it with our model and the baseline, under both rules."""
    rows: list[Example] = _STATE["rows"]  # type: ignore[assignment]
    matrix: sp.csr_matrix = _STATE["matrix"]
    counts: sp.csr_matrix = _STATE["counts"]
    settings: TrainingSettings = _STATE["settings"]  # type: ignore[assignment]
    train, test = split_for(rows, unit)
    weights = fit_with_thresholds(matrix[train], [rows[i] for i in train], settings)
    ours = scores(weights, matrix[test])
    base, base_hold = baseline_scores(counts, train, rows, test)
    ours_hold, ours_reject = crossfit_thresholds(unit, train, "ours")
    base_cf_hold, _ = crossfit_thresholds(unit, train, "baseline")
    labels = np.asarray([rows[i].label for i in test])
    cuts = {
        "ours": weights.hold_threshold,
        "baseline": base_hold,
        "ours_crossfit": ours_hold,
        "baseline_crossfit": base_cf_hold,
        "ours_reject_crossfit": ours_reject,
    }
    result = UnitResult(
        unit,
        FAMILY[unit],
        binary_metrics(labels, ours >= cuts["ours"]),
        binary_metrics(labels, base >= cuts["baseline"]),
        cuts,
        crossfit={
            "ours": binary_metrics(labels, ours >= ours_hold),
            "baseline": binary_metrics(labels, base >= base_cf_hold),
            "ours_reject": binary_metrics(labels, ours >= ours_reject),
        },
        arrays={"labels": labels.astype(np.float64), "ours": ours, "baseline": base},
    )
    scripts = np.asarray([rows[i].script for i in test])
    if unit in SPLIT_BY_SCRIPT:
        for script in sorted(set(scripts.tolist())):
            mask = scripts == script
            result.scripts[script] = {
                "ours": binary_metrics(labels[mask], ours[mask] >= cuts["ours"]),
                "baseline": binary_metrics(labels[mask], base[mask] >= cuts["baseline"]),
                "ours_crossfit": binary_metrics(labels[mask], ours[mask] >= ours_hold),
                "baseline_crossfit": binary_metrics(labels[mask], base[mask] >= base_cf_hold),
            }
    return result


def save_scores(results: Sequence[UnitResult], path: Path) -> None:
    """Every held-out unit's labels, scores and static thresholds in one ``.npz``."""
    arrays: dict[str, npt.NDArray[np.float64]] = {}
    for r in results:
        for key, values in r.arrays.items():
            arrays[f"{r.unit}/{key}"] = values
        arrays[f"{r.unit}/thresholds"] = np.asarray(
            [r.thresholds["ours_crossfit"], r.thresholds["baseline_crossfit"]]
        )
    np.savez_compressed(path, **arrays)  # type: ignore[arg-type]


def _sides(result: UnitResult, rule: str) -> tuple[Metrics, Metrics]:
    if rule == CROSSFIT:
        return result.crossfit["ours"], result.crossfit["baseline"]
    return result.ours, result.baseline


def _cell(m: Metrics) -> str:
    return (
        f"{m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {100 * float(m['fpr']):.1f}%"
    )


def markdown_table(results: Sequence[UnitResult], rule: str = CROSSFIT) -> list[str]:
    """One row per held-out unit (and per script where a unit mixes two), under one rule."""
    lines = [
        "| held-out unit | family | n | offensive | ours P | R | F1 | FPR "
        "| baseline P | R | F1 | FPR |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    suffix = "_crossfit" if rule == CROSSFIT else ""
    for r in results:
        ours, base = _sides(r, rule)
        rows = [(r.unit, ours, base)]
        rows += [
            (f"{r.unit} ({s})", m[f"ours{suffix}"], m[f"baseline{suffix}"])
            for s, m in r.scripts.items()
        ]
        for name, o, b in rows:
            lines.append(
                f"| {name} | {r.family} | {o['n']:,} | {o['offensive']:,} "
                f"| {_cell(o)} | {_cell(b)} |"
            )
    return lines


def family_table(results: Sequence[UnitResult], rule: str = CROSSFIT) -> list[str]:
    """Per language family, the mean over its held-out units of F1 and FPR (ours, baseline)."""
    lines = [
        "| family | units | ours mean F1 | mean FPR | baseline mean F1 | mean FPR |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for family in dict.fromkeys(r.family for r in results):
        group = [r for r in results if r.family == family]

        def mean(side: int, key: str, group: list[UnitResult] = group) -> float:
            return float(np.mean([float(_sides(r, rule)[side][key]) for r in group]))

        lines.append(
            f"| {family} | {', '.join(r.unit for r in group)} | {mean(0, 'f1'):.3f} "
            f"| {100 * mean(0, 'fpr'):.1f}% | {mean(1, 'f1'):.3f} "
            f"| {100 * mean(1, 'fpr'):.1f}% |"
        )
    return lines


def prepare(root: Path, settings: TrainingSettings, log: Callable[[str], None]) -> None:
    """Load and featurize every row once (shared with the worker processes by fork)."""
    started = time.perf_counter()
    rows = load_all(root)
    texts = [r.text for r in rows]
    _STATE.update(
        rows=rows, matrix=featurize(texts), counts=baseline_counts(texts), settings=settings
    )
    log(f"{len(rows)} rows featurized in {time.perf_counter() - started:.0f} s")


def _map(task: Callable[[Item], Result], items: Sequence[Item], jobs: int) -> Iterator[Result]:
    """``task`` over ``items``, in this process or ``jobs`` forked ones (sharing ``_STATE``)."""
    if jobs <= 1:
        yield from map(task, items)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(jobs, mp_context=context) as pool:
        yield from pool.map(task, items)


def run(
    root: Path,
    settings: TrainingSettings = DEFAULT_SETTINGS,
    only: Sequence[str] = (),
    jobs: int = 1,
    log: Callable[[str], None] = print,
) -> list[UnitResult]:
    """Evaluate every unit (or ``only`` those), ``jobs`` at a time."""
    names = [u for u in UNITS if not only or u in only]
    prepare(root, settings, log)
    started = time.perf_counter()
    pairs = sorted({pair_for(name, other) for name in names for other in UNITS if other != name})
    results: list[UnitResult] = []
    fitted = list(_map(evaluate_pair, pairs, jobs))
    _STATE["pairs_ours"] = {pair: ours for pair, ours, _ in fitted}
    _STATE["pairs_baseline"] = {pair: base for pair, _, base in fitted}
    log(f"{len(pairs)} source-fold pairs fitted in {time.perf_counter() - started:.0f} s")
    # A new pool: its workers fork after the pair scores are in _STATE.
    for result in _map(evaluate_unit, names, jobs):
        results.append(result)
        log(markdown_table([result])[2])
    log(f"{len(results)} units in {time.perf_counter() - started:.0f} s")
    return results
