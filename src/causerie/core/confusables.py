"""Names that look alike: the skeleton of Unicode Technical Standard #39.

Two strings are confusable when their skeletons are equal: ``skeleton("Ѕаmіrа")``
(Cyrillic letters) equals ``skeleton("Samira")``. The mapping is Unicode's own
``confusables.txt`` (``core/data/``, version 13.0.0); the algorithm is the
standard's: NFD, map every character to its prototype, NFD again. Causerie
folds case first and drops invisible characters, so that ``SAMIRA`` and
``Sam\u200bira`` are the same name too.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "confusables.txt"


@cache
def _prototypes() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        source, target = line.split(";")
        table[chr(int(source, 16))] = "".join(chr(int(cp, 16)) for cp in target.split())
    return table


def _visible(char: str) -> bool:
    # Format characters (zero-width joiners, bidi marks) change nothing a reader sees.
    return unicodedata.category(char) != "Cf"


def skeleton(name: str) -> str:
    """The UTS #39 skeleton of a case-folded, whitespace-collapsed name."""
    folded = " ".join(name.casefold().split())
    decomposed = unicodedata.normalize("NFD", folded)
    table = _prototypes()
    mapped = "".join(table.get(char, char) for char in decomposed if _visible(char))
    return unicodedata.normalize("NFD", mapped)


def confusable(a: str, b: str) -> bool:
    """Whether two names look the same to a reader."""
    return skeleton(a) == skeleton(b)
