"""Where the per-site learning is kept, so that every server process shares it.

The filter never stores model weights per site: it stores the trusted
decisions themselves (an append-only log), and each process replays the
entries it has not seen yet. Appending is safe from any number of processes
and a restart loses nothing. The comment store implements this protocol on
its own database (``causerie.store.learning``); :class:`MemoryLearningLog` is
for tests and the command line.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

from causerie.spam.verdict import CommentSample


@dataclass(frozen=True)
class LearnedExample:
    """One trusted decision: which site, spam or not, on what, from whom."""

    id: int
    site: str
    is_spam: bool
    sample: CommentSample
    source: str
    created: float


class LearningLog(Protocol):
    """Append-only log of trusted spam / not-spam decisions."""

    def append(self, site: str, is_spam: bool, sample: CommentSample, source: str) -> int:
        """Record one decision and return its id (ids only grow)."""
        ...

    def since(self, after_id: int, limit: int = 1000) -> list[LearnedExample]:
        """Decisions of all sites with an id above ``after_id``, oldest first."""
        ...


class MemoryLearningLog:
    """A learning log kept in memory, for tests and one-off commands."""

    def __init__(self) -> None:
        self._items: list[LearnedExample] = []
        self._lock = threading.Lock()

    def append(self, site: str, is_spam: bool, sample: CommentSample, source: str) -> int:
        """Record one decision and return its id."""
        import time

        with self._lock:
            example = LearnedExample(
                len(self._items) + 1, site, is_spam, sample, source, time.time()
            )
            self._items.append(example)
            return example.id

    def since(self, after_id: int, limit: int = 1000) -> list[LearnedExample]:
        """Decisions with an id above ``after_id``, oldest first."""
        with self._lock:
            return [e for e in self._items if e.id > after_id][:limit]
