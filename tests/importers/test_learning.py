"""``--learn``: imported labels teach the site's filter through its trusted path, and only then."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from causerie.importers.writer import ImportService
from causerie.spam.filter import Filter
from causerie.store import schema as t
from causerie.store.learning import SqlLearningLog
from tests.importers.conftest import FIXTURES, SECRET, Importer

WXR = FIXTURES / "wordpress-1.2.xml"


@pytest.fixture
def learning_importer(importer: Importer) -> Importer:
    spam = Filter.load(log=SqlLearningLog(importer.engine))
    importer.service = ImportService(importer.store, SECRET, spam)
    return importer


def _learnt(importer: Importer) -> list[tuple[bool, str, dict[str, object]]]:
    sl = t.spam_learning.c
    with importer.engine.connect() as conn:
        rows = conn.execute(select(sl.is_spam, sl.source, sl.sample).order_by(sl.id)).all()
    return [(bool(r[0]), r[1], json.loads(r[2])) for r in rows]


def test_without_learn_the_filter_learns_nothing(learning_importer: Importer) -> None:
    learning_importer.run("wordpress", WXR)
    assert _learnt(learning_importer) == []


def test_with_learn_spam_and_approved_comments_teach_the_site(
    learning_importer: Importer,
) -> None:
    learning_importer.run("wordpress", WXR, learn=True)
    learnt = _learnt(learning_importer)
    assert sum(is_spam for is_spam, _, _ in learnt) == 1
    assert sum(not is_spam for is_spam, _, _ in learnt) == 17  # the approved ones
    assert {source for _, source, _ in learnt} == {"admin"}  # a trusted source
    spam = next(sample for is_spam, _, sample in learnt if is_spam)
    assert spam["site"] == "journal" and "montres" in str(spam["content"])
    assert spam["permalink"] == "https://journal.exemple/?p=1"


def test_a_dry_run_teaches_nothing(learning_importer: Importer) -> None:
    learning_importer.run("wordpress", WXR, learn=True, dry_run=True)
    assert _learnt(learning_importer) == []
