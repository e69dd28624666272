"""Shared fixtures: a tiny toxicity data folder written for the project, and a model from it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from causerie.toxicity.datasets import UNITS

FIXTURES = Path(__file__).parent / "fixtures"

# Short comments written for these tests (no row of the public sets): per
# language, offensive ones and clean ones.
OFFENSIVE = {
    "ar": ["يا حمار يا كلب", "الله ينعل بوك يا خنزير", "نتا مكلخ و بوزبال", "شفار و كذاب و منافق"],
    "fr": [
        "t'es qu'un sale con",
        "espèce de connard",
        "bande d'abrutis",
        "ferme ta gueule minable",
    ],
    "en": ["you stupid idiot", "shut up moron", "what a pathetic loser", "you are a lying scumbag"],
}
CLEAN = {
    "ar": ["شكرا على المقال", "مقال مفيد جدا", "الله يحفظ بلادنا", "نتمنى التوفيق للفريق"],
    "fr": [
        "merci pour l'article",
        "très bon reportage",
        "je ne suis pas d'accord",
        "bonne analyse",
    ],
    "en": ["thanks for the article", "great reporting", "i disagree with this", "good analysis"],
}
UNIT_LANG = {"mlma_ar": "ar", "mlma_fr": "fr", "mlma_en": "en"}


def write_data(root: Path) -> Path:
    """A data folder shaped like ../shared/data with every toxicity unit, a few rows each."""
    written: dict[str, list[dict[str, str]]] = {}
    for unit, (folder, lang_filter) in UNITS.items():
        lang = UNIT_LANG.get(unit) or ("fr" if unit == "ftr" else "en" if unit == "olid" else "ar")
        rows = written.setdefault(folder, [])
        for i, (off, clean) in enumerate(zip(OFFENSIVE[lang], CLEAN[lang], strict=True)):
            # A unit-specific suffix keeps each unit's texts its own (no cross-unit duplicates).
            tag = f"{unit} {i}"
            rows.append({"content": f"{off} {tag}", "label": "offensive", "lang": lang})
            rows.append({"content": f"{clean} {tag}", "label": "clean", "lang": lang})
        assert lang_filter in ("", lang)
    for folder, rows in written.items():
        (root / folder).mkdir(parents=True, exist_ok=True)
        with (root / folder / "data.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, ["content", "label", "lang", "split"])
            writer.writeheader()
            for row in rows:
                writer.writerow({**row, "split": "train"})
    return root


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny data folder (session-wide: written once)."""
    return write_data(tmp_path_factory.mktemp("data"))
