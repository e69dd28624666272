"""Read the public toxicity data sets (``../shared/data/toxicity-*``) as labelled units.

Each set's ``data.csv`` has ``content,label`` (``offensive`` / ``clean``) and
``lang``. A *unit* is what leave-one-source-out holds out at once: one set,
or one language of the multilingual MLMA::

    omcd  mdold  thsab  osact  mlma_ar  mlma_fr  mlma_en  ftr  olid

Rows are deduplicated per unit on the normalised text; a text labelled both
ways is dropped. OMCD is its train split only (its test split is kept apart
for an independent evaluation and is not in the folder). The READMEs' label
quirks are handled in ``train.py`` (weights), not by editing labels.
"""

from __future__ import annotations

import csv
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from causerie.spam.text import normalize

csv.field_size_limit(10_000_000)
LABELS = {"offensive": 1, "clean": 0}
# unit -> (folder, language filter or "")
UNITS: dict[str, tuple[str, str]] = {
    "omcd": ("toxicity-omcd", ""),
    "mdold": ("toxicity-mdold", ""),
    "thsab": ("toxicity-thsab", ""),
    "osact": ("toxicity-osact2020", ""),
    "mlma_ar": ("toxicity-mlma", "ar"),
    "mlma_fr": ("toxicity-mlma", "fr"),
    "mlma_en": ("toxicity-mlma", "en"),
    "ftr": ("toxicity-ftr", ""),
    "olid": ("toxicity-olid", ""),
}
# The language family each unit reports under (docs/toxicity.md).
FAMILY = {
    "omcd": "darija",
    "mdold": "darija",
    "thsab": "arabic",
    "osact": "arabic",
    "mlma_ar": "arabic",
    "mlma_fr": "french",
    "ftr": "french",
    "mlma_en": "english",
    "olid": "english",
}
# Fixed parts of every unit, by text hash: validation (thresholds, settings),
# test (the shipped model's held-out figures, never used for a choice), train.
VALIDATION_SHARE = 15
TEST_SHARE = 15
# Rows whose label the README calls a disagreement or not ours, weighed down in
# training (never relabelled, never dropped from an evaluation): MLMA's mixed
# labels with "normal" (annotators disagreed; the authors' rule calls them
# offensive) and its "fearful" alone (the annotator's fear, not an insult).
QUIRK_WEIGHT = 0.3


def quirk_weight(unit: str, fine_label: str) -> float:
    """Training weight of a row from its data set's fine label (README quirks)."""
    if unit.startswith("mlma_"):
        parts = fine_label.split("_")
        if ("normal" in parts and len(parts) > 1) or parts == ["fearful"]:
            return QUIRK_WEIGHT
    return 1.0


@dataclass(frozen=True)
class Example:
    """One labelled text: ``label`` 1 for offensive, 0 for clean; ``unit`` as in UNITS."""

    text: str
    label: int
    unit: str
    key: str  # the normalised text (deduplication and cross-unit leakage checks)
    weight: float = 1.0  # training weight from the README's label quirks (QUIRK_WEIGHT)

    @property
    def bucket(self) -> int:
        """Stable 0..99 hash of the normalised text: decides the row's part."""
        return zlib.crc32(self.key.encode()) % 100

    @property
    def validation(self) -> bool:
        """Whether the row is in the fixed validation part of its unit."""
        return self.bucket < VALIDATION_SHARE

    @property
    def test(self) -> bool:
        """Whether the row is in the fixed test part of its unit (unseen by the shipped model)."""
        return VALIDATION_SHARE <= self.bucket < VALIDATION_SHARE + TEST_SHARE

    @property
    def script(self) -> str:
        """``arabic`` if the text has an Arabic letter, else ``latin`` (MDOLD is both)."""
        return "arabic" if any("\u0600" <= c <= "\u06ff" for c in self.text) else "latin"


def dedupe(rows: Iterable[Example]) -> list[Example]:
    """Keep the first row of each normalised text; drop texts labelled both ways."""
    seen: dict[str, Example] = {}
    clash: set[str] = set()
    for row in rows:
        if not row.key:
            continue
        if row.key in seen and seen[row.key].label != row.label:
            clash.add(row.key)
        seen.setdefault(row.key, row)
    return [row for key, row in seen.items() if key not in clash]


def load_unit(root: Path, unit: str) -> list[Example]:
    """The deduplicated rows of one unit."""
    folder, lang = UNITS[unit]
    path = Path(root) / folder / "data.csv"
    rows: list[Example] = []
    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if lang and row.get("lang") != lang:
                continue
            if unit == "omcd" and row.get("split", "train") != "train":
                continue
            label = LABELS.get((row.get("label") or "").strip())
            if label is None:
                continue
            text = row["content"]
            weight = quirk_weight(unit, row.get("fine_label") or "")
            rows.append(Example(text, label, unit, normalize(text), weight))
    return dedupe(rows)


def load_all(root: Path, units: Iterable[str] = UNITS) -> list[Example]:
    """Every unit's rows, in ``UNITS`` order."""
    out: list[Example] = []
    for unit in units:
        out += load_unit(root, unit)
    return out
