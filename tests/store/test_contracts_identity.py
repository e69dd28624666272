"""IdentityStore's contract, on SQLite and PostgreSQL: what core/readers.py relies on."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from causerie.store import schema
from causerie.store.comments import SqlCommentStore
from causerie.store.contracts.identity import IdentityStore
from causerie.store.database import create_database_engine
from causerie.store.identity import SqlIdentityStore
from causerie.store.outbox import SqlOutboxStore
from causerie.store.privacy import SqlPrivacyStore
from causerie.store.records import (
    CommentState,
    IdentityRecord,
    NewComment,
    NewOutboxMessage,
    ReaderKeys,
    SigninChallenge,
)

NOW = 1_764_403_200.0


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_database_engine(database_url, sqlite_synchronous="NORMAL")
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: Engine) -> IdentityStore:
    return SqlIdentityStore(engine)


@pytest.fixture
def site_id(engine: Engine) -> int:
    return SqlCommentStore(engine).ensure_site("default").id


def _reader(site_id: int, subject: str = "248289761001", **fields: object) -> IdentityRecord:
    values: dict[str, object] = {
        "id": 0,
        "site_id": site_id,
        "method": "oidc",
        "issuer": "https://id.example",
        "subject": subject,
        "name": "Samira",
        "name_skeleton": "sarnira",
        "email": None,
        "subscriber": False,
        "blocked": False,
        "created": NOW,
        "last_seen": NOW,
        **fields,
    }
    return IdentityRecord(**values)  # type: ignore[arg-type]


def test_a_returning_reader_is_the_same_identity_with_fresh_details(
    store: IdentityStore, site_id: int
) -> None:
    first = store.upsert_identity(_reader(site_id))
    again = store.upsert_identity(
        _reader(site_id, name="Samira B.", subscriber=True, last_seen=NOW + 5, created=NOW + 5)
    )
    assert again.id == first.id
    assert (again.name, again.subscriber, again.last_seen, again.created) == (
        "Samira B.",
        True,
        NOW + 5,
        NOW,
    )
    other = store.upsert_identity(_reader(site_id, method="sso", issuer="site"))
    assert other.id != first.id
    assert store.identity(first.id) == again
    assert store.identity(999_999) is None


def test_skeletons_are_found_per_site_except_the_reader_herself(
    store: IdentityStore, engine: Engine, site_id: int
) -> None:
    samira = store.upsert_identity(_reader(site_id))
    assert store.skeleton_taken(site_id, "sarnira", None)
    assert not store.skeleton_taken(site_id, "sarnira", samira.id)
    assert not store.skeleton_taken(site_id, "karirn", None)
    elsewhere = SqlCommentStore(engine).ensure_site("autre").id
    assert not store.skeleton_taken(elsewhere, "sarnira", None)


def test_sessions_live_until_they_expire_or_end(store: IdentityStore, site_id: int) -> None:
    reader = store.upsert_identity(_reader(site_id))
    store.add_session("h1", reader.id, NOW, NOW + 100)
    store.add_session("h2", reader.id, NOW, NOW + 100)
    assert store.session_identity("h1", NOW + 50) == reader
    assert store.session_identity("h1", NOW + 100) is None
    assert store.session_identity("unknown", NOW) is None
    assert store.sessions_of(reader.id) == [(NOW, NOW + 100), (NOW, NOW + 100)]
    store.drop_session("h1")
    assert store.session_identity("h1", NOW) is None
    assert store.session_identity("h2", NOW) == reader
    assert store.purge_expired(NOW + 101) == 1
    assert store.sessions_of(reader.id) == []


def test_a_block_ends_every_session_and_can_be_lifted(store: IdentityStore, site_id: int) -> None:
    reader = store.upsert_identity(_reader(site_id))
    store.add_session("h1", reader.id, NOW, NOW + 100)
    blocked = store.set_blocked(reader.id, True)
    assert blocked is not None and blocked.blocked
    assert store.session_identity("h1", NOW) is None
    lifted = store.set_blocked(reader.id, False)
    assert lifted is not None and not lifted.blocked
    assert store.set_blocked(999_999, True) is None


def _challenge(site_id: int, **fields: object) -> SigninChallenge:
    values: dict[str, object] = {
        "id": "c1",
        "site_id": site_id,
        "kind": "email",
        "secret_hash": "code-hash",
        "data": {"subject": "s"},
        "attempts": 0,
        "created": NOW,
        "expires": NOW + 600,
        **fields,
    }
    return SigninChallenge(**values)  # type: ignore[arg-type]


def test_a_challenge_is_used_once(store: IdentityStore, site_id: int) -> None:
    store.add_challenge(_challenge(site_id))
    taken = store.take_challenge("c1", NOW + 1, "code-hash", 5)
    assert taken == _challenge(site_id)
    assert store.take_challenge("c1", NOW + 2, "code-hash", 5) is None


def test_an_expired_challenge_is_refused(store: IdentityStore, site_id: int) -> None:
    store.add_challenge(_challenge(site_id))
    assert store.take_challenge("c1", NOW + 600, "code-hash", 5) is None
    assert store.take_challenge("c1", NOW, "code-hash", 5) is None  # gone for good


def test_wrong_secrets_count_until_the_challenge_is_dropped(
    store: IdentityStore, site_id: int
) -> None:
    store.add_challenge(_challenge(site_id))
    for _ in range(2):
        assert store.take_challenge("c1", NOW, "wrong", 3) is None
    # Two misses are counted; the third would reach the limit, so the right code works now…
    assert store.take_challenge("c1", NOW, "code-hash", 3) is not None
    store.add_challenge(_challenge(site_id))
    for _ in range(3):
        assert store.take_challenge("c1", NOW, "wrong", 3) is None
    # …but not after three misses.
    assert store.take_challenge("c1", NOW, "code-hash", 3) is None


def test_a_challenge_and_its_mail_are_stored_together_or_not_at_all(
    store: IdentityStore, engine: Engine, site_id: int
) -> None:
    mail = NewOutboxMessage("email", site_id, {"to": "samira@example.org", "text": "123456"})
    queued = store.add_challenge_with_mail(_challenge(site_id), mail, NOW)
    outbox = SqlOutboxStore(engine)
    assert outbox.message(queued).payload == mail.payload  # type: ignore[union-attr]
    # The same challenge again: the insert fails, and its mail is rolled back with it.
    with pytest.raises(IntegrityError):
        store.add_challenge_with_mail(_challenge(site_id), mail, NOW)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.outbox)).scalar() == 1
    assert store.take_challenge("c1", NOW, "code-hash", 5) is not None


def test_without_a_secret_the_challenge_is_taken_by_its_id_alone(
    store: IdentityStore, site_id: int
) -> None:
    store.add_challenge(_challenge(site_id, kind="oidc", secret_hash=""))
    taken = store.take_challenge("c1", NOW, None, 5)
    assert taken is not None and taken.kind == "oidc" and taken.data == {"subject": "s"}


def test_a_readers_comments_and_erasure_by_address(
    store: IdentityStore, engine: Engine, site_id: int
) -> None:
    comments = SqlCommentStore(engine)
    by_mail = store.upsert_identity(_reader(site_id, method="email", issuer="", subject="mailhash"))
    with_mail = store.upsert_identity(_reader(site_id, subject="g-1", email="Samira@Example.org"))
    stranger = store.upsert_identity(_reader(site_id, subject="g-2", name="Karim"))
    made = []
    for reader in (by_mail, with_mail, stranger):
        new = NewComment(
            parent_id=None,
            state=CommentState.APPROVED,
            author=reader.name,
            text="Bonjour",
            html="<p>Bonjour</p>",
            created=time.time(),
            identity_id=reader.id,
        )
        made.append(comments.insert_comment(site_id, "/p", "", new))
        store.add_session(f"s{reader.id}", reader.id, NOW, NOW + 100)
    assert [c.id for c in store.comments_by(by_mail.id, 10)] == [made[0].id]
    found = store.identities_matching("samira@example.org", "mailhash")
    assert [r.id for r in found] == [by_mail.id, with_mail.id]
    keys = ReaderKeys(
        email="samira@example.org",
        author_key="ak",
        request_hash="rh",
        block_hash="bh",
        identity_subject="mailhash",
    )
    erased = SqlPrivacyStore(engine).erase_reader(keys, NOW)
    assert sorted(c.id for c in erased.comments) == [made[0].id, made[1].id]
    assert all(c.identity_id is None and c.author == "" for c in erased.comments)
    assert store.identity(by_mail.id) is None and store.identity(with_mail.id) is None
    assert store.session_identity(f"s{by_mail.id}", NOW) is None
    assert store.session_identity(f"s{stranger.id}", NOW) == replace(stranger)
    assert comments.comment(made[2].id).identity_id == stranger.id  # type: ignore[union-attr]
