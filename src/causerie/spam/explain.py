"""Reasons behind a score, shared by the spam filter and the toxicity model (causerie.toxicity).

Both filters answer with a score and a few :class:`Reason` values: a stable
``code`` (``"link_shortener"``, ``"insult"``), the ``params`` that fill its
sentence and the ``weight`` it added to the score (in logits, positive towards
spam or towards offensive). Each filter keeps its own message catalog (one
sentence per code in English, French and Arabic); :func:`render` turns a
reason into the moderator's language and :func:`strongest_words` names the
words of a text that pushed a linear model's score the most.

    >>> catalog = {"insult": {"en": "insult ({words})", "fr": "insulte ({words})"}}
    >>> render(catalog, Reason("insult", {"words": "idiot"}), "fr-FR")
    'insulte (idiot)'
    >>> render(catalog, Reason("insult"), "ar")
    'insult'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from causerie.spam.features import word_buckets
from causerie.spam.text import words

LANGUAGES = ("en", "fr", "ar")
Catalog = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class Reason:
    """One human-readable reason behind a score.

    ``code`` is a stable identifier (``"link_shortener"``); ``params`` fill the
    sentence of the message catalog (``{"count": 3}``); ``weight`` is how much
    this reason pushed the score (positive towards spam / offensive).
    """

    code: str
    params: Mapping[str, str | int | float] = field(default_factory=dict)
    weight: float = 0.0


def language_of(lang: str | None) -> str:
    """The catalog language for a request language (``fr-FR`` -> ``fr``; unknown -> ``en``)."""
    base = (lang or "en").split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else "en"


def render(catalog: Catalog, reason: Reason, lang: str | None = "en") -> str:
    """One reason as a short sentence in ``lang`` (fr, en or ar; else English)."""
    entry = catalog.get(reason.code)
    if entry is None:
        return reason.code
    template = entry.get(language_of(lang), entry["en"])
    try:
        return template.format(**reason.params)
    except (KeyError, IndexError, ValueError):
        # A missing param should not break a moderation page: show the bare sentence.
        return template.split("(")[0].replace("{", "").replace("}", "").strip()


def strongest_words(weights: npt.NDArray[np.float32], normalized: str, limit: int = 3) -> list[str]:
    """The words of a normalised text whose own n-gram weight is highest (positive only)."""
    unique = sorted({w for w in words(normalized) if len(w) > 1})
    if not unique:
        return []
    # One gather for all words: indexing numpy once per word costs more.
    found = weights[word_buckets(unique)].tolist()
    ranked = sorted((-s, w) for s, w in zip(found, unique, strict=True) if s > 0)
    return [w for _, w in ranked[:limit]]
