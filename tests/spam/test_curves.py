"""Curves per threshold and language, and the sensitivity presets they explain."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from causerie.spam import datasets as ds
from causerie.spam.curves import (
    Prediction,
    curves_from_predictions,
    language_of,
    load_curves,
    write_curves,
)
from causerie.spam.model import MODEL_DIR
from causerie.spam.sensitivity import parse_sensitivity, preset_thresholds, threshold_for


def test_points_count_what_each_threshold_holds(tmp_path: Path) -> None:
    predictions = [
        Prediction("fr", 1, 0.95),
        Prediction("fr", 1, 0.55),
        Prediction("fr", 0, 0.60),
        Prediction("fr", 0, 0.10),
        Prediction("ar", 0, 0.20),
    ]
    curves = curves_from_predictions(predictions, grid=(0.5, 0.9))
    fr = curves["languages"]["fr"]
    assert (fr["n"], fr["spam"], fr["ham"]) == (4, 2, 2)
    low, high = fr["points"]
    assert low == {"threshold": 0.5, "precision": 0.6667, "recall": 1.0, "fpr": 0.5}
    assert high == {"threshold": 0.9, "precision": 1.0, "recall": 0.5, "fpr": 0.0}
    assert curves["languages"]["all"]["n"] == 5
    assert curves["languages"]["ar"]["points"][0]["recall"] == 0.0  # no spam: nothing to catch
    write_curves(predictions, tmp_path / "curves.json", units=2)
    assert load_curves(tmp_path)["units"] == 2  # type: ignore[index]
    assert load_curves(tmp_path / "nowhere") is None


def test_rows_take_their_sources_language() -> None:
    assert language_of(ds.Example("x", 0, "allocine")) == "fr"
    assert language_of(ds.Example("x", 1, "french_spam")) == "fr"
    assert language_of(ds.Example("x", 0, "myc")) == "ar"
    assert language_of(ds.Example("مرحبا بكم في الموقع", 0, "unknown_set")) == "ar"
    assert language_of(ds.Example("hello there", 0, "unknown_set")) == "en"


def test_the_shipped_curves_cover_the_three_languages() -> None:
    shipped = json.loads((MODEL_DIR / "curves.json").read_text(encoding="utf-8"))
    assert shipped["method"] == "leave-one-source-out"
    assert {"fr", "en", "ar"} <= set(shipped["languages"])


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("strict", "strict"),
        (" relaxed ", "relaxed"),
        (0.7, "0.7"),
        ("0.123456", "0.1235"),
        (1, None),
        (0.01, None),
        (True, None),
        ("NaN", None),
        ("inf", None),
        ("loose", None),
        (None, None),
    ],
)
def test_sensitivity_values(value: object, parsed: str | None) -> None:
    assert parse_sensitivity(value) == parsed


def test_presets_move_the_models_threshold_in_logits() -> None:
    presets = preset_thresholds(0.8587)
    assert presets["strict"] < presets["balanced"] == 0.8587 < presets["relaxed"]
    logit = math.log(0.8587 / 0.1413)
    assert presets["strict"] == pytest.approx(1 / (1 + math.exp(-(logit - 1.5))), abs=1e-4)
    assert threshold_for("0.42", 0.8587) == 0.42
    assert threshold_for("garbage", 0.8587) == 0.8587
