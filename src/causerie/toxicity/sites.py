"""The toxicity model with what each site's moderators taught it.

    >>> judge = SiteToxicity(ToxicityModel.load())    # learning log in memory
    >>> judge.judge("Merci pour cet article", "fr", "lemonde").score < judge.hold_threshold
    True

A moderator's "offensive" / "not offensive" is one entry of the learning log
in the ``"toxicity"`` namespace (``store/learning.py``); every process
replays it into the site's :class:`~causerie.spam.site.SiteLayer` with the
spam filter's own machinery (``causerie.spam.layers.SiteLayers``): only
trusted sources teach, each decision moves its comment by a bounded step,
each weight is capped, and the correction never cancels more than the
model's wording push plus ``ham_floor`` logits — the lexicon evidence (an
insult the model knows by name) stays outside the n-grams, so no number of
"not offensive" clicks whitewashes it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from causerie.spam.explain import Reason
from causerie.spam.features import content_word_buckets
from causerie.spam.layers import SiteLayers
from causerie.spam.site import LearningLimits, SiteLayer
from causerie.spam.state import LearnedExample, LearningLog, MemoryLearningLog
from causerie.spam.text import words
from causerie.spam.verdict import CommentSample
from causerie.toxicity.classifier import ToxicityModel, ToxicityVerdict
from causerie.toxicity.model import MODEL_DIR
from causerie.toxicity.site_threshold import SiteThreshold, from_rows

# Below this, a site's correction is not worth naming as a reason (logits).
SHOWN_FROM = 0.3
# The spam filter's bounds, without its spam-only parts (near-duplicate memory, campaigns).
TOXICITY_LIMITS = LearningLimits(memory_size=1, campaign_min_spam=10**9)


class SiteToxicity:
    """:class:`ToxicityModel` plus a bounded, per-site layer learnt from moderators."""

    def __init__(
        self,
        model: ToxicityModel,
        log: LearningLog | None = None,
        *,
        limits: LearningLimits = TOXICITY_LIMITS,
        refresh_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.model = model
        self.hold_threshold = model.hold_threshold
        self.reject_threshold = model.reject_threshold
        self.layers = SiteLayers(
            log if log is not None else MemoryLearningLog(),
            self._apply,
            limits,
            refresh_interval=refresh_interval,
            clock=clock,
        )

    @classmethod
    def load(
        cls, directory: Path | str = MODEL_DIR, log: LearningLog | None = None, **options: Any
    ) -> SiteToxicity:
        """The shipped model (or another directory's) with site layers from ``log``."""
        return cls(ToxicityModel.load(directory), log, **options)

    def judge(self, text: str, lang: str, site: str) -> ToxicityVerdict:
        """Score one comment with the site's layer, learning nothing."""
        self.layers.maybe_sync()
        analysis = self.model.analyse(text)
        site_logit = 0.0
        reasons: list[Reason] = []
        with self.layers.lock:
            layer = self.layers.get(site)
            if layer is not None:
                site_logit = layer.logit(analysis.hashed, analysis.text_logit)
        if abs(site_logit) >= SHOWN_FROM:
            code = "site_learned" if site_logit > 0 else "site_learned_clean"
            reasons.append(Reason(code, {}, round(site_logit, 3)))
        return self.model.verdict(analysis, site_logit, reasons)

    def teach(
        self, text: str, lang: str, site: str, offensive: bool, *, source: str, author: str = ""
    ) -> None:
        """Teach the site's layer one trusted decision; other sources are ignored.

        The lesson is about wording: the log keeps the text, its language and the
        site, and the author's name only so that erasing her comments finds the
        lesson too (store/erasure.py matches text and name); no address, no e-mail.
        """
        sample = CommentSample(content=text, author=author, lang=lang, site=site)
        self.layers.learn(sample, offensive, source=source)

    def site_threshold(
        self, observed: Sequence[tuple[float, bool, bool | None]], pinned: float | None
    ) -> SiteThreshold:
        """The site's hold threshold from its scored comments and decisions (oldest first).

        ``observed``: ``(score, reviewed, offensive or None)`` per comment; ``pinned``:
        an admin's threshold, which wins (``site_threshold.py``).
        """
        return from_rows(observed, self.hold_threshold, pinned)

    def site_decisions(self, site: str) -> int:
        """How many trusted decisions this process has applied for ``site``."""
        return self.layers.decisions(site)

    def _apply(self, layer: SiteLayer, example: LearnedExample) -> None:
        analysis = self.model.analyse(example.sample.content)
        total = analysis.base_logit + layer.logit(analysis.hashed, analysis.text_logit)
        weights = self.model.weights
        layer.learn(
            analysis.hashed,
            example.is_spam,  # the log's positive class: offensive
            total,
            weights.scale_vector(),
            frozenset(),
            weights.text_weights,
            content_word_buckets(words(analysis.normalized)),
        )
