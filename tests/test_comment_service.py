"""CommentService details that mutation testing showed untested: events, windows, rate limits.

Everything runs through the real app on SQLite (the rules do not depend on
the database); the service's clock and rate limiter are the injectable ones
the app itself uses, set to a clock the test moves.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from causerie.core import identity
from causerie.core.comments import ChangeEvent, CommentInput, CommentService, Reader
from causerie.core.ratelimit import MemoryRateLimiter
from causerie.spam import CommentSample
from causerie.spam.filter import Filter
from causerie.spam.verdict import SpamVerdict
from causerie.store.schema import votes
from tests.conftest import TEST_SECRET, MakeClient, client_factory


@pytest.fixture
def make_sqlite_client(sqlite_url: str) -> Iterator[MakeClient]:
    """In-process clients on one SQLite database."""
    yield from client_factory(sqlite_url)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_764_403_200.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _service(client: TestClient) -> CommentService:
    service: CommentService = client.app.state.runtime.comments  # type: ignore[attr-defined]
    return service


def _post(client: TestClient, **fields: Any) -> Any:
    body = {"uri": "/a", "author": "Lina", "text": "Bonjour", **fields}
    return client.post("/api/comments", json=body)


def _events(client: TestClient) -> list[ChangeEvent]:
    seen: list[ChangeEvent] = []
    _service(client).listeners.append(seen.append)
    return seen


def test_votes_are_keyed_per_reader_and_announced(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client(ip="198.51.100.7")
    comment = _post(client).json()
    events = _events(client)
    bad = client.post(f"/api/comments/{comment['id']}/vote", json={"value": 2})
    assert bad.status_code == 422
    assert (bad.json()["error"], bad.json()["field"]) == ("vote_invalid", "value")
    assert client.post(f"/api/comments/{comment['id']}/vote", json={"value": -1}).status_code == 200
    stored = _service(client).store.comment(comment["id"])
    assert stored is not None
    assert [(e.kind, e.site, e.uri, e.thread_id, e.comment.id) for e in events] == [
        ("voted", "default", "/a", stored.thread_id, comment["id"])
    ]
    engine = client.app.state.runtime.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        (voter,) = conn.execute(select(votes.c.voter)).scalars().all()
    assert voter == identity.keyed_hash(TEST_SECRET, "vote", "198.51.100.7")


def test_deletion_is_announced_and_dated(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client()
    clock = Clock()
    _service(client).clock = clock
    comment = _post(client).json()
    clock.now += 30
    events = _events(client)
    token = {"Authorization": f"Bearer {comment['edit_token']}"}
    assert client.delete(f"/api/comments/{comment['id']}", headers=token).status_code == 200
    assert [(e.kind, e.comment.id) for e in events] == [("deleted", comment["id"])]
    stored = _service(client).store.comment(comment["id"])
    assert stored is not None and stored.modified == clock.now
    again = client.patch(f"/api/comments/{comment['id']}", json={"text": "x"}, headers=token)
    assert again.status_code == 404  # a deleted comment can no longer be edited


def test_the_edit_window_closes_after_exactly_its_length(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client(edit_window_seconds=60)
    clock = Clock()
    _service(client).clock = clock
    comment = _post(client).json()
    token = {"Authorization": f"Bearer {comment['edit_token']}"}
    clock.now += 60
    last = client.patch(f"/api/comments/{comment['id']}", json={"text": "Encore"}, headers=token)
    assert last.status_code == 200, last.text
    clock.now += 0.5
    late = client.patch(f"/api/comments/{comment['id']}", json={"text": "Trop tard"}, headers=token)
    assert late.status_code == 403 and late.json()["error"] == "edit_window_closed"


def test_a_site_without_edit_window_allows_no_edit(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client(edit_window_seconds=0)
    clock = Clock()
    _service(client).clock = clock
    comment = _post(client).json()
    clock.now += 0.5
    token = {"Authorization": f"Bearer {comment['edit_token']}"}
    late = client.patch(f"/api/comments/{comment['id']}", json={"text": "x"}, headers=token)
    assert late.status_code == 403


def test_replies_only_to_visible_parents_of_the_same_thread(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client()
    store = _service(client).store
    store.ensure_site("default")
    store.update_site_settings("default", {"reject_words": ["casino"]})
    spam = _post(client, text="casino").json()
    deleted = _post(client, text="à effacer").json()
    client.delete(
        f"/api/comments/{deleted['id']}",
        headers={"Authorization": f"Bearer {deleted['edit_token']}"},
    )
    for parent in (spam["id"], deleted["id"], 999_999):
        refused = _post(client, parent=parent)
        assert refused.status_code == 422, parent
        assert refused.json()["error"] == "parent_not_found"
    ok = _post(client, text="casino ok?", parent=spam["id"], uri="/b")
    assert ok.status_code == 422  # and never across threads


def test_shared_rate_limit_counts_per_reader_for_one_minute(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client(comments_per_minute=2)
    clock = Clock()
    _service(client).rate_limiter = MemoryRateLimiter(clock)
    assert [_post(client).status_code for _ in range(3)] == [201, 201, 429]
    other = make_sqlite_client(ip="192.0.2.99", comments_per_minute=2)
    _service(other).rate_limiter = _service(client).rate_limiter  # shared, like Redis
    assert _post(other).status_code == 201  # another reader has its own count
    clock.now += 59.5
    assert _post(client).status_code == 429
    clock.now += 0.6
    assert _post(client).status_code == 201


def test_a_limit_of_one_allows_one_comment_a_minute(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client(comments_per_minute=1)
    assert [_post(client).status_code for _ in range(2)] == [201, 429]


def test_anonymous_comments_take_the_sites_name_or_none(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client(allow_anonymous=True)
    plain = _post(client, author=None).json()
    assert plain["author"] in ("", None)
    named = make_sqlite_client(allow_anonymous=True, anonymous_name="Un lecteur")
    assert _post(named, author=None).json()["author"] == "Un lecteur"


def test_author_key_is_the_keyed_hash_of_the_address(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client()
    comment = _post(client, email="Lina@Example.org").json()
    stored = _service(client).store.comment(comment["id"])
    assert stored is not None
    assert stored.author_key == identity.author_key(TEST_SECRET, "lina@example.org", "Lina")
    assert stored.author_key != identity.author_key(TEST_SECRET, None, "Lina")


def test_an_edit_changes_name_and_website_and_is_announced(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client()
    comment = _post(client, website="https://lina.example").json()
    token = {"Authorization": f"Bearer {comment['edit_token']}"}
    events = _events(client)
    edited = client.patch(
        f"/api/comments/{comment['id']}",
        json={"text": "Corrigé", "author": "Lina B.", "website": "lina-b.example"},
        headers=token,
    )
    assert edited.status_code == 200, edited.text
    stored = _service(client).store.comment(comment["id"])
    assert stored is not None
    assert (stored.text, stored.author, stored.website) == (
        "Corrigé",
        "Lina B.",
        "https://lina-b.example",
    )
    assert [(e.kind, e.comment.id) for e in events] == [("edited", comment["id"])]
    kept = client.patch(f"/api/comments/{comment['id']}", json={"text": "Encore"}, headers=token)
    assert kept.status_code == 200
    stored = _service(client).store.comment(comment["id"])
    assert stored is not None and (stored.author, stored.website) == (
        "Lina B.",
        "https://lina-b.example",
    )
    for body, field in (
        ({"text": "x", "website": "javascript:alert(1)"}, "website"),
        ({"text": "x", "author": " "}, "author"),
        ({"text": "x", "author": "L" * 500}, "author"),
    ):
        refused = client.patch(f"/api/comments/{comment['id']}", json=body, headers=token)
        assert refused.status_code == 422 and refused.json()["field"] == field, body


def test_an_edit_into_spam_is_scored_like_a_check_of_the_edited_comment(
    make_sqlite_client: MakeClient,
) -> None:
    client = make_sqlite_client(spam_filter=True)
    comment = _post(client, text="Merci pour cet article très clair.").json()
    token = {"Authorization": f"Bearer {comment['edit_token']}"}
    text = "Buy cheap viagra online!!! Best prices casino bonus http://bit.ly/pills"
    edited = client.patch(
        f"/api/comments/{comment['id']}",
        json={"text": text, "author": "pills4u", "website": "http://bit.ly/cash"},
        headers=token,
    )
    assert edited.status_code == 200
    service = _service(client)
    expected = service.spam.check(
        CommentSample(
            content=text,
            author="pills4u",
            url="http://bit.ly/cash",
            site="default",
            site_languages=service.site_settings(service.site("default")).languages,
        )
    )
    stored = service.store.comment(comment["id"])
    assert stored is not None and stored.state.value == "spam"
    assert stored.spam_score == round(expected.score, 4)
    assert stored.spam_verdict == expected.verdict.value
    assert json.loads(stored.spam_reasons) == [
        {"code": r.code, "params": dict(r.params), "weight": r.weight} for r in expected.reasons
    ]
    assert expected.reasons  # so the comparison above compared something


class RecordingFilter(Filter):
    """The real filter, keeping what it was asked and what it answered."""

    def check(self, sample: CommentSample) -> SpamVerdict:
        """Classify as usual, and remember the sample and the verdict."""
        verdict = super().check(sample)
        self.seen = [*getattr(self, "seen", []), (sample, verdict)]
        return verdict


def test_a_new_comment_is_classified_on_everything_and_stored_whole(
    make_sqlite_client: MakeClient,
) -> None:
    client = make_sqlite_client(ip="203.0.113.77")
    service = _service(client)
    spam = RecordingFilter.load(remember_spam=False)
    service.spam = spam
    events = _events(client)
    agent = "Mozilla/5.0 " + "x" * 600
    body = {
        "uri": "/2026/tram",
        "text": "Bonne analyse du tramway.",
        "author": "Lina",
        "email": "Lina@Example.org",
        "website": "lina.example",
        "title": "Le tram",
        "notify": True,
        "lang": "fr",
        "hp": "",
        "elapsed": 12.5,
    }
    first = client.post("/api/comments", json=body, headers={"User-Agent": agent})
    assert first.status_code == 201, first.text
    sample, verdict = spam.seen[0]
    ip_hash = identity.hash_ip(TEST_SECRET, "203.0.113.77")
    assert sample == CommentSample(
        content="Bonne analyse du tramway.",
        author="Lina",
        email="Lina@Example.org",
        url="https://lina.example",
        lang="fr",
        site="default",
        permalink="/2026/tram",
        user_agent=agent,
        ip_hash=ip_hash,
        site_languages=("fr", "ar", "en"),
        honeypot_filled=False,
        seconds_to_submit=12.5,
        same_text_recent=0,
        author_rate_10min=0,
        article_title="Le tram",  # the post the comment is about (generic praise is not)
        spam_sensitivity="balanced",
    )
    stored = service.store.comment(first.json()["id"])
    assert stored is not None
    assert (stored.email, stored.website, stored.lang) == (
        "Lina@Example.org",
        "https://lina.example",
        "fr",
    )
    assert (stored.ip_hash, stored.ip_prefix) == (ip_hash, "203.0.113.0/24")
    assert stored.user_agent == agent[:512] and stored.notify is True
    assert stored.spam_score == round(verdict.score, 4)
    assert stored.spam_verdict == verdict.verdict.value
    assert service.store.thread_by_id(stored.thread_id).title == "Le tram"  # type: ignore[union-attr]
    assert [(e.kind, e.comment.id) for e in events] == [("created", stored.id)]
    # The same text again from the same reader: the filter is told so.
    again = {**body, "email": None, "website": None, "hp": "filled by a bot"}
    second = client.post("/api/comments", json=again, headers={"User-Agent": ""})
    sample, verdict = spam.seen[1]
    assert (sample.same_text_recent, sample.author_rate_10min) == (1, 1)
    assert (sample.email, sample.url, sample.user_agent) == ("", "", "")
    # The author is told "pending", never "spam": the filter is no oracle.
    assert sample.honeypot_filled is True and second.json()["state"] == "pending"
    stored = service.store.comment(second.json()["id"])
    assert stored is not None and stored.state.value == "spam"
    assert stored.notify is False and stored.user_agent is None
    assert stored.spam_verdict == verdict.verdict.value == "discard"
    assert json.loads(stored.spam_reasons) == [
        {"code": r.code, "params": dict(r.params), "weight": r.weight} for r in verdict.reasons
    ]
    assert verdict.reasons  # the honeypot is a reason
    service.store.ensure_site("sport")
    client.post("/api/comments", json={**body, "site": "sport", "text": "Sur le sport"})
    assert spam.seen[-1][0].site == "sport"


def test_a_comment_without_a_known_reader_address(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client()
    service = _service(client)
    spam = RecordingFilter.load(remember_spam=False)
    service.spam = spam
    comment, _ = service.create(None, CommentInput(uri="/a", text="Bonjour", author="A"), Reader())
    assert (comment.ip_hash, comment.ip_prefix) == (None, None)
    assert spam.seen[0][0].ip_hash == ""


def test_comments_go_to_the_site_they_name_and_blocks_apply(
    make_sqlite_client: MakeClient,
) -> None:
    client = make_sqlite_client()
    service = _service(client)
    sport = service.store.ensure_site("sport")
    posted = _post(client, site="sport").json()
    stored = service.store.comment(posted["id"])
    assert stored is not None
    assert service.store.thread_by_id(stored.thread_id).site_id == sport.id  # type: ignore[union-attr]
    unknown = _post(client, site="nowhere")
    assert unknown.status_code == 404 and unknown.json()["error"] == "site_not_found"
    blocks = client.app.state.runtime.moderation.store  # type: ignore[attr-defined]
    blocks.add_block(site_id=sport.id, kind="email", value="t@x.example", created_by="t")
    by_mail = _post(client, site="sport", email="T@x.example")
    assert by_mail.status_code == 403 and by_mail.json()["error"] == "author_blocked"
    blocks.add_block(site_id=sport.id, kind="ip_range", value="203.0.113.0/24", created_by="t")
    by_ip = _post(client, site="sport")
    assert by_ip.status_code == 403
    assert _post(client).status_code == 201  # blocks are per site


def test_an_edit_is_checked_as_the_comment_it_becomes(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client()
    service = _service(client)
    store = service.store
    store.ensure_site("default")
    store.update_site_settings("default", {"languages": ["fr"]})
    comment = _post(client, website="lina.example").json()
    # Every edit counts as spam here, so that its score and reasons are stored.
    spam = RecordingFilter.load(spam_threshold=1e-9, remember_spam=False)
    service.spam = spam
    token = {"Authorization": f"Bearer {comment['edit_token']}"}
    edited = client.patch(
        f"/api/comments/{comment['id']}", json={"text": "Bonjour à tous"}, headers=token
    )
    assert edited.status_code == 200, edited.text
    sample, verdict = spam.seen[-1]
    assert sample == CommentSample(
        content="Bonjour à tous",
        author="Lina",
        url="https://lina.example",
        site="default",
        site_languages=("fr",),
        spam_sensitivity="balanced",
    )
    stored = store.comment(comment["id"])
    assert stored is not None and stored.state.value == "spam"
    assert stored.spam_score == round(verdict.score, 4) > 0
    renamed = client.patch(
        f"/api/comments/{comment['id']}", json={"text": "Salut", "author": "Lina B."}, headers=token
    )
    assert renamed.status_code == 200 and spam.seen[-1][0].author == "Lina B."
    store.ensure_site("sport")
    other = _post(client, site="sport").json()  # no website, on another site
    client.patch(
        f"/api/comments/{other['id']}",
        json={"text": "Sport"},
        headers={"Authorization": f"Bearer {other['edit_token']}"},
    )
    assert (spam.seen[-1][0].site, spam.seen[-1][0].url) == ("sport", "")


def test_an_edit_follows_the_sites_own_settings(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client(edit_window_seconds=900)
    service = _service(client)
    clock = Clock()
    service.clock = clock
    store = service.store
    store.ensure_site("default")
    store.update_site_settings(
        "default",
        {
            "edit_window_seconds": 5,
            "max_comment_length": 20,
            "allow_anonymous": True,
            "anonymous_name": "Anonyme",
        },
    )
    comment = _post(client).json()
    token = {"Authorization": f"Bearer {comment['edit_token']}"}
    url = f"/api/comments/{comment['id']}"
    too_long = client.patch(url, json={"text": "x" * 21}, headers=token)
    assert too_long.status_code == 422
    nameless = client.patch(url, json={"text": "Court", "author": ""}, headers=token)
    assert nameless.status_code == 200, nameless.text
    stored = store.comment(comment["id"])
    assert stored is not None and stored.author == "Anonyme"
    clock.now += 6
    late = client.patch(url, json={"text": "Trop tard"}, headers=token)
    assert late.status_code == 403 and late.json()["error"] == "edit_window_closed"
