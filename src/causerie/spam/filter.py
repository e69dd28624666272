"""The filter the server calls: global model + rules + each site's learned layer.

    >>> from causerie.spam.filter import Filter
    >>> spam_filter = Filter.load()                      # the shipped model
    >>> verdict = spam_filter.check(CommentSample("Merci pour cet article !"))
    >>> verdict.verdict
    <Verdict.HAM: 'ham'>

Score = sigmoid(bias + n-gram weights + text-signal weights + hand-set
context weights + the site's bounded correction + near-duplicate boost).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from causerie.spam.context import (
    HOLD_ONLY_REASONS,
    HONEYPOT_WEIGHT,
    context_reasons,
    with_author_model,
)
from causerie.spam.features import HashedText, content_word_buckets, hash_text
from causerie.spam.layers import SiteLayers
from causerie.spam.model import MODEL_DIR, GlobalModel
from causerie.spam.reasons import collect_reasons
from causerie.spam.reputation import DomainReputation
from causerie.spam.sensitivity import threshold_for
from causerie.spam.signals import TextSignals, text_signals
from causerie.spam.site import NEAR_DUPLICATE_FROM, LearningLimits, SiteLayer
from causerie.spam.stacking import ARABIC_SCRIPT_SHARE, arabic_share, familiarity, stack_logit
from causerie.spam.state import LearnedExample, LearningLog, MemoryLearningLog
from causerie.spam.text import normalize, words
from causerie.spam.verdict import CommentSample, SpamReason, SpamVerdict, Verdict
from causerie.spam.waves import (
    NOT_A_WAVE,
    MaskedText,
    WaveCheck,
    WaveDetector,
    WaveFeed,
    author_hash,
    masked_shingles,
    variant_hash,
)

# Live decisions mark a wave; an import's labels ("admin") are old history and
# would fill the detector's memory with templates of years ago.
WAVE_MARKERS = frozenset({"moderator", "akismet_key"})
# Only the start of a very long comment is read: cost grows with length, and
# no training text was longer than ~2,200 characters.
MAX_CHARS = 5000


@dataclass(frozen=True)
class Analysis:
    """Everything measured on one comment before the site layer is applied."""

    normalized: str
    hashed: HashedText
    signals: TextSignals
    # The wording's whole push (both views, as the stacker weighs them): what
    # a site's "not spam" decisions may cancel (``site.py``).
    text_logit: float
    base_logit: float
    context: tuple[SpamReason, ...]
    # Its two parts, shown as two reasons: the intent view's wording and the
    # n-gram view's ("wording seen in known spam"); the factor the stacker
    # gives the intent view (its text signals are shown times it).
    intent_wording: float = 0.0
    ngram_wording: float = 0.0
    intent_factor: float = 1.0
    # The stacker's factor on the n-gram view: below zero (unfamiliar texts,
    # where that view is overconfident) its push is a correction, not a reason.
    ngram_factor: float = 0.0


def wave_reason(wave: WaveCheck) -> SpamReason:
    """The reason shown for a comment held as part of a campaign wave."""
    if wave.marked:
        return SpamReason("wave_marked", {"count": wave.copies}, 10.0)
    return SpamReason("wave", {"count": wave.copies, "authors": wave.authors}, 10.0)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-min(max(x, -40.0), 40.0)))


class Filter:
    """Multilingual spam filter that learns per site from trusted decisions."""

    def __init__(
        self,
        model: GlobalModel,
        log: LearningLog | None = None,
        *,
        spam_threshold: float | None = None,
        discard_threshold: float | None = None,
        limits: LearningLimits | None = None,
        refresh_interval: float = 1.0,
        max_reasons: int = 3,
        remember_spam: bool = True,
        clock: Callable[[], float] = time.monotonic,
        waves: WaveDetector | None = None,
        wave_clock: Callable[[], float] = time.time,
        wave_feed: WaveFeed | None = None,
    ) -> None:
        self.model = model
        self.log: LearningLog = log if log is not None else MemoryLearningLog()
        self.spam_threshold = spam_threshold if spam_threshold is not None else model.spam_threshold
        # Arabic-script comments' own threshold (none when the caller sets one for all).
        self.arabic_threshold = model.arabic_threshold if spam_threshold is None else None
        self.discard_threshold = (
            discard_threshold if discard_threshold is not None else model.discard_threshold
        )
        self.limits = limits or LearningLimits()
        self.refresh_interval = refresh_interval
        self.max_reasons = max_reasons
        # Off for evaluation: remembering verdicts would be learning from the test.
        self.remember_spam = remember_spam
        # Per site: what its moderators decided about each website domain.
        self._domains: dict[str, DomainReputation] = {}
        # The site layers and their replay of the log, shared with the toxicity model.
        self._layers = SiteLayers(
            self.log, self._apply, self.limits, refresh_interval=refresh_interval, clock=clock
        )
        self._lock = self._layers.lock
        # Campaign waves of the whole instance (None: off, e.g. in evaluations).
        self.waves = waves
        self._wave_clock = wave_clock
        # Other processes' observations (Redis), so that each counts every copy.
        self.wave_feed = wave_feed

    @property
    def _sites(self) -> dict[str, SiteLayer]:
        return self._layers.sites

    @classmethod
    def load(
        cls, directory: Path | str = MODEL_DIR, log: LearningLog | None = None, **options: Any
    ) -> Filter:
        """A filter with the model shipped in the package (or another model directory)."""
        return cls(GlobalModel.load(directory), log, **options)

    def analyse(self, sample: CommentSample) -> Analysis:
        """Measure a comment with the global model and the rules (no site layer)."""
        content = sample.content[:MAX_CHARS]
        normalized = normalize(content)
        hashed = hash_text(normalized)
        signals = text_signals(content, normalized)
        model = self.model
        text_logit = model.text_logit(hashed)
        dense = float(model.dense_contributions(signals.values).sum())
        author = model.author_logit(sample.author) if sample.author else 0.0
        context = tuple(with_author_model(context_reasons(sample, normalized), sample, author))
        added = sum(r.weight for r in context)
        if not model.stacked:
            intent = model.bias + text_logit + dense
            return Analysis(
                normalized, hashed, signals, text_logit, intent + added, context, text_logit
            )
        assert model.stack_coef is not None
        ngram = model.ngram_logit(hashed)
        stacked, ka, kb = stack_logit(
            model.stack_coef,
            model.stack_bias,
            model.bias + text_logit + dense,
            model.ngram_bias + ngram,
            familiarity(model.known_vector(), normalized),
            arabic_share(content),
        )
        wording = ka * text_logit + kb * ngram
        return Analysis(
            normalized, hashed, signals, wording, stacked + added, context,
            ka * text_logit, kb * ngram, ka, kb,
        )  # fmt: skip

    def check(self, sample: CommentSample) -> SpamVerdict:
        """Classify one comment without learning from it."""
        self._maybe_sync()
        analysis = self.analyse(sample)
        # Masked once, read by the near-duplicate memory and by the wave detector.
        masked = MaskedText(analysis.normalized)
        site_reasons = self._site_reasons(sample.site, analysis, masked)
        reputation = self._domains.get(sample.site)
        if reputation is not None and sample.url:
            with self._lock:
                site_reasons += reputation.reasons(sample)
        logit = analysis.base_logit + sum(r.weight for r in site_reasons)
        score = _sigmoid(logit)
        verdict = self._decide(score, sample)
        # Blog signals set by hand hold a comment for a moderator; they never
        # make it discarded, nor remembered as blatant, on their own (a reader
        # may talk about the blog).
        held = sum(r.weight for r in analysis.context if r.code in HOLD_ONLY_REASONS)
        if (
            verdict is Verdict.DISCARD
            and held > 0
            and not sample.honeypot_filled
            and _sigmoid(logit - held) < self.discard_threshold
        ):
            verdict = Verdict.SPAM
        wave = self._wave(sample, analysis, score, masked)
        if wave.held:
            site_reasons.append(wave_reason(wave))
            if verdict is Verdict.HAM:
                # Held for a moderator, never discarded on repetition alone.
                verdict, score = Verdict.SPAM, max(score, self._threshold(sample))
        # Remember blatant spam on its own evidence, so edited copies are caught
        # too. Only blatant: remembering every spam verdict would also remember
        # the filter's own false positives and push their look-alikes over.
        sure = _sigmoid(analysis.base_logit - held) >= self.discard_threshold
        if self.remember_spam and verdict is not Verdict.HAM and sure:
            with self._lock:
                self._site(sample.site).memory.add(masked.signature)
        reasons = collect_reasons(self.model, analysis, site_reasons, verdict, self.max_reasons)
        return SpamVerdict(verdict, round(score, 4), reasons)

    def _site_reasons(
        self, site_name: str, analysis: Analysis, masked: MaskedText | None = None
    ) -> list[SpamReason]:
        """What the site's own layer adds (the masked MinHash only if the site has a memory)."""
        masked = masked if masked is not None else MaskedText(analysis.normalized)
        reasons: list[SpamReason] = []
        with self._lock:
            site = self._sites.get(site_name)
            if site is None:
                return reasons
            hashed = analysis.hashed
            site_logit = 0.0
            if site.delta or site.signals:
                distinctive = content_word_buckets(words(analysis.normalized))
                gate = site.spam_gate(distinctive)
                site_logit = site.logit(hashed, analysis.text_logit, gate)
                site_logit += site.signal_logit(analysis.signals.values, distinctive)
            if abs(site_logit) >= 0.3:
                code = "site_learned" if site_logit > 0 else "site_learned_ham"
                reasons.append(SpamReason(code, {}, site_logit))
            if site.campaign:
                found = site.campaign_words(self.rare_words(analysis.normalized))
                boost = site.campaign_boost(found)
                if boost:
                    words_found = {"words": ", ".join(found[:4])}
                    reasons.append(SpamReason("campaign_words", words_found, boost))
            # Blatant spam needs no near-duplicate search: it is discarded anyway.
            blatant = _sigmoid(analysis.base_logit) >= self.discard_threshold
            if len(site.memory) and not blatant:
                similarity, count = site.memory.best_match(masked.signature)
                if similarity >= NEAR_DUPLICATE_FROM:
                    boost = 2.0 + 8.0 * (similarity - NEAR_DUPLICATE_FROM)
                    params = {"percent": round(similarity * 100), "count": count}
                    reasons.append(SpamReason("near_duplicate", params, boost))
        return reasons

    def _wave(
        self, sample: CommentSample, analysis: Analysis, score: float, masked: MaskedText
    ) -> WaveCheck:
        if self.waves is None:
            return NOT_A_WAVE
        signature = masked.template(self.waves.settings.min_words)
        if signature is None:
            return NOT_A_WAVE
        who = author_hash(sample.author, sample.email, sample.ip_hash)
        now = self._wave_clock()
        variant = variant_hash(analysis.normalized)
        with self._lock:
            if self.wave_feed is not None:
                # Queued first: a pull due now sends it at once (one round trip).
                self.wave_feed.publish(signature, who, now, variant)
                self.wave_feed.pull(self.waves)
            return self.waves.observe(signature, who, now, variant, score)

    def rare_words(self, normalized: str) -> set[str]:
        """Words of 4+ letters the global model (almost) never saw in training."""
        known = self.model.is_known_word
        return {w for w in words(normalized) if len(w) >= 4 and not w.isdigit() and not known(w)}

    def _threshold(self, sample: CommentSample, score: float | None = None) -> float:
        # Arabic-script comments have their own threshold; the script is only
        # read when the score lies where the choice matters.
        base = self.spam_threshold
        arabic = self.arabic_threshold
        if (
            arabic is not None
            and (score is None or score >= min(arabic, base))
            and arabic_share(sample.content[:MAX_CHARS]) > ARABIC_SCRIPT_SHARE
        ):
            base = arabic
        # A site's own sensitivity (core.sites) moves or replaces the model's threshold.
        if not sample.spam_sensitivity:
            return base
        return threshold_for(sample.spam_sensitivity, base)

    def _decide(self, score: float, sample: CommentSample) -> Verdict:
        if sample.honeypot_filled or score >= self.discard_threshold:
            return Verdict.DISCARD
        return Verdict.SPAM if score >= self._threshold(sample, score) else Verdict.HAM

    def learn(self, sample: CommentSample, is_spam: bool, *, source: str) -> None:
        """Teach the site's layer from a trusted decision; other sources are ignored."""
        self._layers.learn(sample, is_spam, source=source)

    def sync(self) -> int:
        """Replay log entries this process has not seen yet; return how many."""
        return self._layers.sync()

    def _maybe_sync(self) -> None:
        self._layers.maybe_sync()

    def _site(self, site: str) -> SiteLayer:
        return self._layers.layer(site)

    def _apply(self, layer: SiteLayer, example: LearnedExample) -> None:
        analysis = self.analyse(example.sample)
        domains = self._domains.setdefault(example.site, DomainReputation())
        domains.learn(example.sample, example.is_spam)
        if self.waves is not None and example.source in WAVE_MARKERS:
            # One decision marks the whole wave, on every site of the instance.
            signature = self.waves.signature(analysis.normalized)
            self.waves.mark(signature, example.is_spam, example.created)
        # Context (speed, honeypot) is left out: the lesson is about the text.
        current = analysis.base_logit - sum(r.weight for r in analysis.context)
        distinctive = content_word_buckets(words(analysis.normalized))
        # A spam decision's sketch is remembered below, so from then on the
        # spam lessons apply to this comment in full: its margin is measured
        # that way, or each new campaign's first lesson would overshoot.
        gate = 1.0 if example.is_spam else layer.spam_gate(distinctive)
        total = current + layer.logit(analysis.hashed, analysis.text_logit, gate)
        rare = self.rare_words(analysis.normalized)
        scale = self.model.scale_vector()
        layer.learn(
            analysis.hashed,
            example.is_spam,
            total,
            scale,
            rare,
            self.model.text_weights,
            distinctive,
            masked_shingles(analysis.normalized),
        )
        # After the lesson: a ham decision's buckets are then in ``ham_seen``.
        layer.remember(distinctive, example.is_spam, scale)
        layer.learn_signals(analysis.signals.values, example.is_spam, self.model.dense_weights)

    def site_decisions(self, site: str) -> int:
        """How many trusted decisions this process has applied for ``site``."""
        return self._layers.decisions(site)


__all__ = ["HONEYPOT_WEIGHT", "Analysis", "Filter"]
