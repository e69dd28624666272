"""Two views of the text and the small stacker that combines them (issue 22, item 2).

* The **intent view** is the v3 model (``train.fit``): NBSVM-scaled n-grams at
  C = 4 plus the text signals. It generalises to communities it never saw,
  and underfits the ones it did.
* The **n-gram view** is a plain logistic regression over the same hashed
  n-grams (no signals, no NBSVM) at C = ``NGRAM_C``: it remembers the wording
  of the spam it was trained on, and is overconfident elsewhere.

The **stacker** is a logistic regression over a handful of numbers per
comment (``STACK_FEATURES``): both views' logits, how *familiar* the text is
to the training data (the share of its words the training texts used twice
or more, :func:`familiarity`), the share of Arabic letters, and the two
logits times the familiarity. It is trained on predictions the views made on
rows they did not train on, in both regimes the filter meets:

* *unseen*: every row of units the views never saw (a new community);
* *seen*: validation rows of units they trained on (a known community).

So it learns when to trust which view. The units are split into
``UNIT_FOLDS`` fixed folds (sorted unit names, round robin); the views are
fitted once per *pair* of folds left out (6 fits of each view), predicting
both left-out folds (unseen) and the validation rows of the others (seen).
The shipped stacker learns from all six fits; the stacker used to measure a
held-out unit (leave-one-source-out) learns only from the three fits that
never saw the unit's fold, and not from that fold's rows: neither the views
nor the stacker behind a held-out figure saw the held-out unit.

``python -m causerie.spam.stacking --data ../shared/data --out F.npz`` writes
those predictions (≈ 12 fits; run once, ``train`` reads the file).
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import time
import zlib
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from causerie.spam import datasets as ds
from causerie.spam.features import DIMENSIONS
from causerie.spam.text import words

if TYPE_CHECKING:
    # Training only: a serving process, which imports this module for stack_logit,
    # never loads scipy (~13 MB per worker).
    import scipy.sparse as sp

# Regularisation of the n-gram view: v1's C, the one that fitted the seen
# sources best and generalised worst (docs/spam.md); fixed, not tuned here.
NGRAM_C = 32.0
UNIT_FOLDS = 4
STACK_C = 1.0
STACK_FEATURES: tuple[str, ...] = (
    "intent",
    "ngram",
    "familiar",
    "arabic",
    "intent_x_familiar",
    "ngram_x_familiar",
)
# Logits are clipped before stacking: one view's extreme certainty must not
# decide alone.
LOGIT_CLIP = 12.0

FloatArray = npt.NDArray[np.float64]


def familiarity(known: npt.NDArray[np.bool_], normalized: str) -> float:
    """Share of the text's distinct words (2+ characters) that training texts used twice or more."""
    distinct = {w for w in words(normalized) if len(w) >= 2}
    if not distinct:
        return 0.0
    # vocabulary_bucket inlined: this runs on every comment.
    crc32 = zlib.crc32
    buckets = [crc32(b"k\x00" + w.encode()) % DIMENSIONS for w in distinct]
    return int(np.count_nonzero(known[buckets])) / len(distinct)


# A comment with more than this share of Arabic letters is "in Arabic script"
# (its own spam threshold, ``train.arabic_threshold``).
ARABIC_SCRIPT_SHARE = 0.5
# Runs rather than single letters: the same counts, a few times faster.
_LETTER_RUN_RE = re.compile(r"[^\W\d_]+")
_ARABIC_RUN_RE = re.compile(r"(?:(?=[^\W\d_])[\u0600-\u06ff\u0750-\u077f\ufb50-\ufeff])+")


def arabic_share(text: str) -> float:
    """Share of the text's letters written in Arabic script (as ``text.script_counts``)."""
    total = sum(map(len, _LETTER_RUN_RE.findall(text)))
    if not total:
        return 0.0
    return sum(map(len, _ARABIC_RUN_RE.findall(text))) / total


def stack_matrix(
    intent: FloatArray, ngram: FloatArray, familiar: FloatArray, arabic: FloatArray
) -> FloatArray:
    """The stacker's inputs, in ``STACK_FEATURES`` order, one row per comment."""
    a = np.clip(intent, -LOGIT_CLIP, LOGIT_CLIP)
    b = np.clip(ngram, -LOGIT_CLIP, LOGIT_CLIP)
    return np.column_stack([a, b, familiar, arabic, a * familiar, b * familiar])


