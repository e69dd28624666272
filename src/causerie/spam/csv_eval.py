"""``causerie spam eval FILE.csv``: score a labelled CSV with the shipped model.

Input (header row)::

    content,label[,author,email,url,lang,ip,user_agent,permalink]
    "Gagnez 500€ par jour sur WhatsApp",spam

The filter never learns from what it evaluates. The report ends with one
line of JSON: ``{"n", "spam", "ham", "precision", "recall", "f1", "fpr",
"accuracy", "ms_per_item"}``.
"""

from __future__ import annotations

import csv
import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from causerie.spam.filter import Filter
from causerie.spam.verdict import CommentSample

REQUIRED = ("content", "label")
LABELS = {"spam": True, "ham": False}


class EvalInputError(Exception):
    """The CSV cannot be evaluated; the message says why in one line."""


@dataclass
class Confusion:
    """Counts of right and wrong calls."""

    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0
    seconds: float = 0.0

    def add(self, truth: bool, called_spam: bool) -> None:
        """Count one row."""
        if truth:
            self.tp += called_spam
            self.fn += not called_spam
        else:
            self.fp += called_spam
            self.tn += not called_spam

    def metrics(self) -> dict[str, float | int]:
        """The contract's summary numbers."""
        n = self.tp + self.fp + self.tn + self.fn
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "n": n,
            "spam": self.tp + self.fn,
            "ham": self.tn + self.fp,
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "fpr": round(self.fp / (self.fp + self.tn), 4) if self.fp + self.tn else 0.0,
            "accuracy": round((self.tp + self.tn) / n, 4) if n else 0.0,
            "ms_per_item": round(self.seconds * 1000 / n, 3) if n else 0.0,
        }


def _sample(row: dict[str, str]) -> CommentSample:
    ip = row.get("ip") or ""
    return CommentSample(
        content=row["content"],
        author=row.get("author") or "",
        email=row.get("email") or "",
        url=row.get("url") or "",
        lang=row.get("lang") or "",
        permalink=row.get("permalink") or "",
        user_agent=row.get("user_agent") or "",
        ip_hash=hashlib.blake2b(ip.encode(), digest_size=8).hexdigest() if ip else "",
    )


def labelled_rows(
    path: Path, labels: dict[str, bool]
) -> Iterator[tuple[int, dict[str, str], bool]]:
    """Rows of a CSV with ``content`` and ``label`` columns as (line, row, truth).

    ``labels`` maps each accepted label to its truth (spam/ham, offensive/clean);
    any problem with the file raises EvalInputError with the file and line.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = [h.strip().lower() for h in reader.fieldnames or []]
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise EvalInputError(
                    f"{path}: missing column(s) {', '.join(missing)} in the header row"
                )
            reader.fieldnames = header
            for row in reader:
                label = (row.get("label") or "").strip().lower()
                if label not in labels:
                    named = " or ".join(labels)
                    raise EvalInputError(
                        f"{path}:{reader.line_num}: label must be {named}, not {label!r}"
                    )
                yield reader.line_num, row, labels[label]
    except FileNotFoundError as exc:
        raise EvalInputError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise EvalInputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except (csv.Error, IsADirectoryError, PermissionError) as exc:
        raise EvalInputError(f"{path}: cannot read as CSV ({exc})") from exc


def read_rows(path: Path) -> Iterator[tuple[int, CommentSample, bool]]:
    """Rows of a labelled CSV as (line, sample, is_spam); raises EvalInputError."""
    for line, row, truth in labelled_rows(path, LABELS):
        yield line, _sample(row), truth


def evaluate_csv(
    path: Path, spam_filter: Filter
) -> tuple[Confusion, list[tuple[int, bool, float]]]:
    """Classify every row; return the counts and the misclassified (line, truth, score)."""
    counts = Confusion()
    errors: list[tuple[int, bool, float]] = []
    rows = list(read_rows(path))
    if not rows:
        raise EvalInputError(f"{path}: no data rows")
    for line, sample, truth in rows:
        started = time.perf_counter()
        verdict = spam_filter.check(sample)
        counts.seconds += time.perf_counter() - started
        counts.add(truth, verdict.is_spam)
        if truth != verdict.is_spam:
            errors.append((line, truth, verdict.score))
    return counts, errors
