"""The toxicity weights: one linear model over the spam filter's hashed n-grams.

Same features (``causerie.spam.features.hash_text`` of the normalised text)
and same file layout as the spam filter's global model, so that a site's
bounded corrections (``causerie.spam.site.SiteLayer``) apply to it unchanged.
Files (in ``causerie/toxicity/model/``)::

    toxicity.npz   text_weights float16[2**20], dense_weights float32[len(DENSE_NAMES)],
                   update_scale uint8[2**20] (per-site learning rate of each bucket, /255),
                   known_words bits[2**20] (words seen in 2+ training texts)
    toxicity.json  {"bias": -1.0, "hold_threshold": 0.5, "reject_threshold": 0.9,
                    "dense_names": [...], "hash_bits": 20, "trained": {...}}

Serving needs numpy only; scikit-learn is used by ``train.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from causerie.spam.features import DIMENSIONS, HASH_BITS, HashedText, vocabulary_bucket
from causerie.toxicity.lexicon import CATEGORIES

MODEL_DIR = Path(__file__).parent / "model"
# Dense features: how many words of each lexicon category the text has (/3, capped at 1).
DENSE_NAMES: tuple[str, ...] = CATEGORIES
FloatArray = npt.NDArray[np.float32]


class ToxicityModelError(Exception):
    """The model files are missing or do not match this version of the code."""


@dataclass
class ToxicityWeights:
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
        directory = Path(directory)
        try:
            meta = json.loads((directory / "toxicity.json").read_text(encoding="utf-8"))
            with np.load(directory / "toxicity.npz") as arrays:
                text = arrays["text_weights"].astype(np.float32)
                dense = arrays["dense_weights"].astype(np.float32)
                scale = arrays["update_scale"].astype(np.float32) / 255.0
                known = np.unpackbits(arrays["known_words"]).astype(bool)[:DIMENSIONS]
        except (OSError, KeyError, ValueError) as exc:
            raise ToxicityModelError(
                f"cannot read the toxicity model in {directory}: {exc}"
            ) from exc
        if meta.get("hash_bits") != HASH_BITS or tuple(meta.get("dense_names", ())) != DENSE_NAMES:
            raise ToxicityModelError(
                f"the toxicity model in {directory} was trained for other features"
            )
        return cls(
            text_weights=text,
            dense_weights=dense,
            bias=float(meta["bias"]),
            hold_threshold=float(meta["hold_threshold"]),
            reject_threshold=float(meta["reject_threshold"]),
            meta=meta,
            update_scale=scale,
            known_words=known,
        )

    def save(self, directory: Path | str) -> None:
        """Write the model as compressed float16 text weights plus JSON metadata."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            directory / "toxicity.npz",
            text_weights=self.text_weights.astype(np.float16),
            dense_weights=self.dense_weights.astype(np.float32),
            update_scale=np.round(self.scale_vector() * 255).astype(np.uint8),
            known_words=np.packbits(self.known_vector()),
        )
        meta = dict(self.meta)
        meta.update(
            bias=self.bias,
            hold_threshold=self.hold_threshold,
            reject_threshold=self.reject_threshold,
            dense_names=list(DENSE_NAMES),
            hash_bits=HASH_BITS,
        )
        text = json.dumps(meta, indent=1, ensure_ascii=False, sort_keys=True)
        (directory / "toxicity.json").write_text(text + "\n", encoding="utf-8")

    def text_logit(self, hashed: HashedText) -> float:
        """How much the wording alone pushes towards offensive."""
        if len(hashed.indices) == 0:
            return 0.0
        return float(self.text_weights[hashed.indices] @ hashed.values)

    def scale_vector(self) -> FloatArray:
        """Per-bucket learning scale for the site layer (all ones when unknown)."""
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
    def blank(cls) -> ToxicityWeights:
        """A model that knows nothing (every weight zero), for tests."""
        return cls(
            np.zeros(DIMENSIONS, dtype=np.float32),
            np.zeros(len(DENSE_NAMES), dtype=np.float32),
            bias=0.0,
        )
