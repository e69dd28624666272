"""Turn what pushed a score into the few reasons a moderator reads."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from causerie.spam.explain import strongest_words
from causerie.spam.model import GlobalModel
from causerie.spam.signals import FEATURE_INDEX
from causerie.spam.verdict import SpamReason, Verdict

if TYPE_CHECKING:
    from causerie.spam.filter import Analysis

# Below this many logits, a signal is not worth showing as a reason.
MIN_WEIGHT = 0.3


def spammy_words(
    model: GlobalModel, normalized: str, limit: int = 3, view: str = "wording"
) -> list[str]:
    """The words of the text the global model (or its n-gram view) finds most typical of spam."""
    weights = model.text_weights
    if view == "known_spam_wording" and model.ngram_weights is not None:
        weights = model.ngram_weights
    return strongest_words(weights, normalized, limit)


def _text_reasons(model: GlobalModel, analysis: Analysis) -> list[SpamReason]:
    """Text reasons; the "wording" one still without its words (see collect_reasons)."""
    out: list[SpamReason] = []
    factor = analysis.intent_factor
    for name, params in analysis.signals.facts.items():
        idx = FEATURE_INDEX[name]
        weight = float(model.dense_weights[idx] * analysis.signals.values[idx]) * factor
        out.append(SpamReason(name, params, round(weight, 3)))
    if analysis.text_logit <= -MIN_WEIGHT:
        out.append(SpamReason("ham_wording", {}, round(analysis.text_logit, 3)))
        return out
    if analysis.intent_wording >= MIN_WEIGHT:
        out.append(SpamReason("wording", {}, round(analysis.intent_wording, 3)))
    if analysis.ngram_wording >= MIN_WEIGHT and analysis.ngram_factor > 0:
        out.append(SpamReason("known_spam_wording", {}, round(analysis.ngram_wording, 3)))
    return out


def collect_reasons(
    model: GlobalModel,
    analysis: Analysis,
    site_reasons: list[SpamReason],
    verdict: Verdict,
    limit: int,
) -> tuple[SpamReason, ...]:
    """The strongest reasons in the verdict's direction, strongest first."""
    candidates = _text_reasons(model, analysis) + list(analysis.context) + site_reasons
    if verdict is Verdict.HAM:
        ranked = sorted((r for r in candidates if r.weight <= -MIN_WEIGHT), key=lambda r: r.weight)
    else:
        ranked = sorted((r for r in candidates if r.weight >= MIN_WEIGHT), key=lambda r: -r.weight)
    chosen: list[SpamReason] = []
    for reason in ranked:
        if len(chosen) == limit:
            break
        if reason.code in ("wording", "known_spam_wording"):
            # Naming the words costs a lookup per word: only for a reason shown.
            found = spammy_words(model, analysis.normalized, view=reason.code)
            if not found:
                continue
            reason = replace(reason, params={"words": ", ".join(found)})
        chosen.append(reason)
    return tuple(chosen)
