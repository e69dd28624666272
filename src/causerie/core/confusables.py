"""Names that look alike: the skeleton of Unicode Technical Standard #39.

Two strings are confusable when their skeletons are equal: ``skeleton("Ѕаmіrа")``
(Cyrillic letters) equals ``skeleton("Samira")``. The mapping is Unicode's own
``confusables.txt`` (``core/data/``, version 13.0.0); the algorithm is the
standard's: NFD, map every character to its prototype, NFD again. Causerie
also folds case and drops invisible characters, so that ``SAMIRA`` and
``Sam\u200bira`` are the same name too.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "confusables.txt"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


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


def _mapped(text: str) -> str:
    """The standard's skeleton: NFD, every character to its prototype, NFD."""
    table = _prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFD", "".join(table.get(c, c) for c in decomposed if _visible(c)))


def skeleton(name: str) -> str:
    """The skeleton of a name, blind to case and spacing too.

    Latin capitals are lowered first (so that ``I`` is ``i``, not the ``l`` it
    maps to); then the skeleton maps other scripts' capitals to Latin ones
    (Cyrillic ``В`` to ``B``) before case is folded and the result mapped again.
    """
    lowered = " ".join(name.translate(_ASCII_LOWER).split())
    return _mapped(_mapped(lowered).casefold())


def confusable(a: str, b: str) -> bool:
    """Whether two names look the same to a reader."""
    return skeleton(a) == skeleton(b)
