"""Spam lessons apply to what looks like the decided spam, not to ordinary comments.

Issue 22, item 4: on held-out units the site's spam lessons, applied to every
comment, raised the share of genuine comments held. Now each lesson is gated
by resemblance to one decided spam (``decided.py``): a reworded copy of a
decided template is lifted, a comment sharing one or two common words is not.
"""

from __future__ import annotations

import dataclasses

import pytest

from causerie.spam.decided import DecidedSpam
from causerie.spam.features import content_word_buckets
from causerie.spam.filter import Filter
from causerie.spam.model import GlobalModel
from causerie.spam.site import SIGNAL_LESSONS, LearningLimits, SiteLayer
from causerie.spam.state import MemoryLearningLog
from causerie.spam.text import normalize, words
from causerie.spam.verdict import CommentSample

SITE = "lemonde"
DECIDED = [
    "Le portefeuille Lumina triple votre épargne en dix jours, demandez conseil à Julien Morvan",
    "Grâce au portefeuille Lumina mon épargne a doublé, merci Julien Morvan pour ses conseils",
    "Julien Morvan et le portefeuille Lumina ont fait grimper mon épargne, contactez-le",
]
REWORDED = "Mon épargne a grimpé avec le portefeuille Lumina, Julien Morvan donne de bons conseils"
# Ordinary talk sharing a common word or two with the campaign ("épargne", "conseils").
ORDINARY = [
    "Mon épargne fond avec l'inflation, les banques ne proposent rien de sérieux",
    "Merci pour ces conseils de lecture, le dossier sur les retraites était clair",
]


def sample(text: str) -> CommentSample:
    return CommentSample(text, site=SITE)


def site_logit(spam_filter: Filter, text: str) -> float:
    """What the site layer adds to one comment's logit."""
    reasons = spam_filter._site_reasons(SITE, spam_filter.analyse(sample(text)))
    return sum(r.weight for r in reasons)


def teach(spam_filter: Filter, texts: list[str], is_spam: bool) -> None:
    for text in texts:
        spam_filter.learn(sample(text), is_spam, source="moderator")


def test_a_decided_template_lifts_its_reworded_copies(tiny_model: GlobalModel) -> None:
    spam_filter = Filter(tiny_model, MemoryLearningLog(), refresh_interval=0.0)
    before = site_logit(spam_filter, REWORDED)
    teach(spam_filter, DECIDED, True)
    analysis = spam_filter.analyse(sample(REWORDED))
    reasons = spam_filter._site_reasons(SITE, analysis)
    assert "site_learned" in {r.code for r in reasons}
    assert site_logit(spam_filter, REWORDED) - before > 1.0
    assert spam_filter.check(sample(REWORDED)).is_spam


@pytest.mark.parametrize("text", ORDINARY)
def test_an_ordinary_comment_sharing_common_words_is_not_lifted(
    tiny_model: GlobalModel, text: str
) -> None:
    spam_filter = Filter(tiny_model, MemoryLearningLog(), refresh_interval=0.0)
    fresh = spam_filter.check(sample(text))
    teach(spam_filter, DECIDED, True)
    # The words it shares took the lessons' weight...
    layer = spam_filter._sites[SITE]
    shared = content_word_buckets(words(normalize(text))) & set(layer.delta)
    assert any(layer.delta[b] > 0.1 for b in shared)
    # ...but the lessons do not apply to a comment unlike every decided spam.
    assert site_logit(spam_filter, text) == pytest.approx(0.0, abs=1e-6)
    assert spam_filter.check(sample(text)).score == fresh.score


def test_without_the_gate_the_same_lessons_lift_ordinary_comments(
    tiny_model: GlobalModel,
) -> None:
    # The test above fails without the gate: this is what main did.
    limits = LearningLimits(lesson_min_shared=None)
    spam_filter = Filter(tiny_model, MemoryLearningLog(), limits=limits, refresh_interval=0.0)
    teach(spam_filter, DECIDED, True)
    assert max(site_logit(spam_filter, text) for text in ORDINARY) > 0.1


def test_approving_a_look_alike_cancels_the_lessons_it_resembles(
    tiny_model: GlobalModel,
) -> None:
    spam_filter = Filter(tiny_model, MemoryLearningLog(), refresh_interval=0.0)
    teach(spam_filter, DECIDED, True)
    assert site_logit(spam_filter, REWORDED) > 1.0
    layer = spam_filter._sites[SITE]
    assert len(layer.decided) == len(DECIDED)
    teach(spam_filter, [REWORDED], False)
    # Every decided spam it resembles is forgotten: the lessons no longer lift
    # comments like the one a moderator approved (the ham lesson lowers it too).
    assert len(layer.decided) < len(DECIDED)
    assert site_logit(spam_filter, REWORDED) <= 0.0
    assert not spam_filter.check(sample(REWORDED)).is_spam


