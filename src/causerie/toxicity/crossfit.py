"""Thresholds chosen on out-of-source scores (cross-fitting by source fold).

A threshold chosen on the validation part of the sources a model was trained
on is chosen on sources it knows; on a new source the same threshold lets
through two or three times the false positives (docs/toxicity.md). Here every
score a threshold is chosen on comes from a fit that never saw that row's
source: the units are grouped into fixed source folds, a fit leaves folds out,
and only the left-out folds' rows are scored by it::

    shipped model      fold F left out  -> scores of F's rows (train + validation parts)
    LOSO, unit U in A  folds A and B out -> scores of B's rows (and of A's other units)

In leave-one-source-out the held-out unit's fold is always among the folds
left out, so no row of it reaches the fit, and its own rows are never among
the scores its thresholds are chosen on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import combinations

import numpy as np
import numpy.typing as npt

from causerie.toxicity.datasets import Example

# Fixed before any figure was seen: the two Darija sets apart, the three
# Arabic-script dialect sets apart, each fold a mix of comments and tweets.
SOURCE_FOLDS: tuple[tuple[str, ...], ...] = (
    ("omcd", "olid"),
    ("mdold", "mlma_fr"),
    ("thsab", "mlma_en", "ftr"),
    ("osact", "mlma_ar"),
)
FloatVector = npt.NDArray[np.float64]
# (rows to fit on, rows to score) -> the scores of the second list.
FitScore = Callable[[Sequence[int], Sequence[int]], FloatVector]
FoldPair = tuple[int, int]


def fold_of(unit: str) -> int:
    """Index of the unit's source fold."""
    for index, fold in enumerate(SOURCE_FOLDS):
        if unit in fold:
            return index
    raise KeyError(f"unit {unit!r} is in no source fold")


def training_rows(rows: Sequence[Example], pool: Sequence[int], unseen: set[str]) -> list[int]:
    """The pool's training-part rows outside ``unseen`` units, minus texts found in them."""
    held = {rows[i].key for i in pool if rows[i].unit in unseen}
    return [
        i
        for i in pool
        if rows[i].unit not in unseen and not rows[i].validation and rows[i].key not in held
    ]


def leave_fold_out_scores(
    rows: Sequence[Example], pool: Sequence[int], fit_score: FitScore
) -> FloatVector:
    """Score of every pool row by a fit on the other source folds (aligned with ``pool``)."""
    out = np.full(len(pool), np.nan)
    position = {row: k for k, row in enumerate(pool)}
    for fold in SOURCE_FOLDS:
        scored = [i for i in pool if rows[i].unit in fold]
        fitted = training_rows(rows, pool, set(fold))
        if scored and fitted:
            out[[position[i] for i in scored]] = fit_score(fitted, scored)
    return out


def fold_pairs() -> list[FoldPair]:
    """Every pair of source folds (a fit leaves both out)."""
    return list(combinations(range(len(SOURCE_FOLDS)), 2))


def pair_for(held_out_unit: str, unit: str) -> FoldPair:
    """The fold pair whose fit scores ``unit`` when ``held_out_unit`` is held out."""
    a, b = fold_of(held_out_unit), fold_of(unit)
    if a == b:
        b = (a + 1) % len(SOURCE_FOLDS)
    return (min(a, b), max(a, b))


def pair_fit_scores(rows: Sequence[Example], pair: FoldPair, fit_score: FitScore) -> FloatVector:
    """Scores, by a fit without both folds, of the folds' rows (NaN for every other row)."""
    unseen = {u for f in pair for u in SOURCE_FOLDS[f]}
    everything = range(len(rows))
    scored = [i for i in everything if rows[i].unit in unseen]
    out = np.full(len(rows), np.nan)
    fitted = training_rows(rows, everything, unseen)
    if scored and fitted:
        out[scored] = fit_score(fitted, scored)
    return out


def held_out_pool_scores(
    rows: Sequence[Example],
    held_out_unit: str,
    pool: Sequence[int],
    by_pair: dict[FoldPair, FloatVector],
) -> FloatVector:
    """Out-of-source scores of the pool rows, from fits that never saw ``held_out_unit``."""
    return np.asarray(
        [by_pair[pair_for(held_out_unit, rows[i].unit)][i] for i in pool], dtype=np.float64
    )
