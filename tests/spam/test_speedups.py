"""The faster hashing, theme scan and MinHash give exactly what the plain versions give.

The shipped model's weights are indexed by these hashes: a rewrite for speed
must not move a single bucket.
"""

from __future__ import annotations

import itertools
import zlib

import numpy as np
import pytest

from causerie.spam import lexicon
from causerie.spam.features import (
    DIMENSIONS,
    char_ngram_hashes,
    hash_text,
    word_bucket,
    word_buckets,
    word_ngram_hashes,
)
from causerie.spam.memory import _A, _B, PERMUTATIONS, SpamMemory, minhash
from causerie.spam.text import normalize, words

TEXTS = [
    "",
    "a",
    "ok",
    "abc",
    "Merci pour cet article !",
    "Gagnez 500€ par jour, contactez-moi sur WhatsApp +33 6 12 34 56 78",
    "Prêt entre particuliers sans justificatif, taux de 2%, écrivez-moi",
    "شكرا على المقال الرائع، الله يعطيك الصحة",
    "اربح الان من التداول في العملات الرقميه، للتواصل واتساب",
    "tbarklah 3lik a5ti, dima nadia 😍😍",
    "check out my channel and subscribe!!! free gift card, claim now, bitcoin airdrop",
    "make money: earn 300 a day working from home, bad credit loans ok, sexy singles",
    "Le bitcoin a chuté, les loans et le trading... invest? sex? free!",
    "🙏🙏🙏" * 20,
]


def _reference_char_ngrams(normalized: str) -> list[int]:
    """The polynomial hash of every 2-5-gram, one n-gram at a time (slow, obvious)."""
    codes = [ord(c) for c in f" {normalized} "]
    mask = (1 << 64) - 1
    out = []
    for n in range(2, 6):
        for start in range(len(codes) - n + 1):
            h = 0
            for code in codes[start : start + n]:
                h = (h * 0x100000001B3 + code) & mask
            h = (h + n) & mask
            h ^= h >> 33
            h = (h * 0xFF51AFD7ED558CCD) & mask
            h ^= h >> 33
            out.append(h & (DIMENSIONS - 1))
    return out


@pytest.mark.parametrize("text", TEXTS)
def test_char_ngram_hashes_match_the_definition(text: str) -> None:
    normalized = normalize(text)
    assert char_ngram_hashes(normalized).tolist() == _reference_char_ngrams(normalized)


@pytest.mark.parametrize("text", TEXTS)
def test_word_hashes_and_unit_values(text: str) -> None:
    tokens = words(normalize(text))
    expected = [zlib.crc32(b"w\x00" + t.encode()) for t in tokens]
    expected += [zlib.crc32(f"b\x00{a}\x00{b}".encode()) for a, b in itertools.pairwise(tokens)]
    assert word_ngram_hashes(tokens).tolist() == [h * 2654435761 % DIMENSIONS for h in expected]
    hashed = hash_text(normalize(text))
    if text:
        # Each half (char n-grams, words) has unit length, so the whole is 1.
        assert float(np.square(hashed.values.astype(np.float64)).sum()) == pytest.approx(
            1.0 if tokens else 0.5, rel=1e-5
        )


@pytest.mark.parametrize("text", TEXTS)
def test_theme_scan_finds_what_one_big_regex_finds(text: str) -> None:
    normalized = normalize(text)
    expected: dict[str, list[str]] = {}
    for match in lexicon._COMPILED.finditer(normalized):
        found = expected.setdefault(match.lastgroup or "", [])
        if len(found) < 3:
            found.append(match.group(0))
    assert lexicon.theme_hits(normalized) == expected


def test_minhash_matches_the_textbook_formula() -> None:
    rng = np.random.default_rng(7)
    for size in (8, 30, 500):
        shingles = rng.integers(0, DIMENSIONS, size).astype(np.int64)
        with np.errstate(over="ignore"):
            table = (np.outer(_A, shingles.astype(np.uint64)) + _B[:, None]) >> np.uint64(32)
        signature = minhash(shingles)
        assert signature is not None
        assert np.array_equal(signature, table.min(axis=1))
    assert minhash(np.zeros(3, dtype=np.int64)) is None


