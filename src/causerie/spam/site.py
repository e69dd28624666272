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
  learnt without the site's everyday vocabulary turning spammy; and those
  raised weights count only for comments that look like one decided spam
  (``spam_gate``, sketches in ``decided.py``): applied to every comment they
  lifted ordinary ones sharing a word or two with it (issue 22, item 4).

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

from causerie.spam.decided import NO_RESEMBLANCE, DecidedSpam, Resemblance
from causerie.spam.features import HashedText, IndexArray
from causerie.spam.memory import SpamMemory, minhash
from causerie.spam.signals import FEATURE_NAMES

FloatArray = npt.NDArray[np.float32]
# The link signals describe one thing (a link) several ways: one family.
SIGNAL_FAMILY = {j: -1 for j, name in enumerate(FEATURE_NAMES) if name.startswith("link_")}
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
    # A spam lesson lifts only comments that look like one decided spam: at
    # least this many of its distinctive buckets (content words, pairs) and
    # this share of its rarity mass (``decided.py``). None: everywhere (the
    # toxicity model's layer, and the spam layer before issue 22's item 4).
    lesson_min_shared: int | None = 3
    lesson_min_similarity: float = 0.3
    # Text signals (links, intents, handles: ``signals.py``) that fire in the
    # site's missed spam: each spam decision adds this much to those the
    # global model already counts as spam evidence, up to ``signal_cap``; a
    # ham decision takes twice as much away, never below zero.
    # Off by default: on held-out units it bought recall but held a few more
    # genuine comments (docs/spam.md); ``SIGNAL_LESSONS`` turns it on.
    signal_step: float = 0.0
    signal_cap: float = 2.0
    # ... and only on comments sharing a word with some decided spam, this
    # much of its rarity mass, and firing this many families of signals.
    signal_min_similarity: float = 0.15
    signal_min_families: int = 1
    sketch_buckets: int = 48


# The site's text-signal lessons on (measured beside the default in the bench).
SIGNAL_LESSONS = LearningLimits(signal_step=0.5)


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
    # Distinctive buckets of the decided spam: where spam lessons apply.
    decided: DecidedSpam = field(init=False)
    # Per text signal (index in ``signals.FEATURE_NAMES``): the site's extra weight.
    signals: dict[int, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.memory = SpamMemory(self.limits.memory_size)
        self.decided = DecidedSpam(self.limits.memory_size, self.limits.sketch_buckets)

    def logit(self, hashed: HashedText, wording_logit: float, spam_gate: float = 1.0) -> float:
        """The site's correction to one comment's score, already bounded.

        ``wording_logit`` is the global model's n-gram push for the comment:
        the correction may cancel it and go ``ham_floor`` further, no more.
        ``spam_gate`` (0..1) scales the upward part (the spam lessons), the
        downward part (the ham lessons) always applies.
        """
        if not self.delta:
            return 0.0
        get = self.delta.get
        indices = hashed.indices.tolist()
        weights = np.fromiter((get(i, 0.0) for i in indices), dtype=np.float32, count=len(indices))
        if spam_gate < 1.0:
            weights = np.minimum(weights, np.float32(0.0)) + np.float32(spam_gate) * np.maximum(
                weights, np.float32(0.0)
            )
        total = float(weights @ hashed.values)
        lowest = -(max(wording_logit, 0.0) + self.limits.ham_floor)
        return min(max(total, lowest), self.limits.max_spam_shift)

    def resemblance(self, distinctive: AbstractSet[int]) -> Resemblance:
        """How much a comment (its distinctive buckets) looks like one decided spam."""
        need = self.limits.lesson_min_shared
        if need is None or not self.decided:
            return NO_RESEMBLANCE
        return self.decided.nearest(distinctive, need)

    def spam_gate(self, distinctive: AbstractSet[int]) -> float:
        """1 where the spam lessons apply to a comment, 0 where they do not."""
        if self.limits.lesson_min_shared is None:
            return 1.0
        found = self.resemblance(distinctive)
        return 1.0 if found.similarity >= self.limits.lesson_min_similarity else 0.0

    def signal_logit(self, values: FloatArray, distinctive: AbstractSet[int]) -> float:
        """The site's extra weight on the text signals a comment fires."""
        if not self.signals:
            return 0.0
        fired = [(j, w) for j, w in self.signals.items() if w > 0.0 and values[j] > 0]
        if len({SIGNAL_FAMILY.get(j, j) for j, _ in fired}) < self.limits.signal_min_families:
            return 0.0
        if self.limits.signal_min_similarity > 0.0:
            found = self.decided.nearest(distinctive, 1)
            if found.similarity < self.limits.signal_min_similarity:
                return 0.0
        return float(sum(w * float(values[j]) for j, w in fired))

    def learn_signals(self, values: FloatArray, is_spam: bool, global_weights: FloatArray) -> None:
        """Move the site's signal weights after one decision (bounded both ways)."""
        step, cap = self.limits.signal_step, self.limits.signal_cap
        if step <= 0.0:
            return
        for j in np.flatnonzero(values > 0).tolist():
            if is_spam and global_weights[j] > 0.0:
                self.signals[j] = min(self.signals.get(j, 0.0) + step, cap)
            elif not is_spam and j in self.signals:
                self.signals[j] = max(self.signals[j] - 2 * step, 0.0)

    def remember(self, distinctive: AbstractSet[int], is_spam: bool, scale: FloatArray) -> None:
        """Keep a decided spam's sketch, or forget the sketches an approved comment matches."""
        if self.limits.lesson_min_shared is None:
            return
        if is_spam:
            seen, damp = self.ham_seen, self.limits.ham_seen_factor
            weights = {b: float(scale[b]) ** 2 * (damp if b in seen else 1.0) for b in distinctive}
            self.decided.add(weights)
        else:
            self.decided.forget_matching(
                distinctive, self.limits.lesson_min_shared, self.limits.lesson_min_similarity
            )

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
        shingles: IndexArray | None = None,
    ) -> None:
        """Move the site's weights towards one trusted decision, by a bounded step.

        ``scale`` (per bucket, 0..1) steers a spam lesson onto rare n-grams
        among the ``distinctive`` buckets (content words and pairs of them;
        None: every bucket); ``shingles`` (default: the n-gram vector's)
        make the comment's near-duplicate signature;
        ``global_weights`` steer a ham lesson onto the n-grams that pushed
        the comment towards spam.
        """
        self.decisions += 1
        signature = minhash(hashed.shingles if shingles is None else shingles)
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
