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
