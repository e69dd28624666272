"""Item 2: two views of the text combined by a small stacker, trained and measured honestly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from causerie.spam import datasets as ds
from causerie.spam.context import context_reasons
from causerie.spam.filter import Filter
from causerie.spam.generalization import unit_of
from causerie.spam.messages import reason_text
from causerie.spam.model import GlobalModel
from causerie.spam.stacking import (
    STACK_FEATURES,
    UNIT_FOLDS,
    StackTable,
    arabic_share,
    familiarity,
    fit_ngram_view,
    fold_pairs,
    stack_logit,
    stack_matrix,
    unit_folds,
)
from causerie.spam.text import ARABIC, normalize, script_counts
from causerie.spam.train import TrainingSettings, featurize, fit, sample_weights, scores
from causerie.spam.verdict import CommentSample

from .conftest import tiny_rows


def test_familiarity_is_the_share_of_words_training_used() -> None:
    rows = tiny_rows()
    model = fit(featurize([r.text for r in rows]), rows, TrainingSettings(c=10.0))
    known = model.known_vector()
    common = max(
        (w for r in rows for w in normalize(r.text).split() if model.is_known_word(w)), key=len
    )
    assert familiarity(known, common) == 1.0
    assert familiarity(known, "zqxwvy qqzzkk") == 0.0
    assert familiarity(known, f"{common} zqxwvy") == 0.5
    assert familiarity(known, "") == 0.0


@pytest.mark.parametrize(
    "text", ["شكرا على المقال", "tbarklah 3lik", "مرحبا hello 123", "", "١٢٣ ـ؟", "Ça va ?"]
)
def test_arabic_share_counts_letters_as_the_script_counter_does(text: str) -> None:
    counts = script_counts(text)
    total = sum(counts.values())
    assert arabic_share(text) == pytest.approx(counts.get(ARABIC, 0) / total if total else 0.0)


def test_stack_logit_is_the_stacker_matrix_row_and_clips_certainty() -> None:
    coef, bias = [0.8, 0.4, 0.3, -0.2, 0.1, 0.5], -0.7
    x = stack_matrix(
        np.array([3.0, 40.0]), np.array([-2.0, 1.0]), np.array([0.6, 1.0]), np.zeros(2)
    )
    assert len(STACK_FEATURES) == x.shape[1] == len(coef)
    for row, (a, b, f) in zip(x, [(3.0, -2.0, 0.6), (40.0, 1.0, 1.0)], strict=True):
        logit, ka, kb = stack_logit(coef, bias, a, b, f, 0.0)
        assert logit == pytest.approx(row @ np.array(coef) + bias)
        assert ka == pytest.approx(0.8 + 0.1 * f) and kb == pytest.approx(0.4 + 0.5 * f)
    assert x[1, 0] == 12.0  # one view's extreme certainty is clipped


def test_unit_folds_are_fixed_and_every_pair_is_fitted_once() -> None:
    names = ["b", "a", "d", "c", "e"]
    assert unit_folds(names) == {"a": 0, "b": 1, "c": 2, "d": 3, "e": 0}
    assert len(fold_pairs()) == UNIT_FOLDS * (UNIT_FOLDS - 1) // 2


def _table(tmp_path: Path) -> tuple[Path, list[ds.Example]]:
    """Out-of-fold rows for four units (one per fold), from every pair of folds."""
    rows = [
        ds.Example(f"{source} text {i}", i % 2, source, part=ds.TRAIN if i < 6 else ds.VALIDATION)
        for source in ("allocine", "sms", "myc", "wordpress")
        for i in range(8)
    ]
    folds = unit_folds([unit_of(r) for r in rows])
    rng = np.random.default_rng(0)
    parts: dict[str, list[float]] = {k: [] for k in ("row", "pair", "seen", "intent", "ngram")}
    for i, j in fold_pairs():
        for index, row in enumerate(rows):
            left_out = folds[unit_of(row)] in (i, j)
            if left_out or row.part == ds.VALIDATION:
                parts["row"].append(index)
                parts["pair"].append(i * UNIT_FOLDS + j)
                parts["seen"].append(0.0 if left_out else 1.0)
                parts["intent"].append(rng.normal(2 * row.label - 1))
                parts["ngram"].append(rng.normal(2 * row.label - 1))
    n = len(parts["row"])
    path = tmp_path / "oof.npz"
    arrays = {k: np.asarray(v) for k, v in parts.items()}
    np.savez(
        path,
        row=arrays["row"],
        pair=arrays["pair"],
        seen=arrays["seen"],
        intent=arrays["intent"],
        ngram=arrays["ngram"],
        familiar=np.full(n, 0.5),
        arabic=np.zeros(n),
    )
    return path, rows


def test_the_stacker_behind_a_held_out_unit_never_learnt_from_it(tmp_path: Path) -> None:
    path, rows = _table(tmp_path)
    table = StackTable(path, rows)
    folds = unit_folds([unit_of(r) for r in rows])
    for unit, k in folds.items():
        keep = (table.pair == k).any(axis=1) & (table.fold != k)
        used = {unit_of(table.rows[i]) for i in table.row[keep]}
        assert unit not in used
        # Every view behind those rows was fitted without the unit's fold.
        assert ((table.pair[keep] == k).any(axis=1)).all()
        coef, _ = table.fit(unit)
        assert len(coef) == len(STACK_FEATURES)
    full, _ = table.fit()
    assert full != table.fit("allocine")[0]


@pytest.fixture(scope="module")
def stacked_model() -> GlobalModel:
    rows = tiny_rows()
    matrix = featurize([r.text for r in rows])
    model = fit(matrix, rows, TrainingSettings(c=10.0))
    labels = np.asarray([r.label for r in rows])
    weights = sample_weights(rows, TrainingSettings())
    model.ngram_weights, model.ngram_bias = fit_ngram_view(matrix, labels, weights)
    model.stack_coef, model.stack_bias = (0.6, 0.5, 0.0, 0.0, 0.2, 0.3), -0.2
    model.spam_threshold, model.discard_threshold = 0.5, 0.995
    return model


def test_a_stacked_model_survives_save_and_load(stacked_model: GlobalModel, tmp_path: Path) -> None:
    stacked_model.save(tmp_path)
    loaded = GlobalModel.load(tmp_path)
    assert loaded.stacked and loaded.stack_coef == pytest.approx(stacked_model.stack_coef)
    assert loaded.ngram_bias == pytest.approx(stacked_model.ngram_bias)
    assert stacked_model.ngram_weights is not None and loaded.ngram_weights is not None
    assert np.allclose(loaded.ngram_weights, stacked_model.ngram_weights, atol=1e-2)
    sample = CommentSample("Earn money fast, contact me on whatsapp")
    assert Filter(loaded).check(sample).score == pytest.approx(
        Filter(stacked_model).check(sample).score, abs=1e-3
    )


def test_training_scores_are_the_filters_scores(stacked_model: GlobalModel) -> None:
    # Context signals (hand-set, outside the text model) are the filter's own.
    texts = [r.text for r in tiny_rows() if not context_reasons(CommentSample(r.text))][:20]
    offline = scores(stacked_model, featurize(texts), texts)
    live = [Filter(stacked_model).check(CommentSample(t)).score for t in texts]
    assert offline == pytest.approx(live, abs=1e-3)


def test_the_ngram_view_gives_a_reason_moderators_can_read(stacked_model: GlobalModel) -> None:
    spam_filter = Filter(stacked_model)
    spam = next(r.text for r in tiny_rows() if r.label)
    analysis = spam_filter.analyse(CommentSample(spam))
    assert analysis.text_logit == pytest.approx(analysis.intent_wording + analysis.ngram_wording)
    verdict = spam_filter.check(CommentSample(spam))
    shown = {r.code: r for r in verdict.reasons}
    assert "known_spam_wording" in shown
    assert shown["known_spam_wording"].params["words"]
    text = reason_text(shown["known_spam_wording"], "en")
    assert text.startswith("wording seen in known spam (")
