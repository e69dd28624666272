"""The leave-one-source-out harness: what it holds out, and its corrected stream."""

from __future__ import annotations

from causerie.spam import datasets as ds
from causerie.spam.generalization import UnitResult, markdown_table, split_for, stream, unit_of
from causerie.spam.model import GlobalModel


def test_units_are_sources_videos_account_groups_and_written_sets() -> None:
    assert unit_of(ds.Example("x", 1, "youtube", "Youtube01-Psy")) == "youtube/Psy"
    assert unit_of(ds.Example("x", 1, "instagram", "group2")) == "instagram/group2"
    assert unit_of(ds.Example("x", 1, "french_spam", "seo")) == "french_written"
    assert unit_of(ds.Example("x", 1, "french_train_extra")) == "french_written"
    assert unit_of(ds.Example("x", 0, "sms")) == "sms"


def test_split_holds_a_unit_out_whole_and_drops_what_training_already_has() -> None:
    rows = [
        ds.Example("shared text", 0, "sms", part=ds.TRAIN),
        ds.Example("sms test part", 0, "sms", part=ds.TEST),
        ds.Example("sms validation", 1, "sms", part=ds.VALIDATION),
        ds.Example("Shared  TEXT", 0, "allocine", part=ds.TRAIN),  # same normal form
        ds.Example("only in allocine", 0, "allocine", part=ds.TEST),
        ds.Example("only in allocine", 0, "allocine", part=ds.TRAIN),  # a copy
    ]
    train, test = split_for(rows, "allocine")
    assert train == [0, 2]  # other units' train and validation parts, never their test part
    assert test == [4]  # every part of the unit, once, minus what training has


def test_stream_corrects_every_mistake_and_scores_the_second_half(
    tiny_model: GlobalModel,
) -> None:
    rows = [
        ds.Example(f"Check out my channel and subscribe http://bit.ly/c{i}", 1, "t")
        for i in range(10)
    ] + [ds.Example(f"Merci pour cet article numéro {i}, très clair", 0, "t") for i in range(10)]
    static, learned = stream(tiny_model, rows)
    half = len(rows) - len(rows) // 2
    for counts in (static, learned):
        assert counts.tp + counts.fp + counts.tn + counts.fn == half
    assert learned.fp <= static.fp and learned.tp >= static.tp


def test_markdown_table_has_one_row_per_unit() -> None:
    empty = {"n": 10, "spam": 0, "ham": 10, "recall": 0.0, "f1": 0.0, "fpr": 0.1}
    result = UnitResult("myc", empty, empty, empty, empty)
    lines = markdown_table([result])
    assert len(lines) == 3
    assert lines[2].startswith("| myc | 10 | 0 | — | — | 10.00% |")
