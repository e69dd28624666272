"""The toxicity weights: one linear model over the spam filter's hashed n-grams.

Same features (``causerie.spam.features.hash_text``, of ``toxicity.text``'s
normalised text) and the same files as the spam filter's global model,
written and read by the same functions (``causerie.spam.linear_file``), so
that a site's bounded corrections (``causerie.spam.site.SiteLayer``) apply to
it unchanged. Files (in ``causerie/toxicity/model/``)::

    toxicity.npz   the arrays (dense_weights: one per lexicon category)
    toxicity.json  {"bias": -1.0, "hold_threshold": 0.5, "reject_threshold": 0.9,
                    "dense_names": [...], "hash_bits": 20, "trained": {...}}

Serving needs numpy only; scikit-learn is used by ``train.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from causerie.spam.features import DIMENSIONS
from causerie.spam.linear_file import (
    HashedLinear,
    LinearArrays,
    read_linear,
    same_features,
    write_linear,
)
from causerie.toxicity.lexicon import CATEGORIES

MODEL_DIR = Path(__file__).parent / "model"
FILE_STEM = "toxicity"
# Dense features: how many words of each lexicon category the text has (/3, capped at 1).
DENSE_NAMES: tuple[str, ...] = CATEGORIES
FloatArray = npt.NDArray[np.float32]


class ToxicityModelError(Exception):
    """The model files are missing or do not match this version of the code."""


@dataclass
class ToxicityWeights(HashedLinear):
    """Weights shared by every site, with the thresholds chosen at training time."""

    text_weights: FloatArray
    dense_weights: FloatArray
    bias: float
    hold_threshold: float = 0.5
    reject_threshold: float = 0.95
    meta: dict[str, Any] = field(default_factory=dict)
    update_scale: FloatArray | None = None
    known_words: npt.NDArray[np.bool_] | None = None

    @classmethod
    def load(cls, directory: Path | str = MODEL_DIR) -> ToxicityWeights:
        """Read ``toxicity.npz`` and ``toxicity.json`` from a model directory."""
        try:
            arrays, meta = read_linear(directory, FILE_STEM)
        except (OSError, KeyError, ValueError) as exc:
            raise ToxicityModelError(
                f"cannot read the toxicity model in {directory}: {exc}"
            ) from exc
        if not same_features(meta, "dense_names", DENSE_NAMES):
            raise ToxicityModelError(
                f"the toxicity model in {directory} was trained for other features"
            )
        return cls(
            text_weights=arrays.text_weights,
            dense_weights=arrays.dense_weights,
            bias=float(meta["bias"]),
            hold_threshold=float(meta["hold_threshold"]),
            reject_threshold=float(meta["reject_threshold"]),
            meta=meta,
            update_scale=arrays.update_scale,
            known_words=arrays.known_words,
        )

    def save(self, directory: Path | str) -> None:
        """Write the model in the spam model's file format (``causerie.spam.linear_file``)."""
        arrays = LinearArrays(
            self.text_weights, self.dense_weights, self.scale_vector(), self.known_vector()
        )
        meta = dict(self.meta)
        meta.update(
            bias=self.bias,
            hold_threshold=self.hold_threshold,
            reject_threshold=self.reject_threshold,
            dense_names=list(DENSE_NAMES),
        )
        write_linear(directory, FILE_STEM, arrays, meta)

    @classmethod
    def blank(cls) -> ToxicityWeights:
        """A model that knows nothing (every weight zero), for tests."""
        return cls(
            np.zeros(DIMENSIONS, dtype=np.float32),
            np.zeros(len(DENSE_NAMES), dtype=np.float32),
            bias=0.0,
        )
