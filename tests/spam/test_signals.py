"""Each text signal fires on what it should and stays quiet on ordinary comments."""

from __future__ import annotations

import pytest

from causerie.spam.signals import FEATURE_INDEX, text_signals
from causerie.spam.text import mixed_script_words, normalize


def facts(text: str) -> dict[str, dict[str, str | int | float]]:
    return text_signals(text).facts


def test_links_count_domains_and_shorteners() -> None:
    found = facts("see bit.ly/a and https://tinyurl.com/b and www.example.org/page")
    assert found["link_count"]["count"] == 3
    assert found["link_shortener"] == {"count": 2, "domain": "bit.ly"}


def test_link_only_and_spammy_domain() -> None:
    found = facts("http://cheap-pills.xyz/buy")
    assert "link_only" in found
    assert found["link_spammy_tld"]["domain"] == "cheap-pills.xyz"
    assert "link_only" not in facts(
        "I read the full report at https://www.lemonde.fr/politique and I agree"
    )


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("appelez le 06 12 34 56 78", "phone"),
        ("call +44 7451 238 904 now", "phone"),
        ("écrivez à jean.pret@gmail.com", "email"),
        ("contact me on WhatsApp", "messaging"),
        ("تواصل معي واتساب", "messaging"),
        ("mon telegram t.me/cryptogains", "messaging"),
        ("send to bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh", "crypto_wallet"),
        ("gagnez 500€ par jour", "money_amount"),
        ("earn $300 a day", "money_amount"),
    ],
)
def test_contact_bait(text: str, signal: str) -> None:
    assert signal in facts(text)


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("prêt entre particuliers rapide", "theme_loan"),
        ("we offer loans to everyone", "theme_loan"),
        ("قروض بدون كفيل", "theme_loan"),
        ("i invested $500 with mrs jane and got $5,000 in 7 days", "theme_testimonial"),
        ("j'ai récupéré mes fonds grâce à l'expert", "theme_testimonial"),
        ("بفضل الخبير استرجاع اموالك", "theme_testimonial"),
        ("rencontres coquines ce soir", "theme_adult"),
        ("abonnez-vous à ma chaîne", "theme_promo"),
        ("check out my channel", "theme_promo"),
        ("sub to me and i will sub back", "theme_promo"),
        ("اشترك في قناتي", "theme_promo"),
        ("perdre 10 kg en un mois", "theme_health"),
        ("contactez-moi vite", "theme_contact_me"),
    ],
)
def test_intents_in_three_languages(text: str, theme: str) -> None:
    assert theme in facts(text)


@pytest.mark.parametrize(
    "text",
    [
        "This channel has 2 million subscribers, I subscribed years ago",
        "the video just passed a billion views",
        "Les marchés financiers et le bitcoin ont chuté, les investisseurs paniquent",
        "L'éducation sexuelle devrait commencer plus tôt à l'école",
        "Il a gagné le prix Nobel de la paix, une victoire gratuite pour personne",
        "عاجل: ارتفاع اسعار النفط وتراجع البورصه والاستثمار في الشركات",
        "Breaking: the loan rates at major banks went up again",
    ],
)
def test_topics_are_not_intents(text: str) -> None:
    assert not [name for name in facts(text) if name.startswith("theme_")], text


@pytest.mark.parametrize(
    "text", ["visit mysite dot com", "go to youtube (dot) com slash abc", "monsite point fr"]
)
def test_links_written_out(text: str) -> None:
    assert "link_spelled" in facts(text)


def test_source_artifacts_are_normalised_away() -> None:
    assert normalize("RT @news_desk: @samir_k you are right #السعودية_الان") == normalize(
        "samir k you are right السعودية الان"
    )
    # An e-mail keeps its @.
    assert "@" in normalize("jo@example.org")


def test_shape_signals() -> None:
    assert facts("BUY NOW THE BEST OFFER EVER")["all_caps"]["percent"] == 100
    assert "repeated_chars" in facts("freeeeeee money")
    assert facts("🔥🔥🔥🔥🔥🔥🔥🔥")["emoji_flood"]["count"] == 8
    assert facts("fr\u200bee mo\u200bney")["invisible_chars"]["count"] == 2
    assert facts("ра\u0443pal login")["mixed_script"]["count"] == 1
    assert facts("wow!!! amazing!!")["exclamations"]["count"] == 5


def test_ordinary_comments_raise_nothing() -> None:
    for text in ("Merci pour cet article !", "شكرا على المقال", "tbarklah 3lik a5ti", "ok 😂"):
        assert not facts(text), text


def test_short_flag_is_a_feature_not_a_reason() -> None:
    signals = text_signals("merci")
    assert signals.values[FEATURE_INDEX["short"]] == 1.0
    assert "short" not in signals.facts


def test_normalize_folds_dodges() -> None:
    assert normalize("Fr\u200bEE  freeeeeee") == "free freee"
    assert normalize("р\u0430ypal") == "paypal"  # Cyrillic letters inside a Latin word
    assert normalize("привет") == "привет"  # a real Russian word stays Russian
    assert normalize("أهلاً بالمدرسة") == normalize("اهلا بالمدرسه")
    assert "httplink bit.ly" in normalize("go https://bit.ly/xyz?ref=1")
    assert mixed_script_words("hello world") == 0
