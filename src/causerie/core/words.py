"""A site's word lists: banned words (the comment goes to spam) and suspect words (held).

Words match whole words, whatever the case, the accents, the Arabic short
vowels, hamza forms or tatweel: ``arnaque`` matches "ARNAQUÉ!" but not
"arnaques"; ``arnaqu*`` matches both; ``قرض`` matches "قَرْض" and "قـرض". A
space in an entry matches any run of spaces (``mot de passe``). The list
entry that matched is returned, so the moderator sees *why* as a reason.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

# Invisible characters used to split a word so that filters miss it.
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": ""})
MAX_ENTRY = 200


def fold(text: str) -> str:
    """Text as the word lists compare it: no case, accents, Arabic marks or invisible characters."""
    text = _INVISIBLE.sub("", text)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare).translate(_ARABIC_FOLD)


def first_match(text: str, entries: Sequence[str]) -> str | None:
    """The first list entry found in the text as a whole word (None: none is)."""
    if not entries:
        return None
    compiled = _patterns(tuple(entries))
    if not compiled:
        return None
    folded = fold(text)
    for entry, pattern in compiled:
        if pattern.search(folded):
            return entry
    return None


@functools.lru_cache(maxsize=256)
def _patterns(entries: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each usable entry with its pattern, compiled once per list."""
    out = []
    for entry in entries:
        clean = entry.strip()[:MAX_ENTRY]
        wildcard = clean.endswith("*")
        words = fold(clean.rstrip("*")).split()
        if not words:
            continue
        body = r"\s+".join(re.escape(w) for w in words)
        tail = r"\w*" if wildcard else ""
        out.append((clean, re.compile(rf"(?<!\w){body}{tail}(?!\w)")))
    return tuple(out)
