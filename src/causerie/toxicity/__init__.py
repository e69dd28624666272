"""The toxicity model: insults, vulgarity, hate and attacks, scored and explained.

Beside the spam filter and built on its features (``causerie.spam.features``)
and its reasons (``causerie.spam.explain``); usable without the server.

    >>> from causerie.toxicity import ToxicityModel, reason_text
    >>> verdict = ToxicityModel.load().check("t'es qu'un sale con")
    >>> [reason_text(r, "fr").split(" (")[0] for r in verdict.reasons][:1]
    ['insulte']
"""

from causerie.spam.explain import Reason
from causerie.toxicity.classifier import ToxicityAnalysis, ToxicityModel, ToxicityVerdict
from causerie.toxicity.messages import CATALOG, reason_label, reason_text
from causerie.toxicity.model import MODEL_DIR, ToxicityModelError, ToxicityWeights

REASON_CODES = ("insult", "vulgarity", "hate_group", "personal_attack", "wording")

__all__ = [
    "CATALOG",
    "MODEL_DIR",
    "REASON_CODES",
    "Reason",
    "ToxicityAnalysis",
    "ToxicityModel",
    "ToxicityModelError",
    "ToxicityVerdict",
    "ToxicityWeights",
    "reason_label",
    "reason_text",
]
