"""Learning a new campaign on held-out units (``python bench/spam_learning.py --units``).

For every unit with spam (the leave-one-source-out units of
:mod:`causerie.spam.generalization`), a model is trained *without* it; the
unit's spam is then a campaign the model never saw. In a fixed shuffled
order, a moderator marks the spam the filter lets through as spam, one
decision at a time; after 0, 5, 10 and 20 decisions we measure:

* recall on the unit's spam not yet decided on;
* the false-positive rate on the unit's own ham (held out too), which must
  never rise above its value before any decision.

Two filters side by side: the site's learning alone, and the same with the
campaign-wave detector on (a moderator's "spam" marks the whole wave; the
remaining spam and the ham are then streamed through it in order, so waves
formed by the evaluation stream itself are counted, as on a real server).
A third column, after 20 decisions only: the site's text-signal lessons on
(``site.SIGNAL_LESSONS``, off by default).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from causerie.spam import datasets as ds
from causerie.spam.filter import Filter
from causerie.spam.model import GlobalModel
from causerie.spam.site import SIGNAL_LESSONS, LearningLimits
from causerie.spam.state import MemoryLearningLog
from causerie.spam.verdict import CommentSample
from causerie.spam.waves import WaveDetector

SITE = "journal"
SEED = 20261207
CHECKPOINTS = (0, 5, 10, 20)
_STATE: dict[str, Any] = {}


def _init(root: str) -> None:
    from causerie.spam.generalization import all_rows
    from causerie.spam.train import featurize

    rows = all_rows(Path(root))
    _STATE.update(rows=rows, matrix=featurize([r.text for r in rows]))


def _sample(row: ds.Example) -> CommentSample:
    return CommentSample(row.text, author=row.author, site=SITE)


def _measure(
    spam_filter: Filter, spam: Sequence[ds.Example], ham: Sequence[ds.Example]
) -> tuple[float, float]:
    """Recall on ``spam`` and FPR on ``ham``, checked in one interleaved order."""
    order = [(r, True) for r in spam] + [(r, False) for r in ham]
    random.Random(SEED + 1).shuffle(order)
    caught = held = 0
    for row, is_spam in order:
        called = spam_filter.check(_sample(row)).is_spam
        caught += called and is_spam
        held += called and not is_spam
    return caught / max(len(spam), 1), held / max(len(ham), 1)


def _curve(
    model: GlobalModel,
    spam: list[ds.Example],
    ham: list[ds.Example],
    waves: bool,
    limits: LearningLimits | None = None,
    checkpoints: Sequence[int] = CHECKPOINTS,
) -> list[tuple[int, float, float]]:
    """(decisions, recall on the undecided spam, ham FPR) at each checkpoint."""
    out = []
    for k in checkpoints:
        log = MemoryLearningLog()
        teacher = Filter(model, log, refresh_interval=0.0, remember_spam=False, limits=limits)
        decided: set[int] = set()
        for i, row in enumerate(spam):
            if len(decided) == k:
                break
            if not teacher.check(_sample(row)).is_spam:
                teacher.learn(_sample(row), True, source="moderator")
                decided.add(i)
        # A fresh process replaying the log: what every server process then knows.
        judge = Filter(
            model, log, refresh_interval=0.0, remember_spam=False, limits=limits,
            waves=WaveDetector() if waves else None,
        )  # fmt: skip
        rest = [r for i, r in enumerate(spam) if i not in decided]
        recall, fpr = _measure(judge, rest, ham)
        out.append((len(decided), recall, fpr))
    return out


def evaluate(unit: str) -> dict[str, Any]:
    """Train without ``unit``, then teach its campaign decision by decision."""
    from causerie.spam.generalization import split_for
    from causerie.spam.train import TrainingSettings, train_on

    rows, matrix = _STATE["rows"], _STATE["matrix"]
    train, test = split_for(rows, unit)
    model = train_on(
        [rows[i] for i in train], matrix[train], TrainingSettings(), log=lambda _: None
    )
    test_rows = [rows[i] for i in test]
    random.Random(SEED).shuffle(test_rows)
    spam = [r for r in test_rows if r.label == 1]
    ham = [r for r in test_rows if r.label == 0]
    return {
        "unit": unit,
        "spam": len(spam),
        "ham": len(ham),
        "learning": _curve(model, spam, ham, waves=False),
        "learning_waves": _curve(model, spam, ham, waves=True),
        "learning_signals": _curve(model, spam, ham, False, SIGNAL_LESSONS, (0, 20)),
    }


def _cell(
    points: list[tuple[int, float, float]], k: int, checkpoints: Sequence[int] = CHECKPOINTS
) -> str:
    """Recall / FPR at checkpoint ``k`` (fewer decisions when the model missed fewer)."""
    decisions, recall, fpr = points[list(checkpoints).index(k)]
    made = "" if decisions == k else f" ({decisions})"
    return f"{recall:.3f} / {100 * fpr:.2f}%{made}"


def run(data: Path, jobs: int) -> None:
    """Print one line per unit and a Markdown table."""
    from causerie.spam.generalization import all_rows, units

    rows = all_rows(data)
    names = [u for u in units(rows) if any(r.label for r in rows if _unit(r) == u)]
    header = (
        "| held-out unit | spam | ham | "
        + " | ".join(f"{k} decisions: recall / FPR" for k in CHECKPOINTS)
        + " | with waves, 20 decisions | with signal lessons, 20 decisions |"
    )
    lines = [header, "|" + " --- |" * 3 + " ---: |" * (len(CHECKPOINTS) + 2)]
    with ProcessPoolExecutor(jobs, initializer=_init, initargs=(str(data),)) as ex:
        for result in ex.map(evaluate, names):
            learned, waved = result["learning"], result["learning_waves"]
            signals = result["learning_signals"]
            print(result["unit"], learned, waved, signals, flush=True)
            cells = " | ".join(_cell(learned, k) for k in CHECKPOINTS)
            lines.append(
                f"| {result['unit']} | {result['spam']} | {result['ham']} | {cells} "
                f"| {_cell(waved, 20)} | {_cell(signals, 20, (0, 20))} |"
            )
    print("\n".join(lines))


def _unit(row: ds.Example) -> str:
    from causerie.spam.generalization import unit_of

    return unit_of(row)
