"""The toxicity text: placeholders out, Arabizi digits and letter variants folded."""

from __future__ import annotations

import pytest

from causerie.toxicity.datasets import Example, quirk_weight
from causerie.toxicity.lexicon import lexicon_hits
from causerie.toxicity.text import toxicity_normalize
from causerie.toxicity.train import featurize, sample_weights


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("@USER @USER Go home URL", "go home"),
        ("RT @USER: يا رب <LF> سلام", "يا رب سلام"),
        ("@user لا والله @url", "لا والله"),
        ("regardez https://t.co/AbC12 ici", "regardez ici"),
    ],
)
def test_data_set_placeholders_are_not_words(raw: str, expected: str) -> None:
    assert toxicity_normalize(raw) == expected


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("nta 7mar", "nta hmar"),
        ("allah y n3el", "allah y nael"),
        ("9a7ba", "qahba"),
        ("hmaaaaar", "hmar"),
        ("كلبببب", "كلب"),
        ("ڭاع", "كاع"),
        ("مسؤول", "مسوول"),
    ],
)
def test_spellings_of_one_word_meet(one: str, other: str) -> None:
    assert toxicity_normalize(one) == toxicity_normalize(other)


def test_numbers_and_times_stay_numbers() -> None:
    assert toxicity_normalize("rendez-vous à 9h30 le 23") == "rendez-vous à 9h30 le 23"


def test_training_and_serving_see_the_same_features() -> None:
    from causerie.toxicity.classifier import ToxicityModel
    from causerie.toxicity.model import ToxicityWeights

    text = "@USER nta 7maaar URL"
    analysis = ToxicityModel(ToxicityWeights.blank()).analyse(text)
    row = featurize([text])
    assert sorted(set(row.indices.tolist()) - set(range(2**20, 2**20 + 4))) == sorted(
        set(analysis.hashed.indices.tolist())
    )
    assert "insult" in lexicon_hits("t'es un connnnard")
    assert "insult" in lexicon_hits("nta hmaaaar")


def test_readme_quirks_weigh_rows_down_without_relabelling() -> None:
    assert quirk_weight("mlma_en", "hateful_normal") == pytest.approx(0.3)
    assert quirk_weight("mlma_fr", "fearful") == pytest.approx(0.3)
    assert quirk_weight("mlma_ar", "normal") == 1.0
    assert quirk_weight("olid", "OFF/UNT/NULL") == 1.0


def test_mdold_scripts_weigh_the_same_within_a_label() -> None:
    rows = [Example("zebi", 1, "mdold", "zebi")] * 3 + [Example("كلب", 1, "mdold", "كلب")]
    rows += [Example("salam", 0, "mdold", "salam"), Example("سلام", 0, "mdold", "سلام")]
    weights = sample_weights(rows)
    assert weights[:3].sum() == pytest.approx(weights[3])
    assert weights[:4].sum() == pytest.approx(weights[4:].sum())
