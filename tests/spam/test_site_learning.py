"""Per-site learning both ways: "not spam" undoes a false pattern, hard evidence stays."""

from __future__ import annotations

import math

import numpy as np
import pytest

from causerie.spam.features import hash_text
from causerie.spam.filter import Filter
from causerie.spam.model import GlobalModel
from causerie.spam.site import LearningLimits
from causerie.spam.state import MemoryLearningLog
from causerie.spam.verdict import CommentSample

FALSE_PATTERN = ("subscribers", "subscribe", "channel")

# A pattern the tiny model learnt from spam ("check out my channel and
# subscribe") that ordinary readers use when they talk about a channel.
TALK_ABOUT_SUBSCRIBERS = [
    f"This channel has {n} subscribers now, subscribe count keeps growing, check out the {w}"
    for n, w in [
        ("two million", "stats"), ("a lot of", "numbers"), ("so many", "history"),
        ("10k", "growth"), ("fifty thousand", "chart"), ("way more", "replays"),
        ("a billion", "comments"), ("loads of", "old videos"), ("many new", "livestream"),
        ("thousands of", "archive"), ("countless", "playlist"), ("new", "trailer"),
    ]
]  # fmt: skip
UNSEEN_TALK = "Check out how many subscribers this channel has, subscribe numbers are crazy"
BLATANT = "Écrivez à pret.rapide@gmail.com, WhatsApp +33 6 12 34 56 78, http://bit.ly/pret"
EVERYDAY = [
    "Merci pour cet article très clair sur l'épargne des ménages.",
    "Je ne suis pas d'accord avec la conclusion, mais bon article.",
    "The minister should resign after this scandal",
    "I loved this song when I was a kid, still great",
]
CAMPAIGN = [
    f"Le portefeuille Lumina {verb} votre épargne en dix jours, demandez Julien {i}"
    for i, verb in enumerate(["triple", "double", "multiplie", "fait grimper", "booste", "gonfle"])
]


@pytest.fixture()
def spam_filter(tiny_model: GlobalModel) -> Filter:
    """The tiny model with a planted false pattern: talk about subscribers reads as spam."""
    # Spread over every n-gram of the words, as a fitted model spreads it.
    for word in FALSE_PATTERN:
        tiny_model.text_weights[np.unique(hash_text(word).indices)] += 1.5
    return Filter(tiny_model, MemoryLearningLog(), refresh_interval=0.0)


def sample(text: str, site: str = "lemonde") -> CommentSample:
    return CommentSample(text, site=site)


def logit(spam_filter: Filter, text: str, site: str = "lemonde") -> float:
    """The unrounded logit of a verdict (the score has only 4 decimals)."""
    analysis = spam_filter.analyse(sample(text, site))
    reasons = spam_filter._site_reasons(site, analysis)
    return analysis.base_logit + sum(r.weight for r in reasons)


def test_not_spam_decisions_undo_a_false_pattern_on_that_site(spam_filter: Filter) -> None:
    assert spam_filter.check(sample(UNSEEN_TALK)).is_spam  # the false pattern
    for text in TALK_ABOUT_SUBSCRIBERS:
        spam_filter.learn(sample(text), False, source="moderator")
    assert not spam_filter.check(sample(UNSEEN_TALK)).is_spam
    # Only on the site whose moderators decided.
    assert spam_filter.check(sample(UNSEEN_TALK, site="other")).is_spam
    # Real self-promotion with a link is still caught on that site.
    assert spam_filter.check(sample("Check out my channel and subscribe http://bit.ly/me")).is_spam


def test_each_not_spam_decision_moves_its_comment_a_bounded_step(spam_filter: Filter) -> None:
    limits = LearningLimits()
    before = logit(spam_filter, UNSEEN_TALK)
    spam_filter.learn(sample(UNSEEN_TALK), False, source="moderator")
    after = logit(spam_filter, UNSEEN_TALK)
    assert 0.5 < before - after <= limits.step_ham + 1e-3


def test_hard_evidence_cannot_be_whitewashed(spam_filter: Filter) -> None:
    analysis = spam_filter.analyse(sample(BLATANT))
    assert spam_filter.check(sample(BLATANT)).is_spam
    for _ in range(300):
        spam_filter.learn(sample(BLATANT), False, source="moderator")
    assert spam_filter.check(sample(BLATANT)).is_spam
    # The site may cancel the wording's push and ham_floor more, never the
    # links, phone number, e-mail and messaging app.
    lowest = analysis.base_logit - max(analysis.text_logit, 0.0) - LearningLimits().ham_floor
    assert logit(spam_filter, BLATANT) >= lowest - 1e-4
    assert math.isclose(spam_filter.analyse(sample(BLATANT)).base_logit, analysis.base_logit)


def test_spam_decisions_move_the_campaign_not_the_everyday_vocabulary(
    spam_filter: Filter,
) -> None:
    before = {text: logit(spam_filter, text) for text in EVERYDAY}
    for text in EVERYDAY[:2]:
        spam_filter.learn(sample(text), False, source="moderator")
    after_ham = {text: logit(spam_filter, text) for text in EVERYDAY}
    for text in CAMPAIGN:
        spam_filter.learn(sample(text), True, source="moderator")
    assert spam_filter.check(sample("Julien et Lumina ont triplé mon épargne")).is_spam
    for text in EVERYDAY:
        assert not spam_filter.check(sample(text)).is_spam
        # Everyday comments barely move: the ones the site approved least of all.
        assert logit(spam_filter, text) - after_ham[text] < 1.0
    for text in EVERYDAY[:2]:
        assert logit(spam_filter, text) - after_ham[text] < 0.3
        assert after_ham[text] <= before[text]


def test_each_weight_is_capped(tiny_model: GlobalModel) -> None:
    limits = LearningLimits(weight_cap=0.05, spam_weight_cap=0.03)
    spam_filter = Filter(tiny_model, MemoryLearningLog(), limits=limits, refresh_interval=0.0)
    for text in CAMPAIGN:
        spam_filter.learn(sample(text), True, source="moderator")
    spam_filter.learn(sample(UNSEEN_TALK), False, source="moderator")
    weights = spam_filter._sites["lemonde"].delta.values()
    assert max(weights) == pytest.approx(limits.spam_weight_cap)
    assert min(weights) == pytest.approx(-limits.weight_cap)
