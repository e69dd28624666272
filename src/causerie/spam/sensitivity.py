"""A site's spam sensitivity: a named preset or a threshold of its own.

The model ships one threshold, chosen on validation data for every community
at once. A site may want more (``strict``: hold more, more genuine comments
held too) or less (``relaxed``); the dashboard shows what each costs, from
the leave-one-source-out curves (:mod:`causerie.spam.curves`).

Stored as text: ``"strict"``, ``"balanced"``, ``"relaxed"``, or a number from
0.05 to 0.99 written as ``"0.7"``.
"""

from __future__ import annotations

import functools
import math

# A preset moves the model's threshold by this many logits.
PRESETS: dict[str, float] = {"strict": -1.5, "balanced": 0.0, "relaxed": 1.5}
DEFAULT = "balanced"
LOWEST, HIGHEST = 0.05, 0.99


def parse_sensitivity(value: object) -> str | None:
    """The stored form of a preset name or a number in range; None when invalid."""
    if isinstance(value, str) and value.strip() in PRESETS:
        return value.strip()
    if isinstance(value, bool):
        return None
    number: float
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    if not math.isfinite(number) or not LOWEST <= number <= HIGHEST:
        return None
    return repr(round(number, 4))


@functools.lru_cache(maxsize=256)
def threshold_for(sensitivity: str, model_threshold: float) -> float:
    """The score from which a site holds a comment (the model's for an unknown value)."""
    shift = PRESETS.get(sensitivity)
    if shift is None:
        parsed = parse_sensitivity(sensitivity)
        return float(parsed) if parsed is not None else model_threshold
    logit = math.log(model_threshold / (1.0 - model_threshold)) + shift
    return round(1.0 / (1.0 + math.exp(-logit)), 4)


def preset_thresholds(model_threshold: float) -> dict[str, float]:
    """Each preset's threshold for a model."""
    return {name: threshold_for(name, model_threshold) for name in PRESETS}
