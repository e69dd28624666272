"""A site's own hold threshold, learned from what its moderators decided.

The shipped hold threshold (``model.hold_threshold``) is chosen on scores of
sources the model never saw (``crossfit.py``), but every unseen source's
scores sit a little differently: on Moroccan YouTube comments (OMCD) its
offensive comments score too low, on Tunisian ones (T-HSAB) its clean
comments score too high. One global number cannot fix both; each site's
moderators can, by doing what they do anyway.

What a moderator sees, and therefore all this module uses:

* every comment the site scored, with its score (``comments.toxicity_score``);
* **reviewed** comments — held or flagged, so a moderator was asked — with her
  "offensive" / "not offensive" when she gave one (undecided ones are left out);
* **published** comments reach her only when readers report them: an
  "offensive" decision on a published comment is a miss below the threshold
  in force. Most offensive published comments are never reported, so each
  confirmed report stands for ``1 / report_rate`` of them
  (:data:`ASSUMED_REPORT_RATE`); the rest of the published comments count as
  clean.

From these counts, per score band of 0.01, the site's precision, recall, F1
and false-positive rate are estimated at every candidate threshold; the
site's threshold is the best estimated F1 with an estimated false-positive
rate at most :data:`MAX_FPR` — the rule the shipped threshold was chosen by,
now on the site's own comments. It moves in both directions: many "not
offensive" holds raise it, confirmed reports of published insults lower it.

Safeguards: nothing moves before :data:`MIN_DECISIONS` decisions; the
threshold stays within :data:`BOUNDS`; it is pulled towards the model's own
by ``n / (n + SHRINK_DECISIONS)`` (with 30 decisions it goes half-way, with
1,000 almost all the way), so a few decisions — honest mistakes or a
moderator's bad day — move it little; and only the last :data:`WINDOW`
scored comments count, so an old mistake fades. An admin who wants none of
this pins the threshold in the site's settings (``toxicity_threshold``).

Every setting here was fixed before any stream replay's figure was read
(docs/toxicity.md, "A site's own threshold").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

# Decisions (reviewed and decided, or published and confirmed offensive) before the
# threshold leaves the model's own.
MIN_DECISIONS = 30
# The learned threshold never leaves this range.
BOUNDS = (0.40, 0.90)
# The share of offensive published comments that readers report and a moderator
# confirms: what one confirmed report stands for. An assumption, not a measure (a
# site that holds never sees the others); docs/toxicity.md measures what a wrong
# assumption costs.
ASSUMED_REPORT_RATE = 0.3
# The site's false-positive budget: the shipped threshold's rule (train.HOLD_MAX_FPR).
MAX_FPR = 0.05
# The learned threshold is model + (best − model) × n / (n + SHRINK_DECISIONS).
SHRINK_DECISIONS = 30
# How many of the site's most recent scored comments count.
WINDOW = 5000
# Candidate thresholds, and the score bands between them.
STEP = 0.01
EDGES = np.round(np.arange(STEP, 1.0, STEP), 2)
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Observation:
    """One scored comment as the site saw it.

    ``reviewed``: a moderator was asked (held or flagged); ``offensive``: her
    decision, None when she gave none (for a published comment: nobody reported it,
    or the report was not confirmed as offensive).
    """

    score: float
    reviewed: bool
    offensive: bool | None = None


@dataclass(frozen=True)
class Estimate:
    """Expected figures at one threshold, from the site's decisions (estimated counts)."""

    threshold: float
    precision: float | None
    recall: float | None
    fpr: float | None
    f1: float | None

    def as_dict(self) -> dict[str, float | None]:
        """Plain values for the admin API (rounded)."""
        return {
            "threshold": round(self.threshold, 2),
            "precision": _round(self.precision),
            "recall": _round(self.recall),
            "fpr": _round(self.fpr),
            "f1": _round(self.f1),
        }


