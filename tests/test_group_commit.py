"""The SQLite group commit (store/batching.py): a failing job fails alone, others land once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from causerie.store.batching import GroupCommit, _Job
from causerie.store.database import create_database_engine


@pytest.fixture
def group(tmp_path: Path) -> GroupCommit:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'g.db'}", sqlite_synchronous="NORMAL")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (v INTEGER PRIMARY KEY)"))
    return GroupCommit(engine)


def insert(value: int) -> _Job[int]:
    def work(conn: Connection) -> int:
        conn.execute(text("INSERT INTO t (v) VALUES (:v)"), {"v": value})
        return value

    return _Job(work)


def stored(group: GroupCommit) -> list[int]:
    with group._engine.connect() as conn:
        return [row.v for row in conn.execute(text("SELECT v FROM t ORDER BY v"))]


def test_a_batch_without_failure_lands_in_one_commit(group: GroupCommit) -> None:
    batch = [insert(1), insert(2), insert(3)]
    group._commit(batch)
    assert [(j.result, j.error, j.done.is_set()) for j in batch] == [
        (1, None, True), (2, None, True), (3, None, True),
    ]  # fmt: skip
    assert stored(group) == [1, 2, 3]


def test_a_failing_job_fails_alone_and_the_others_land_once(group: GroupCommit) -> None:
    batch = [insert(1), insert(2), insert(2), insert(4)]  # the second 2 breaks the key
    group._commit(batch)
    assert [j.result for j in batch] == [1, 2, None, 4]
    assert [j.error is None for j in batch] == [True, True, False, True]
    assert all(j.done.is_set() for j in batch)
    assert stored(group) == [1, 2, 4]  # re-run after the failure, yet each row once


def test_a_lone_failing_job_keeps_its_error(group: GroupCommit) -> None:
    group._commit([insert(7)])
    job = insert(7)
    group._commit([job])
    assert job.result is None and job.error is not None and job.done.is_set()
    assert stored(group) == [7]
    # The writer lock went back: the next batch commits.
    assert group.run(insert(8).work) == 8
    assert stored(group) == [7, 8]
