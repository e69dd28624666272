"""Train the toxicity weights from the public data sets (``causerie toxicity train``).

Reproducible: the validation part of every unit is fixed by a text hash, the
solver is deterministic (liblinear). The weights are fitted on the other rows;
the hold and reject thresholds are chosen on out-of-source scores (each source
fold scored by a fit without it, ``crossfit.py``), never on a test part.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from causerie.spam.csv_eval import Confusion
from causerie.spam.features import DIMENSIONS, hash_text, vocabulary_bucket
from causerie.spam.report import named_metrics
from causerie.spam.text import words
from causerie.spam.train import TrainingSettings as SpamTraining
from causerie.spam.train import nb_scale
from causerie.toxicity.classifier import MAX_CHARS, dense_values
from causerie.toxicity.crossfit import SOURCE_FOLDS, leave_fold_out_scores
from causerie.toxicity.datasets import Example, load_all
from causerie.toxicity.lexicon import lexicon_hits
from causerie.toxicity.model import DENSE_NAMES, ToxicityWeights
from causerie.toxicity.text import toxicity_normalize

# FTR labels racism only: its "clean" rows may still insult (README), so they
# teach "this insult is fine" less loudly than the other sets' clean rows.
UNIT_LABEL_WEIGHTS: dict[tuple[str, int], float] = {("ftr", 0): 0.3}
# MDOLD's Latin rows are 71 % offensive against 28 % of its Arabic-script rows
# (its README): balanced per script, "Latin letters" stops meaning "offensive".
SCRIPT_BALANCED = frozenset({"mdold"})
REGULARISATION_C = 4.0
# NBSVM-style scaling of the n-gram buckets (the spam filter's ``nb_scale``):
# chosen on the validation parts (mean F1 over units at the hold threshold:
# off 0.716, power 0.5 0.747, power 1.0 0.748 — 0.5 kept, equal within noise
# and better on OMCD, the set closest to reader comments). 0 turns it off.
NB_POWER = 0.5
# Lexicon features are multiplied by this before fitting (their weights after):
# less regularised than the n-grams, they carry over to unseen sources.
DENSE_SCALE = 3.0
# Threshold rules, on the validation part: hold = best mean F1 over units with
# a mean false-positive rate at most HOLD_MAX_FPR; reject = mean FPR at most REJECT_MAX_FPR.
HOLD_MAX_FPR = 0.05
REJECT_MAX_FPR = 0.01
# Units whose clean class is not ordinary traffic (their READMEs): MLMA's
# "normal" tweets were collected with hate keywords and mention the same slurs,
# FTR's "clean" is only "not racist". They count for F1, not for the FPR cap.
FPR_EXEMPT_UNITS = frozenset({"mlma_ar", "mlma_fr", "mlma_en", "ftr"})
Log = Callable[[str], None]
FloatVector = npt.NDArray[np.float64]


@dataclass(frozen=True)
class TrainingSettings:
    """Knobs of one training run (defaults are the shipped model's)."""

    c: float = REGULARISATION_C
    dense_scale: float = DENSE_SCALE
    nb_power: float = NB_POWER
    hold_max_fpr: float = HOLD_MAX_FPR
    reject_max_fpr: float = REJECT_MAX_FPR


DEFAULT_SETTINGS = TrainingSettings()


def featurize(texts: Sequence[str]) -> sp.csr_matrix:
    """Rows of [hashed n-grams | lexicon categories] for many texts."""
    indptr = [0]
    indices: list[npt.NDArray[np.int64]] = []
    values: list[npt.NDArray[np.float32]] = []
    offset = np.arange(len(DENSE_NAMES), dtype=np.int64) + DIMENSIONS
    if not texts:
        return sp.csr_matrix((0, DIMENSIONS + len(DENSE_NAMES)), dtype=np.float32)
    for text in texts:
        content = text[:MAX_CHARS]
        hashed = hash_text(toxicity_normalize(content))
        dense = dense_values(lexicon_hits(content))
        keep = dense != 0
        indices += [hashed.indices, offset[keep]]
        values += [hashed.values, dense[keep]]
        indptr.append(indptr[-1] + len(hashed.indices) + int(keep.sum()))
    matrix = sp.csr_matrix(
        (np.concatenate(values), np.concatenate(indices), np.asarray(indptr)),
        shape=(len(texts), DIMENSIONS + len(DENSE_NAMES)),
    )
    matrix.sum_duplicates()
    return matrix


def _balance_key(row: Example) -> tuple[str, str, int]:
    return (row.unit, row.script if row.unit in SCRIPT_BALANCED else "", row.label)


def sample_weights(rows: Sequence[Example]) -> FloatVector:
    """Each (unit, label) group weighs the same in total, times its quirk factors.

    In ``SCRIPT_BALANCED`` units each script's share of the group is equal too,
    so that the script does not predict the label.
    """
    sizes = Counter(_balance_key(r) for r in rows)
    scripts = Counter((unit, label) for unit, _, label in sizes)
    mean = len(rows) / max(len(scripts), 1)
    return np.asarray(
        [
            mean
            / scripts[(r.unit, r.label)]
            / sizes[_balance_key(r)]
            * UNIT_LABEL_WEIGHTS.get((r.unit, r.label), 1.0)
            * r.weight
            for r in rows
        ]
    )


def fit(
    matrix: sp.csr_matrix,
    rows: Sequence[Example],
    settings: TrainingSettings,
    for_serving: bool = True,
) -> ToxicityWeights:
    """Fit the linear model on already featurized rows (thresholds left at defaults).

    ``for_serving=False`` skips what only a site's learning needs (learning
    scale, known words), for fits that only score rows.
    """
    from sklearn.linear_model import LogisticRegression

    labels = np.asarray([r.label for r in rows])
    balance = sample_weights(rows)
    text_scale = np.ones(DIMENSIONS)
    if settings.nb_power > 0:
        text_scale = nb_scale(matrix, labels, balance, SpamTraining(nb_power=settings.nb_power))
    scaling = np.ones(matrix.shape[1])
    scaling[:DIMENSIONS] = text_scale
    scaling[DIMENSIONS:] = settings.dense_scale
    clf = LogisticRegression(C=settings.c, solver="liblinear", max_iter=200, random_state=0)
    clf.fit(matrix @ sp.diags(scaling), labels, sample_weight=balance)
    coef = clf.coef_[0]
    weights = ToxicityWeights(
        (coef[:DIMENSIONS] * text_scale).astype(np.float32),
        (coef[DIMENSIONS:] * settings.dense_scale).astype(np.float32),
        float(clf.intercept_[0]),
    )
    if for_serving:
        weights.update_scale = rarity(matrix)
        weights.known_words = known_words([r.text for r in rows])
    return weights


def rarity(matrix: sp.csr_matrix) -> npt.NDArray[np.float32]:
    """Per bucket, log(N/df) / log(N) clipped to [0, 1]: 1 for unseen or rare n-grams."""
    n = matrix.shape[0] + 1
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])[:DIMENSIONS]
    return np.clip(np.log(n / (df + 1.0)) / np.log(n), 0.0, 1.0).astype(np.float32)