@dataclass(frozen=True)
class SiteThreshold:
    """The hold threshold in force on a site, and what it rests on.

    ``source``: ``"model"`` (the shipped threshold: too few decisions yet),
    ``"learned"`` (from the site's decisions) or ``"pinned"`` (set by an admin).
    """

    threshold: float
    source: str
    model_threshold: float
    learned: float | None
    decisions: int
    held_offensive: int
    held_clean: int
    reported_missed: int
    comments: int
    needed: int
    expected: Estimate | None
    at_model: Estimate | None

    def as_dict(self) -> dict[str, Any]:
        """What the dashboard and the admin API show."""
        return {
            "threshold": round(float(self.threshold), 2),
            "source": self.source,
            "model_threshold": round(self.model_threshold, 2),
            "learned": None if self.learned is None else round(self.learned, 2),
            "decisions": self.decisions,
            "held_offensive": self.held_offensive,
            "held_clean": self.held_clean,
            "reported_missed": self.reported_missed,
            "comments": self.comments,
            "needed": self.needed,
            "bounds": list(BOUNDS),
            "assumed_report_rate": ASSUMED_REPORT_RATE,
            "max_fpr": MAX_FPR,
            "expected": self.expected.as_dict() if self.expected else None,
            "at_model": self.at_model.as_dict() if self.at_model else None,
        }


@dataclass(frozen=True)
class Bands:
    """The site's scored comments counted per score band (``EDGES`` between bands)."""

    held_offensive: FloatArray
    held_clean: FloatArray
    published: FloatArray
    reports: FloatArray
    report_rate: float

    @classmethod
    def of(
        cls,
        scores: FloatArray,
        reviewed: npt.NDArray[np.bool_],
        decided: npt.NDArray[np.bool_],
        offensive: npt.NDArray[np.bool_],
        report_rate: float = ASSUMED_REPORT_RATE,
    ) -> Bands:
        """Bands from arrays: one entry per scored comment (``decided``: has a decision)."""
        band = np.searchsorted(EDGES, scores, side="right")
        size = len(EDGES) + 1

        def count(mask: npt.NDArray[np.bool_]) -> FloatArray:
            return np.bincount(band[mask], minlength=size).astype(np.float64)

        held = reviewed & decided
        return cls(
            count(held & offensive),
            count(held & ~offensive),
            count(~reviewed),
            count(~reviewed & decided & offensive),
            report_rate,
        )

    def _offensive_published(self, above: slice) -> float:
        # A confirmed report stands for 1 / report_rate offensive published comments,
        # never more than were published there (counted from the top, not per band:
        # per band the cap would bite on every band a few reports overshoot).
        reports, published = float(self.reports[above].sum()), float(self.published[above].sum())
        return min(reports / self.report_rate, published)

    def at(self, threshold: float) -> Estimate:
        """Expected precision, recall, FPR and F1 when holding from ``threshold``."""
        # Band k holds the scores with k edges at or below them: a score >= EDGES[j]
        # is in band j + 1 or higher (a threshold between edges counts from the next).
        start = int(np.searchsorted(EDGES, threshold - 1e-9, side="right")) + 1
        above, everything = slice(start if threshold > 0.0 else 0, None), slice(0, None)
        pub_tp = self._offensive_published(above)
        pub_offensive = self._offensive_published(everything)
        tp = float(self.held_offensive[above].sum()) + pub_tp
        fp = float(self.held_clean[above].sum() + self.published[above].sum()) - pub_tp
        offensive = float(self.held_offensive.sum()) + pub_offensive
        clean = float(self.held_clean.sum() + self.published.sum()) - pub_offensive
        fn = offensive - tp
        return Estimate(
            threshold,
            precision=tp / (tp + fp) if tp + fp > 0 else None,
            recall=tp / offensive if offensive > 0 else None,
            fpr=fp / clean if clean > 0 else None,
            f1=2 * tp / (2 * tp + fp + fn) if tp + fp + fn > 0 else None,
        )

    def best(self) -> float:
        """The best estimated F1 within ``BOUNDS`` with an estimated FPR ≤ ``MAX_FPR``.

        When no threshold keeps the FPR within budget: the one with the lowest FPR
        (the highest, ties to the highest).
        """
        low, high = BOUNDS
        candidates = [float(t) for t in EDGES if low - 1e-9 <= t <= high + 1e-9]
        best_f1, chosen = -1.0, None
        lowest_fpr, safest = np.inf, high
        for t in candidates:
            found = self.at(t)
            fpr = found.fpr if found.fpr is not None else 0.0
            f1 = found.f1 if found.f1 is not None else 0.0
            if fpr <= MAX_FPR + 1e-12 and f1 > best_f1 + 1e-12:
                best_f1, chosen = f1, t
            if fpr <= lowest_fpr:
                lowest_fpr, safest = fpr, t
        return chosen if chosen is not None else safest


