"""Score one comment for toxicity and say why.

    >>> model = ToxicityModel.load()                 # the weights shipped in the package
    >>> verdict = model.check("Merci pour cet article, très clair.")
    >>> verdict.offensive
    False

Score = sigmoid(bias + n-gram weights + lexicon-category weights + an optional
site correction). Reasons: the lexicon categories found in the text (insult,
vulgarity, hate against a group, attack on a person), strongest first, and
when the wording alone carries the score, the words that weigh the most.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from causerie.spam.explain import Reason, strongest_words
from causerie.spam.features import HashedText, hash_text
from causerie.toxicity.lexicon import lexicon_hits
from causerie.toxicity.model import DENSE_NAMES, MODEL_DIR, FloatArray, ToxicityWeights
from causerie.toxicity.text import toxicity_normalize

# Same cut as the spam filter: cost grows with length.
MAX_CHARS = 5000
# Below this many logits, a push is not worth showing as a reason.
MIN_WEIGHT = 0.3
MAX_REASONS = 3


@dataclass(frozen=True)
class ToxicityVerdict:
    """The answer: a score in [0, 1], the reasons, and whether it passes the hold threshold."""

    score: float
    reasons: tuple[Reason, ...] = ()
    offensive: bool = False


@dataclass(frozen=True)
class ToxicityAnalysis:
    """Everything measured on one comment, before any site correction."""

    normalized: str
    hashed: HashedText
    hits: dict[str, list[str]]
    dense: FloatArray
    text_logit: float
    base_logit: float


def dense_values(hits: dict[str, list[str]]) -> FloatArray:
    """Lexicon hits as dense features, in ``DENSE_NAMES`` order (count / 3, at most 1)."""
    return np.asarray([min(len(hits.get(n, ())), 3) / 3 for n in DENSE_NAMES], dtype=np.float32)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-min(max(x, -40.0), 40.0)))


class ToxicityModel:
    """The shipped toxicity model: read-only after loading, so safe to share between threads."""

    def __init__(self, weights: ToxicityWeights) -> None:
        self.weights = weights
        self.hold_threshold = weights.hold_threshold
        self.reject_threshold = weights.reject_threshold

    @classmethod
    def load(cls, directory: Path | str = MODEL_DIR) -> ToxicityModel:
        """The model in ``directory`` (default: the one shipped in the package)."""
        return cls(ToxicityWeights.load(directory))

    def analyse(self, text: str) -> ToxicityAnalysis:
        """Measure a comment with the global weights (for callers adding a site layer)."""
        content = text[:MAX_CHARS]
        normalized = toxicity_normalize(content)
        hashed = hash_text(normalized)
        hits = lexicon_hits(content)
        dense = dense_values(hits)
        text_logit = self.weights.text_logit(hashed)
        dense_logit = float(self.weights.dense_weights @ dense)
        base = self.weights.bias + text_logit + dense_logit
        return ToxicityAnalysis(normalized, hashed, hits, dense, text_logit, base)

    def check(self, text: str, lang: str | None = None) -> ToxicityVerdict:
        """Score one comment (no I/O, no learning); ``lang`` is a hint, unused so far."""
        return self.verdict(self.analyse(text))

    def verdict(
        self,
        analysis: ToxicityAnalysis,
        site_logit: float = 0.0,
        site_reasons: Sequence[Reason] = (),
    ) -> ToxicityVerdict:
        """The verdict of an analysed comment plus a site's correction (logits) and its reasons."""
        score = _sigmoid(analysis.base_logit + site_logit)
        offensive = score >= self.hold_threshold
        return ToxicityVerdict(score, self.reasons(analysis, offensive, site_reasons), offensive)

    def reasons(
        self, analysis: ToxicityAnalysis, offensive: bool, site_reasons: Sequence[Reason] = ()
    ) -> tuple[Reason, ...]:
        """Lexicon categories found (strongest first), else the heaviest words when offensive."""
        out: list[Reason] = []
        for i, name in enumerate(DENSE_NAMES):
            found = analysis.hits.get(name)
            if found:
                weight = float(self.weights.dense_weights[i] * analysis.dense[i])
                words = ", ".join(list(dict.fromkeys(found))[:3])
                out.append(Reason(name, {"words": words}, round(weight, 3)))
        out += [r for r in site_reasons if r.weight >= MIN_WEIGHT]
        out.sort(key=lambda r: -r.weight)
        if offensive and not out and analysis.text_logit >= MIN_WEIGHT:
            found_words = strongest_words(self.weights.text_weights, analysis.normalized)
            if found_words:
                params = {"words": ", ".join(found_words)}
                out.append(Reason("wording", params, round(analysis.text_logit, 3)))
        return tuple(out[:MAX_REASONS])
