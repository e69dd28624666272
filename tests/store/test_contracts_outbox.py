"""The OutboxStore contract, on SQLite and PostgreSQL: what the worker and other stores rely on.

- a message added inside another store's transaction commits or rolls back with it;
- a claimed message is leased: nobody else gets it until the lease ends, then it is due again;
- two workers claiming at once never get the same message;
- retries, giving up, the delivery log and the instance lease behave as documented.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, insert, select

from causerie.store import schema
from causerie.store.comments import SqlCommentStore
from causerie.store.contracts.outbox import OutboxStore
from causerie.store.database import write_transaction
from causerie.store.outbox import SqlOutboxStore, add_outbox_rows, watch_commits
from causerie.store.privacy import SqlPrivacyStore
from causerie.store.records import (
    CommentState,
    DeliveryOutcome,
    NewComment,
    NewOutboxMessage,
    OutboxState,
    ReaderKeys,
    Settled,
)

NOW = 1_764_403_200.0


@pytest.fixture
def outbox(engine: Engine) -> OutboxStore:
    return SqlOutboxStore(engine)


@pytest.fixture
def site_id(engine: Engine) -> int:
    return SqlCommentStore(engine).ensure_site("default").id


def _mail(to: str = "samira@example.org", **fields: object) -> NewOutboxMessage:
    payload = {"to": to, "subject": "Réponse", "text": "Bonjour", "lang": "fr"}
    return NewOutboxMessage("email", fields.pop("site_id", None), payload, **fields)  # type: ignore[arg-type]


def test_a_message_commits_or_rolls_back_with_the_change_that_caused_it(
    engine: Engine, outbox: OutboxStore, site_id: int
) -> None:
    with write_transaction(engine) as conn:
        conn.execute(insert(schema.meta).values(key="change", value="kept"))
        (kept,) = add_outbox_rows(conn, [_mail(site_id=site_id)], NOW)

    class Refused(Exception):
        pass

    with pytest.raises(Refused), write_transaction(engine) as conn:
        conn.execute(insert(schema.meta).values(key="change2", value="lost"))
        add_outbox_rows(conn, [_mail("karim@example.net")], NOW)
        raise Refused
    with engine.connect() as conn:
        assert (
            conn.execute(select(schema.meta.c.key).where(schema.meta.c.key == "change2")).first()
            is None
        )
    message = outbox.message(kept)
    assert message is not None and message.payload["subject"] == "Réponse"
    assert (message.state, message.attempts, message.site_id) == (OutboxState.PENDING, 0, site_id)
    assert len(message.uid) == 32
    assert outbox.counts()["pending"] == 1


def test_many_messages_at_once_keep_their_order_and_their_dedup_keys(outbox: OutboxStore) -> None:
    # 70 rows: multi-row inserts of 64, 4 and 2; one key repeated inside the same statement.
    messages = [_mail(f"reader{n}@example.org") for n in range(70)]
    messages[10] = _mail("first@example.org", dedup_key="digest:7")
    messages[40] = _mail("again@example.org", dedup_key="digest:7")
    ids = outbox.enqueue(messages, NOW)
    assert len(ids) == len(set(ids)) == 69
    kept = [m.payload["to"] for n, m in enumerate(messages) if n != 40]
    assert [outbox.message(i).payload["to"] for i in ids] == kept  # type: ignore[union-attr]
    assert outbox.enqueue([_mail(dedup_key="digest:7"), _mail(dedup_key="digest:8")], NOW) != []
    assert outbox.counts()["pending"] == 70


def test_a_dedup_key_is_queued_once_and_uids_differ(outbox: OutboxStore) -> None:
    first = outbox.enqueue([_mail(dedup_key="digest:1:2026-11-30T10")], NOW)
    again = outbox.enqueue([_mail(dedup_key="digest:1:2026-11-30T10"), _mail()], NOW)
    assert len(first) == 1 and len(again) == 1 and again[0] != first[0]
    uids = {outbox.message(i).uid for i in first + again}  # type: ignore[union-attr]
    assert len(uids) == 2


def test_a_claimed_message_is_leased_and_due_again_when_the_lease_ends(
    outbox: OutboxStore,
) -> None:
    later, now_id = outbox.enqueue([_mail(not_before=NOW + 100), _mail()], NOW)
    assert outbox.next_due() == NOW
    (claimed,) = outbox.claim("w1", NOW, lease_seconds=30, limit=10)
    assert (claimed.id, claimed.attempts, claimed.worker) == (now_id, 1, "w1")
    assert outbox.claim("w2", NOW + 10, lease_seconds=30, limit=10) == []
    assert outbox.next_due() == NOW + 30  # the lease, before the later message
    # The first worker died: once its lease ended, the message goes to another one.
    again = outbox.claim("w2", NOW + 31, lease_seconds=30, limit=10)
    assert [(m.id, m.attempts, m.worker) for m in again] == [(now_id, 2, "w2")]
    outbox.mark_sent(now_id, DeliveryOutcome(250, 12.0), NOW + 32)
    sent = outbox.message(now_id)
    assert sent is not None and (sent.state, sent.finished, sent.last_status) == (
        OutboxState.SENT,
        NOW + 32,
        250,
    )
    assert outbox.next_due() == NOW + 100
    assert [m.id for m in outbox.claim("w2", NOW + 100, 30, 10)] == [later]


def test_retries_then_giving_up_then_a_moderators_retry(outbox: OutboxStore, site_id: int) -> None:
    (mid,) = outbox.enqueue([_mail(site_id=site_id)], NOW)
    outbox.claim("w", NOW, 30, 10)
    outbox.retry_later(mid, DeliveryOutcome(503, 40.0, "busy"), NOW + 20)
    message = outbox.message(mid)
    assert message is not None
    assert (message.state, message.not_before, message.lease_until) == (
        OutboxState.PENDING,
        NOW + 20,
        None,
    )
    assert (message.last_status, message.last_error, message.last_duration_ms) == (
        503,
        "busy",
        40.0,
    )
    assert outbox.claim("w", NOW + 19, 30, 10) == []
    outbox.claim("w", NOW + 20, 30, 10)
    assert outbox.retry_now(mid, NOW + 21) is False  # not given up: nothing to retry
    outbox.give_up(mid, DeliveryOutcome(None, None, "connection refused"), NOW + 21)
    assert [m.id for m in outbox.failures(None, 10)] == [mid]
    assert [m.id for m in outbox.failures([site_id], 10)] == [mid]
    assert outbox.failures([site_id + 1], 10) == []
    assert outbox.next_due() is None
    assert outbox.counts() == {"pending": 0, "sent": 0, "failed": 1}
    assert outbox.retry_now(mid, NOW + 50) is True
    assert [m.attempts for m in outbox.claim("w", NOW + 50, 30, 10)] == [3]


def test_complete_with_adds_the_follow_ups_in_the_same_step(
    outbox: OutboxStore, site_id: int
) -> None:
    event = NewOutboxMessage("event", site_id, {"type": "comment.created", "comment_id": 4})
    (eid,) = outbox.enqueue([event], NOW)
    outbox.claim("w", NOW, 30, 10)
    hooks = [
        NewOutboxMessage("webhook", site_id, {"hook": n}, dedup_key=f"{eid}:hook:{n}")
        for n in (1, 2)
    ]
    added = outbox.complete_with(eid, hooks, NOW + 1)
    assert len(added) == 2
    assert outbox.message(eid).state is OutboxState.SENT  # type: ignore[union-attr]
    # Expanding twice (a crash between two attempts) adds nothing twice.
    assert outbox.complete_with(eid, hooks, NOW + 2) == []
    log = outbox.recent(site_id, "webhook", 10)
    assert [m.payload["hook"] for m in log] == [2, 1]
    assert [m.channel for m in outbox.recent(site_id, None, 10)] == ["webhook", "webhook", "event"]


def test_settle_and_claim_records_a_batch_and_leases_its_follow_ups_at_once(
    outbox: OutboxStore, site_id: int
) -> None:
    events = [
        NewOutboxMessage("event", site_id, {"type": "comment.created", "comment_id": n})
        for n in (4, 5)
    ]
    eids = outbox.enqueue(events, NOW)
    assert [m.id for m in outbox.claim("w", NOW, 30, 10)] == eids
    results = [
        Settled(
            eid,
            OutboxState.SENT,
            follow_ups=(
                NewOutboxMessage("webhook", site_id, {"hook": eid}, dedup_key=f"{eid}:hook:1"),
            ),
        )
        for eid in eids
    ]
    added, batch = outbox.settle_and_claim(results, NOW + 1, "w", 30, 10)
    assert len(added) == 2 and [m.id for m in batch] == added
    assert all(m.attempts == 1 and m.lease_until == NOW + 31 for m in batch)
    assert [m.payload["hook"] for m in batch] == eids
    assert [outbox.message(e).state for e in eids] == [OutboxState.SENT] * 2  # type: ignore[union-attr]
    # Nothing else is due: settling the deliveries claims nothing more.
    done = [Settled(m.id, OutboxState.SENT, DeliveryOutcome(200, 3.0)) for m in batch]
    assert outbox.settle_and_claim(done, NOW + 2, "w", 30, 10) == ([], [])
    assert outbox.counts() == {"pending": 0, "sent": 4, "failed": 0}


def test_two_workers_claiming_at_once_never_share_a_message(engine: Engine) -> None:
    outbox = SqlOutboxStore(engine)
    outbox.enqueue([_mail(f"reader{n}@example.org") for n in range(60)], NOW)
    got: dict[str, list[int]] = {}
    start = threading.Barrier(3)

    def work(name: str) -> None:
        start.wait()
        ids = got.setdefault(name, [])
        while batch := outbox.claim(name, NOW, 30, 5):
            ids.extend(m.id for m in batch)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    claimed = [i for ids in got.values() for i in ids]
    assert len(claimed) == 60 and len(set(claimed)) == 60


def test_the_instance_lease_has_one_holder_until_it_expires_or_is_released(
    outbox: OutboxStore,
) -> None:
    assert outbox.hold_lease("outbox", "a", NOW, 10)
    assert not outbox.hold_lease("outbox", "b", NOW + 5, 10)
    assert outbox.hold_lease("outbox", "a", NOW + 5, 10)  # renewed until NOW + 15
    assert not outbox.hold_lease("outbox", "b", NOW + 14, 10)
    assert outbox.hold_lease("outbox", "b", NOW + 16, 10)
    outbox.release_lease("outbox", "a")  # not a's any more: nothing happens
    assert not outbox.hold_lease("outbox", "a", NOW + 17, 10)
    outbox.release_lease("outbox", "b")
    assert outbox.hold_lease("outbox", "a", NOW + 17, 10)


def test_finished_messages_are_purged_and_pending_ones_kept(outbox: OutboxStore) -> None:
    sent, failed, pending = outbox.enqueue(
        [_mail(), _mail("karim@example.net"), _mail("lina@example.com")], NOW
    )
    outbox.claim("w", NOW, 30, 2)
    outbox.mark_sent(sent, DeliveryOutcome(250), NOW + 1)
    outbox.give_up(failed, DeliveryOutcome(550, None, "no such user"), NOW + 1)
    assert outbox.purge(NOW + 1) == 0
    assert outbox.purge(NOW + 2) == 2
    assert outbox.message(sent) is None and outbox.message(failed) is None
    assert outbox.message(pending) is not None


def test_watch_commits_calls_back_after_a_transaction_that_queued(engine: Engine) -> None:
    calls: list[int] = []
    watch_commits(engine, lambda: calls.append(1))
    with write_transaction(engine) as conn:
        conn.execute(insert(schema.meta).values(key="no-message", value=""))
    assert calls == []
    SqlOutboxStore(engine).enqueue([_mail()], NOW)
    assert calls == [1]


def test_erasing_a_reader_deletes_the_mails_to_her_address(engine: Engine) -> None:
    outbox = SqlOutboxStore(engine)
    hers, other = outbox.enqueue(
        [_mail("Samira@Example.org"), _mail("samira@example.org.evil")], NOW
    )
    keys = ReaderKeys("samira@example.org", "ak", "rh", "bh")
    SqlPrivacyStore(engine).erase_reader(keys, NOW)
    assert outbox.message(hers) is None
    assert outbox.message(other) is not None


def test_erasing_a_comment_deletes_the_webhook_calls_carrying_it(engine: Engine) -> None:
    comments = SqlCommentStore(engine)
    site = comments.ensure_site("default")
    new = NewComment(None, CommentState.APPROVED, "Samira", "Mon texte", "<p>Mon texte</p>", NOW)
    mine, other = (comments.insert_comment(site.id, "/p", "", new) for _ in range(2))

    def call(comment_id: int) -> NewOutboxMessage:
        data = {"comment": {"id": comment_id, "author": "Samira"}}
        return NewOutboxMessage("webhook", site.id, {"webhook_id": 1, "body": {"data": data}})

    outbox = SqlOutboxStore(engine)
    gone, kept = outbox.enqueue([call(mine.id), call(other.id)], NOW)
    comments.erase_comments([mine.id], NOW)
    assert outbox.message(gone) is None and outbox.message(kept) is not None
