"""The global model: linear weights over hashed n-grams and text signals.

Files (in ``causerie/spam/model/``)::

    global.npz   text_weights float16[2**20], dense_weights float32[len(FEATURE_NAMES)],
                 update_scale uint8[2**20] (per-site learning rate of each bucket, /255),
                 known_words bits[2**20] (words seen in 2+ training texts),
                 ngram_weights float16[2**20] (the n-gram view, ``stacking.py``)
    global.json  {"bias": -1.2, "spam_threshold": 0.7, "discard_threshold": 0.99,
                  "feature_names": [...], "hash_bits": 20, "trained": {...}}

Serving needs numpy only; scikit-learn is used by ``train.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from causerie.spam.author import author_logit
from causerie.spam.features import DIMENSIONS, HashedText
from causerie.spam.linear_file import (
    HashedLinear,
    LinearArrays,
    read_linear,
    same_features,
    write_linear,
)
from causerie.spam.signals import FEATURE_NAMES

MODEL_DIR = Path(__file__).parent / "model"


class ModelError(Exception):
    """The model files are missing or do not match this version of the code."""


@dataclass
class GlobalModel(HashedLinear):
    """Weights shared by every site, with the thresholds chosen at training time."""

    text_weights: npt.NDArray[np.float32]
    dense_weights: npt.NDArray[np.float32]
    bias: float
    spam_threshold: float = 0.5
    discard_threshold: float = 0.99
    # Comments written mostly in Arabic script get their own spam threshold,
    # chosen by the same rule on the Arabic-script validation rows (None: one
    # threshold for all).
    arabic_threshold: float | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    # How much a site's decision may move each n-gram (rare ones 1, common ones
    # near 0), from document frequencies at training time: a campaign's own
    # words get the correction, not the site's everyday French or Arabic.
    update_scale: npt.NDArray[np.float32] | None = None
    # Bitmap of words seen in at least two training texts; a campaign's brand
    # and contact names are the words *not* in it.
    known_words: npt.NDArray[np.bool_] | None = None
    # The author-name model (``author.py``): None when the model has none.
    author_weights: npt.NDArray[np.float32] | None = None
    author_bias: float = 0.0
    # The n-gram view and the stacker combining it with this (intent) view
    # (``stacking.py``); None: the intent view alone (models before item 2).
    ngram_weights: npt.NDArray[np.float32] | None = None
    ngram_bias: float = 0.0
    stack_coef: tuple[float, ...] | None = None
    stack_bias: float = 0.0

    @classmethod
    def load(cls, directory: Path | str = MODEL_DIR) -> GlobalModel:
        """Read ``global.npz`` and ``global.json`` from a model directory."""
        directory = Path(directory)
        try:
            arrays, meta = read_linear(directory, "global")
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"cannot read the spam model in {directory}: {exc}") from exc
        if not same_features(meta, "feature_names", FEATURE_NAMES):
            raise ModelError(f"the spam model in {directory} was trained for other features")
        # An empty array stands for "no author model" / "no n-gram view".
        author, ngram = (arrays.extra.get(name) for name in ("author_weights", "ngram_weights"))
        author = author if author is not None and author.size else None
        ngram = ngram if ngram is not None and ngram.size else None
        return cls(
            text_weights=arrays.text_weights,
            dense_weights=arrays.dense_weights,
            bias=float(meta["bias"]),
            spam_threshold=float(meta["spam_threshold"]),
            discard_threshold=float(meta["discard_threshold"]),
            arabic_threshold=(
                float(meta["arabic_spam_threshold"]) if meta.get("arabic_spam_threshold") else None
            ),
            meta=meta,
            update_scale=arrays.update_scale,
            known_words=arrays.known_words,
            author_weights=author.astype(np.float32)
            if author is not None and author.size
            else None,
            author_bias=float(meta.get("author_bias", 0.0)),
            ngram_weights=None if ngram is None else ngram.astype(np.float32),
            ngram_bias=float(meta.get("ngram_bias", 0.0)),
            stack_coef=tuple(meta["stack_coef"]) if meta.get("stack_coef") else None,
            stack_bias=float(meta.get("stack_bias", 0.0)),
        )

    def save(self, directory: Path | str) -> None:
        """Write the model in the shared linear-model format (``causerie.spam.linear_file``)."""
        author = self.author_weights if self.author_weights is not None else np.zeros(0)
        ngram = self.ngram_weights if self.ngram_weights is not None else np.zeros(0)
        arrays = LinearArrays(
            self.text_weights,
            self.dense_weights,
            update_scale=self.scale_vector(),
            known_words=self.known_vector(),
            extra={
                "author_weights": author.astype(np.float32),
                "ngram_weights": ngram.astype(np.float16),
            },
        )
        meta = dict(self.meta)
        meta.update(
            author_bias=self.author_bias,
            bias=self.bias,
            spam_threshold=self.spam_threshold,
            discard_threshold=self.discard_threshold,
            arabic_spam_threshold=self.arabic_threshold,
            feature_names=list(FEATURE_NAMES),
            ngram_bias=self.ngram_bias,
            stack_coef=list(self.stack_coef) if self.stack_coef else None,
            stack_bias=self.stack_bias,
        )
        write_linear(directory, "global", arrays, meta)

    @property
    def stacked(self) -> bool:
        """Whether the model combines two views of the text (``stacking.py``)."""
        return self.ngram_weights is not None and self.stack_coef is not None

    def ngram_logit(self, hashed: HashedText) -> float:
        """How much the wording pushes towards spam in the n-gram view (0 without one)."""
        if self.ngram_weights is None or len(hashed.indices) == 0:
            return 0.0
        return float(self.ngram_weights[hashed.indices] @ hashed.values)

    def author_logit(self, name: str) -> float:
        """How much the author name alone looks like an anchor keyword (0 without a model)."""
        if self.author_weights is None or not name:
            return 0.0
        return author_logit(self.author_weights, self.author_bias, name)

    def dense_contributions(self, values: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Per-signal push towards spam (weight x value), in ``FEATURE_NAMES`` order."""
        return self.dense_weights * values

    @classmethod
    def blank(cls) -> GlobalModel:
        """A model that knows nothing (every weight zero), for tests."""
        return cls(
            np.zeros(DIMENSIONS, dtype=np.float32),
            np.zeros(len(FEATURE_NAMES), dtype=np.float32),
            bias=0.0,
        )
