"""Leave-one-source-out for the toxicity model, with a plain baseline beside it.

For each unit (``datasets.UNITS``): train on every other unit (texts also found
in the held-out unit removed), choose the thresholds on the other units'
validation parts, then score the whole held-out unit once. The baseline —
TF-IDF over character 2–5-grams within words and word 1–2-grams, logistic
regression — gets the same rows, sample weights and threshold rule.

    causerie toxicity generalization --data ../shared/data [--only omcd] [--json out.json]
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from causerie.spam.generalization import baseline_counts
from causerie.toxicity.datasets import FAMILY, UNITS, Example, load_all
from causerie.toxicity.train import (
    DEFAULT_SETTINGS,
    TrainingSettings,
    binary_metrics,
    choose_thresholds,
    featurize,
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


@dataclass
class UnitResult:
    """Figures for one held-out unit: ours and the baseline's, with their thresholds."""

    unit: str
    family: str
    ours: Metrics
    baseline: Metrics
    thresholds: dict[str, float] = field(default_factory=dict)
    scripts: dict[str, dict[str, Metrics]] = field(default_factory=dict)


def baseline_scores(
    counts: sp.csr_matrix, train_idx: list[int], rows: Sequence[Example], test_idx: list[int]
) -> tuple[npt.NDArray[np.float64], float]:
    """Fit the baseline on the training parts; test scores and the validation threshold."""
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    fit_idx = [i for i in train_idx if not rows[i].validation]
    val_idx = [i for i in train_idx if rows[i].validation]
    fit_rows = [rows[i] for i in fit_idx]
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts[fit_idx])
    clf = LogisticRegression(C=BASELINE_C, solver="liblinear", max_iter=200, random_state=0)
    clf.fit(
        tfidf.transform(counts[fit_idx]),
        np.asarray([r.label for r in fit_rows]),
        sample_weight=sample_weights(fit_rows),
    )
    val = clf.predict_proba(tfidf.transform(counts[val_idx]))[:, 1]
    labels = np.asarray([rows[i].label for i in val_idx])
    hold, _ = choose_thresholds(val, labels, [rows[i].unit for i in val_idx], TrainingSettings())
    return clf.predict_proba(tfidf.transform(counts[test_idx]))[:, 1], hold


def split_for(rows: Sequence[Example], unit: str) -> tuple[list[int], list[int]]:
    """Indices of the training rows (other units, minus texts of the unit) and the test rows."""
    test = [i for i, r in enumerate(rows) if r.unit == unit]
    held = {rows[i].key for i in test}
    train = [i for i, r in enumerate(rows) if r.unit != unit and r.key not in held]
    return train, test


def evaluate_unit(unit: str) -> UnitResult:
    """Train without ``unit``, score it with our model and the baseline."""
    rows: list[Example] = _STATE["rows"]  # type: ignore[assignment]
    matrix: sp.csr_matrix = _STATE["matrix"]
    counts: sp.csr_matrix = _STATE["counts"]
    settings: TrainingSettings = _STATE["settings"]  # type: ignore[assignment]
    train, test = split_for(rows, unit)
    weights = fit_with_thresholds(matrix[train], [rows[i] for i in train], settings)
    ours = scores(weights, matrix[test])
    base, base_hold = baseline_scores(counts, train, rows, test)
    labels = np.asarray([rows[i].label for i in test])
    result = UnitResult(
        unit,
        FAMILY[unit],
        binary_metrics(labels, ours >= weights.hold_threshold),
        binary_metrics(labels, base >= base_hold),
        {"ours": weights.hold_threshold, "baseline": base_hold},
    )
    scripts = np.asarray([rows[i].script for i in test])
    if unit in SPLIT_BY_SCRIPT:
        for script in sorted(set(scripts.tolist())):
            mask = scripts == script
            result.scripts[script] = {
                "ours": binary_metrics(labels[mask], ours[mask] >= weights.hold_threshold),
                "baseline": binary_metrics(labels[mask], base[mask] >= base_hold),
            }
    return result


def _cell(m: Metrics) -> str:
    return (
        f"{m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {100 * float(m['fpr']):.1f}%"
    )


def markdown_table(results: Sequence[UnitResult]) -> list[str]:
    """One row per held-out unit (and per script where a unit mixes two)."""
    lines = [
        "| held-out unit | family | n | offensive | ours P | R | F1 | FPR "
        "| baseline P | R | F1 | FPR |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        rows = [(r.unit, r.ours, r.baseline)]
        rows += [(f"{r.unit} ({s})", m["ours"], m["baseline"]) for s, m in r.scripts.items()]
        for name, ours, base in rows:
            lines.append(
                f"| {name} | {r.family} | {ours['n']:,} | {ours['offensive']:,} "
                f"| {_cell(ours)} | {_cell(base)} |"
            )
    return lines


def family_table(results: Sequence[UnitResult]) -> list[str]:
    """Per language family, the mean over its held-out units of F1 and FPR (ours, baseline)."""
    lines = [
        "| family | units | ours mean F1 | mean FPR | baseline mean F1 | mean FPR |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for family in dict.fromkeys(r.family for r in results):
        group = [r for r in results if r.family == family]

        def mean(side: str, key: str, group: list[UnitResult] = group) -> float:
            return float(np.mean([float(getattr(r, side)[key]) for r in group]))

        lines.append(
            f"| {family} | {', '.join(r.unit for r in group)} | {mean('ours', 'f1'):.3f} "
            f"| {100 * mean('ours', 'fpr'):.1f}% | {mean('baseline', 'f1'):.3f} "
            f"| {100 * mean('baseline', 'fpr'):.1f}% |"
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
    results: list[UnitResult] = []
    if jobs <= 1:
        for name in names:
            results.append(evaluate_unit(name))
            log(markdown_table(results[-1:])[2])
    else:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(jobs, mp_context=context) as pool:
            for result in pool.map(evaluate_unit, names):
                results.append(result)
                log(markdown_table([result])[2])
    log(f"{len(results)} units in {time.perf_counter() - started:.0f} s")
    return results