def site_threshold(
    observations: Iterable[Observation],
    model_threshold: float,
    pinned: float | None = None,
    report_rate: float = ASSUMED_REPORT_RATE,
) -> SiteThreshold:
    """The threshold a site should hold from, with what it rests on.

    ``observations``: the site's scored comments, most recent last (only the last
    ``WINDOW`` count); ``pinned``: an admin's threshold, which always wins.
    """
    items = list(observations)[-WINDOW:]
    scores = np.asarray([o.score for o in items], dtype=np.float64)
    reviewed = np.asarray([o.reviewed for o in items], dtype=bool)
    decided = np.asarray([o.offensive is not None for o in items], dtype=bool)
    offensive = np.asarray([bool(o.offensive) for o in items], dtype=bool)
    return from_arrays(scores, reviewed, decided, offensive, model_threshold, pinned, report_rate)


def from_arrays(
    scores: FloatArray,
    reviewed: npt.NDArray[np.bool_],
    decided: npt.NDArray[np.bool_],
    offensive: npt.NDArray[np.bool_],
    model_threshold: float,
    pinned: float | None = None,
    report_rate: float = ASSUMED_REPORT_RATE,
) -> SiteThreshold:
    """:func:`site_threshold` on arrays (one entry per scored comment, oldest first)."""
    held_off = int((reviewed & decided & offensive).sum())
    held_clean = int((reviewed & decided & ~offensive).sum())
    missed = int((~reviewed & decided & offensive).sum())
    count = held_off + held_clean + missed
    bands = Bands.of(scores, reviewed, decided, offensive, report_rate) if count else None
    learned = None
    if bands is not None and count >= MIN_DECISIONS:
        best = bands.best()
        pull = count / (count + SHRINK_DECISIONS)
        low, high = BOUNDS
        learned = round(min(max(model_threshold + (best - model_threshold) * pull, low), high), 2)
    if pinned is not None:
        threshold, source = pinned, "pinned"
    elif learned is not None:
        threshold, source = learned, "learned"
    else:
        threshold, source = model_threshold, "model"
    enough = bands is not None and count >= MIN_DECISIONS
    return SiteThreshold(
        threshold=threshold,
        source=source,
        model_threshold=model_threshold,
        learned=learned,
        decisions=count,
        held_offensive=held_off,
        held_clean=held_clean,
        reported_missed=missed,
        comments=len(scores),
        needed=MIN_DECISIONS,
        expected=bands.at(threshold) if enough and bands is not None else None,
        at_model=bands.at(model_threshold) if enough and bands is not None else None,
    )


def from_rows(
    rows: Sequence[tuple[float, bool, bool | None]],
    model_threshold: float,
    pinned: float | None = None,
) -> SiteThreshold:
    """:func:`site_threshold` on ``(score, reviewed, offensive or None)`` rows, oldest first."""
    items = rows[-WINDOW:]
    count = len(items)
    scores = np.fromiter((r[0] for r in items), dtype=np.float64, count=count)
    reviewed = np.fromiter((r[1] for r in items), dtype=bool, count=count)
    decided = np.fromiter((r[2] is not None for r in items), dtype=bool, count=count)
    offensive = np.fromiter((r[2] is True for r in items), dtype=bool, count=count)
    return from_arrays(scores, reviewed, decided, offensive, model_threshold, pinned)


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)
