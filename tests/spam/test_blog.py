"""Blog signals: author names, reference domains, relevance to the post, hashes are not phones."""

from __future__ import annotations

import pytest

from causerie.spam.blog import author_phrase, is_reference_domain, topic_overlap
from causerie.spam.context import SITE_TALK_WEIGHT, context_reasons, with_author_model
from causerie.spam.signals import text_signals
from causerie.spam.verdict import CommentSample


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("cheap flights to lisbon", True),  # lower-case phrase with a commercial noun
        ("Best Mattress Reviews", True),  # several commercial nouns
        ("Plumber In North London Fast", True),  # four words or more
        ("Sarah Price", False),  # a surname that is also a commercial noun
        ("Tom Keller", False),
        ("jb", False),
        ("marie dupont", False),  # lower case, but no commercial noun
        ("Shop", False),  # one word: left to the learned author model
    ],
)
def test_author_phrase_tells_keyword_phrases_from_names(name: str, phrase: bool) -> None:
    assert bool(author_phrase(name)) is phrase


@pytest.mark.parametrize(
    "domain",
    ["github.com", "fr.wikipedia.org", "pypi.org", "www.npmjs.com", "stackoverflow.com",
     "www.legifrance.gouv.fr", "nasa.gov", "cs.stanford.edu", "unix.stackexchange.com"],
)  # fmt: skip
def test_reference_domains(domain: str) -> None:
    assert is_reference_domain(domain)


@pytest.mark.parametrize(
    "domain",
    ["notgithub.com", "github.com.cheap-pills.xyz", "wikipedia.org-loans.com", "example.com",
     "myblog.github.io", "gov.example.com"],
)  # fmt: skip
def test_lookalikes_are_not_reference_domains(domain: str) -> None:
    assert not is_reference_domain(domain)


def test_topic_overlap_counts_shared_content_words() -> None:
    title = "Debugging a segfault in a C extension"
    assert topic_overlap("Same segfault here with my extension", title, "") == (2, 3)
    shared, mine = topic_overlap("I have saved your website for later reading today", title, "")  # type: ignore[misc]
    assert shared == 0 and mine >= 4
    assert topic_overlap("anything", "", "") is None


def codes(**fields: object) -> dict[str, float]:
    sample = CommentSample(**{"content": "Thanks, this helped me a lot.", **fields})  # type: ignore[arg-type]
    return {r.code: r.weight for r in context_reasons(sample)}


def test_a_website_field_alone_is_no_evidence() -> None:
    assert codes(author="Lena Vogt", url="https://lenavogt.de") == {}
    assert codes(author="Lena Vogt", url="https://lenavogt.de/blog/post?id=3") == {}


def test_reference_sites_are_ham_evidence() -> None:
    assert codes(url="https://github.com/lena")["website_reference"] < 0
    link = "The fix is tracked at https://github.com/python/cpython/issues/112215"
    assert codes(content=link)["reference_links"] < 0
    mixed = link + " and cheap pills at http://pills-shop.example.com"
    assert "reference_links" not in codes(content=mixed)


def test_relevance_to_the_post() -> None:
    post = {"article_title": "Red lentil soup for cold evenings"}
    on = codes(content="Made the lentil soup yesterday, lovely with paprika.", **post)
    assert on["on_topic"] < 0
    off = "I have been browsing online for hours and never found such an interesting website"
    assert codes(content=off, **post)["off_topic"] > 0
    # Short thanks say nothing either way, and no post known means no check.
    assert codes(content="Thanks!", **post) == {}
    # (The template itself still talks about the site: that is site talk, not topic.)
    assert codes(content=off) == {"site_talk": 2 * SITE_TALK_WEIGHT}


def test_author_phrase_reason_and_learned_author_push() -> None:
    sample = CommentSample("Nice post", author="garden furniture sale uk")
    assert "author_phrase" in {r.code for r in context_reasons(sample)}
    person = CommentSample("Nice post", author="Tom Keller")
    assert with_author_model(context_reasons(person), person, -3.0) == []
    pushed = with_author_model([], person, 1.2)
    assert [(r.code, r.weight) for r in pushed] == [("author_phrase", 1.2)]
    assert with_author_model([], person, 40.0)[0].weight == 3.0  # bounded


@pytest.mark.parametrize(
    "text",
    [
        "tx 4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b confirmed in 3 blocks",
        "md5 3b5d5c3712955f42212316173ccf37be does not match",
        "the hash 3f4e5d6c7b8a91f2e3d4c5b6a7981f2e3 is truncated",
        "regression from commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
        "binary 0110100101 is 421",
        "output: 010011010110",
        "01 10 10 00 11 01",
    ],
)
def test_hashes_code_and_binary_are_not_phones_or_wallets(text: str) -> None:
    facts = text_signals(text).facts
    assert "phone" not in facts and "crypto_wallet" not in facts


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("WhatsApp +33 6 12 34 56 78", "phone"),
        ("appelez le 0612345678", "phone"),
        ("send to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa now", "crypto_wallet"),
        ("send to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "crypto_wallet"),
        ("usdt 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204 only", "crypto_wallet"),
    ],
)
def test_real_phones_and_wallets_still_found(text: str, signal: str) -> None:
    assert signal in text_signals(text).facts
