"""The per-site layer: what one site's moderators taught the filter.

It holds a sparse correction to the global n-gram weights and a memory of
recent spam. Both are rebuilt from the learning log, so every process of a
site converges to the same corrections. Poisoning is bounded three ways:
only trusted sources teach; each decision moves its own comment's score by at
most ``step_spam`` / ``step_ham`` logits; and however many decisions pile up,
the whole correction is clipped to ``[-max_ham_shift, +max_spam_shift]``, so a
few hundred "not spam" clicks cannot whitewash a blatant spam.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from causerie.spam.features import HashedText
from causerie.spam.memory import SpamMemory, minhash

FloatArray = npt.NDArray[np.float32]
TRUSTED_SOURCES = frozenset({"moderator", "admin", "akismet_key"})


@dataclass(frozen=True)
class LearningLimits:
    """How far one site's decisions may move the filter (logit units)."""

    step_spam: float = 4.0
    step_ham: float = 1.0
    target_margin: float = 5.0
    weight_cap: float = 4.0
    max_spam_shift: float = 8.0
    max_ham_shift: float = 2.0
    max_weights: int = 400_000
    memory_size: int = 2000
    campaign_min_spam: int = 2
    campaign_word_weight: float = 2.0
    max_campaign_boost: float = 6.0


@dataclass
class SiteLayer:
    """Per-site weight corrections plus the near-duplicate spam memory."""

    limits: LearningLimits = field(default_factory=LearningLimits)
    delta: dict[int, float] = field(default_factory=dict)
    memory: SpamMemory = field(init=False)
    decisions: int = 0
    # Words unknown to the global model seen in this site's spam (brand and
    # contact names of a campaign): they survive rewording, the n-grams do not.
    campaign: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.memory = SpamMemory(self.limits.memory_size)

    def logit(self, hashed: HashedText) -> float:
        """The site's correction to the score of one comment, already clipped."""
        if not self.delta:
            return 0.0
        get = self.delta.get
        indices = hashed.indices.tolist()
        weights = np.fromiter((get(i, 0.0) for i in indices), dtype=np.float32, count=len(indices))
        total = float(weights @ hashed.values)
        return min(max(total, -self.limits.max_ham_shift), self.limits.max_spam_shift)

    def campaign_words(self, rare_words: AbstractSet[str]) -> list[str]:
        """Which of a comment's rare words this site has seen in several spams."""
        if not self.campaign:
            return []
        need = self.limits.campaign_min_spam
        return sorted(w for w in rare_words if self.campaign.get(w, 0) >= need)

    def campaign_boost(self, found: list[str]) -> float:
        """Push towards spam for a comment sharing two or more campaign words."""
        if len(found) < 2:
            return 0.0
        return min(self.limits.campaign_word_weight * len(found), self.limits.max_campaign_boost)

    def learn(
        self,
        hashed: HashedText,
        is_spam: bool,
        current_logit: float,
        scale: FloatArray,
        rare_words: AbstractSet[str] = frozenset(),
    ) -> None:
        """Move the site's weights towards one trusted decision, by a bounded step.

        ``scale`` (per bucket, 0..1) steers the change onto rare n-grams.
        """
        self.decisions += 1
        signature = minhash(hashed.shingles)
        if is_spam:
            self.memory.add(signature)
            self.campaign.update(rare_words)
        else:
            self.memory.forget_similar(signature)
            # A word in approved comments is no campaign marker.
            self.campaign.subtract({w: self.limits.campaign_min_spam for w in rare_words})
            self.campaign = +self.campaign
        sign = 1.0 if is_spam else -1.0
        margin = sign * current_logit
        step_max = self.limits.step_spam if is_spam else self.limits.step_ham
        step = min(step_max, max(self.limits.target_margin - margin, 0.0))
        if step <= 0.0 or len(hashed.indices) == 0:
            return
        direction = hashed.values * scale[hashed.indices]
        # Normalised so that this comment's own score moves by exactly ``step``.
        reach = float(direction @ hashed.values) or 1.0
        factor = sign * step / reach
        cap = self.limits.weight_cap
        for i, v in zip(hashed.indices.tolist(), direction.tolist(), strict=True):
            updated = self.delta.get(i, 0.0) + factor * v
            self.delta[i] = min(max(updated, -cap), cap)
        if len(self.delta) > self.limits.max_weights:
            self._prune()

    def _prune(self) -> None:
        # Keep the strongest corrections; weak ones barely move any score.
        values = np.fromiter(self.delta.values(), dtype=np.float64, count=len(self.delta))
        keep = int(self.limits.max_weights * 0.8)
        cut = float(np.partition(np.abs(values), -keep)[-keep])
        self.delta = {i: w for i, w in self.delta.items() if abs(w) >= cut}
