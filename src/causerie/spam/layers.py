"""Per-site layers replayed from one namespace of the learning log: shared by every model.

The spam filter and the toxicity model learn from moderators the same way:
each trusted decision is appended to the learning log (in the model's own
namespace: ``"spam"``, ``"toxicity"``), and every process replays the entries
it has not seen into one :class:`~causerie.spam.site.SiteLayer` per site. Only
*how* one decision moves a layer differs between models; that is the ``apply``
function the model passes in. Keeping the replay in one place means the
bounds, the trusted sources and the multi-process convergence are the same
for both models, and tested once.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from causerie.spam.site import TRUSTED_SOURCES, LearningLimits, SiteLayer
from causerie.spam.state import LearnedExample, LearningLog
from causerie.spam.verdict import CommentSample

# How one trusted decision moves a site's layer (the model's own lesson).
Lesson = Callable[[SiteLayer, LearnedExample], None]


class SiteLayers:
    """Every site's layer of one model, kept in step with the model's learning log."""

    def __init__(
        self,
        log: LearningLog,
        apply: Lesson,
        limits: LearningLimits,
        *,
        refresh_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.log = log
        self.limits = limits
        self.refresh_interval = refresh_interval
        self.lock = threading.RLock()
        self.sites: dict[str, SiteLayer] = {}
        self._apply = apply
        self._clock = clock
        self._last_id = 0
        self._last_sync = -math.inf

    def get(self, site: str) -> SiteLayer | None:
        """The site's layer, or None when its moderators taught nothing yet."""
        return self.sites.get(site)

    def layer(self, site: str) -> SiteLayer:
        """The site's layer, created empty on first use."""
        found = self.sites.get(site)
        if found is None:
            found = self.sites[site] = SiteLayer(self.limits)
        return found

    def learn(self, sample: CommentSample, positive: bool, *, source: str) -> bool:
        """Log one decision and apply it; False (nothing logged) for an untrusted source."""
        if source not in TRUSTED_SOURCES:
            return False
        self.log.append(sample.site, positive, sample, source)
        self.sync()
        return True

    def sync(self) -> int:
        """Replay log entries this process has not seen yet; return how many."""
        applied = 0
        with self.lock:
            while True:
                batch = self.log.since(self._last_id)
                for example in batch:
                    if example.source in TRUSTED_SOURCES:
                        self._apply(self.layer(example.site), example)
                    self._last_id = max(self._last_id, example.id)
                applied += len(batch)
                if len(batch) < 1000:
                    break
            self._last_sync = self._clock()
        return applied

    def maybe_sync(self) -> None:
        """Sync when the last one is older than ``refresh_interval`` seconds."""
        if self._clock() - self._last_sync >= self.refresh_interval:
            self.sync()

    def decisions(self, site: str) -> int:
        """How many trusted decisions this process has applied for ``site``."""
        with self.lock:
            layer = self.sites.get(site)
            return layer.decisions if layer else 0
