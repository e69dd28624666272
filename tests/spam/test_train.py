"""Training: NBSVM-style scaling favours telling n-grams and leaves serving a plain linear model."""

from __future__ import annotations

import numpy as np
import pytest

from causerie.spam.features import DIMENSIONS, hash_text
from causerie.spam.text import normalize
from causerie.spam.train import TrainingSettings, featurize, fit, nb_scale, sample_weights

from .conftest import tiny_rows


def test_nb_scale_is_larger_for_telling_ngrams() -> None:
    rows = tiny_rows()
    matrix = featurize([r.text for r in rows])
    labels = np.asarray([r.label for r in rows])
    settings = TrainingSettings()
    scale = nb_scale(matrix, labels, sample_weights(rows, settings), settings)
    assert scale.shape == (DIMENSIONS,)
    assert (scale > 0).all()
    spam_only = set(hash_text(normalize("whatsapp")).indices.tolist())
    spam_rows = [i for i, r in enumerate(rows) if r.label]
    ham_rows = [i for i, r in enumerate(rows) if not r.label]
    in_spam = set(matrix[spam_rows].indices.tolist())
    in_ham = set(matrix[ham_rows].indices.tolist())
    telling = sorted((spam_only & in_spam) - in_ham)
    shared = sorted((in_spam & in_ham) - {i for i in in_spam if i >= DIMENSIONS})
    assert telling and shared
    assert np.median(scale[telling]) > np.median(scale[shared])


def test_nb_scale_off_gives_plain_logistic_regression() -> None:
    settings = TrainingSettings(nb_floor=0.0)
    rows = tiny_rows()
    matrix = featurize([r.text for r in rows])
    labels = np.asarray([r.label for r in rows])
    assert (nb_scale(matrix, labels, sample_weights(rows, settings), settings) == 1.0).all()


@pytest.mark.parametrize("nb_floor", [0.0, 0.1])
def test_fit_scores_through_the_plain_linear_weights(nb_floor: float) -> None:
    rows = tiny_rows()
    matrix = featurize([r.text for r in rows])
    model = fit(matrix, rows, TrainingSettings(c=10.0, nb_floor=nb_floor))
    weights = np.concatenate([model.text_weights, model.dense_weights]).astype(np.float64)
    logits = matrix @ weights + model.bias
    labels = np.asarray([r.label for r in rows])
    # The fitted model separates its own training fixtures.
    assert ((logits > 0) == labels.astype(bool)).mean() >= 0.9
