"""The committed model loads fast, is small, and keeps informal comments as ham."""

from __future__ import annotations

import time

import pytest

from causerie.spam.filter import Filter
from causerie.spam.model import MODEL_DIR
from causerie.spam.verdict import CommentSample, Verdict


@pytest.fixture(scope="module")
def shipped() -> Filter:
    return Filter.load(remember_spam=False)


def test_model_is_small_and_loads_quickly() -> None:
    size = sum(p.stat().st_size for p in MODEL_DIR.glob("global.*"))
    assert size <= 10_000_000
    started = time.perf_counter()
    Filter.load()
    assert time.perf_counter() - started < 5  # generous: the benchmark measures ~0.15 s


@pytest.mark.parametrize(
    "text",
    [
        "merci !",
        "Bravo 👏👏👏",
        "mdr 😂😂😂😂😂😂😂😂",
        "tbarklah 3lik a5ti, dima nadia",
        "الله يحفظك يا فنان ❤️❤️",
        "واعر بزاف الله يعطيك الصحة",
        "Je ne suis pas d'accord avec l'auteur sur ce point.",
        "Great article, thanks for the clear explanation.",
    ],
)
def test_informal_comments_are_ham(shipped: Filter, text: str) -> None:
    assert shipped.check(CommentSample(text)).verdict is Verdict.HAM


@pytest.mark.parametrize(
    "text",
    [
        "Prêt entre particuliers sérieux, contactez-moi sur WhatsApp +33 6 12 34 56 78",
        "Check out my channel and subscribe!! http://bit.ly/xyz",
        "اربح المال من البيت تواصل معي واتساب 0501234567",
    ],
)
def test_blatant_spam_is_caught(shipped: Filter, text: str) -> None:
    assert shipped.check(CommentSample(text)).is_spam


# Written for this test (not in any training file): what blog readers post.
BLOG_HAM = [
    CommentSample(
        "I run a small open-source project on bird song recognition; if you want to join, "
        "write to me at h.meyer@posteo.de",
        author="Hanna Meyer",
        article_title="Recognising bird songs with a phone",
    ),
    CommentSample(
        "Our tx 9c1f6e0d2b4a8f3e5d7c9b1a3e5f7d9b2c4e6a8f0d2b4c6e8a0f2d4b6c8e0a2f got stuck "
        "for a day with 3 sat/vB.",
        author="Piotr",
        article_title="Why Bitcoin fees spiked this week",
    ),
    CommentSample(
        "Small correction: 0110011001 in binary is 409, the table says 411.",
        author="Yara",
        article_title="Binary numbers for beginners",
    ),
    CommentSample(
        "This was fixed upstream in commit 3e2a9f1c7b5d4e6f8a0b2c4d6e8f0a1b3c5d7e9f, see "
        "https://github.com/psf/requests/pull/6512",
        author="Oscar",
        url="https://gitlab.com/oscar",
        article_title="A bug in requests retries",
    ),
    CommentSample(
        "The package page https://pypi.org/project/numpy/ lists the wheels for ARM as well.",
        author="Mei",
        article_title="Installing numpy on a Raspberry Pi",
    ),
    CommentSample(
        "Thanks, very helpful post!",
        author="Julia",
        url="https://julia-bakes.example",
        article_title="Sourdough for beginners",
    ),
]
BLOG_SPAM = [
    CommentSample(
        "I have been surfing online more than 3 hours today, yet I never found any "
        "interesting article like yours. It is pretty worth enough for me.",
        author="Garden Furniture Sale",
        url="http://cheap-garden-sets.example",
        article_title="Capstone Proposal",
    ),
    CommentSample(
        "Hello there, I found your blog via Google while searching for a related topic, "
        "your website came up, it looks great. I have bookmarked it.",
        author="roof repair dallas",
        url="http://dallas-roofing.example",
        article_title="Mid Semester Reflection",
    ),
]


@pytest.mark.parametrize("sample", BLOG_HAM, ids=lambda s: s.content[:30])
def test_blog_readers_links_hashes_and_addresses_are_ham(shipped: Filter, sample: object) -> None:
    assert isinstance(sample, CommentSample)
    assert shipped.check(sample).verdict is Verdict.HAM


@pytest.mark.parametrize("sample", BLOG_SPAM, ids=lambda s: s.author)
def test_blog_spam_with_an_anchor_name_and_generic_praise_is_caught(
    shipped: Filter, sample: object
) -> None:
    assert isinstance(sample, CommentSample)
    verdict = shipped.check(sample)
    assert verdict.is_spam
    assert "author_phrase" in {r.code for r in verdict.reasons}


SITE_TALK_SPAM = CommentSample(
    "Hi there, I came across your blog via Google and subscribed to your RSS feed. "
    "Keep up the good work!",
    author="Travel & Leisure",
    url="http://cheap-trips.example",
    article_title="Sourdough for beginners",
)
SITE_TALK_READERS = [
    CommentSample(
        "Great post, thanks for sharing! My sourdough finally rose after I fed the starter twice.",
        author="Julia",
        url="https://julia-bakes.example",
        article_title="Sourdough for beginners",
    ),
    CommentSample(
        "Your RSS feed seems broken since the redesign, the items have no dates.",
        author="Ben",
        url="https://ben.example",
        article_title="Sourdough for beginners",
    ),
    CommentSample(
        "Great article, I bookmarked it.",
        author="Ben",
        url="https://ben.example",
        article_title="Sourdough for beginners",
    ),
]


def test_blog_spam_that_talks_about_the_blog_is_caught_with_its_reasons(shipped: Filter) -> None:
    verdict = shipped.check(SITE_TALK_SPAM)
    assert verdict.is_spam
    assert {"site_talk", "author_phrase"} <= {r.code for r in verdict.reasons}


@pytest.mark.parametrize("sample", SITE_TALK_READERS, ids=lambda s: s.content[:30])
def test_readers_praise_and_a_single_remark_about_the_blog_are_ham(
    shipped: Filter, sample: object
) -> None:
    assert isinstance(sample, CommentSample)
    verdict = shipped.check(sample)
    assert verdict.verdict is Verdict.HAM
    assert "site_talk" not in {r.code for r in verdict.reasons}
