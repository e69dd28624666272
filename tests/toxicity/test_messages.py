"""Toxicity reasons read in English, French and Arabic, through the catalog shared with spam."""

from __future__ import annotations

import re

import pytest

from causerie.spam.explain import Reason, render
from causerie.spam.messages import reason_text as spam_reason_text
from causerie.spam.verdict import SpamReason
from causerie.toxicity import CATALOG, REASON_CODES, reason_label, reason_text
from causerie.toxicity.messages import LANGUAGES


def test_every_code_has_three_languages_with_the_same_placeholders() -> None:
    for code, entry in CATALOG.items():
        assert set(entry) == set(LANGUAGES), code
        placeholders = {lang: set(re.findall(r"{(\w+)}", entry[lang])) for lang in LANGUAGES}
        assert placeholders["fr"] == placeholders["en"] == placeholders["ar"], code


@pytest.mark.parametrize("code", REASON_CODES)
def test_every_reason_the_model_emits_is_in_the_catalog(code: str) -> None:
    assert code in CATALOG


@pytest.mark.parametrize(
    ("code", "fr", "en", "ar"),
    [
        ("insult", "insulte", "insult", "إهانة"),
        ("vulgarity", "vulgarité", "vulgarity", "ألفاظ نابية"),
        ("hate_group", "haine envers un groupe", "hate against a group", "كراهية تجاه فئة"),
        ("personal_attack", "attaque contre une personne", "attack on a person", "هجوم على شخص"),
    ],
)
def test_reason_names_in_three_languages(code: str, fr: str, en: str, ar: str) -> None:
    assert reason_label(code, "fr") == fr
    assert reason_label(code, "en-GB") == en
    assert reason_label(code, "ar") == ar
    reason = Reason(code, {"words": "x, y"}, 1.0)
    assert reason_text(reason, "fr") == f"{fr} (x, y)"
    assert reason_text(reason, "ar") == f"{ar} (x, y)"


def test_unknown_language_falls_back_to_english() -> None:
    assert reason_text(Reason("insult", {"words": "idiot"}), "de") == "insult (idiot)"
    assert reason_text(Reason("no_such_code")) == "no_such_code"


def test_spam_and_toxicity_share_one_reason_class_and_renderer() -> None:
    assert SpamReason is Reason
    spam = SpamReason("phone")
    assert spam_reason_text(spam, "fr") == "contient un numéro de téléphone"
    assert render(CATALOG, Reason("insult", {"words": "con"}), "fr") == "insulte (con)"
