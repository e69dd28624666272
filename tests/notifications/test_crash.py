"""Kill -9 between the commit and the send: after a restart the call is made, once more at most."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import select

from causerie.store import schema
from causerie.store.comments import SqlCommentStore
from causerie.store.database import create_database_engine
from causerie.store.notifications import SqlNotificationStore
from tests.conftest import LiveServer
from tests.notifications.receiver import Receiver

ENV = {
    "CAUSERIE_SPAM_FILTER": "false",
    # A killed worker's claim ends after 2 s; the restarted one looks every 100 ms.
    "CAUSERIE_OUTBOX_LEASE_SECONDS": "2",
    "CAUSERIE_OUTBOX_POLL_MS": "100",
    "CAUSERIE_OUTBOX_RETRY_SECONDS": "1",
    "CAUSERIE_WEBHOOK_TIMEOUT_SECONDS": "60",
}


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_call_in_flight_when_the_server_is_killed_is_made_after_the_restart(
    backend: str,
    live_server: Callable[..., LiveServer],
    receiver: Receiver,
    request: pytest.FixtureRequest,
) -> None:
    env = dict(ENV)
    if backend == "postgres":
        env["CAUSERIE_DATABASE_URL"] = request.getfixturevalue("postgres_url")
    server = live_server(**env)
    url = server.env["CAUSERIE_DATABASE_URL"]
    engine = create_database_engine(url)
    try:
        site = SqlCommentStore(engine).site("default")
        assert site is not None
        SqlNotificationStore(engine).add_webhook(
            site.id,
            {
                "url": receiver.url,
                "secret": "whsec_crash",
                "events": ["comment.created"],
                "allow_private": True,
            },
            time.time(),
        )
        receiver.script = ["hang"]  # the first call never gets an answer
        posted = httpx.post(
            server.url + "/api/comments",
            json={"uri": "/crash", "text": "Avant le crash", "author": "Samira"},
            timeout=10,
        )
        assert posted.status_code == 201
        deadline = time.monotonic() + 15
        while not receiver.held and time.monotonic() < deadline:
            time.sleep(0.02)
        assert receiver.held, "the call never started"
        server.kill()  # SIGKILL while the call is in flight: nothing recorded it as sent

        live_server(**env)
        (call,) = receiver.wait_for(1, timeout=20)
        # The same delivery id both times: at most one duplicate, which the receiver can drop.
        assert call.headers["Causerie-Delivery"] == receiver.held[0]
        assert b"Avant le crash" in call.body
        deadline = time.monotonic() + 10
        row = None
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                row = conn.execute(
                    select(schema.outbox).where(schema.outbox.c.channel == "webhook")
                ).one()
            if row.state == "sent":
                break
            time.sleep(0.05)
        assert row is not None and row.state == "sent" and row.attempts == 2
        time.sleep(0.5)
        assert len(receiver.calls) + len(receiver.held) == 2
    finally:
        engine.dispose()
