"""The per-site learning shared by the spam filter and the toxicity model (spam/layers.py).

Same replay, same bounds, same trusted sources for both models; each model
reads its own namespace of the learning log. The toxicity side runs on the
shipped toxicity model.
"""

from __future__ import annotations

import pytest

from causerie.spam.site import LearningLimits
from causerie.spam.state import MemoryLearningLog
from causerie.toxicity.sites import TOXICITY_LIMITS, SiteToxicity

SITE = "hespress"
INSULT = "Espèce de sale con, ferme ta gueule, t'es qu'un abruti."
# Rough but not an insult the lexicon knows: a site may teach either way.
ROUGH = "Ce ministre est une honte, qu'il dégage avec toute sa clique."


@pytest.fixture(scope="module")
def shipped() -> SiteToxicity:
    return SiteToxicity.load()


def _fresh(shipped: SiteToxicity, **limits: float) -> SiteToxicity:
    bounds = LearningLimits(**{**TOXICITY_LIMITS.__dict__, **limits})  # type: ignore[arg-type]
    return SiteToxicity(shipped.model, MemoryLearningLog(), limits=bounds, refresh_interval=0.0)


def test_only_trusted_sources_teach(shipped: SiteToxicity) -> None:
    judge = _fresh(shipped)
    before = judge.judge(ROUGH, "fr", SITE).score
    judge.teach(ROUGH, "fr", SITE, True, source="reader")
    assert judge.site_decisions(SITE) == 0
    assert judge.layers.log.since(0) == []
    judge.teach(ROUGH, "fr", SITE, True, source="moderator")
    assert judge.site_decisions(SITE) == 1
    assert judge.judge(ROUGH, "fr", SITE).score > before


def test_one_decision_moves_its_comment_by_a_bounded_step(shipped: SiteToxicity) -> None:
    judge = _fresh(shipped, step_spam=1.0, step_ham=0.5)
    analysis = shipped.model.analyse(ROUGH)
    judge.teach(ROUGH, "fr", SITE, True, source="moderator")
    layer = judge.layers.get(SITE)
    assert layer is not None
    assert layer.logit(analysis.hashed, analysis.text_logit) == pytest.approx(1.0, abs=0.01)


def test_no_number_of_not_offensive_clicks_whitewashes_a_known_insult(
    shipped: SiteToxicity,
) -> None:
    judge = _fresh(shipped)
    analysis = shipped.model.analyse(INSULT)
    for _ in range(60):
        judge.teach(INSULT, "fr", SITE, False, source="moderator")
    layer = judge.layers.get(SITE)
    assert layer is not None
    floor = -(max(analysis.text_logit, 0.0) + judge.layers.limits.ham_floor)
    assert layer.logit(analysis.hashed, analysis.text_logit) >= floor - 1e-6
    # The lexicon's evidence stays outside the site's reach: still held.
    assert judge.judge(INSULT, "fr", SITE).score >= shipped.hold_threshold


def test_two_processes_on_one_log_converge_and_sites_stay_apart(shipped: SiteToxicity) -> None:
    log = MemoryLearningLog()
    first = SiteToxicity(shipped.model, log, refresh_interval=0.0)
    second = SiteToxicity(shipped.model, log, refresh_interval=0.0)
    first.teach(ROUGH, "fr", SITE, True, source="moderator")
    assert second.judge(ROUGH, "fr", SITE).score == pytest.approx(
        first.judge(ROUGH, "fr", SITE).score
    )
    assert second.judge(ROUGH, "fr", "other").score == pytest.approx(
        shipped.judge(ROUGH, "fr", "other").score
    )
