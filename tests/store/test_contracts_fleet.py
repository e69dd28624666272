"""What several processes share through the database, on SQLite and PostgreSQL.

- a named lease has one holder at a time, even when many ask at the same moment;
- an instance-wide value (the secret) is stored once: everyone reads the first one;
- a dashboard import job is seen, counted and ended through the database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from causerie.store.comments import SqlCommentStore
from causerie.store.database import create_database_engine
from causerie.store.import_jobs import SqlImportJobStore
from causerie.store.leases import SqlLeases
from causerie.store.records import ImportJobRecord, JobState

NOW = 1_764_403_200.0


def _at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads released together; their results by i."""
    results: list[Any] = [None] * count
    gate = threading.Barrier(count)

    def run(i: int) -> None:
        gate.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _engines(engine: Engine, count: int) -> list[Engine]:
    """One engine per "process": separate pools, as separate servers have."""
    return [create_database_engine(str(engine.url.render_as_string(False))) for _ in range(count)]


def test_a_lease_has_one_holder_until_it_ends_or_is_given_back(engine: Engine) -> None:
    leases = SqlLeases(engine)
    assert leases.hold("retention", "a", NOW, 10)
    assert not leases.hold("retention", "b", NOW + 5, 10)
    assert leases.hold("retention", "a", NOW + 5, 10)  # renewed until NOW + 15
    assert not leases.hold("retention", "b", NOW + 14, 10)
    assert leases.hold("retention", "b", NOW + 15, 10)  # ended: taken over
    leases.release("retention", "a")  # not a's any more: nothing happens
    assert not leases.hold("retention", "a", NOW + 16, 10)
    leases.release("retention", "b")
    assert leases.hold("retention", "a", NOW + 16, 10)
    assert leases.hold("outbox-purge", "b", NOW + 16, 10)  # another name, another lease


def test_many_asking_at_once_give_a_lease_to_exactly_one(engine: Engine) -> None:
    engines = _engines(engine, 6)
    try:
        for round_ in range(5):
            now = NOW + round_ * 100  # each round, the previous holder's lease has ended
            got = _at_once(
                6, lambda i, now=now: SqlLeases(engines[i]).hold("duty", f"p{i}", now, 50)
            )
            assert got.count(True) == 1, got
    finally:
        for each in engines:
            each.dispose()


def test_the_instance_secret_is_stored_once_however_many_start_at_once(engine: Engine) -> None:
    engines = _engines(engine, 6)
    try:
        stores = [SqlCommentStore(e) for e in engines]
        got = _at_once(6, lambda i: stores[i].meta_setdefault("race", f"value-{i}"))
        assert len(set(got)) == 1 and got[0].startswith("value-")
        assert SqlCommentStore(engine).meta_get("race") == got[0]
        sites = _at_once(6, lambda i: stores[i].ensure_site("journal").id)
        assert len(set(sites)) == 1
    finally:
        for each in engines:
            each.dispose()


def _job(job_id: str = "3f2a9c0d11aa22bb") -> ImportJobRecord:
    return ImportJobRecord(
        id=job_id,
        site="journal",
        format="wordpress",
        file="export.xml",
        dry_run=False,
        state=JobState.RUNNING,
        summary={"comments": 0, "messages": []},
        error=None,
        runner="web-1:4711:9f3c0a2e",
        started=NOW,
        updated=NOW,
    )


def test_an_import_job_is_counted_ended_and_forgotten_through_the_database(
    engine: Engine,
) -> None:
    jobs = SqlImportJobStore(engine)
    jobs.add_job(_job())
    other_process = SqlImportJobStore(engine)
    assert other_process.job("nope") is None
    jobs.update_job(_job().id, {"comments": 2000, "messages": ["line 3: odd date"]}, NOW + 1)
    seen = other_process.job(_job().id)
    assert seen is not None and seen.state is JobState.RUNNING
    assert seen.summary == {"comments": 2000, "messages": ["line 3: odd date"]}
    assert seen.updated == NOW + 1 and seen.finished is None
    jobs.finish_job(_job().id, JobState.DONE, {"comments": 3400}, None, NOW + 9)
    jobs.update_job(_job().id, {"comments": 1}, NOW + 10)  # a late progress: ignored
    ended = other_process.job(_job().id)
    assert ended is not None and ended.state is JobState.DONE
    assert ended.summary == {"comments": 3400} and ended.finished == NOW + 9
    jobs.add_job(_job("aaaa"))  # still running: never purged
    assert jobs.purge_jobs(NOW + 9) == 0
    assert jobs.purge_jobs(NOW + 10) == 1
    assert jobs.job(_job().id) is None and jobs.job("aaaa") is not None
