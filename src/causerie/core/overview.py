"""The moderation overview: comments per state, the last 30 days, precision and recall.

Precision and recall come from moderators' decisions: a comment the filter
called spam and a moderator confirmed is a true positive, one a moderator
approved is a false positive, spam a moderator caught by hand a miss. The
toxicity model's figures come the same way from "offensive" / "not offensive"
(a flagged or held comment called offensive is a true positive), with each
site's hold threshold in force and what it rests on (docs/toxicity.md, "A
site's own threshold").
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from causerie.core.accounts import Session
from causerie.core.moderation import ModerationService

DAY = 86400
DAYS = 30
# The overview explains the thresholds of at most this many sites (each is a query).
THRESHOLDS_SHOWN = 20


def overview_data(service: ModerationService, session: Session, site: str | None) -> dict[str, Any]:
    """Counts per state, the last 30 days, and precision / recall from moderators."""
    site_ids = [service.site(session, site).id] if site else service.site_ids(session)
    today = int(time.time() // DAY)
    since = (today - DAYS + 1) * DAY
    days = {
        d: {"received": 0, "caught": 0, "missed": 0, "false_positives": 0}
        for d in range(today - DAYS + 1, today + 1)
    }
    for created, called_spam in service.store.received_since(site_ids, since):
        bucket = days.get(int(created // DAY))
        if bucket is not None:
            bucket["received"] += 1
            bucket["caught"] += int(called_spam)
    tp = fp = fn = 0
    for created, filter_spam, moderator_spam in service.store.decisions_since(site_ids, since):
        bucket = days.get(int(created // DAY))
        tp += int(filter_spam and moderator_spam)
        fp += int(filter_spam and not moderator_spam)
        fn += int(moderator_spam and not filter_spam)
        if bucket is not None:
            bucket["missed"] += int(moderator_spam and not filter_spam)
            bucket["false_positives"] += int(filter_spam and not moderator_spam)
    return {
        "toxicity": {
            **_toxicity(service, site_ids, since),
            "thresholds": toxicity_thresholds(service, session, site),
        },
        "counts": service.store.state_counts(site_ids),
        "days": [{"date": _date(d), **v} for d, v in days.items()],
        "decisions": {"true_positives": tp, "false_positives": fp, "false_negatives": fn},
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
    }


def _toxicity(
    service: ModerationService, site_ids: list[int] | None, since: float
) -> dict[str, Any]:
    """The toxicity model's precision and recall from "offensive" / "not offensive" decisions."""
    tp = fp = fn = 0
    for _, flagged, offensive in service.store.decisions_since(site_ids, since, "toxicity"):
        tp += int(flagged and offensive)
        fp += int(flagged and not offensive)
        fn += int(offensive and not flagged)
    return {
        "decisions": {"true_positives": tp, "false_positives": fp, "false_negatives": fn},
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
    }


def toxicity_thresholds(
    service: ModerationService, session: Session, site: str | None
) -> list[dict[str, Any]]:
    """Per site (the named one, or the session's): the toxicity hold threshold in force,
    where it comes from (model, learned, pinned) and the decisions behind it."""
    sites = [service.site(session, site)] if site else service.sites(session)[:THRESHOLDS_SHOWN]
    shown = []
    for record in sites:
        conf = service.comments.site_settings(record)
        found = service.comments.toxicity_threshold(record, conf)
        if found is not None:
            shown.append({"site": record.name, "policy": conf.toxicity_policy, **found.as_dict()})
    return shown


def _date(day: int) -> str:
    return datetime.fromtimestamp(day * DAY, UTC).strftime("%Y-%m-%d")
