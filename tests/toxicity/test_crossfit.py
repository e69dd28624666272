"""Cross-fitted thresholds: no score they are chosen on comes from a fit that saw its source."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from causerie.spam.text import normalize
from causerie.toxicity.crossfit import (
    SOURCE_FOLDS,
    fold_of,
    fold_pairs,
    held_out_pool_scores,
    leave_fold_out_scores,
    pair_fit_scores,
    pair_for,
)
from causerie.toxicity.datasets import UNITS, Example
from causerie.toxicity.train import DEFAULT_SETTINGS, choose_thresholds


def make_rows() -> list[Example]:
    """Ten rows per unit, half offensive; one text shared by omcd and osact (a leak to avoid)."""
    rows = []
    for unit in UNITS:
        for i in range(10):
            text = f"{unit} comment {i}"
            rows.append(Example(text, i % 2, unit, normalize(text)))
    shared = "the same text in two sources"
    rows += [Example(shared, 1, u, normalize(shared)) for u in ("omcd", "osact")]
    return rows


class RecordingFit:
    """A fit that remembers what it was given and scores a row by its index (real arithmetic)."""

    def __init__(self, rows: Sequence[Example]) -> None:
        self.rows = rows
        self.calls: list[tuple[list[int], list[int]]] = []

    def __call__(self, fit_idx: Sequence[int], score_idx: Sequence[int]) -> np.ndarray:
        self.calls.append((list(fit_idx), list(score_idx)))
        return np.asarray([i / len(self.rows) for i in score_idx], dtype=np.float64)


def test_every_unit_is_in_exactly_one_fold() -> None:
    placed = [u for fold in SOURCE_FOLDS for u in fold]
    assert sorted(placed) == sorted(UNITS)
    assert fold_of("omcd") != fold_of("mdold")  # the two Darija sets score each other


def test_shipped_rule_scores_each_source_with_a_fit_that_never_saw_it() -> None:
    rows = make_rows()
    recorder = RecordingFit(rows)
    pool = list(range(len(rows)))
    score = leave_fold_out_scores(rows, pool, recorder)
    assert np.isfinite(score).all()
    assert len(recorder.calls) == len(SOURCE_FOLDS)
    for fit_idx, score_idx in recorder.calls:
        fitted_units = {rows[i].unit for i in fit_idx}
        scored_units = {rows[i].unit for i in score_idx}
        assert not fitted_units & scored_units
        # A text also found in a scored source is not trained on either.
        assert not {rows[i].key for i in fit_idx} & {rows[i].key for i in score_idx}
        assert not any(rows[i].validation for i in fit_idx)


@pytest.mark.parametrize("held_out", list(UNITS))
def test_loso_thresholds_never_touch_the_held_out_unit(held_out: str) -> None:
    rows = make_rows()
    recorder = RecordingFit(rows)
    by_pair = {pair: pair_fit_scores(rows, pair, recorder) for pair in fold_pairs()}
    fits = dict(zip(fold_pairs(), recorder.calls, strict=True))
    pool = [i for i, r in enumerate(rows) if r.unit != held_out]
    score = held_out_pool_scores(rows, held_out, pool, by_pair)
    assert np.isfinite(score).all()
    for i in pool:
        fit_idx, _ = fits[pair_for(held_out, rows[i].unit)]
        fitted_units = {rows[j].unit for j in fit_idx}
        assert held_out not in fitted_units
        assert rows[i].unit not in fitted_units
    # The scores the threshold is chosen on are the pool's only.
    labels = np.asarray([rows[i].label for i in pool])
    hold, reject = choose_thresholds(score, labels, [rows[i].unit for i in pool], DEFAULT_SETTINGS)
    assert 0.0 < hold <= reject < 1.0


def test_pair_for_always_leaves_out_the_held_out_units_fold() -> None:
    for held_out in UNITS:
        for other in UNITS:
            if other != held_out:
                pair = pair_for(held_out, other)
                assert fold_of(held_out) in pair and fold_of(other) in pair


def test_the_shipped_model_records_both_rules(tiny_data: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from causerie.toxicity.cli import toxicity

    out_dir = tmp_path / "model"
    result = CliRunner().invoke(
        toxicity, ["train", "--data", str(tiny_data), "--out", str(out_dir)]
    )
    assert result.exit_code == 0, result.output
    meta = json.loads((out_dir / "toxicity.json").read_text())
    trained = meta["trained"]
    assert trained["crossfit"]["source_folds"] == [list(f) for f in SOURCE_FOLDS]
    assert set(trained["validation_rule"]) == {"hold", "reject"}
    assert meta["hold_threshold"] <= meta["reject_threshold"]
    assert "out-of-source" in result.output
