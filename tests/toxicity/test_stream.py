"""The moderated-stream replay sees only what a site's moderators see, and is reproducible."""

from __future__ import annotations

import numpy as np

from causerie.toxicity.stream import replay, unit_stream
from causerie.toxicity.train import binary_metrics


def _unit(offensive_low: bool, n: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    labels = (rng.random(n) < 0.4).astype(np.int64)
    if offensive_low:  # the model's offensive comments score too low for its threshold
        scores = np.where(labels == 1, rng.uniform(0.45, 1.0, n), rng.uniform(0.0, 0.5, n))
    else:  # its clean comments score too high
        scores = np.where(labels == 1, rng.uniform(0.8, 1.0, n), rng.uniform(0.0, 0.85, n))
    return scores, labels


def test_the_site_threshold_goes_down_where_insults_score_low() -> None:
    scores, labels = _unit(offensive_low=True)
    run = replay(scores, labels, 0.68, seed=0)
    assert run.threshold_half < 0.6
    assert run.site["recall"] > run.static["recall"] + 0.2
    assert run.site["f1"] > run.static["f1"]


def test_the_site_threshold_goes_up_where_clean_comments_score_high() -> None:
    scores, labels = _unit(offensive_low=False)
    run = replay(scores, labels, 0.68, seed=0)
    assert run.threshold_half > 0.75
    assert run.site["fpr"] < run.static["fpr"] / 2


def test_static_figures_are_the_second_half_at_the_global_threshold() -> None:
    scores, labels = _unit(offensive_low=True)
    run = replay(scores, labels, 0.68, seed=3)
    order = np.random.default_rng(3).permutation(len(scores))
    second = order[len(scores) // 2 :]
    assert run.static == binary_metrics(labels[second], scores[second] >= 0.68)
    assert replay(scores, labels, 0.68, seed=3) == run  # the same order, the same figures


def test_without_reports_nothing_pulls_it_down() -> None:
    """Insults scoring low are invisible unless readers report them: no report, no move down."""
    scores, labels = _unit(offensive_low=True)
    silent = replay(scores, labels, 0.68, seed=0, report_rate=0.0)
    assert silent.threshold_half >= 0.6
    result = unit_stream(
        "u", labels, {"ours": scores, "baseline": scores}, {"ours": 0.68, "baseline": 0.68}
    )
    assert result.n_second_half == 1000
    assert set(result.sensitivity) == {"0.15", "0.6"}
