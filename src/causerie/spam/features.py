"""Hashed character and word n-grams: one sparse vector for any script.

Hashing keeps the model a fixed size whatever the vocabulary (Arabic, Darija
in Latin letters, French, English, emoji) and needs no dictionary at serve
time. The hash is our own, computed with numpy over code points so that it is
fast and stable across processes and machines (Python's ``hash()`` is salted).
"""

from __future__ import annotations

import itertools
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from causerie.spam.text import words

HASH_BITS = 20
DIMENSIONS = 1 << HASH_BITS
CHAR_NGRAMS = (2, 3, 4, 5)
_PRIME = np.uint64(0x100000001B3)
_MIX = np.uint64(0xFF51AFD7ED558CCD)
_SHIFT = np.uint64(33)
_MASK = np.uint64(DIMENSIONS - 1)

IndexArray = npt.NDArray[np.int64]
ValueArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class HashedText:
    """A sparse unit vector: bucket ``indices`` (may repeat) and their ``values``."""

    indices: IndexArray
    values: ValueArray
    shingles: IndexArray

    @classmethod
    def empty(cls) -> HashedText:
        """The vector of an empty text."""
        nothing = np.zeros(0, dtype=np.int64)
        return cls(nothing, np.zeros(0, dtype=np.float32), nothing)


def _mix(h: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    # Murmur3 finaliser: spreads the polynomial hash over all bits.
    h = h ^ (h >> _SHIFT)
    h = h * _MIX
    return h ^ (h >> _SHIFT)


def char_ngram_hashes(normalized: str) -> IndexArray:
    """Bucket of every character 2- to 5-gram of `` text `` (with repeats)."""
    padded = f" {normalized} "
    codes = np.frombuffer(padded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    parts: list[npt.NDArray[np.uint64]] = []
    rolling = codes.copy()
    with np.errstate(over="ignore"):
        for n in range(2, CHAR_NGRAMS[-1] + 1):
            if len(codes) < n:
                break
            rolling = rolling[: len(codes) - n + 1] * _PRIME + codes[n - 1 :]
            parts.append(rolling + np.uint64(n))
    if not parts:
        return np.zeros(0, dtype=np.int64)
    return (_mix(np.concatenate(parts)) & _MASK).astype(np.int64)


def word_ngram_hashes(tokens: list[str]) -> IndexArray:
    """Bucket of every word and word bigram."""
    out = [zlib.crc32(b"w\x00" + t.encode()) for t in tokens]
    out += [zlib.crc32(f"b\x00{a}\x00{b}".encode()) for a, b in itertools.pairwise(tokens)]
    return (np.asarray(out, dtype=np.int64) * 2654435761) % DIMENSIONS


def word_bucket(word: str) -> int:
    """Bucket of one word unigram (used to name the words behind a verdict)."""
    return int((zlib.crc32(b"w\x00" + word.encode()) * 2654435761) % DIMENSIONS)


def _dedupe(buckets: IndexArray) -> IndexArray:
    # np.unique costs ~30 µs of overhead per call; sort + mask is 5x cheaper.
    ordered = np.sort(buckets)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _unit(buckets: IndexArray) -> tuple[IndexArray, ValueArray]:
    unique = _dedupe(buckets)
    if len(unique) == 0:
        return unique, np.zeros(0, dtype=np.float32)
    return unique, np.full(len(unique), 1.0 / np.sqrt(len(unique)), dtype=np.float32)


def hash_text(normalized: str) -> HashedText:
    """The hashed n-gram vector of a normalised text (binary, each half unit length)."""
    if not normalized:
        return HashedText.empty()
    chars = char_ngram_hashes(normalized)
    char_idx, char_val = _unit(chars)
    # The longest n-grams come last; they make the near-duplicate shingles.
    longest = max(len(normalized) + 2 - CHAR_NGRAMS[-1] + 1, 0)
    # Not deduplicated: MinHash takes a minimum, which repeats do not change.
    shingles = chars[len(chars) - longest :] if longest else char_idx
    word_idx, word_val = _unit(word_ngram_hashes(words(normalized)))
    # Indices may repeat (a word bucket equal to a char bucket): every consumer
    # sums over them (dot products, sparse matrices), so no merge is needed.
    indices = np.concatenate([char_idx, word_idx])
    values = np.concatenate([char_val, word_val]) * np.float32(np.sqrt(0.5))
    return HashedText(indices, values, shingles)


def vocabulary_bucket(word: str) -> int:
    """Bucket of a word in the known-words bitmap (its own hash space)."""
    return zlib.crc32(b"k\x00" + word.encode()) % DIMENSIONS
