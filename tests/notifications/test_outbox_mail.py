"""Mail through the outbox, to a real SMTP server (aiosmtpd): queued in a transaction, sent once.

What another store does (helper code of readers' sign-in, reply mails): build a
``Mail``, turn it into an outbox message with ``mail_message``, add it with
``add_outbox_rows`` inside its own transaction; the worker sends it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from sqlalchemy import insert

from causerie.config import Settings
from causerie.core.mail import Mail
from causerie.core.outbox import OutboxWorker, RetryPolicy, WorkerOptions, mail_message
from causerie.notify.email import SmtpMailer
from causerie.store import schema
from causerie.store.contracts.outbox import OutboxStore
from causerie.store.database import create_database_engine, write_transaction
from causerie.store.outbox import SqlOutboxStore, add_outbox_rows
from causerie.store.records import DeliveryOutcome, OutboxMessage, OutboxState
from tests.conftest import MakeClient, free_port
from tests.privacy.conftest import Mailbox, body_of

ARABIC = Mail(
    to="samira@example.org",
    subject="رد على تعليقك",
    text="كتب كريم ردا.",
    lang="ar",
    headers={"List-Unsubscribe": "<https://news.example/u>"},
    html='<html lang="ar" dir="rtl"><body><p>كتب كريم ردا.</p></body></html>',
)


def test_a_mail_queued_in_a_stores_transaction_is_sent_by_the_app(
    make_client: MakeClient, mailbox: Mailbox
) -> None:
    client = make_client(**mailbox.settings())
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    site = runtime.store.site("default")
    with write_transaction(runtime.engine) as conn:
        conn.execute(insert(schema.meta).values(key="sign-in", value="token-hash"))
        (queued,) = add_outbox_rows(conn, [mail_message(ARABIC, site.id)], 0.0)
    # No call to the worker: the commit woke it.
    message = mailbox.wait_for(1)[0]
    assert message["To"] == ARABIC.to and message["Subject"] == ARABIC.subject
    uid = runtime.stores.outbox.message(queued).uid
    assert message["X-Causerie-Delivery"] == uid and message["Message-ID"].startswith(f"<{uid}@")
    assert message["Content-Language"] == "ar" and message["List-Unsubscribe"]
    assert body_of(message).strip() == ARABIC.text
    html = message.get_body(("html",))
    assert html is not None and 'dir="rtl"' in str(html.get_content())
    assert runtime.outbox.drain()
    assert runtime.stores.outbox.message(queued).state is OutboxState.SENT


@pytest.fixture
def store(database_url: str) -> Iterator[OutboxStore]:
    """An outbox store with no worker of its own: the test drives one."""
    engine = create_database_engine(database_url, sqlite_synchronous="NORMAL")
    yield SqlOutboxStore(engine)
    engine.dispose()


def test_a_mail_server_down_means_retries_with_the_same_message_id(
    store: OutboxStore, mailbox: Mailbox
) -> None:
    dead = {**mailbox.settings(), "smtp_port": free_port()}
    clock = [1_000.0]
    policy = RetryPolicy(base_seconds=10, max_delay_seconds=100, give_up_after=1_000)
    worker = OutboxWorker(
        store,
        {"email": SmtpMailer(Settings(**dead)).deliver},
        policy=policy,
        options=WorkerOptions(),
        clock=lambda: clock[0],
        rng=random.Random(7),
    )
    (mid,) = store.enqueue([mail_message(ARABIC, None)], clock[0])
    delays = []
    for _ in range(4):
        assert worker.run_once() == 1
        failed = store.message(mid)
        assert failed.state is OutboxState.PENDING and "Error" in failed.last_error
        delays.append(failed.not_before - clock[0])
        assert worker.run_once() == 0  # not due yet
        clock[0] = failed.not_before
    # Doubling, capped at 100 s, each between half and all of its ceiling.
    for delay, ceiling in zip(delays, (10, 20, 40, 80), strict=True):
        assert ceiling / 2 <= delay <= ceiling
    # The server is back: the next attempt goes through, under the same id.
    worker.senders["email"] = SmtpMailer(Settings(**mailbox.settings())).deliver
    assert worker.run_once() == 1
    sent = store.message(mid)
    assert sent.state is OutboxState.SENT and sent.attempts == 5 and sent.last_status == 250
    assert mailbox.wait_for(1)[0]["X-Causerie-Delivery"] == sent.uid


def test_a_message_too_old_is_given_up_and_listed(store: OutboxStore) -> None:
    dead = {"smtp_host": "127.0.0.1", "smtp_port": free_port(), "smtp_starttls": False}
    clock = [1_000.0]
    worker = OutboxWorker(
        store,
        {"email": SmtpMailer(Settings(**dead)).deliver},
        policy=RetryPolicy(base_seconds=10, give_up_after=60),
        clock=lambda: clock[0],
    )
    (mid,) = store.enqueue([mail_message(ARABIC, None)], clock[0])
    worker.run_once()
    clock[0] += 61
    worker.run_once()  # due again at most 10 s later: long before this
    assert [m.id for m in store.failures(None, 10)] == [mid]
    assert store.message(mid).state is OutboxState.FAILED


def test_a_batch_that_outlasts_half_its_lease_leaves_the_rest_for_the_next(
    store: OutboxStore, mailbox: Mailbox
) -> None:
    """A call started late could end after the lease, when another worker may send it too."""
    clock = [1_000.0]
    mailer = SmtpMailer(Settings(**mailbox.settings()))

    def slow(message: OutboxMessage) -> DeliveryOutcome:
        clock[0] += 20  # a receiver that takes its time: two calls use up half the lease
        return mailer.deliver(message)

    worker = OutboxWorker(
        store, {"email": slow}, options=WorkerOptions(lease_seconds=60), clock=lambda: clock[0]
    )
    ids = store.enqueue([mail_message(ARABIC, None) for _ in range(3)], clock[0])
    assert worker.run_once() == 3
    states = [store.message(i) for i in ids]
    assert [m.state for m in states] == [OutboxState.SENT, OutboxState.SENT, OutboxState.PENDING]
    left = states[2]
    assert left.not_before == clock[0] and left.lease_until is None
    assert "not tried" in left.last_error and len(mailbox.wait_for(2)) == 2
    assert worker.run_once() == 1  # due at once: the next batch sends it
    assert store.message(left.id).state is OutboxState.SENT
    assert len(mailbox.wait_for(3)) == 3
