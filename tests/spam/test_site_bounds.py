"""Each bound of the per-site learning, with a test that fails when that bound is removed.

The bounds (``LearningLimits``): a spam decision moves its own comment's score
by at most ``step_spam``, a ham decision by at most ``step_ham``; every weight
stays within ``[-weight_cap, +spam_weight_cap]``; the site's whole correction
stays under ``+max_spam_shift`` and above minus (the wording's own push +
``ham_floor``); at most ``max_weights`` corrections are kept (the strongest);
campaign words push by at most ``max_campaign_boost``.

The tests go through the public behaviour: ``Filter.learn`` / ``Filter.check``
(the reasons carry the site layer's weights) and the ``SiteLayer`` fields.
The global model is blank (every weight zero, bias 0), so that what moves is
the site layer alone. Each test sets the limit it tests low and the others out
of the way, so that exactly one bound binds.
"""

from __future__ import annotations

import pytest

from causerie.spam import CommentSample
from causerie.spam.features import hash_text
from causerie.spam.filter import Filter
from causerie.spam.model import GlobalModel
from causerie.spam.site import LearningLimits, SiteLayer
from causerie.spam.state import MemoryLearningLog
from causerie.spam.text import normalize

SITE = "bounds"
SPAM = "Achetez la montre Quorvix au meilleur prix, livraison gratuite chez Trelmond"
HAM = "Merci pour cet article sur le budget municipal et le tramway"
FAR = 1000.0  # a limit nobody reaches


def _filter(**limits: float | None) -> Filter:
    """A filter on a blank model with these limits (the others out of the way)."""
    base: dict[str, float | None] = {
        # Spam lessons apply everywhere: the gate (decided.py) is tested on its own.
        "lesson_min_shared": None,
        "step_spam": 4.0,
        "step_ham": 1.0,
        "target_margin": FAR,
        "weight_cap": FAR,
        "max_spam_shift": FAR,
        "spam_weight_cap": FAR,
        "ham_floor": FAR,
        "max_campaign_boost": FAR,
    }
    base.update(limits)
    return Filter(
        GlobalModel.blank(),
        MemoryLearningLog(),
        limits=LearningLimits(**base),  # type: ignore[arg-type]
        refresh_interval=0.0,
    )


def _site_weight(spam_filter: Filter, text: str, code: str) -> float:
    """The weight of one site-layer reason in the verdict of ``text`` (0 if absent)."""
    verdict = spam_filter.check(CommentSample(text, site=SITE))
    return sum(r.weight for r in verdict.reasons if r.code == code)


def _teach(spam_filter: Filter, text: str, is_spam: bool, times: int = 1) -> None:
    for _ in range(times):
        spam_filter.learn(CommentSample(text, site=SITE), is_spam, source="moderator")


def _layer(spam_filter: Filter) -> SiteLayer:
    layer = spam_filter._sites[SITE]
    assert isinstance(layer, SiteLayer)
    return layer


def test_one_spam_decision_moves_its_comment_by_step_spam() -> None:
    spam_filter = _filter(step_spam=3.0, step_ham=0.5)
    _teach(spam_filter, SPAM, True)
    assert _site_weight(spam_filter, SPAM, "site_learned") == pytest.approx(3.0, abs=0.01)


def test_one_ham_decision_moves_its_comment_by_the_smaller_step_ham() -> None:
    spam_filter = _filter(step_spam=3.0, step_ham=0.5)
    # A ham lesson lowers what pushed the comment towards spam: teach it as
    # spam first (+3), then "not spam" twice: 2 × 0.5, where the spam step is 3.
    _teach(spam_filter, HAM, True)
    _teach(spam_filter, HAM, False, times=2)
    assert _site_weight(spam_filter, HAM, "site_learned") == pytest.approx(2.0, abs=0.01)


def test_decisions_stop_once_the_comment_reaches_the_target_margin() -> None:
    spam_filter = _filter(step_spam=3.0, target_margin=5.0)
    _teach(spam_filter, SPAM, True, times=10)
    assert _site_weight(spam_filter, SPAM, "site_learned") == pytest.approx(5.0, abs=0.01)


def test_the_spam_side_correction_is_capped() -> None:
    spam_filter = _filter(step_spam=3.0, max_spam_shift=7.5)
    _teach(spam_filter, SPAM, True, times=6)  # 18 logits of lessons
    assert _site_weight(spam_filter, SPAM, "site_learned") == pytest.approx(7.5, abs=0.01)


