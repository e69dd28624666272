"""Retention: the purge removes exactly what the settings say, with a frozen clock."""

from __future__ import annotations

import json
import time
from pathlib import Path

from sqlalchemy import select

from causerie.store.privacy import privacy_requests
from causerie.store.schema import CommentState, spam_learning, votes
from tests.conftest import LiveServer, MakeClient, set_comment_columns
from tests.privacy.helpers import engine, learn, post, service

DAY = 86_400.0
NOW = 1_800_000_000.0
RETENTION = {
    "personal_data_retention_days": 30,
    "spam_retention_days": 10,
    "discard_retention_days": 2,
    "unconfirmed_retention_days": 3,
}
PERSONAL = {"author": "Samira", "email": "s@example.org", "ip_hash": "ab", "user_agent": "UA"}


def _at(client: object, days_ago: float) -> None:
    service(client).comments.clock = lambda: NOW - days_ago * DAY  # type: ignore[arg-type]


def test_purge_removes_exactly_what_the_settings_say(make_client: MakeClient) -> None:
    client = make_client(**RETENTION)
    privacy = service(client)
    store, records = privacy.store, privacy.records
    store.ensure_site("autre")
    store.update_site_settings("autre", {"personal_data_retention_days": 10})

    def comment(days_ago: float, **fields: object) -> int:
        _at(client, days_ago)
        return int(post(client, email="s@example.org", **fields)["id"])

    old_ham, recent_ham = comment(31), comment(29)
    other_site = comment(11, site="autre", uri="/autre")
    spam_old, spam_recent = comment(11), comment(9)
    discard_old, discard_recent = comment(3), comment(1)
    spam_with_reply = comment(20)
    reply = comment(19, parent=spam_with_reply)
    for ident in (spam_old, spam_recent, spam_with_reply):
        set_comment_columns(store.engine, ident, state=CommentState.SPAM, spam_verdict="spam")
    for ident in (discard_old, discard_recent):
        set_comment_columns(store.engine, ident, state=CommentState.SPAM, spam_verdict="discard")
    store.add_vote(recent_ham, "voter-hash", 1)
    with engine(client).begin() as conn:
        conn.execute(votes.update().values(created=NOW - 31 * DAY))
    records.add_subscription(old_ham, "k1", NOW - 4 * DAY, confirmed=False)
    records.add_subscription(recent_ham, "k2", NOW - 2 * DAY, confirmed=False)
    records.add_subscription(reply, "k3", NOW - 40 * DAY, confirmed=True)
    old_sample = learn(engine(client), "default", {"content": "x", **PERSONAL}, NOW - 31 * DAY)
    new_sample = learn(engine(client), "default", {"content": "y", **PERSONAL}, NOW - 29 * DAY)
    privacy.clock = lambda: NOW - 2 * DAY
    records.log_request(
        kind="erase",
        via="email",
        site="default",
        email_hash="h",
        email="s@example.org",
        lang="fr",
        status="pending",
        created=NOW - 2 * DAY,
    )

    report = privacy.purge(now=NOW)

    assert report.as_dict() == {
        "personal_cleared": 2,  # old_ham (31 > 30 days), other_site (11 > 10 days on "autre")
        "spam_deleted": 2,  # spam_old removed, spam_with_reply emptied (it has a reply)
        "discard_deleted": 1,
        "unconfirmed_deleted": 1,
        "learning_scrubbed": 1,
        "requests_expired": 1,
        "requests_deleted": 0,
        "sign_ins_expired": 0,
    }
    get = store.comment
    assert get(old_ham).email is None and get(old_ham).ip_hash is None  # type: ignore[union-attr]
    assert get(old_ham).user_agent is None and get(old_ham).text  # type: ignore[union-attr]
    assert get(recent_ham).email == "s@example.org"  # type: ignore[union-attr]
    assert get(recent_ham).ip_prefix == "203.0.113.0/24"  # type: ignore[union-attr]
    assert get(other_site).email is None  # type: ignore[union-attr]
    assert get(spam_old) is None and get(spam_recent) is not None
    assert get(discard_old) is None and get(discard_recent) is not None
    kept = get(spam_with_reply)
    assert kept is not None and kept.state is CommentState.DELETED and kept.text == ""
    assert get(reply) is not None
    assert records.subscription_of(old_ham) is None and not get(old_ham).notify  # type: ignore[union-attr]
    assert records.subscription_of(recent_ham) is not None
    assert records.subscription_of(reply) is not None
    with engine(client).connect() as conn:
        samples = dict(conn.execute(select(spam_learning.c.id, spam_learning.c.sample)).all())
        assert conn.scalar(select(votes.c.voter)) is None
        request = conn.execute(select(privacy_requests)).one()
    scrubbed, untouched = json.loads(samples[old_sample]), json.loads(samples[new_sample])
    assert scrubbed["email"] == "@example.org" and scrubbed["author"] == ""
    assert scrubbed["ip_hash"] == "" and scrubbed["user_agent"] == ""
    assert scrubbed["content"] == "x"
    assert untouched["email"] == "s@example.org"
    assert request.status == "expired" and request.email is None
    assert privacy.purge(now=NOW).as_dict() == dict.fromkeys(report.as_dict(), 0)


def test_privacy_log_is_kept_for_its_retention_only(make_client: MakeClient) -> None:
    client = make_client(privacy_log_retention_days=365)
    privacy = service(client)
    privacy.clock = lambda: NOW - 366 * DAY
    privacy.log("export", "cli", "*", "s@example.org", 1)
    privacy.clock = lambda: NOW - 300 * DAY
    privacy.log("erase", "cli", "*", "s@example.org", 1)
    assert privacy.purge(now=NOW).requests_deleted == 1
    assert len(privacy.records.requests_of(privacy.email_hash("s@example.org"))) == 1


def test_the_server_purges_on_its_own_schedule(tmp_path: Path, live_server: object) -> None:
    url = f"sqlite:///{tmp_path / 'scheduled.db'}"
    from starlette.testclient import TestClient

    from causerie.app import create_app
    from tests.conftest import test_settings

    seed = TestClient(create_app(test_settings(url)))
    service(seed).comments.clock = lambda: time.time() - 40 * DAY
    old = post(seed, email="old@example.org")["id"]
    store = service(seed).store
    server: LiveServer = live_server(
        CAUSERIE_DATABASE_URL=url,
        CAUSERIE_SPAM_FILTER="false",
        CAUSERIE_PERSONAL_DATA_RETENTION_DAYS="30",
    )  # type: ignore[operator]
    deadline = time.monotonic() + 30
    while store.comment(old).email is not None:  # type: ignore[union-attr]
        assert time.monotonic() < deadline, server.log_path.read_text()
        time.sleep(0.2)
