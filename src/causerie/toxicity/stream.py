"""A moderated stream, replayed on a held-out unit: the global threshold against the site's own.

For each held-out unit the leave-one-source-out model's scores
(``generalization.py``, saved with ``--scores``) arrive one comment at a time
in a fixed shuffled order, as on a site that just installed Causerie:

* a comment at or above the hold threshold in force is held, and a moderator
  decides it (its true label: "offensive" / "not offensive");
* a published comment reaches a moderator only if readers report it: each
  offensive published comment is reported and confirmed with probability
  :data:`REPORT_RATE`; clean published comments are never decided;
* the site's threshold (``site_threshold.py``) is recomputed from these
  decisions every :data:`RECOMPUTE_EVERY` arrivals.

Figures are on the second half of the stream: **static** (the global
out-of-source threshold, what the shipped model does), **site** (the threshold
learned from the first half's decisions, frozen at half-way) and **online**
(the site keeps learning through the second half, each comment judged with
the threshold from the decisions before it). The baseline gets the same
replay on its own scores. Every setting here and in ``site_threshold.py``
was fixed before any held-out unit's replay was read; the estimator assumes
``ASSUMED_REPORT_RATE`` whatever the replay's true rate, and
:data:`SENSITIVITY_RATES` replay the stream with a true rate the estimator
does not know.

    causerie toxicity stream loso-scores.npz [--only omcd]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from causerie.toxicity.site_threshold import ASSUMED_REPORT_RATE, WINDOW, from_arrays
from causerie.toxicity.train import binary_metrics

if TYPE_CHECKING:
    from causerie.toxicity.generalization import UnitResult

# The replay's true share of offensive published comments that readers report and a
# moderator confirms (the estimator assumes ASSUMED_REPORT_RATE, the same 0.3).
REPORT_RATE = 0.3
# True rates the estimator is not told: what a wrong assumption costs.
SENSITIVITY_RATES = (0.15, 0.6)
# Shuffled orders per unit (seeds 0..ORDERS-1); figures are their mean.
ORDERS = 5
# Arrivals between two recomputations of the site's threshold.
RECOMPUTE_EVERY = 50
# Units used for development (docs/toxicity.md): marked in the table.
DEV_UNITS = ("mdold", "olid")
FloatArray = npt.NDArray[np.float64]
Metrics = dict[str, float]


@dataclass
class Replay:
    """One side's second-half figures on one stream order."""

    static: Metrics
    site: Metrics
    online: Metrics
    threshold_half: float
    threshold_end: float


@dataclass
class StreamResult:
    """A unit's stream figures (means over the orders), ours and the baseline's."""

    unit: str
    n_second_half: int
    offensive_second_half: int
    static_thresholds: dict[str, float]
    sides: dict[str, dict[str, Metrics]] = field(default_factory=dict)
    thresholds: dict[str, list[float]] = field(default_factory=dict)
    sensitivity: dict[str, Metrics] = field(default_factory=dict)


def replay(
    scores: FloatArray,
    labels: npt.NDArray[np.int64],
    static: float,
    *,
    seed: int,
    report_rate: float = REPORT_RATE,
) -> Replay:
    """One stream order: what a moderated site sees, and the second half's figures."""
    n = len(scores)
    order = np.random.default_rng(seed).permutation(n)
    s, y = scores[order], labels[order].astype(bool)
    draws = np.random.default_rng(seed + 1000).random(n)
    half = n // 2
    reviewed = np.zeros(n, dtype=bool)
    decided = np.zeros(n, dtype=bool)
    held = np.zeros(n, dtype=bool)
    threshold = threshold_half = static
    bounds = sorted({*range(0, n, RECOMPUTE_EVERY), half, n})
    for start, stop in pairwise(bounds):
        chunk = slice(start, stop)
        held[chunk] = s[chunk] >= threshold
        reviewed[chunk] = held[chunk]
        decided[chunk] = held[chunk] | (y[chunk] & (draws[chunk] < report_rate))
        threshold = _learned(s, reviewed, decided, y, stop, static)
        if stop == half:
            threshold_half = threshold
    second = slice(half, n)
    return Replay(
        static=binary_metrics(y[second].astype(np.int64), s[second] >= static),
        site=binary_metrics(y[second].astype(np.int64), s[second] >= threshold_half),
        online=binary_metrics(y[second].astype(np.int64), held[second]),
        threshold_half=threshold_half,
        threshold_end=threshold,
    )


def _learned(
    s: FloatArray,
    reviewed: npt.NDArray[np.bool_],
    decided: npt.NDArray[np.bool_],
    y: npt.NDArray[np.bool_],
    upto: int,
    static: float,
) -> float:
    """The site's threshold from the first ``upto`` arrivals (its last ``WINDOW``)."""
    window = slice(max(upto - WINDOW, 0), upto)
    found = from_arrays(s[window], reviewed[window], decided[window], y[window], static)
    return found.threshold


