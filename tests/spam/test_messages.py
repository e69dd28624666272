"""Every reason the filter can give reads as a sentence in English, French and Arabic."""

from __future__ import annotations

import re

import pytest

from causerie.spam.messages import CATALOG, LANGUAGES, reason_text
from causerie.spam.signals import FEATURE_NAMES
from causerie.spam.verdict import SpamReason

CONTEXT_CODES = [
    "honeypot",
    "too_fast",
    "same_text",
    "author_rate",
    "author_url",
    "author_keyword",
    "website_domain",
    "author_phrase",
    "website_reference",
    "reference_links",
    "on_topic",
    "off_topic",
    "website_approved",
    "website_reported",
    "email_disposable",
    "language_mismatch",
    "near_duplicate",
    "campaign_words",
    "site_learned",
    "site_learned_ham",
    "wording",
    "ham_wording",
]


def test_every_code_has_three_languages_with_the_same_placeholders() -> None:
    for code, entry in CATALOG.items():
        assert set(entry) == set(LANGUAGES), code
        placeholders = {lang: set(re.findall(r"{(\w+)}", entry[lang])) for lang in LANGUAGES}
        assert placeholders["fr"] == placeholders["en"] == placeholders["ar"], code


@pytest.mark.parametrize("code", [n for n in FEATURE_NAMES if n != "short"] + CONTEXT_CODES)
def test_every_reason_the_filter_emits_is_in_the_catalog(code: str) -> None:
    assert code in CATALOG


def test_sentences_are_filled_and_localised() -> None:
    reason = SpamReason("link_shortener", {"count": 3, "domain": "bit.ly"}, 2.0)
    assert reason_text(reason, "en") == "3 link(s) to a URL shortener (bit.ly)"
    assert reason_text(reason, "fr").startswith("3 lien(s)")
    assert "bit.ly" in reason_text(reason, "ar")
    assert (
        reason_text(SpamReason("same_text", {"count": 5}), "en")
        == "same text posted 5 times in 10 minutes"
    )


def test_fallbacks() -> None:
    assert reason_text(SpamReason("phone"), "de") == reason_text(SpamReason("phone"), "en")
    assert reason_text(SpamReason("phone"), "fr-CA") == "contient un numéro de téléphone"
    assert reason_text(SpamReason("no_such_code")) == "no_such_code"
    assert "{" not in reason_text(SpamReason("link_shortener"), "en")
