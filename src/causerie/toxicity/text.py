"""The text the toxicity n-grams see: the spam filter's normalisation, then Darija folds.

``normalize`` (``causerie.spam.text``) already folds case, hamza on alef,
alef maqsura, taa marbuta, tatweel and short vowels. On top of it, for
toxicity:

- **Data-set placeholders go** (``@USER``, ``URL``, ``@url``, ``<LF>``, ``RT``,
  every ``@mention`` and link): the tweet sets write them, news comments do not,
  so left in they tell the sources apart instead of the insults. Removed in
  training *and* at inference.
- **Arabizi digits become letters** inside words that also have Latin letters
  (``7mar`` and ``hmar``, ``n3el`` and ``nael`` meet): 2/3 → a, 5 → kh, 6 → t,
  7 → h, 8 → gh, 9 → q.
- **Elongation**: a letter written three or more times is written once
  (``hmaaaar``, ``كلبببب``, ``fuuuck``).
- **More Arabic letter variants**: hamza on waw/yaa, Persian and Maghrebi
  letter forms (``ڭ`` ``گ`` ``ک`` → ``ك``, ``ی`` → ``ي``, ``ڤ`` → ``ف``, ``ھ`` → ``ه``).

    >>> toxicity_normalize("@USER Nta 7maaaar!! URL")
    'nta hmar!!'
"""

from __future__ import annotations

import re

from causerie.spam.text import normalize

# Before ``normalize`` (which case-folds): OLID writes links as a bare ``URL``.
_PLACEHOLDER_RE = re.compile(r"\bRT\s+@\w+\s*:?|@\w+|\bURL\b|<LF>|^RT\b")
# After ``normalize``: a link is ``httplink domain``; a leftover retweet mark.
_LINK_RE = re.compile(r"httplink \S+")
_RT_RE = re.compile(r"^rt\b\s*:?")
# Words with two or more Latin letters and a digit: "3lik", "n3el", not "9h30".
_ARABIZI_WORD_RE = re.compile(r"\b(?=[0-9]*[a-z][0-9]*[a-z])(?=[a-z0-9]*[235679])[a-z0-9]+\b")
_ARABIZI_DIGITS = str.maketrans(
    {"2": "a", "3": "a", "5": "kh", "6": "t", "7": "h", "8": "gh", "9": "q"}
)
_ELONGATION_RE = re.compile(r"([^\W\d_])\1{2,}")
_ARABIC_VARIANTS = str.maketrans(
    {
        "ؤ": "و", "ئ": "ي", "ک": "ك", "ڭ": "ك", "گ": "ك", "ی": "ي", "ې": "ي",
        "ڤ": "ف", "ڨ": "ق", "پ": "ب", "چ": "ج", "ھ": "ه", "ۀ": "ه", "ہ": "ه",
    }
)  # fmt: skip


def strip_placeholders(text: str) -> str:
    """Remove @mentions, ``URL``, ``<LF>`` and retweet marks from a raw text."""
    if "@" in text or "URL" in text or "<LF>" in text or "RT" in text:
        return _PLACEHOLDER_RE.sub(" ", text)
    return text


def fold_letters(normalized: str, keep: int = 1) -> str:
    """Arabic letter variants, and a letter written 3+ times written ``keep`` times."""
    return _ELONGATION_RE.sub(r"\1" * keep, normalized.translate(_ARABIC_VARIANTS))


def _arabizi(match: re.Match[str]) -> str:
    return match.group(0).translate(_ARABIZI_DIGITS)


def toxicity_normalize(text: str) -> str:
    """The normalised text the toxicity n-grams are hashed from (training and serving)."""
    normalized = normalize(strip_placeholders(text))
    if "httplink" in normalized:
        normalized = _LINK_RE.sub(" ", normalized)
    if normalized.startswith("rt"):
        normalized = _RT_RE.sub("", normalized)
    normalized = fold_letters(normalized)
    if any(c in normalized for c in "235679"):
        normalized = _ARABIZI_WORD_RE.sub(_arabizi, normalized)
    return " ".join(normalized.split())