def stack_logit(
    coef: Sequence[float], bias: float, intent: float, ngram: float, familiar: float, arabic: float
) -> tuple[float, float, float]:
    """(stacked logit, factor on the intent logit, factor on the n-gram logit) of one comment."""
    a = min(max(intent, -LOGIT_CLIP), LOGIT_CLIP)
    b = min(max(ngram, -LOGIT_CLIP), LOGIT_CLIP)
    ka = coef[0] + coef[4] * familiar
    kb = coef[1] + coef[5] * familiar
    return bias + ka * a + kb * b + coef[2] * familiar + coef[3] * arabic, ka, kb


def fit_ngram_view(
    matrix: sp.csr_matrix, labels: npt.NDArray[np.int64], weights: FloatArray
) -> tuple[npt.NDArray[np.float32], float]:
    """The n-gram view's weights (one per hashed bucket) and bias."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=NGRAM_C, solver="liblinear", max_iter=200, random_state=0)
    clf.fit(matrix[:, :DIMENSIONS], labels, sample_weight=weights)
    return clf.coef_[0].astype(np.float32), float(clf.intercept_[0])


def fit_stacker(
    x: FloatArray, labels: npt.NDArray[np.int64], weights: FloatArray
) -> tuple[list[float], float]:
    """Logistic regression over the stacker's inputs."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=STACK_C, solver="lbfgs", max_iter=1000)
    clf.fit(x, labels, sample_weight=weights)
    return [float(c) for c in clf.coef_[0]], float(clf.intercept_[0])


def unit_folds(unit_names: Sequence[str]) -> dict[str, int]:
    """Fixed fold of each unit: sorted names, round robin."""
    return {u: k % UNIT_FOLDS for k, u in enumerate(sorted(set(unit_names)))}


def fold_pairs() -> list[tuple[int, int]]:
    """Every pair of folds left out together (one fit of each view per pair)."""
    return list(itertools.combinations(range(UNIT_FOLDS), 2))


def view_logits(
    model_text: npt.NDArray[np.float32],
    model_dense: npt.NDArray[np.float32],
    bias: float,
    ngram: tuple[npt.NDArray[np.float32], float],
    matrix: sp.csr_matrix,
) -> tuple[FloatArray, FloatArray]:
    """Intent-view and n-gram-view logits of featurized rows (no context signals)."""
    intent = matrix @ np.concatenate([model_text, model_dense]).astype(np.float64) + bias
    b = matrix[:, :DIMENSIONS] @ ngram[0].astype(np.float64) + ngram[1]
    return np.asarray(intent), np.asarray(b)


def side_inputs(
    known: npt.NDArray[np.bool_], rows: Sequence[ds.Example]
) -> tuple[FloatArray, FloatArray]:
    """Familiarity and Arabic share of rows."""
    from causerie.spam.text import normalize

    fam = np.asarray([familiarity(known, normalize(r.text)) for r in rows])
    ar = np.asarray([arabic_share(r.text) for r in rows])
    return fam, ar


_STATE: dict[str, object] = {}


def _init(root: str) -> None:
    from causerie.spam.generalization import all_rows
    from causerie.spam.train import featurize

    rows = [r for r in all_rows(Path(root)) if r.part != ds.TEST]
    _STATE.update(rows=rows, matrix=featurize([r.text for r in rows]))


