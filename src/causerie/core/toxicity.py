"""The toxicity model's place in the comment flow: its verdict, the site's policy, the lesson.

A site chooses what the model's score does (``SiteSettings.toxicity_policy``)::

    off     the model is not asked; nothing is stored
    flag    published; above ``toxicity_threshold`` % marked for the Toxic queue
    hold    above ``toxicity_threshold`` % held (the author is told "pending", as with spam)
    reject  held above ``toxicity_threshold`` %, refused (spam state) above
            ``toxicity_reject_threshold`` %

(a hold threshold of 0 is the **site's own**, learned from its moderators'
decisions — the model's, chosen when it was trained, until there are enough of
them; ``causerie.toxicity.site_threshold`` — and any other value pins it; a
reject threshold of 0 is the model's)

A hold never deletes: one "not offensive" click publishes the comment, and
its author's edit token keeps working while it waits. The judge itself (the
shipped model with each site's learned layer) lives in ``causerie.toxicity``;
this module knows it only as :class:`ToxicityJudge`.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from causerie.core.sites import SiteSettings
from causerie.store.contracts.comments import CommentStore
from causerie.store.records import CommentRecord, CommentState, ToxicityMark

log = logging.getLogger(__name__)
# The Toxic queue's two decisions, and what each teaches the site's model (offensive?).
LESSONS = {"not_offensive": False, "offensive": True}
# A site's learned threshold is recomputed from the store at most this often per process
# (sooner in the process where a moderator decides); how many recent comments it reads.
THRESHOLD_REFRESH_SECONDS = 60.0
OBSERVED_COMMENTS = 5000
# (score, reviewed, offensive or None) of one scored comment (store.toxicity_observations).
Observed = tuple[float, bool, bool | None]


class ToxicityReason(Protocol):
    """One reason behind a score (``causerie.spam.explain.Reason``)."""

    @property
    def code(self) -> str:
        """``insult``, ``vulgarity``, ``hate_group``, ``personal_attack``, ``wording``, …"""
        ...

    @property
    def params(self) -> Mapping[str, str | int | float]:
        """What fills the reason's sentence (``{"words": "…"}``)."""
        ...

    @property
    def weight(self) -> float:
        """How far it pushed the score (logits)."""
        ...


class ToxicityResult(Protocol):
    """The judge's answer: a score in [0, 1] and its reasons, strongest first."""

    @property
    def score(self) -> float:
        """Probability-like score of the comment being offensive."""
        ...

    @property
    def reasons(self) -> Sequence[ToxicityReason]:
        """Why (at most a few)."""
        ...


class SiteHold(Protocol):
    """A site's hold threshold in force and what it rests on (``site_threshold.SiteThreshold``)."""

    @property
    def threshold(self) -> float:
        """The hold threshold in force (0..1)."""
        ...

    @property
    def source(self) -> str:
        """``"model"``, ``"learned"`` or ``"pinned"``."""
        ...

    def as_dict(self) -> dict[str, Any]:
        """What the dashboard and the admin API show."""
        ...


class ToxicityJudge(Protocol):
    """What the comment flow needs from the toxicity model (``causerie.toxicity.sites``)."""

    # The model's own thresholds (0..1), for sites that keep the default.
    hold_threshold: float
    reject_threshold: float

    def judge(self, text: str, lang: str, site: str) -> ToxicityResult:
        """Score one comment with the site's learned layer, learning nothing."""
        ...

    def teach(
        self, text: str, lang: str, site: str, offensive: bool, *, source: str, author: str = ""
    ) -> None:
        """Teach the site's layer one trusted decision (moderator); others are ignored."""
        ...

    def site_threshold(self, observed: Sequence[Observed], pinned: float | None) -> SiteHold:
        """The site's hold threshold from its scored comments and decisions (oldest first)."""
        ...


@dataclass
class HoldThresholds:
    """Each site's learned hold threshold, kept per process.

    Reading a site's decisions is one query over its last
    ``OBSERVED_COMMENTS`` scored comments (tens of milliseconds): the comment
    path never waits for it once the site has a value in this process. Older
    than ``refresh`` seconds (or after a moderator's decision here), the value
    is still used while one background thread reads the decisions again. The
    dashboard and the admin API read them at once (:meth:`explain`).
    """

    refresh: float = THRESHOLD_REFRESH_SECONDS
    clock: Callable[[], float] = time.monotonic
    _found: dict[int, tuple[float, SiteHold]] = field(default_factory=dict)
    _running: set[int] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def threshold(
        self, judge: ToxicityJudge, store: CommentStore, site_id: int, conf: SiteSettings
    ) -> float | None:
        """The hold threshold for a new comment: None when the settings pin one."""
        if conf.toxicity_threshold:
            return None  # thresholds() takes the pinned value; nothing to read
        with self._lock:
            cached = self._found.get(site_id)
            stale = cached is None or self.clock() - cached[0] >= self.refresh
            start = cached is not None and stale and site_id not in self._running
            if start:
                self._running.add(site_id)
        if cached is None:
            return self._read(judge, store, site_id, None).threshold
        if start:
            threading.Thread(
                target=self._refresh, args=(judge, store, site_id), daemon=True
            ).start()
        return cached[1].threshold

    def explain(
        self, judge: ToxicityJudge, store: CommentStore, site_id: int, conf: SiteSettings
    ) -> SiteHold:
        """The threshold in force and what it rests on, read now (pinned, learned, model)."""
        pinned = conf.toxicity_threshold / 100 if conf.toxicity_threshold else None
        return self._read(judge, store, site_id, pinned)

    def forget(self, site_id: int) -> None:
        """A moderator decided on this site: read its decisions again soon."""
        with self._lock:
            cached = self._found.get(site_id)
            if cached is not None:
                self._found[site_id] = (-math.inf, cached[1])

    def _read(
        self, judge: ToxicityJudge, store: CommentStore, site_id: int, pinned: float | None
    ) -> SiteHold:
        when = self.clock()
        found = judge.site_threshold(
            store.toxicity_observations(site_id, OBSERVED_COMMENTS), pinned
        )
        if pinned is None:
            with self._lock:
                self._found[site_id] = (when, found)
        return found

    def _refresh(self, judge: ToxicityJudge, store: CommentStore, site_id: int) -> None:
        try:
            self._read(judge, store, site_id, None)
        except Exception:  # the old value stays; the next comment past refresh tries again
            log.warning("toxicity threshold of site %s not refreshed", site_id, exc_info=True)
        finally:
            with self._lock:
                self._running.discard(site_id)


