"""What a site's spam sensitivity costs: the curves the dashboard's Settings show.

The curves come from the model's leave-one-source-out predictions
(``model/curves.json``, written by ``python -m causerie.spam.curves``): every
figure is what a community the model never saw got at that threshold.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from causerie.core.sites import SiteSettings
from causerie.spam.curves import load_curves
from causerie.spam.model import MODEL_DIR
from causerie.spam.sensitivity import PRESETS, preset_thresholds, threshold_for
from causerie.spam.verdict import SpamFilter


@functools.lru_cache(maxsize=1)
def _shipped() -> tuple[dict[str, Any] | None, float]:
    """The shipped curves and threshold (read once: they change with a release only)."""
    card = json.loads((MODEL_DIR / "global.json").read_text(encoding="utf-8"))
    return load_curves(MODEL_DIR), float(card["spam_threshold"])


def curves_view(site: str, conf: SiteSettings, spam: SpamFilter) -> dict[str, Any]:
    """The site's sensitivity, its threshold, the presets, and a curve per site language."""
    curves, shipped_threshold = _shipped()
    model_threshold = float(getattr(spam, "spam_threshold", shipped_threshold))
    languages = (curves or {}).get("languages", {})
    return {
        "site": site,
        "sensitivity": conf.spam_sensitivity,
        "threshold": threshold_for(conf.spam_sensitivity, model_threshold),
        "model_threshold": round(model_threshold, 4),
        "presets": preset_thresholds(model_threshold),
        "preset_names": list(PRESETS),
        "method": (curves or {}).get("method", ""),
        "available": curves is not None,
        "languages": list(conf.languages),
        "curves": {lang: languages[lang] for lang in conf.languages if lang in languages},
    }