def test_the_ham_side_correction_stops_at_the_wording_plus_the_floor() -> None:
    # Straight on the layer: however negative its weights, the correction
    # cancels the wording's push and ham_floor more, never the rest.
    layer = SiteLayer(LearningLimits(ham_floor=2.5))
    hashed = hash_text(normalize(HAM))
    layer.delta = {i: -50.0 for i in hashed.indices.tolist()}
    assert layer.logit(hashed, 4.0) == pytest.approx(-6.5)
    assert layer.logit(hashed, -3.0) == pytest.approx(-2.5)  # a ham-sounding text: floor only
    layer.delta = {i: -0.001 for i in hashed.indices.tolist()}
    assert -0.1 < layer.logit(hashed, 4.0) < 0.0  # the floor only clips, never pushes


def test_every_weight_stays_within_the_weight_cap() -> None:
    spam_filter = _filter(step_spam=4.0, spam_weight_cap=0.25)
    _teach(spam_filter, SPAM, True, times=40)
    weights = [abs(w) for w in _layer(spam_filter).delta.values()]
    assert max(weights) == pytest.approx(0.25)  # reached, and never passed


MEDIUM = "Les horaires du marché couvert changent dimanche, pensez à vérifier avant"
WEAK = "Un tout autre sujet: la bibliothèque municipale rouvre ses portes lundi prochain"


def _taught(max_weights: int, lessons: list[tuple[str, bool]]) -> tuple[SiteLayer, set[int]]:
    """A layer taught these lessons in order, and every bucket they touched."""
    limits = LearningLimits(
        step_spam=4.0,
        step_ham=0.05,
        max_weights=max_weights,
        target_margin=FAR,
        weight_cap=FAR,
        max_spam_shift=FAR,
        spam_weight_cap=FAR,
        ham_floor=FAR,
    )
    layer = SiteLayer(limits)
    scale = GlobalModel.blank().scale_vector()
    touched: set[int] = set()
    for text, is_spam in lessons:
        hashed = hash_text(normalize(text))
        # A weak lesson (False): a spam lesson on a comment already 0.05 from
        # its target moves it by 0.05 only (ham lessons on a blank model move
        # nothing: there is no spam push to lower).
        current = layer.logit(hashed, 0.0) if is_spam else FAR - 0.05
        layer.learn(hashed, True, current, scale)
        touched |= set(hashed.indices.tolist())
    return layer, touched


def _buckets(text: str) -> set[int]:
    return set(hash_text(normalize(text)).indices.tolist())


def test_pruning_keeps_at_most_max_weights_and_the_strongest() -> None:
    # Three tiers of strength: SPAM taught three times, MEDIUM once, WEAK by a tiny ham step.
    lessons = [(SPAM, True)] * 3 + [(MEDIUM, True), (WEAK, False)]
    # 760: pruning keeps 80 % (608), room for the 595 buckets of SPAM and
    # MEDIUM (those MEDIUM shares with WEAK are a little stronger still).
    layer, touched = _taught(760, lessons)
    assert len(touched) > 760  # so the last lesson went past the limit
    assert len(layer.delta) <= 760
    kept = set(layer.delta)
    assert _buckets(SPAM) | (_buckets(MEDIUM) - _buckets(WEAK)) <= kept  # the strong stay
    dropped = touched - kept
    assert dropped and dropped <= _buckets(WEAK)  # only weak ones go


def test_pruning_holds_to_max_weights_even_when_weights_tie() -> None:
    layer, touched = _taught(500, [(SPAM, True)] * 3 + [(WEAK, False)])
    assert len(touched) > 500
    assert len(layer.delta) <= 500


def test_campaign_words_push_by_at_most_the_campaign_cap() -> None:
    layer = SiteLayer(LearningLimits(campaign_word_weight=2.0, max_campaign_boost=5.0))
    assert layer.campaign_boost(["quorvix"]) == 0.0  # one word is no campaign
    assert layer.campaign_boost(["quorvix", "trelmond"]) == 4.0
    assert layer.campaign_boost(["quorvix", "trelmond", "zaltor", "pexwin"]) == 5.0


def test_a_campaign_of_many_words_is_capped_in_the_verdict() -> None:
    spam_filter = _filter(max_campaign_boost=5.0, step_spam=0.0)
    words = "quorvix trelmond zaltor pexwin gadrulo"
    _teach(spam_filter, f"Offre {words} aujourd'hui", True, times=3)
    found = _site_weight(spam_filter, f"Bonjour {words} demain", "campaign_words")
    assert found == pytest.approx(5.0)  # five words × 2.0 would be 10