def known_words(texts: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Bitmap of the words found in at least two of the texts."""
    counts = np.zeros(DIMENSIONS, dtype=np.int32)
    for text in texts:
        counts[list({vocabulary_bucket(w) for w in words(toxicity_normalize(text))})] += 1
    return counts >= 2


def scores(weights: ToxicityWeights, matrix: sp.csr_matrix) -> FloatVector:
    """Offensive probability of featurized rows."""
    full = np.concatenate([weights.text_weights.astype(np.float64), weights.dense_weights])
    logits = matrix @ full + weights.bias
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(logits, -40, 40))))


def unit_rates(
    score: FloatVector, labels: npt.NDArray[np.int64], units: Sequence[str], threshold: float
) -> tuple[float, float]:
    """Mean F1 over the units and mean false-positive rate over the ordinary ones."""
    f1s: list[float] = []
    fprs: list[float] = []
    unit_array = np.asarray(units)
    names = list(dict.fromkeys(units))
    ordinary = [u for u in names if u not in FPR_EXEMPT_UNITS] or names
    for unit in names:
        mask = unit_array == unit
        called, truth = score[mask] >= threshold, labels[mask] == 1
        tp = int((called & truth).sum())
        fp = int((called & ~truth).sum())
        fn = int((~called & truth).sum())
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
        if unit in ordinary:
            fprs.append(fp / max(int((~truth).sum()), 1))
    return float(np.mean(f1s)), float(np.mean(fprs))


def choose_thresholds(
    score: FloatVector,
    labels: npt.NDArray[np.int64],
    units: Sequence[str],
    settings: TrainingSettings,
) -> tuple[float, float]:
    """(hold, reject) thresholds from validation scores; never from a held-out unit."""
    best, hold = -1.0, 0.5
    reject = 0.99
    for threshold in np.round(np.arange(0.05, 0.991, 0.01), 2):
        f1, fpr = unit_rates(score, labels, units, float(threshold))
        if fpr <= settings.hold_max_fpr and f1 > best:
            best, hold = f1, float(threshold)
    for threshold in np.round(np.arange(hold, 0.991, 0.01), 2):
        if unit_rates(score, labels, units, float(threshold))[1] <= settings.reject_max_fpr:
            reject = float(threshold)
            break
    return hold, max(reject, hold)


def fit_with_thresholds(
    matrix: sp.csr_matrix, rows: Sequence[Example], settings: TrainingSettings
) -> ToxicityWeights:
    """Fit on the rows' training parts, choose thresholds on their validation parts."""
    is_val = np.asarray([r.validation for r in rows])
    fit_rows = [r for r in rows if not r.validation]
    val_rows = [r for r in rows if r.validation]
    weights = fit(matrix[~is_val], fit_rows, settings)
    val_scores = scores(weights, matrix[is_val])
    labels = np.asarray([r.label for r in val_rows])
    units = [r.unit for r in val_rows]
    hold, reject = choose_thresholds(val_scores, labels, units, settings)
    weights.hold_threshold, weights.reject_threshold = hold, reject
    f1, fpr = unit_rates(val_scores, labels, units, hold)
    weights.meta["trained"] = {
        "rows": len(fit_rows),
        "validation_rows": len(val_rows),
        "units": sorted(set(units)),
        "c": settings.c,
        "dense_scale": settings.dense_scale,
        "nb_power": settings.nb_power,
        "validation_mean_f1": round(f1, 4),
        "validation_mean_fpr_ordinary": round(fpr, 4),
    }
    return weights


def crossfit_thresholds(
    matrix: sp.csr_matrix, rows: Sequence[Example], settings: TrainingSettings
) -> tuple[float, float, dict[str, float]]:
    """(hold, reject) chosen on out-of-source scores: each source fold scored by a fit without it.

    The rule is ``choose_thresholds``'s, on every row of the source folds (train
    and validation parts) as scored by a model that never saw their source, so
    the threshold already pays the shift to a new source.
    """

    def fit_score(fit_idx: Sequence[int], score_idx: Sequence[int]) -> FloatVector:
        fitted = list(fit_idx)
        weights = fit(matrix[fitted], [rows[i] for i in fitted], settings, for_serving=False)
        return scores(weights, matrix[list(score_idx)])

    score = leave_fold_out_scores(rows, range(len(rows)), fit_score)
    known = np.isfinite(score)
    labels = np.asarray([r.label for r in rows])[known]
    units = [r.unit for r, k in zip(rows, known, strict=True) if k]
    hold, reject = choose_thresholds(score[known], labels, units, settings)
    f1, fpr = unit_rates(score[known], labels, units, hold)
    return (
        hold,
        reject,
        {"out_of_source_mean_f1": round(f1, 4), "out_of_source_mean_fpr": round(fpr, 4)},
    )


def train_weights(
    rows: Sequence[Example], settings: TrainingSettings = DEFAULT_SETTINGS, log: Log = print
) -> ToxicityWeights:
    """Featurize every row, fit, choose thresholds on out-of-source scores (crossfit).

    The thresholds the validation parts alone would give are kept in the metadata.
    """
    started = time.perf_counter()
    matrix = featurize([r.text for r in rows])
    weights = fit_with_thresholds(matrix, rows, settings)
    info = weights.meta["trained"]
    info["validation_rule"] = {"hold": weights.hold_threshold, "reject": weights.reject_threshold}
    hold, reject, figures = crossfit_thresholds(matrix, rows, settings)
    weights.hold_threshold, weights.reject_threshold = hold, reject
    info["crossfit"] = {"source_folds": [list(f) for f in SOURCE_FOLDS], **figures}
    log(
        f"trained on {info['rows']} rows in {time.perf_counter() - started:.0f} s; "
        f"hold {hold:.2f} reject {reject:.2f} (out-of-source: mean F1 "
        f"{figures['out_of_source_mean_f1']:.3f}, "
        f"mean FPR {figures['out_of_source_mean_fpr']:.3f}); "
        f"the validation parts alone would give hold {info['validation_rule']['hold']:.2f} "
        f"(validation mean F1 {info['validation_mean_f1']:.3f}, "
        f"mean FPR (ordinary units) {info['validation_mean_fpr_ordinary']:.3f})"
    )
    return weights


def test_figures(
    weights: ToxicityWeights, rows: Sequence[Example]
) -> dict[str, dict[str, float | int]]:
    """Per unit, precision/recall/F1/FPR at the hold threshold on the rows given (test parts)."""
    if not rows:
        return {}
    matrix = featurize([r.text for r in rows])
    called = scores(weights, matrix) >= weights.hold_threshold
    labels = np.asarray([r.label for r in rows])
    units = np.asarray([r.unit for r in rows])
    out: dict[str, dict[str, float | int]] = {}
    for unit in dict.fromkeys(units.tolist()):
        mask = units == unit
        out[unit] = binary_metrics(labels[mask], called[mask])
    return out


def binary_metrics(
    labels: npt.NDArray[np.int64], called: npt.NDArray[np.bool_]
) -> dict[str, float | int]:
    """n, offensive, clean, precision, recall, F1, FPR of binary calls (``Confusion``'s)."""
    truth = labels == 1
    counts = Confusion(
        tp=int((called & truth).sum()),
        fp=int((called & ~truth).sum()),
        tn=int((~called & ~truth).sum()),
        fn=int((~called & truth).sum()),
    )
    metrics = named_metrics(counts, "offensive", "clean")
    return {k: v for k, v in metrics.items() if k not in ("accuracy", "ms_per_item")}


def train_model(data_dir: Path, out: Path, log: Log = print) -> ToxicityWeights:
    """Train on every unit's train part, report its test part, write the model to ``out``."""
    rows = load_all(data_dir)
    weights = train_weights([r for r in rows if not r.test], log=log)
    tested = [r for r in rows if r.test]
    figures = test_figures(weights, tested)
    weights.meta["test_part"] = figures
    weights.meta["trained"]["test_rows"] = len(tested)
    log("held-out test part of each unit (never used for a choice):")
    for unit, m in figures.items():
        log(
            f"  {unit:<8} n={m['n']:5d} offensive={m['offensive']:5d}  P {m['precision']:.3f}  "
            f"R {m['recall']:.3f}  F1 {m['f1']:.3f}  FPR {100 * float(m['fpr']):.1f}%"
        )
    weights.save(out)
    log(f"wrote {out}/toxicity.npz and toxicity.json")
    return weights