def _mean(items: Sequence[Mapping[str, float]]) -> Metrics:
    keys = ("precision", "recall", "f1", "fpr")
    return {k: float(np.mean([float(m[k]) for m in items])) for k in keys}


def unit_stream(
    unit: str,
    labels: npt.NDArray[np.int64],
    scores: Mapping[str, FloatArray],
    static: Mapping[str, float],
) -> StreamResult:
    """Every order of one unit's stream, for ours and the baseline, and the sensitivity."""
    n = len(labels)
    half = n // 2
    offensive = [
        int(labels[np.random.default_rng(k).permutation(n)][half:].sum()) for k in range(ORDERS)
    ]
    result = StreamResult(unit, n - half, int(np.mean(offensive)), dict(static))
    for side, values in scores.items():
        runs = [replay(values, labels, static[side], seed=k) for k in range(ORDERS)]
        result.sides[side] = {
            "static": _mean([r.static for r in runs]),
            "site": _mean([r.site for r in runs]),
            "online": _mean([r.online for r in runs]),
        }
        result.thresholds[side] = [r.threshold_half for r in runs]
    for rate in SENSITIVITY_RATES:
        runs = [
            replay(scores["ours"], labels, static["ours"], seed=k, report_rate=rate)
            for k in range(ORDERS)
        ]
        result.sensitivity[f"{rate:g}"] = _mean([r.site for r in runs])
    return result


def from_units(results: Sequence[UnitResult]) -> list[StreamResult]:
    """Stream results from ``generalization.run``'s units (run with their arrays)."""
    return [
        unit_stream(
            r.unit,
            r.arrays["labels"].astype(np.int64),
            {"ours": r.arrays["ours"], "baseline": r.arrays["baseline"]},
            {"ours": r.thresholds["ours_crossfit"], "baseline": r.thresholds["baseline_crossfit"]},
        )
        for r in results
    ]


def from_file(path: Path, only: Sequence[str] = ()) -> list[StreamResult]:
    """Stream results for every unit saved by ``generalization --scores`` (or ``only``)."""
    with np.load(path) as saved:
        units = list(dict.fromkeys(k.split("/")[0] for k in saved.files))
        results = []
        for unit in units:
            if only and unit not in only:
                continue
            ours_static, base_static = (float(v) for v in saved[f"{unit}/thresholds"])
            results.append(
                unit_stream(
                    unit,
                    saved[f"{unit}/labels"].astype(np.int64),
                    {"ours": saved[f"{unit}/ours"], "baseline": saved[f"{unit}/baseline"]},
                    {"ours": ours_static, "baseline": base_static},
                )
            )
    return results


def _pair(m: Metrics) -> str:
    return f"{m['f1']:.3f} | {100 * m['fpr']:.1f}%"


def _name(unit: str) -> str:
    return f"{unit} (dev)" if unit in DEV_UNITS else unit


def markdown_table(results: Sequence[StreamResult]) -> list[str]:
    """Second-half F1 and FPR: static, site (frozen at half-way), online; baseline beside."""
    lines = [
        "| unit | n (2nd half) | offensive | ours static F1 | FPR | ours site F1 | FPR "
        "| site threshold (half-way) | ours online F1 | FPR | baseline static F1 | FPR "
        "| baseline site F1 | FPR |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: "
        "| ---: | ---: |",
    ]
    for r in results:
        ours, base = r.sides["ours"], r.sides["baseline"]
        cuts = r.thresholds["ours"]
        span = (
            f"{r.static_thresholds['ours']:.2f} → {np.mean(cuts):.2f} "
            f"({min(cuts):.2f}–{max(cuts):.2f})"
        )
        lines.append(
            f"| {_name(r.unit)} | {r.n_second_half:,} | {r.offensive_second_half:,} "
            f"| {_pair(ours['static'])} | {_pair(ours['site'])} | {span} "
            f"| {_pair(ours['online'])} | {_pair(base['static'])} | {_pair(base['site'])} |"
        )
    return lines


def sensitivity_table(results: Sequence[StreamResult]) -> list[str]:
    """Ours, site threshold: the replay's true report rate against the assumed one."""
    rates = [f"{REPORT_RATE:g}", *(f"{r:g}" for r in SENSITIVITY_RATES)]
    head = " | ".join(f"true rate {r} F1 | FPR" for r in rates)
    lines = [
        f"| unit | {head} |",
        "| --- |" + " ---: | ---: |" * len(rates),
    ]
    for r in results:
        cells = [r.sides["ours"]["site"], *(r.sensitivity[k] for k in rates[1:])]
        lines.append(f"| {_name(r.unit)} | " + " | ".join(_pair(m) for m in cells) + " |")
    lines.append("")
    lines.append(f"(the estimator assumes a report rate of {ASSUMED_REPORT_RATE:g} throughout)")
    return lines
