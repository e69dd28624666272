"""The word lists find insults, vulgarity, hate and attacks in four ways of writing, and no more."""

from __future__ import annotations

import pytest

from causerie.toxicity.lexicon import lexicon_hits


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("انت حمار", "insult"),
        ("هاد المكلخ", "insult"),
        ("يا كلب", "insult"),
        ("espèce de voleur", "insult"),
        ("hada mkelkh", "insult"),
        ("quel abruti", "insult"),
        ("what a moron", "insult"),
        ("zebi 3lik", "vulgarity"),
        ("ولد القحبه", "vulgarity"),
        ("putain de merde", "vulgarity"),
        ("this is fucking bullshit", "vulgarity"),
        ("sales bougnoules", "hate_group"),
        ("dirty immigrants", "hate_group"),
        ("روافض", "hate_group"),
        ("nta hmar", "personal_attack"),
        ("t'es con", "personal_attack"),
        ("you idiot", "personal_attack"),
        ("الله ينعل بوك", "personal_attack"),
        ("dine mok", "personal_attack"),
    ],
)
def test_finds_each_category(text: str, category: str) -> None:
    assert category in lexicon_hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "Le concert à Constantine était magnifique",
        "An assessment of the class bill passed in Congress",
        "شكرا على المقال، الله يحفظ المغرب",
        "Les musulmans et les juifs de la ville ont célébré ensemble",
        "salam 3likom, mrehba bikom",
        "A cocktail recipe from Scunthorpe",
        # Animals, crimes and roles named plainly are no insult (only when said to someone).
        "Les voleurs ont été arrêtés par la police",
        "الكلاب الضالة في الحي خطر على الأطفال",
        "خدمة العملاء في البنك",
        "Pig farmers protest the new rules",
    ],
)
def test_ordinary_comments_have_no_hit(text: str) -> None:
    assert lexicon_hits(text) == {}


def test_accents_and_stretched_letters_do_not_hide_a_word() -> None:
    assert "insult" in lexicon_hits("CRÉTIN")
    assert "vulgarity" in lexicon_hits("merdeeeeee") or "vulgarity" in lexicon_hits("merde!!!")