def test_a_fresh_process_replaying_the_log_knows_the_same(tiny_model: GlobalModel) -> None:
    log = MemoryLearningLog()
    first = Filter(tiny_model, log, refresh_interval=0.0)
    teach(first, DECIDED, True)
    teach(first, ORDINARY[:1], False)
    second = Filter(tiny_model, log, refresh_interval=0.0)
    assert second.sync() == len(DECIDED) + 1
    for text in [REWORDED, *ORDINARY]:
        assert site_logit(second, text) == pytest.approx(site_logit(first, text), abs=1e-6)
    a, b = first._sites[SITE], second._sites[SITE]
    assert len(a.decided) == len(b.decided)
    assert a.signals == b.signals


def test_sketches_are_bounded_and_hold_hashes_only() -> None:
    store = DecidedSpam(capacity=3, max_buckets=4)
    for k in range(10):
        store.add({1000 * k + i: 1.0 + i for i in range(10)})
    assert len(store) == 3
    for sketch in store._sketches.values():
        assert len(sketch) == 4
        assert all(isinstance(b, int) and isinstance(w, float) for b, w in sketch.items())
    # The oldest were forgotten, and with them their index entries.
    assert store.nearest({1, 2, 3}).shared == 0
    assert store.nearest({9009, 9008, 9007}).shared == 3


LINK_SPAM = [
    f"Come watch my new {w} video and follow me http://clips.example/u{k}"
    for k, w in enumerate(["gaming", "music", "cooking", "skate", "prank"])
]
LINK_TALK = "The full interview is on the broadcaster's site http://news.example/interview"


def test_signal_lessons_are_off_by_default(tiny_model: GlobalModel) -> None:
    spam_filter = Filter(tiny_model, MemoryLearningLog(), refresh_interval=0.0)
    teach(spam_filter, LINK_SPAM, True)
    assert spam_filter._sites[SITE].signals == {}


def test_signal_lessons_are_bounded_and_undone_by_approvals(tiny_model: GlobalModel) -> None:
    limits = dataclasses.replace(SIGNAL_LESSONS, signal_cap=1.2)
    spam_filter = Filter(tiny_model, MemoryLearningLog(), limits=limits, refresh_interval=0.0)
    teach(spam_filter, LINK_SPAM * 4, True)
    layer: SiteLayer = spam_filter._sites[SITE]
    assert layer.signals
    assert max(layer.signals.values()) == pytest.approx(1.2)
    teach(spam_filter, [LINK_TALK] * 2, False)
    fired = spam_filter.analyse(sample(LINK_TALK)).signals.values
    assert all(layer.signals.get(j, 0.0) == 0.0 for j in range(len(fired)) if fired[j] > 0)


def _lesson_logit(spam_filter: Filter, text: str, gate: float | None = None) -> float:
    """A comment's text logit plus the site's lessons as they apply to it (gated by default)."""
    analysis = spam_filter.analyse(sample(text))
    layer = spam_filter._sites[SITE]
    if gate is None:
        gate = layer.spam_gate(content_word_buckets(words(analysis.normalized)))
    current = analysis.base_logit - sum(r.weight for r in analysis.context)
    return current + layer.logit(analysis.hashed, analysis.text_logit, gate)


def test_a_new_campaigns_first_lesson_stops_at_the_target_margin(
    tiny_model: GlobalModel,
) -> None:
    """Its size counts the earlier lessons that will apply to it once it is remembered.

    A spam sharing one word with a decided one is unlike it (gate closed) until it is
    decided itself; measured with the gate closed, its lesson overshot by the earlier
    lessons' weight on the shared word (Instagram group 2's stream: FPR 0.93 → 1.39 %).
    """
    spam_filter = Filter(tiny_model, MemoryLearningLog(), refresh_interval=0.0)
    teach(spam_filter, DECIDED[:1], True)
    other = (
        "Investissez dans le portefeuille Zenthor, gains garantis, cliquez http://zenthor.example"
    )
    layer = spam_filter._sites[SITE]
    shared = content_word_buckets(words(normalize(other))) & set(layer.delta)
    assert shared and all(layer.delta[b] > 0.0 for b in shared)
    assert layer.spam_gate(content_word_buckets(words(normalize(other)))) == 0.0
    # Once remembered, the earlier lessons apply to it in full: the step is measured so.
    before = _lesson_logit(spam_filter, other, gate=1.0)
    assert before > _lesson_logit(spam_filter, other)
    teach(spam_filter, [other], True)
    assert layer.spam_gate(content_word_buckets(words(normalize(other)))) == 1.0
    expected = min(layer.limits.target_margin, before + layer.limits.step_spam)
    assert _lesson_logit(spam_filter, other) == pytest.approx(expected, abs=1e-3)