def _pair_predictions(pair: tuple[int, int]) -> dict[str, npt.NDArray[np.float64]]:
    import scipy.sparse as sp

    from causerie.spam.generalization import unit_of
    from causerie.spam.train import TrainingSettings, fit, sample_weights

    rows = _STATE["rows"]
    matrix = _STATE["matrix"]
    assert isinstance(rows, list) and isinstance(matrix, sp.csr_matrix)
    folds = unit_folds([unit_of(r) for r in rows])
    fold = np.asarray([folds[unit_of(r)] for r in rows])
    left_out = np.isin(fold, pair)
    part = np.asarray([r.part for r in rows])
    train = np.flatnonzero(~left_out & (part == ds.TRAIN))
    predict = np.flatnonzero(left_out | (part == ds.VALIDATION))
    train_rows = [rows[i] for i in train]
    settings = TrainingSettings()
    model = fit(matrix[train], train_rows, settings)
    labels = np.asarray([r.label for r in train_rows])
    ngram = fit_ngram_view(matrix[train], labels, sample_weights(train_rows, settings))
    intent, b = view_logits(
        model.text_weights, model.dense_weights, model.bias, ngram, matrix[predict]
    )
    fam, ar = side_inputs(model.known_vector(), [rows[i] for i in predict])
    return {
        "row": predict.astype(np.float64),
        "pair": np.full(len(predict), pair[0] * UNIT_FOLDS + pair[1], dtype=np.float64),
        "seen": (~left_out[predict]).astype(np.float64),
        "intent": intent,
        "ngram": b,
        "familiar": fam,
        "arabic": ar,
    }


def compute(root: Path, out: Path, jobs: int = 2) -> None:
    """Fit both views once per pair of left-out folds and save their predictions."""
    started = time.perf_counter()
    parts: list[dict[str, npt.NDArray[np.float64]]] = []
    with ProcessPoolExecutor(jobs, initializer=_init, initargs=(str(root),)) as ex:
        for pair, result in zip(fold_pairs(), ex.map(_pair_predictions, fold_pairs()), strict=True):
            print(f"folds {pair} left out: {len(result['row'])} predictions", flush=True)
            parts.append(result)
    merged = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    np.savez_compressed(
        out,
        row=merged["row"],
        pair=merged["pair"],
        seen=merged["seen"],
        intent=merged["intent"],
        ngram=merged["ngram"],
        familiar=merged["familiar"],
        arabic=merged["arabic"],
    )
    print(f"wrote {out} in {time.perf_counter() - started:.0f}s")


class StackTable:
    """The saved out-of-fold predictions, joined to the rows they are about."""

    def __init__(self, path: Path, rows: Sequence[ds.Example]) -> None:
        from causerie.spam.generalization import unit_of

        with np.load(path) as arrays:
            self.data = {k: arrays[k] for k in arrays.files}
        self.rows = [r for r in rows if r.part != ds.TEST]
        self.row = self.data["row"].astype(np.int64)
        if self.row.max(initial=0) >= len(self.rows):
            raise ValueError(f"{path} was computed on other rows")
        folds = unit_folds([unit_of(r) for r in self.rows])
        self.fold = np.asarray([folds[unit_of(self.rows[i])] for i in self.row])
        pair = self.data["pair"].astype(np.int64)
        self.pair = np.column_stack([pair // UNIT_FOLDS, pair % UNIT_FOLDS])

    def fit(self, held_out_unit: str | None = None) -> tuple[list[float], float]:
        """The stacker, from every fit, or only those that never saw ``held_out_unit``."""
        from causerie.spam.generalization import unit_of
        from causerie.spam.train import TrainingSettings, sample_weights

        keep = np.ones(len(self.row), dtype=bool)
        if held_out_unit is not None:
            folds = unit_folds([unit_of(r) for r in self.rows])
            if held_out_unit in folds:
                k = folds[held_out_unit]
                keep = (self.pair == k).any(axis=1) & (self.fold != k)
        picked = [self.rows[i] for i in self.row[keep]]
        x = stack_matrix(
            self.data["intent"][keep],
            self.data["ngram"][keep],
            self.data["familiar"][keep],
            self.data["arabic"][keep],
        )
        labels = np.asarray([r.label for r in picked])
        # Each (source, label) group weighs the same, seen and unseen alike.
        seen = self.data["seen"][keep] > 0
        weights = np.zeros(len(picked))
        for regime in (True, False):
            chosen = np.flatnonzero(seen == regime)
            if len(chosen):
                weights[chosen] = sample_weights([picked[i] for i in chosen], TrainingSettings())
        return fit_stacker(x, labels, weights)


def main(argv: Sequence[str] | None = None) -> int:
    """Compute the out-of-fold predictions the stacker learns from."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"error: {args.data}: no such data folder", file=sys.stderr)
        return 2
    compute(args.data, args.out, args.jobs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
