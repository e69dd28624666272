"""Precision/recall per threshold and language, from leave-one-source-out predictions.

``python -m causerie.spam.curves --data ../shared/data --jobs 2 [-o model/curves.json]``

An administrator choosing a site's threshold needs to know what it costs:
at 0.6, how many genuine comments are held, how much spam gets through?
Figures measured on the training data itself would flatter the model, so
each row is scored by a model trained *without its unit* (the same split as
:mod:`causerie.spam.generalization`): what a new community can expect.

``curves.json`` (shipped with the model)::

    {"grid": [0.05, 0.10, ..., 0.99], "method": "leave-one-source-out", "units": 31,
     "languages": {"fr": {"n": 4321, "spam": 120, "ham": 4201,
                          "points": [{"threshold": 0.5, "precision": 0.97,
                                      "recall": 0.81, "fpr": 0.0004}, ...]}, "en": ..., "all": ...}}

Precision depends on how much spam the data holds (not a site's own share);
``fpr`` (share of genuine comments held) does not, so both are shown.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from causerie.spam import datasets as ds
from causerie.spam.model import MODEL_DIR, GlobalModel
from causerie.spam.text import ARABIC, script_counts

CURVES_FILE = "curves.json"
GRID: tuple[float, ...] = (*(round(0.05 * i, 2) for i in range(1, 20)), 0.97, 0.99)
# The language of each public source's readers (docs/spam.md names the sets).
LANGUAGE_OF_SOURCE = {
    "youtube": "en",
    "sms": "en",
    "instagram": "en",
    "english_train": "en",
    "wordpress": "en",
    "arabic_tweets": "ar",
    "arabic_low_quality": "ar",
    "arabic_train": "ar",
    "myc": "ar",
    "allocine": "fr",
}


@dataclass(frozen=True)
class Prediction:
    """One held-out row: its readers' language, its label (1 spam) and its score."""

    lang: str
    label: int
    score: float


def language_of(row: ds.Example) -> str:
    """fr, en or ar for a labelled row (its source's language, else its script)."""
    if row.source.startswith("french"):
        return "fr"
    known = LANGUAGE_OF_SOURCE.get(row.source)
    if known:
        return known
    counts = script_counts(row.text)
    return "ar" if counts.get(ARABIC, 0) * 2 > sum(counts.values()) else "en"


def _point(threshold: float, preds: Sequence[Prediction]) -> dict[str, float]:
    held = [p for p in preds if p.score >= threshold]
    caught = sum(p.label for p in held)
    spam = sum(p.label for p in preds)
    ham = len(preds) - spam
    return {
        "threshold": threshold,
        "precision": round(caught / len(held), 4) if held else 1.0,
        "recall": round(caught / spam, 4) if spam else 0.0,
        "fpr": round((len(held) - caught) / ham, 5) if ham else 0.0,
    }


def curves_from_predictions(
    predictions: Iterable[Prediction], grid: Sequence[float] = GRID
) -> dict[str, Any]:
    """Per language (and ``all``): counts and one point per threshold of ``grid``."""
    by_lang: dict[str, list[Prediction]] = {}
    for p in predictions:
        by_lang.setdefault(p.lang, []).append(p)
        by_lang.setdefault("all", []).append(p)
    out: dict[str, Any] = {}
    for lang, preds in sorted(by_lang.items()):
        spam = sum(p.label for p in preds)
        out[lang] = {
            "n": len(preds),
            "spam": spam,
            "ham": len(preds) - spam,
            "points": [_point(t, preds) for t in grid],
        }
    return {"grid": list(grid), "method": "leave-one-source-out", "languages": out}


def write_curves(predictions: Iterable[Prediction], path: Path, **extra: Any) -> dict[str, Any]:
    """Write ``curves.json`` from held-out predictions (``extra``: e.g. ``units=31``)."""
    payload = {**curves_from_predictions(predictions), **extra}
    path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return payload


def load_curves(directory: Path | str = MODEL_DIR) -> dict[str, Any] | None:
    """The curves shipped with a model, or None when the model has none."""
    path = Path(directory) / CURVES_FILE
    if not path.is_file():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def predictions_for(model: GlobalModel, rows: Sequence[ds.Example]) -> list[Prediction]:
    """Score held-out rows through the real filter (no learning, no memory)."""
    from causerie.spam.filter import Filter
    from causerie.spam.verdict import CommentSample

    spam_filter = Filter(model, remember_spam=False)
    return [
        Prediction(
            language_of(r), r.label, spam_filter.check(CommentSample(r.text, author=r.author)).score
        )
        for r in rows
    ]


_STATE: dict[str, Any] = {}


def _init_worker(root: str) -> None:
    from causerie.spam.generalization import all_rows
    from causerie.spam.train import featurize

    rows = all_rows(Path(root))
    _STATE.update(rows=rows, matrix=featurize([r.text for r in rows]))


def _unit_predictions(unit: str) -> list[Prediction]:
    from causerie.spam.generalization import split_for
    from causerie.spam.train import TrainingSettings, train_on

    rows, matrix = _STATE["rows"], _STATE["matrix"]
    train, test = split_for(rows, unit)
    model = train_on(
        [rows[i] for i in train], matrix[train], TrainingSettings(), log=lambda _: None
    )
    return predictions_for(model, [rows[i] for i in test])


def main(argv: Sequence[str] | None = None) -> int:
    """Train without each unit in turn, score it, and write the curves."""
    from causerie.spam.generalization import all_rows, units

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path, default=MODEL_DIR / CURVES_FILE)
    args = parser.parse_args(argv)
    names = units(all_rows(args.data))
    predictions: list[Prediction] = []
    with ProcessPoolExecutor(args.jobs, initializer=_init_worker, initargs=(str(args.data),)) as ex:
        for unit, found in zip(names, ex.map(_unit_predictions, names), strict=True):
            print(f"{unit:<28} {len(found):6d} rows")
            predictions += found
    payload = write_curves(predictions, args.output, units=len(names))
    for lang, curve in payload["languages"].items():
        print(f"{lang}: n={curve['n']} spam={curve['spam']} ham={curve['ham']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
