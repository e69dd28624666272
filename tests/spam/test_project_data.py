"""The project's own French sets: training text never copies the test or validation sets."""

from __future__ import annotations

from collections import Counter

from causerie.spam import datasets as ds
from causerie.spam.text import normalize


def _shingles(text: str) -> set[str]:
    text = " ".join(text.lower().split())
    return {text[i : i + 5] for i in range(len(text) - 4)}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(len(a | b), 1)


def test_french_training_set_is_varied_and_labelled() -> None:
    rows = ds.french_train()
    assert all(r.part == ds.TRAIN and r.source == "french_train" for r in rows)
    kinds = Counter(r.group for r in rows if r.label)
    for kind in ("seo", "loan", "crypto", "whatsapp", "adult", "job", "pharma", "bet"):
        assert kinds[kind] >= 5, kind
    ham = [r for r in rows if not r.label]
    assert len(ham) >= 100
    assert sum(len(r.text) <= 30 for r in ham) >= 20  # short chatty comments


def test_french_training_set_is_no_copy_of_held_out_text() -> None:
    held_out = ds.french_spam() + ds.french_validation()
    held_out_keys = {normalize(r.text) for r in held_out}
    held_out_shingles = [_shingles(r.text) for r in ds.french_spam()]
    for row in ds.french_train():
        assert normalize(row.text) not in held_out_keys, row.text
        closest = max(_jaccard(_shingles(row.text), s) for s in held_out_shingles)
        assert closest < 0.3, row.text


def test_written_training_sets_are_labelled_both_ways_and_no_copy_of_held_out_text() -> None:
    held_out = ds.french_spam() + ds.french_validation()
    held_out_keys = {normalize(r.text) for r in held_out}
    held_out_shingles = [_shingles(r.text) for r in ds.french_spam()]
    for name in ds.WRITTEN_TRAINING:
        rows = ds.written(name)
        labels = Counter(r.label for r in rows)
        assert labels[0] >= 80 and labels[1] >= 40, name
        # Hard ham: talk about the topics spam is about, written as readers do.
        assert sum(r.group.startswith("hard_ham") for r in rows) >= 30, name
        for row in rows:
            assert normalize(row.text) not in held_out_keys, row.text
            closest = max(_jaccard(_shingles(row.text), s) for s in held_out_shingles)
            assert closest < 0.3, row.text
