"""Arabic-script comments get their own spam threshold, chosen by the same rule on their rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from causerie.spam import datasets as ds
from causerie.spam.filter import Filter
from causerie.spam.model import GlobalModel
from causerie.spam.train import arabic_threshold, choose_thresholds
from causerie.spam.verdict import CommentSample, Verdict

ARABIC = "شكرا على هذا المقال الرائع والمفيد جدا"
LATIN = "Merci pour cet article très clair et utile"


def _even_model() -> GlobalModel:
    """Every comment scores 0.5 (no weights, bias 0): only the thresholds decide."""
    model = GlobalModel.blank()
    model.spam_threshold, model.arabic_threshold = 0.9, 0.4
    return model


def test_an_arabic_comment_is_held_from_its_own_threshold() -> None:
    spam_filter = Filter(_even_model())
    assert spam_filter.check(CommentSample(ARABIC)).score == pytest.approx(0.5)
    assert spam_filter.check(CommentSample(ARABIC)).verdict is Verdict.SPAM
    assert spam_filter.check(CommentSample(LATIN)).verdict is Verdict.HAM
    # Arabizi is Latin script: the general threshold.
    assert spam_filter.check(CommentSample("tbarklah 3lik a5ti")).verdict is Verdict.HAM


def test_a_sites_sensitivity_moves_the_arabic_threshold_too() -> None:
    spam_filter = Filter(_even_model())
    relaxed = CommentSample(ARABIC, spam_sensitivity="relaxed")  # 0.4 moved +1.5 logits: 0.75
    assert spam_filter.check(relaxed).verdict is Verdict.HAM
    strict = CommentSample(LATIN, spam_sensitivity="0.45")  # a number replaces both
    assert spam_filter.check(strict).verdict is Verdict.SPAM


def test_a_threshold_given_by_the_caller_holds_for_every_script() -> None:
    spam_filter = Filter(_even_model(), spam_threshold=0.9)
    assert spam_filter.check(CommentSample(ARABIC)).verdict is Verdict.HAM


def test_the_arabic_threshold_is_saved_with_the_model(tmp_path: Path) -> None:
    _even_model().save(tmp_path)
    assert GlobalModel.load(tmp_path).arabic_threshold == pytest.approx(0.4)
    GlobalModel.blank().save(tmp_path)
    assert GlobalModel.load(tmp_path).arabic_threshold is None


def test_the_rule_reads_only_the_arabic_script_rows() -> None:
    rows = [ds.Example(ARABIC + f" {i}", 0, "myc") for i in range(400)]
    rows += [ds.Example(LATIN + f" {i}", 0, "instagram") for i in range(400)]
    arabic_scores = np.linspace(0.0, 0.6, 400)
    latin_scores = np.linspace(0.0, 0.99, 400)
    score = np.concatenate([arabic_scores, latin_scores])
    general, _ = choose_thresholds(score, rows, 0.01)
    own = arabic_threshold(score, rows, 0.01)
    assert own is not None and own < general
    assert own == pytest.approx(choose_thresholds(arabic_scores, rows[:400], 0.01)[0])
    assert arabic_threshold(latin_scores, rows[400:], 0.01) is None
