"""The per-site layer: what one site's moderators taught the filter.

It holds a sparse correction to the global n-gram weights and a memory of
recent spam. Both are rebuilt from the learning log, so every process of a
site converges to the same corrections.

Learning works both ways, each way on the n-grams that matter:

* a "not spam" decision lowers the n-grams that pushed *this* comment towards
  spam (in proportion to their positive weight), so fifty clicks on comments
  that merely talk about "subscribers" undo that false pattern on the site;
* a "spam" decision raises the comment's *distinctive* n-grams (rare in
  training, not seen in the site's own ham decisions), so a campaign is
  learnt without the site's everyday vocabulary turning spammy.

Poisoning is bounded: only trusted sources teach; each decision moves its own
comment's score by at most ``step_spam`` / ``step_ham`` logits; each weight is
capped (``spam_weight_cap`` upwards, lower than ``weight_cap`` downwards: a
word shared by a campaign and ordinary talk must not turn the talk spammy);
and the site's correction can cancel the global
model's *wording* evidence plus ``ham_floor`` logits, never the hard evidence
(links, phone numbers, messaging handles, e-mails, wallets, the honeypot),
which lives outside the n-grams: no number of "not spam" clicks whitewashes
a comment carrying it.
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
# Estimated similarity from which a remembered spam boosts a new comment; a
# ham decision forgets every remembered spam at least this similar.
NEAR_DUPLICATE_FROM = 0.5


@dataclass(frozen=True)
class LearningLimits:
    """How far one site's decisions may move the filter (logit units)."""

    step_spam: float = 4.0
    step_ham: float = 3.0
    target_margin: float = 4.0
    weight_cap: float = 4.0
    spam_weight_cap: float = 2.0
    max_spam_shift: float = 8.0
    # How far below zero the site's wording correction may take a comment
    # once the global model's own wording push is cancelled.
    ham_floor: float = 2.0
    # In a spam lesson, n-grams already seen in this site's ham decisions
    # move by this fraction only: they are the site's everyday vocabulary.
    ham_seen_factor: float = 0.1
    max_weights: int = 400_000
    max_ham_seen: int = 400_000
    memory_size: int = 2000
    campaign_min_spam: int = 3
    campaign_word_weight: float = 1.5
    max_campaign_boost: float = 4.5


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
    # Buckets of the comments this site's moderators called ham.
    ham_seen: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.memory = SpamMemory(self.limits.memory_size)

    def logit(self, hashed: HashedText, wording_logit: float) -> float:
        """The site's correction to one comment's score, already bounded.

        ``wording_logit`` is the global model's n-gram push for the comment:
        the correction may cancel it and go ``ham_floor`` further, no more.
        """
        if not self.delta:
            return 0.0
        get = self.delta.get
        indices = hashed.indices.tolist()
        weights = np.fromiter((get(i, 0.0) for i in indices), dtype=np.float32, count=len(indices))
        total = float(weights @ hashed.values)
        lowest = -(max(wording_logit, 0.0) + self.limits.ham_floor)
        return min(max(total, lowest), self.limits.max_spam_shift)

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
        global_weights: FloatArray | None = None,
        distinctive: AbstractSet[int] | None = None,
    ) -> None:
        """Move the site's weights towards one trusted decision, by a bounded step.

        ``scale`` (per bucket, 0..1) steers a spam lesson onto rare n-grams
        among the ``distinctive`` buckets (content words and pairs of them;
        None: every bucket);
        ``global_weights`` steer a ham lesson onto the n-grams that pushed
        the comment towards spam.
        """
        self.decisions += 1
        signature = minhash(hashed.shingles)
        if is_spam:
            self.memory.add(signature)
            self.campaign.update(rare_words)
        else:
            self.memory.forget_similar(signature, NEAR_DUPLICATE_FROM)
            # A word in approved comments is no campaign marker.
            self.campaign.subtract({w: self.limits.campaign_min_spam for w in rare_words})
            self.campaign = +self.campaign
        sign = 1.0 if is_spam else -1.0
        margin = sign * current_logit
        step_max = self.limits.step_spam if is_spam else self.limits.step_ham
        step = min(step_max, max(self.limits.target_margin - margin, 0.0))
        if not is_spam and len(self.ham_seen) < self.limits.max_ham_seen:
            self.ham_seen.update(hashed.indices.tolist())
        if step <= 0.0 or len(hashed.indices) == 0:
            return
        direction = self._direction(hashed, is_spam, scale, global_weights, distinctive)
        # Normalised so that this comment's own score moves by exactly ``step``.
        reach = float(direction @ hashed.values)
        if reach <= 1e-6:
            return
        factor = sign * step / reach
        cap, top = self.limits.weight_cap, self.limits.spam_weight_cap
        for i, v in zip(hashed.indices.tolist(), direction.tolist(), strict=True):
            updated = self.delta.get(i, 0.0) + factor * v
            self.delta[i] = min(max(updated, -cap), top)
        if len(self.delta) > self.limits.max_weights:
            self._prune()

    def _direction(
        self,
        hashed: HashedText,
        is_spam: bool,
        scale: FloatArray,
        global_weights: FloatArray | None,
        distinctive: AbstractSet[int] | None,
    ) -> FloatArray:
        """Per n-gram of the comment, how much of the step it takes."""
        indices = hashed.indices
        if is_spam:
            # Content words and pairs of them only: character n-grams and
            # short words are shared by every text of a language, so raising
            # them spills a lesson onto the site's ordinary comments (edited
            # copies are caught by the near-duplicate memory instead).
            seen = self.ham_seen
            damp = self.limits.ham_seen_factor
            local = np.fromiter(
                (
                    0.0
                    if distinctive is not None and i not in distinctive
                    else damp
                    if i in seen
                    else 1.0
                    for i in indices.tolist()
                ),
                dtype=np.float32,
                count=len(indices),
            )
            # Squared rarity: a word met in many training texts ("channel",
            # "crédit") barely moves; a campaign's own names take the step.
            rarity = scale[indices]
            return np.asarray(hashed.values * rarity * rarity * local, dtype=np.float32)
        if global_weights is None:
            return np.asarray(hashed.values * scale[indices], dtype=np.float32)
        get = self.delta.get
        current = global_weights[indices] + np.fromiter(
            (get(i, 0.0) for i in indices.tolist()), dtype=np.float32, count=len(indices)
        )
        return np.asarray(hashed.values * np.maximum(current, 0.0), dtype=np.float32)

    def _prune(self) -> None:
        # Keep the strongest corrections (exactly ``keep`` of them, even when
        # many weights tie); weak ones barely move any score.
        keys = np.fromiter(self.delta.keys(), dtype=np.int64, count=len(self.delta))
        values = np.fromiter(self.delta.values(), dtype=np.float64, count=len(self.delta))
        keep = int(self.limits.max_weights * 0.8)
        strongest = np.argpartition(-np.abs(values), keep)[:keep]
        self.delta = dict(zip(keys[strongest].tolist(), values[strongest].tolist(), strict=True))
