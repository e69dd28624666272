"""Sketches of the comments one site's moderators marked spam: which lessons apply where.

A spam decision teaches the site layer the decided comment's content words
(``site.py``). Applied to every comment, those words also lift the site's
ordinary comments that happen to share one or two of them ("call me when
you are free" after a decided "call now to claim your free prize"): on held-out
units that raised the share of genuine comments held. So a spam lesson now
applies only to comments that *look like* one decided spam: they share at
least ``min_shared`` of its distinctive words (content words of 4+ letters
and pairs of them) carrying at least ``min_similarity`` of its rarity mass.

Each sketch is a set of n-gram bucket numbers (20-bit hashes, not reversible
to the text) with one weight each, at most ``max_buckets`` per comment and
``capacity`` comments per site, oldest forgotten first::

    sketch 17: {482113: 0.81, 90071: 0.64, 771002: 0.64, ...}   # bucket -> rarity²

A "not spam" decision forgets every sketch the approved comment matches, so a
lesson never again lifts a comment like one a moderator approved.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Set
from dataclasses import dataclass


@dataclass(frozen=True)
class Resemblance:
    """How much a comment looks like the nearest decided spam."""

    shared: int = 0
    similarity: float = 0.0


NO_RESEMBLANCE = Resemblance()


class DecidedSpam:
    """The distinctive word buckets of the last ``capacity`` spam decisions of one site."""

    def __init__(self, capacity: int = 2000, max_buckets: int = 48) -> None:
        self.capacity = capacity
        self.max_buckets = max_buckets
        self._sketches: OrderedDict[int, dict[int, float]] = OrderedDict()
        self._totals: dict[int, float] = {}
        # Inverted index: bucket -> sketches holding it (lookups touch only those).
        self._index: dict[int, set[int]] = {}
        self._next = 0

    def __len__(self) -> int:
        return len(self._sketches)

    def add(self, weights: Mapping[int, float]) -> None:
        """Remember one decided spam's distinctive buckets (the heaviest ``max_buckets``)."""
        kept = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[: self.max_buckets]
        sketch = {b: w for b, w in kept if w > 0.0}
        if not sketch:
            return
        while len(self._sketches) >= self.capacity:
            self._drop(next(iter(self._sketches)))
        sid = self._next
        self._next += 1
        self._sketches[sid] = sketch
        self._totals[sid] = sum(sketch.values())
        for bucket in sketch:
            self._index.setdefault(bucket, set()).add(sid)

    def nearest(self, buckets: Set[int], min_shared: int = 1) -> Resemblance:
        """The decided spam sharing most rarity mass with a comment (``min_shared`` buckets+)."""
        if not self._sketches:
            return NO_RESEMBLANCE
        mass: dict[int, float] = {}
        shared: dict[int, int] = {}
        index = self._index
        for bucket in buckets:
            for sid in index.get(bucket, ()):
                mass[sid] = mass.get(sid, 0.0) + self._sketches[sid][bucket]
                shared[sid] = shared.get(sid, 0) + 1
        candidates = [sid for sid, count in shared.items() if count >= min_shared]
        if not candidates:
            return NO_RESEMBLANCE
        best = max(candidates, key=lambda sid: (mass[sid] / self._totals[sid], shared[sid], -sid))
        return Resemblance(shared[best], mass[best] / self._totals[best])

    def forget_matching(self, buckets: Set[int], min_shared: int, min_similarity: float) -> int:
        """Drop every sketch an approved comment resembles; return how many."""
        hits = [
            sid
            for sid, sketch in self._sketches.items()
            if self._matches(sketch, self._totals[sid], buckets, min_shared, min_similarity)
        ]
        for sid in hits:
            self._drop(sid)
        return len(hits)

    @staticmethod
    def _matches(
        sketch: dict[int, float],
        total: float,
        buckets: Set[int],
        min_shared: int,
        min_similarity: float,
    ) -> bool:
        common = [w for b, w in sketch.items() if b in buckets]
        return len(common) >= min_shared and sum(common) / total >= min_similarity

    def _drop(self, sid: int) -> None:
        sketch = self._sketches.pop(sid)
        del self._totals[sid]
        for bucket in sketch:
            holders = self._index.get(bucket)
            if holders is not None:
                holders.discard(sid)
                if not holders:
                    del self._index[bucket]
