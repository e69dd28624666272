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
_PRIME = (1 << 31) - 1
_rng = np.random.default_rng(20240601)
_A = _rng.integers(1, _PRIME, PERMUTATIONS, dtype=np.int64)
_B = _rng.integers(0, _PRIME, PERMUTATIONS, dtype=np.int64)
_EMPTY = np.iinfo(np.int64).max

Signature = npt.NDArray[np.int64]


def minhash(shingles: IndexArray) -> Signature | None:
    """The MinHash signature of a set of shingles, or None for too short a text."""
    if len(shingles) < 8:
        return None
    # Values stay below 2**51, so the int64 products never overflow.
    table = (np.outer(_A, shingles % _PRIME) + _B[:, None]) % _PRIME
    return table.min(axis=1)


class SpamMemory:
    """The last ``capacity`` spam signatures of one site."""

    def __init__(self, capacity: int = 2000) -> None:
        self._signatures = np.full((capacity, PERMUTATIONS), _EMPTY, dtype=np.int64)
        self._next = 0
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def add(self, signature: Signature | None) -> None:
        """Remember one spam signature, forgetting the oldest when full."""
        if signature is None:
            return
        self._signatures[self._next] = signature
        self._next = (self._next + 1) % len(self._signatures)
        self._size = min(self._size + 1, len(self._signatures))

    def best_match(self, signature: Signature | None) -> tuple[float, int]:
        """Highest estimated similarity to a remembered spam, and how many are above 0.5."""
        if signature is None or self._size == 0:
            return 0.0, 0
        similar = (self._signatures[: self._size] == signature).mean(axis=1)
        return float(similar.max()), int((similar >= 0.5).sum())

    def forget_similar(self, signature: Signature | None, threshold: float = 0.6) -> int:
        """Drop remembered spam that looks like a message a moderator called ham."""
        if signature is None or self._size == 0:
            return 0
        similar = (self._signatures[: self._size] == signature).mean(axis=1)
        hits = np.flatnonzero(similar >= threshold)
        self._signatures[hits] = _EMPTY
        return len(hits)