class _PlainMemory:
    """The near-duplicate memory as first written: 64-bit values, compared and summed."""

    def __init__(self, capacity: int) -> None:
        self.signatures = np.full((capacity, PERMUTATIONS), np.iinfo(np.uint64).max, np.uint64)
        self.slots: dict[bytes, int] = {}
        self.next = self.size = 0

    def add(self, signature: np.ndarray) -> None:
        key = signature.tobytes()
        if key in self.slots:
            return
        slot = self.next
        self.slots.pop(self.signatures[slot].tobytes(), None)
        self.signatures[slot] = signature
        self.slots[key] = slot
        self.next = (slot + 1) % len(self.signatures)
        self.size = min(self.size + 1, len(self.signatures))

    def best_match(self, signature: np.ndarray) -> tuple[float, int]:
        if self.size == 0:
            return 0.0, 0
        equal = (self.signatures[: self.size] == signature).sum(axis=1)
        return float(equal.max()) / PERMUTATIONS, int((equal >= PERMUTATIONS // 2).sum())

    def forget_similar(self, signature: np.ndarray, threshold: float) -> int:
        if self.size == 0:
            return 0
        similar = (self.signatures[: self.size] == signature).mean(axis=1)
        hits = np.flatnonzero(similar >= threshold)
        for slot in hits:
            self.slots.pop(self.signatures[slot].tobytes(), None)
        self.signatures[hits] = np.iinfo(np.uint64).max
        return len(hits)


def test_the_32_bit_memory_answers_as_the_64_bit_one() -> None:
    """Lookups, near copies, repeats, the ring's wrap-around and forgotten slots."""
    rng = np.random.default_rng(11)
    fast, plain = SpamMemory(capacity=50), _PlainMemory(capacity=50)
    # Signature values are the top 32 bits of 64-bit hashes; 2^32 - 1 included.
    templates = [rng.integers(0, 1 << 32, PERMUTATIONS, dtype=np.uint64) for _ in range(12)]
    templates[0][:40] = (1 << 32) - 1
    checked = 0
    for _ in range(600):
        signature = templates[rng.integers(len(templates))].copy()
        # A near copy: some values changed (0 to 64 of them).
        changed = rng.integers(0, PERMUTATIONS + 1)
        where = rng.choice(PERMUTATIONS, changed, replace=False)
        signature[where] = rng.integers(0, 1 << 32, changed, dtype=np.uint64)
        action = rng.random()
        if action < 0.4:
            fast.add(signature)
            plain.add(signature)
        elif action < 0.5:
            assert fast.forget_similar(signature, 0.5) == plain.forget_similar(signature, 0.5)
        assert fast.best_match(signature) == plain.best_match(signature)
        assert len(fast) == plain.size
        checked += fast.best_match(signature)[1] > 0
    assert checked > 100  # near copies were found, not only misses


def test_words_of_the_last_text_are_a_fresh_list() -> None:
    """Splitting one text again gives the same words, and a caller's changes stay its own."""
    first = words("merci pour cet article")
    first.append("changed")
    again = words("merci pour cet article")
    assert again == ["merci", "pour", "cet", "article"]
    assert again is not words("merci pour cet article")
    assert words("autre texte") == ["autre", "texte"]
    assert words("merci pour cet article") == ["merci", "pour", "cet", "article"]


@pytest.mark.parametrize("text", TEXTS)
def test_word_buckets_are_word_bucket(text: str) -> None:
    tokens = [*words(normalize(text)), "\U0001f600" * 40, "zzzzzzzzzzzzzzzzzzzz"]
    assert word_buckets(tokens).tolist() == [word_bucket(t) for t in tokens]
