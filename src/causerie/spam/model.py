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

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from causerie.spam.author import author_logit
from causerie.spam.features import DIMENSIONS, HASH_BITS, HashedText, vocabulary_bucket
from causerie.spam.signals import FEATURE_NAMES

MODEL_DIR = Path(__file__).parent / "model"


class ModelError(Exception):
    """The model files are missing or do not match this version of the code."""


@dataclass
class GlobalModel:
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
            meta = json.loads((directory / "global.json").read_text(encoding="utf-8"))
            with np.load(directory / "global.npz") as arrays:
                text = arrays["text_weights"].astype(np.float32)
                dense = arrays["dense_weights"].astype(np.float32)
                scale = None
                if "update_scale" in arrays:
                    scale = arrays["update_scale"].astype(np.float32) / 255.0
                known = None
                if "known_words" in arrays:
                    known = np.unpackbits(arrays["known_words"]).astype(bool)[:DIMENSIONS]
                author = None
                if "author_weights" in arrays and arrays["author_weights"].size:
                    author = arrays["author_weights"].astype(np.float32)
                ngram = None
                if "ngram_weights" in arrays and arrays["ngram_weights"].size:
                    ngram = arrays["ngram_weights"].astype(np.float32)
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"cannot read the spam model in {directory}: {exc}") from exc
        if (
            meta.get("hash_bits") != HASH_BITS
            or tuple(meta.get("feature_names", ())) != FEATURE_NAMES
        ):
            raise ModelError(f"the spam model in {directory} was trained for other features")
        return cls(
            text_weights=text,
            dense_weights=dense,
            bias=float(meta["bias"]),
            spam_threshold=float(meta["spam_threshold"]),
            discard_threshold=float(meta["discard_threshold"]),
            arabic_threshold=(
                float(meta["arabic_spam_threshold"]) if meta.get("arabic_spam_threshold") else None
            ),
            meta=meta,
            update_scale=scale,
            known_words=known,
            author_weights=author,
            author_bias=float(meta.get("author_bias", 0.0)),
            ngram_weights=ngram,
            ngram_bias=float(meta.get("ngram_bias", 0.0)),
            stack_coef=tuple(meta["stack_coef"]) if meta.get("stack_coef") else None,
            stack_bias=float(meta.get("stack_bias", 0.0)),
        )

    def save(self, directory: Path | str) -> None:
        """Write the model as compressed float16 text weights plus JSON metadata."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        # An empty author array stands for "no author model".
        author = self.author_weights if self.author_weights is not None else np.zeros(0)
        ngram = self.ngram_weights if self.ngram_weights is not None else np.zeros(0)
        np.savez_compressed(
            directory / "global.npz",
            text_weights=self.text_weights.astype(np.float16),
            dense_weights=self.dense_weights.astype(np.float32),
            update_scale=np.round(self.scale_vector() * 255).astype(np.uint8),
            known_words=np.packbits(self.known_vector()),
            author_weights=author.astype(np.float32),
            ngram_weights=ngram.astype(np.float16),
        )
        meta = dict(self.meta)
        meta.update(
            author_bias=self.author_bias,
            bias=self.bias,
            spam_threshold=self.spam_threshold,
            discard_threshold=self.discard_threshold,
            arabic_spam_threshold=self.arabic_threshold,
            feature_names=list(FEATURE_NAMES),
            hash_bits=HASH_BITS,
            ngram_bias=self.ngram_bias,
            stack_coef=list(self.stack_coef) if self.stack_coef else None,
            stack_bias=self.stack_bias,
        )
        text = json.dumps(meta, indent=1, ensure_ascii=False, sort_keys=True)
        (directory / "global.json").write_text(text + "\n", encoding="utf-8")

    def text_logit(self, hashed: HashedText) -> float:
        """How much the wording alone pushes towards spam."""
        if len(hashed.indices) == 0:
            return 0.0
        return float(self.text_weights[hashed.indices] @ hashed.values)

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

    def scale_vector(self) -> npt.NDArray[np.float32]:
        """Per-bucket learning scale (all ones when unknown)."""
        if self.update_scale is None:
            self.update_scale = np.ones(DIMENSIONS, dtype=np.float32)
        return self.update_scale

    def known_vector(self) -> npt.NDArray[np.bool_]:
        """Known-words bitmap (all unknown when the model has none)."""
        if self.known_words is None:
            self.known_words = np.zeros(DIMENSIONS, dtype=bool)
        return self.known_words

    def is_known_word(self, word: str) -> bool:
        """Whether the word was common enough in training to be everyday vocabulary."""
        return bool(self.known_vector()[vocabulary_bucket(word)])

    @classmethod
    def blank(cls) -> GlobalModel:
        """A model that knows nothing (every weight zero), for tests."""
        return cls(
            np.zeros(DIMENSIONS, dtype=np.float32),
            np.zeros(len(FEATURE_NAMES), dtype=np.float32),
            bias=0.0,
        )
