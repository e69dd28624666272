"""Near-duplicate memory of recent spam on one site (MinHash over char 5-grams).

A campaign posts the same message with small edits; once one copy is known
as spam, the others are found by their estimated Jaccard similarity. The
memory is a fixed-size ring of signatures, so lookups cost the same however
long the server runs.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from causerie.spam.features import IndexArray

PERMUTATIONS = 64
_rng = np.random.default_rng(20240601)
# Multiply-shift hashing (odd multiplier, high bits): no modulo, so numpy
# computes a signature several times faster than with (a*x + b) mod p.
_A = _rng.integers(1, 1 << 62, PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _rng.integers(0, 1 << 62, PERMUTATIONS, dtype=np.uint64)
_SHIFT = np.uint64(32)
_EMPTY32 = np.iinfo(np.uint32).max
_BYTE_SUM = np.uint64(0x0101010101010101)
_TOP_BYTE = np.uint64(56)

Signature = npt.NDArray[np.uint64]


def minhash(shingles: IndexArray) -> Signature | None:
    """The MinHash signature of a set of shingles, or None for too short a text."""
    if len(shingles) < 8:
        return None
    with np.errstate(over="ignore"):
        table = _A[:, None] * shingles.view(np.uint64)  # buckets are >= 0: same bits
        table += _B[:, None]
    # The shift is monotonic, so it can follow the minimum: 64 shifts, not 64 x n.
    return table.min(axis=1) >> _SHIFT


class SpamMemory:
    """The last ``capacity`` spam signatures of one site.

    Held as 32-bit values (a signature's values are below 2^32: the top bits
    of a 64-bit hash), so one lookup reads half the memory; the comparison's
    per-row counts are added 8 bytes at a time. Same results as comparing the
    64-bit values and summing (``tests/spam/test_speedups.py``).
    """

    def __init__(self, capacity: int = 2000) -> None:
        self._signatures = np.full((capacity, PERMUTATIONS), _EMPTY32, dtype=np.uint32)
        # Slots emptied by ``forget_similar``: they match nothing.
        self._forgotten = np.zeros(capacity, dtype=bool)
        self._any_forgotten = False
        self._next = 0
        self._size = 0
        # Exact signatures already held: a spam flood repeats one text, and
        # storing it a thousand times would only slow every lookup.
        self._slots: dict[bytes, int] = {}

    def __len__(self) -> int:
        return self._size

    def add(self, signature: Signature | None) -> None:
        """Remember one spam signature, forgetting the oldest when full."""
        if signature is None:
            return
        values = signature.astype(np.uint32)
        key = values.tobytes()
        if key in self._slots:
            return
        slot = self._next
        self._slots.pop(self._signatures[slot].tobytes(), None)
        self._signatures[slot] = values
        self._forgotten[slot] = False
        self._slots[key] = slot
        self._next = (slot + 1) % len(self._signatures)
        self._size = min(self._size + 1, len(self._signatures))

    def _equal_counts(self, signature: Signature) -> npt.NDArray[np.uint64]:
        """How many of its values each remembered signature shares with ``signature``."""
        size = self._size
        equal = self._signatures[:size] == signature.astype(np.uint32)
        # Each row's 64 booleans (bytes 0 or 1) as 8 words of 8 bytes; adding
        # the 8 words keeps every byte <= 8 (no carry), and the multiplication
        # adds a word's 8 bytes into its top byte.
        words = equal.view(np.uint64)
        total = words[:, 0].copy()
        for k in range(1, PERMUTATIONS // 8):
            total += words[:, k]
        with np.errstate(over="ignore"):
            counts = (total * _BYTE_SUM) >> _TOP_BYTE
        if self._any_forgotten:
            counts[self._forgotten[:size]] = 0
        return counts

    def best_match(self, signature: Signature | None) -> tuple[float, int]:
        """Highest estimated similarity to a remembered spam, and how many are above 0.5."""
        if signature is None or self._size == 0:
            return 0.0, 0
        equal = self._equal_counts(signature)
        return float(equal.max()) / PERMUTATIONS, int((equal >= PERMUTATIONS // 2).sum())

    def forget_similar(self, signature: Signature | None, threshold: float = 0.6) -> int:
        """Drop remembered spam that looks like a message a moderator called ham."""
        if signature is None or self._size == 0:
            return 0
        similar = self._equal_counts(signature) / PERMUTATIONS
        hits = np.flatnonzero(similar >= threshold)
        for slot in hits:
            self._slots.pop(self._signatures[slot].tobytes(), None)
        self._signatures[hits] = _EMPTY32
        self._forgotten[hits] = True
        self._any_forgotten = self._any_forgotten or len(hits) > 0
        return len(hits)