def thresholds(
    conf: SiteSettings, judge: ToxicityJudge, site_hold: float | None = None
) -> tuple[float, float]:
    """The site's hold and reject thresholds (0..1).

    Hold: pinned in the settings, else ``site_hold`` (learned), else the model's.
    """
    if conf.toxicity_threshold:
        hold = conf.toxicity_threshold / 100
    else:
        hold = site_hold if site_hold is not None else judge.hold_threshold
    reject = (
        conf.toxicity_reject_threshold / 100
        if conf.toxicity_reject_threshold
        else judge.reject_threshold
    )
    return hold, max(reject, hold)


def policy_flag(policy: str, score: float, hold: float, reject: float) -> str | None:
    """What a site's policy makes of a score: None, "flag", "hold" or "reject"."""
    if policy == "off" or score < hold:
        return None
    if policy == "reject" and score >= reject:
        return "reject"
    return "flag" if policy == "flag" else "hold"


def assess(
    judge: ToxicityJudge | None,
    conf: SiteSettings,
    text: str,
    lang: str,
    site: str,
    site_hold: float | None = None,
) -> ToxicityMark | None:
    """Score a comment and apply the policy; None when the site's policy is off."""
    if judge is None or conf.toxicity_policy == "off":
        return None
    found = judge.judge(text, lang, site)
    flag = policy_flag(conf.toxicity_policy, found.score, *thresholds(conf, judge, site_hold))
    return ToxicityMark(round(found.score, 4), reasons_json(found.reasons), flag)


def settled_flag(mark: ToxicityMark | None, state: CommentState) -> str | None:
    """The flag a new comment keeps: a hold that an external hook published is only a mark."""
    if mark is None:
        return None
    return "flag" if mark.flag == "hold" and state is CommentState.APPROVED else mark.flag


def edited_state(mark: ToxicityMark | None, state: CommentState) -> ToxicityMark | None:
    """An edit's mark, moving a published comment back to review when the new text is held."""
    if mark is None or state is not CommentState.APPROVED or mark.flag not in ("hold", "reject"):
        return mark
    moved = CommentState.SPAM if mark.flag == "reject" else CommentState.PENDING
    return ToxicityMark(mark.score, mark.reasons, mark.flag, moved)


def teach(judge: ToxicityJudge | None, site: str, comment: CommentRecord, offensive: bool) -> None:
    """A moderator's "offensive" / "not offensive" teaches the site's toxicity model."""
    if judge is not None:
        judge.teach(
            comment.text, comment.lang, site, offensive, source="moderator", author=comment.author
        )


def decision_row(
    site_id: int, comment: CommentRecord, offensive: bool, batch: str
) -> dict[str, Any]:
    """The decision behind the overview's toxicity figures (did the model flag it? was it?)."""
    return {
        "kind": "toxicity",
        "site_id": site_id,
        "comment_id": comment.id,
        "filter_spam": comment.toxicity_flag is not None,
        "moderator_spam": offensive,
        "batch": batch,
    }


def reasons_json(reasons: Sequence[ToxicityReason]) -> str:
    """The reasons as stored with a comment: ``[{"code", "params", "weight"}]``."""
    return json.dumps(
        [{"code": r.code, "params": dict(r.params), "weight": round(r.weight, 3)} for r in reasons],
        ensure_ascii=False,
    )


def stored_reasons(raw: str | None) -> list[dict[str, Any]]:
    """Stored reasons back as ``{"code", "params", "weight"}`` (nothing when never scored)."""
    try:
        items = json.loads(raw or "[]")
    except ValueError:
        return []
    return [
        {
            "code": str(i.get("code", "")),
            "params": i.get("params") if isinstance(i.get("params"), dict) else {},
            "weight": float(i.get("weight", 0) or 0),
        }
        for i in (items if isinstance(items, list) else [])
        if isinstance(i, dict)
    ]
