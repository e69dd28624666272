"""The files of a linear model over hashed n-grams (spam's global model, the toxicity model).

One ``STEM.npz`` and one ``STEM.json`` per model::

    STEM.npz   text_weights float16[2**20], dense_weights float32[k],
               update_scale uint8[2**20] (per-site learning rate of each bucket, /255),
               known_words bits[2**20] (words seen in 2+ training texts), [extra arrays]
    STEM.json  {"bias": …, "hash_bits": 20, <the model's thresholds and names>, "trained": {…}}

This is the format ``causerie.spam.model.GlobalModel`` writes as ``global``; the
toxicity model writes it as ``toxicity`` through these functions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from causerie.spam.features import DIMENSIONS, HASH_BITS, HashedText, vocabulary_bucket


@dataclass
class LinearArrays:
    """The arrays of a saved model, decoded (float32 weights, scale in [0, 1], bitmap)."""

    text_weights: npt.NDArray[np.float32]
    dense_weights: npt.NDArray[np.float32]
    update_scale: npt.NDArray[np.float32] | None = None
    known_words: npt.NDArray[np.bool_] | None = None
    extra: dict[str, npt.NDArray[Any]] = field(default_factory=dict)


def read_linear(directory: Path | str, stem: str) -> tuple[LinearArrays, dict[str, Any]]:
    """Decode ``STEM.npz`` and ``STEM.json``; OSError, KeyError or ValueError when unreadable.

    The caller checks that they fit its features (:func:`same_features`).
    """
    directory = Path(directory)
    meta = json.loads((directory / f"{stem}.json").read_text(encoding="utf-8"))
    with np.load(directory / f"{stem}.npz") as arrays:
        out = LinearArrays(
            # Kept as the file holds them (float16: 2 MB, not 4, per model and worker);
            # a gather turns them into the same float32 values (text_logit).
            arrays["text_weights"],
            arrays["dense_weights"].astype(np.float32),
        )
        if "update_scale" in arrays:
            out.update_scale = arrays["update_scale"].astype(np.float32) / 255.0
        if "known_words" in arrays:
            out.known_words = np.unpackbits(arrays["known_words"]).astype(bool)[:DIMENSIONS]
        known = {"text_weights", "dense_weights", "update_scale", "known_words"}
        out.extra = {name: arrays[name] for name in arrays.files if name not in known}
    return out, meta


def same_features(meta: dict[str, Any], names_key: str, names: tuple[str, ...]) -> bool:
    """Whether saved metadata was trained for this code's hash size and dense features."""
    return meta.get("hash_bits") == HASH_BITS and tuple(meta.get(names_key, ())) == names


def write_linear(
    directory: Path | str, stem: str, arrays: LinearArrays, meta: dict[str, Any]
) -> None:
    """Write compressed float16 text weights plus the JSON metadata (``hash_bits`` added)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    scale = np.ones(DIMENSIONS) if arrays.update_scale is None else arrays.update_scale
    known = np.zeros(DIMENSIONS, bool) if arrays.known_words is None else arrays.known_words
    contents: dict[str, Any] = {
        "text_weights": arrays.text_weights.astype(np.float16),
        "dense_weights": arrays.dense_weights.astype(np.float32),
        "update_scale": np.round(scale * 255).astype(np.uint8),
        "known_words": np.packbits(known),
        **arrays.extra,
    }
    np.savez_compressed(directory / f"{stem}.npz", **contents)
    meta = {**meta, "hash_bits": HASH_BITS}
    text = json.dumps(meta, indent=1, ensure_ascii=False, sort_keys=True)
    (directory / f"{stem}.json").write_text(text + "\n", encoding="utf-8")


class HashedLinear:
    """What a linear model over hashed n-grams does with its arrays (spam and toxicity).

    Mixed into each model's dataclass, which holds the fields named here.
    """

    text_weights: npt.NDArray[np.float32]
    update_scale: npt.NDArray[np.float32] | None
    known_words: npt.NDArray[np.bool_] | None

    def text_logit(self, hashed: HashedText) -> float:
        """How much the wording alone pushes towards the model's positive class."""
        if len(hashed.indices) == 0:
            return 0.0
        weights = self.text_weights[hashed.indices].astype(np.float32, copy=False)
        return float(weights @ hashed.values)

    def scale_vector(self) -> npt.NDArray[np.float32]:
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
