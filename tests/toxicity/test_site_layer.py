"""The spam filter's per-site layer applies to the toxicity model unchanged (same features)."""

from __future__ import annotations

from causerie.spam.features import content_word_buckets
from causerie.spam.site import SiteLayer
from causerie.spam.text import words
from causerie.toxicity import ToxicityModel


def learn(model: ToxicityModel, layer: SiteLayer, text: str, offensive: bool) -> None:
    analysis = model.analyse(text)
    site = layer.logit(analysis.hashed, analysis.text_logit)
    layer.learn(
        analysis.hashed,
        offensive,
        analysis.base_logit + site,
        model.weights.scale_vector(),
        global_weights=model.weights.text_weights,
        distinctive=content_word_buckets(words(analysis.normalized)),
    )


def score(model: ToxicityModel, layer: SiteLayer, text: str) -> float:
    analysis = model.analyse(text)
    return model.verdict(analysis, layer.logit(analysis.hashed, analysis.text_logit)).score


def test_not_offensive_decisions_lower_a_wording_false_alarm_within_bounds() -> None:
    model = ToxicityModel.load()
    layer = SiteLayer()
    # A word that only reads as offensive in this site's community (a local nickname).
    text = "le bouffon du roi revient au festival de Marrakech"
    before = score(model, layer, text)
    for _ in range(5):
        learn(model, layer, text, offensive=False)
    after = score(model, layer, text)
    assert after < before
    # Bounded: the correction never goes below the wording's push plus the floor.
    analysis = model.analyse(text)
    floor = -(max(analysis.text_logit, 0.0) + layer.limits.ham_floor)
    assert layer.logit(analysis.hashed, analysis.text_logit) >= floor


def test_offensive_decisions_raise_a_new_insult_of_the_site() -> None:
    model = ToxicityModel.load()
    layer = SiteLayer()
    text = "ce zorglubard de ministre zorglubard"
    before = score(model, layer, text)
    for _ in range(3):
        learn(model, layer, text, offensive=True)
    assert score(model, layer, text) > before
    assert score(model, layer, "Merci pour ce reportage sur le festival") < model.hold_threshold
