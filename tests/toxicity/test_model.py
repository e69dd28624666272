"""The shipped toxicity model: loads offline, scores clear cases both ways, explains itself."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import numpy as np
import pytest

from causerie.toxicity import (
    MODEL_DIR,
    REASON_CODES,
    ToxicityModel,
    ToxicityModelError,
    ToxicityWeights,
)


@pytest.fixture(scope="module")
def model() -> ToxicityModel:
    return ToxicityModel.load()


def test_the_model_loads_and_scores_with_the_network_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the toxicity model tried to open a socket")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    model = ToxicityModel.load()
    assert 0.0 <= model.check("bonjour").score <= 1.0


def test_the_weights_ship_in_the_package_and_stay_small() -> None:
    sizes = {p.name: p.stat().st_size for p in MODEL_DIR.iterdir()}
    assert set(sizes) == {"toxicity.npz", "toxicity.json"}
    assert sum(sizes.values()) < 5_000_000


@pytest.mark.parametrize(
    "text",
    [
        "t'es qu'un sale con, ferme ta gueule",
        "You are a stupid idiot and a liar",
        "يا حمار الله ينعل بوك",
        "nta hmar o wld l9a7ba",
        "espèce de connard, va te faire foutre",
    ],
)
def test_clear_insults_are_held(model: ToxicityModel, text: str) -> None:
    verdict = model.check(text)
    assert verdict.offensive and verdict.score >= model.hold_threshold
    assert verdict.reasons and verdict.reasons[0].code in REASON_CODES


@pytest.mark.parametrize(
    "text",
    [
        "Merci pour cet article, très instructif.",
        "Thanks for the clear explanation of the new law.",
        "شكرا على هذا المقال المفيد",
        "Je ne suis pas d'accord avec l'auteur sur le budget.",
    ],
)
def test_clear_clean_comments_pass(model: ToxicityModel, text: str) -> None:
    verdict = model.check(text)
    assert not verdict.offensive
    assert verdict.score < model.hold_threshold


def test_reasons_name_the_category_and_the_words(model: ToxicityModel) -> None:
    verdict = model.check("sale arabe, rentre chez toi")
    codes = {r.code: r for r in verdict.reasons}
    assert "hate_group" in codes
    assert "sale arabe" in str(codes["hate_group"].params["words"])


def test_thresholds_are_ordered(model: ToxicityModel) -> None:
    assert 0.0 < model.hold_threshold <= model.reject_threshold < 1.0


def test_checks_from_many_threads_agree(model: ToxicityModel) -> None:
    texts = ["nta hmar", "merci", "you idiot", "مقال جيد"] * 25
    expected = [model.check(t).score for t in texts]
    results: list[list[float]] = []

    def work() -> None:
        results.append([model.check(t).score for t in texts])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


def test_empty_and_huge_texts_are_scored(model: ToxicityModel) -> None:
    assert 0.0 <= model.check("").score <= 1.0
    assert 0.0 <= model.check("con " * 50_000).score <= 1.0


def test_a_missing_or_foreign_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ToxicityModelError, match="cannot read"):
        ToxicityModel.load(tmp_path)
    ToxicityWeights.blank().save(tmp_path)
    meta = (tmp_path / "toxicity.json").read_text().replace('"hash_bits": 20', '"hash_bits": 18')
    (tmp_path / "toxicity.json").write_text(meta)
    with pytest.raises(ToxicityModelError, match="other features"):
        ToxicityModel.load(tmp_path)


def test_save_and_load_keep_the_weights(tmp_path: Path) -> None:
    weights = ToxicityWeights.blank()
    weights.text_weights[123] = 1.5
    weights.dense_weights[:] = [1.0, 2.0, 3.0, 4.0]
    weights.hold_threshold, weights.reject_threshold = 0.4, 0.8
    weights.save(tmp_path)
    loaded = ToxicityModel.load(tmp_path)
    assert loaded.hold_threshold == 0.4 and loaded.reject_threshold == 0.8
    assert loaded.weights.text_weights[123] == pytest.approx(1.5)
    assert np.allclose(loaded.weights.dense_weights, [1.0, 2.0, 3.0, 4.0])


def test_site_correction_moves_the_score(model: ToxicityModel) -> None:
    analysis = model.analyse("nta hmar")
    base = model.verdict(analysis).score
    assert (
        model.verdict(analysis, site_logit=-3.0).score
        < base
        < model.verdict(analysis, site_logit=3.0).score
    )
