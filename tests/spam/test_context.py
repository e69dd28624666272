"""Behaviour, author and language signals passed in by the caller."""

from __future__ import annotations

from causerie.spam.context import context_reasons
from causerie.spam.verdict import CommentSample


def codes(**fields: object) -> dict[str, float]:
    sample = CommentSample(**{"content": "Bonjour à tous, bel article.", **fields})  # type: ignore[arg-type]
    return {r.code: r.weight for r in context_reasons(sample)}


def test_nothing_for_an_ordinary_comment() -> None:
    assert codes(author="Marie", email="marie@orange.fr", seconds_to_submit=45.0) == {}


def test_behaviour() -> None:
    assert codes(honeypot_filled=True)["honeypot"] > 10
    assert codes(seconds_to_submit=0.8)["too_fast"] > codes(seconds_to_submit=3.0)["too_fast"]
    assert "same_text" in codes(same_text_recent=5)
    assert "same_text" not in codes(same_text_recent=1)
    assert "author_rate" in codes(author_rate_10min=12)


def test_author_fields() -> None:
    assert "author_url" in codes(author="www.cheap-loans.com")
    assert "author_keyword" in codes(author="Bitcoin Expert")
    assert "website_domain" in codes(url="http://bit.ly/x")
    assert "email_disposable" in codes(email="x@mailinator.com")


def test_language_against_site_languages() -> None:
    russian = {"content": "Лучшие предложения только сегодня для вас друзья"}
    assert "language_mismatch" in codes(site_languages=("fr", "ar"), **russian)
    assert "language_mismatch" not in codes(site_languages=("ru",), **russian)
    # Arabizi on an Arabic site is normal, and no site languages means no check.
    arabizi = {"content": "tbarklah 3lik a5ti dima nadia hadchi zwin bzaf"}
    assert "language_mismatch" not in codes(site_languages=("ar",), **arabizi)
    assert "language_mismatch" not in codes(**russian)
