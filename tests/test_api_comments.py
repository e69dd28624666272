"""The public comment API, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import MakeClient

URI = "/2026/11/tramway-casablanca"


def post(client: TestClient, **fields: Any) -> dict[str, Any]:
    """Post a comment and return the body, asserting it was accepted."""
    payload = {"uri": URI, "text": "Un commentaire", "author": "Samira", **fields}
    response = client.post("/api/comments", json=payload)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def read(client: TestClient, **params: Any) -> dict[str, Any]:
    """Read a thread page."""
    response = client.get("/api/comments", params={"uri": URI, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_replies_nest_under_their_parents(client: TestClient) -> None:
    first = post(client, text="Premier")
    second = post(client, text="Second")
    reply = post(client, text="Réponse au premier", parent=first["id"])
    deep = post(client, text="Réponse à la réponse", parent=reply["id"])

    thread = read(client)

    assert thread["total"] == 4
    assert [c["id"] for c in thread["comments"]] == [first["id"], second["id"]]
    (child,) = thread["comments"][0]["replies"]
    assert child["id"] == reply["id"]
    assert child["parent"] == first["id"]
    assert [c["id"] for c in child["replies"]] == [deep["id"]]
    assert thread["comments"][1]["replies"] == []


def test_reply_to_another_thread_is_refused(client: TestClient) -> None:
    other = post(client, uri="/autre-article")
    response = client.post(
        "/api/comments", json={"uri": URI, "text": "x", "author": "A", "parent": other["id"]}
    )
    assert response.status_code == 422
    assert response.json()["error"] == "parent_not_found"


def test_sorting_newest_and_top(client: TestClient) -> None:
    a = post(client, text="A")
    b = post(client, text="B")
    c = post(client, text="C")
    assert client.post(f"/api/comments/{b['id']}/vote", json={"value": 1}).status_code == 200

    assert [x["id"] for x in read(client, sort="newest")["comments"]] == [c["id"], b["id"], a["id"]]
    assert [x["id"] for x in read(client, sort="top")["comments"]] == [b["id"], a["id"], c["id"]]


def test_sort_and_limit_are_validated(client: TestClient) -> None:
    assert client.get("/api/comments", params={"uri": URI, "sort": "random"}).status_code == 422
    assert client.get("/api/comments", params={"uri": URI, "limit": 0}).status_code == 422
    assert client.get("/api/comments", params={"uri": URI, "limit": 201}).status_code == 422
    assert client.get("/api/comments", params={"uri": URI, "limit": 200}).status_code == 200
    bad = client.get("/api/comments", params={"uri": URI, "cursor": "garbage!"})
    assert bad.status_code == 422
    assert bad.json()["error"] == "cursor_invalid"


def test_unknown_thread_reads_as_empty(client: TestClient) -> None:
    body = read(client, uri="/jamais-commente")
    assert body == {
        "uri": "/jamais-commente",
        "total": 0,
        "sort": "oldest",
        "comments": [],
        "next": None,
        # The newsroom desk's fields: no pick, open, no pre-moderation.
        "featured": [],
        "closed": None,
        "closes_at": None,
        "premod": False,
    }


def test_etag_gives_304_until_the_thread_changes(client: TestClient) -> None:
    post(client)
    first = client.get("/api/comments", params={"uri": URI})
    etag = first.headers["etag"]
    again = client.get("/api/comments", params={"uri": URI}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    post(client, text="Nouveau")
    changed = client.get("/api/comments", params={"uri": URI}, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json()["total"] == 2


def test_edit_and_delete_with_the_token(client: TestClient) -> None:
    comment = post(client, text="Texte initial")
    auth = {"Authorization": f"Bearer {comment['edit_token']}"}

    edited = client.patch(
        f"/api/comments/{comment['id']}", json={"text": "Texte **corrigé**"}, headers=auth
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["html"] == "<p>Texte <strong>corrigé</strong></p>"
    assert edited.json()["modified"] is not None

    forged = {"Authorization": f"Bearer {comment['id']}.forged"}
    assert (
        client.patch(
            f"/api/comments/{comment['id']}", json={"text": "x"}, headers=forged
        ).status_code
        == 403
    )
    assert client.delete(f"/api/comments/{comment['id']}").status_code == 403

    deleted = client.delete(f"/api/comments/{comment['id']}", headers=auth)
    assert deleted.status_code == 200
    assert read(client)["comments"] == []


def test_token_of_one_comment_does_not_open_another(client: TestClient) -> None:
    mine = post(client)
    theirs = post(client, author="Karim")
    auth = {"Authorization": f"Bearer {mine['edit_token']}"}
    response = client.delete(f"/api/comments/{theirs['id']}", headers=auth)
    assert response.status_code == 403
    assert response.json()["error"] == "token_invalid"


def test_deleted_comment_with_replies_keeps_its_place(client: TestClient) -> None:
    parent = post(client, text="Parent", author="Samira", email="samira@example.org")
    reply = post(client, text="Enfant", parent=parent["id"])
    auth = {"Authorization": f"Bearer {parent['edit_token']}"}
    assert client.delete(f"/api/comments/{parent['id']}", headers=auth).status_code == 200

    (placeholder,) = read(client)["comments"]
    assert placeholder["state"] == "deleted"
    assert placeholder["author"] is None and placeholder["html"] == ""
    assert placeholder["replies"][0]["id"] == reply["id"]
    record = client.app.state.runtime.store.comment(parent["id"])  # type: ignore[attr-defined]
    assert record.email is None and record.text == "" and record.author == ""


def test_edit_window_expires(client: TestClient) -> None:
    service = client.app.state.runtime.comments  # type: ignore[attr-defined]
    now = [1_800_000_000.0]
    service.clock = lambda: now[0]
    comment = post(client)
    auth = {"Authorization": f"Bearer {comment['edit_token']}"}
    now[0] += 899
    assert (
        client.patch(
            f"/api/comments/{comment['id']}", json={"text": "ok"}, headers=auth
        ).status_code
        == 200
    )
    now[0] += 2
    late = client.patch(f"/api/comments/{comment['id']}", json={"text": "trop tard"}, headers=auth)
    assert late.status_code == 403
    assert late.json()["error"] == "edit_window_closed"
    assert client.delete(f"/api/comments/{comment['id']}", headers=auth).status_code == 403


def test_vote_once_per_reader(make_client: MakeClient) -> None:
    alice = make_client(ip="198.51.100.1")
    comment = post(alice)
    first = alice.post(f"/api/comments/{comment['id']}/vote", json={"value": 1})
    assert first.json() == {"id": comment["id"], "likes": 1, "dislikes": 0}
    again = alice.post(f"/api/comments/{comment['id']}/vote", json={"value": -1})
    assert again.status_code == 409
    assert again.json()["error"] == "already_voted"

    bob = make_client(ip="198.51.100.2")
    assert (
        bob.post(f"/api/comments/{comment['id']}/vote", json={"value": -1}).json()["dislikes"] == 1
    )
    assert bob.post(f"/api/comments/{comment['id']}/vote", json={"value": 2}).status_code == 422
    assert bob.post("/api/comments/999999/vote", json={"value": 1}).status_code == 404
    top = read(bob)["comments"][0]
    assert (top["likes"], top["dislikes"]) == (1, 1)


def test_counts_for_listing_pages(client: TestClient) -> None:
    post(client)
    post(client)
    post(client, uri="/autre")
    response = client.get("/api/counts", params=[("uri", URI), ("uri", "/autre"), ("uri", "/vide")])
    assert response.json() == {"counts": {URI: 2, "/autre": 1, "/vide": 0}}


def test_preview_renders_safe_markdown(client: TestClient) -> None:
    response = client.post("/api/preview", json={"text": "*hé* <b>x</b>"})
    assert response.json()["html"] == "<p><em>hé</em> &lt;b&gt;x&lt;/b&gt;</p>"


def test_hold_all_shows_only_the_authors_own_pending_comment(make_client: MakeClient) -> None:
    client = make_client(moderation="hold_all")
    mine = post(client)
    assert mine["state"] == "pending"
    assert read(client)["comments"] == []
    own = client.get(
        "/api/comments", params={"uri": URI}, headers={"X-Causerie-Tokens": mine["edit_token"]}
    )
    assert [c["id"] for c in own.json()["comments"]] == [mine["id"]]
    assert own.json()["comments"][0]["state"] == "pending"
    assert own.headers["cache-control"] == "private, no-store"
    assert read(client)["total"] == 0


def test_hold_first_releases_returning_authors(make_client: MakeClient) -> None:
    client = make_client(moderation="hold_first")
    first = post(client, email="samira@example.org")
    assert first["state"] == "pending"
    store = client.app.state.runtime.store  # type: ignore[attr-defined]
    from causerie.store.schema import CommentState

    store.set_state(first["id"], CommentState.APPROVED)
    assert post(client, email="SAMIRA@example.org")["state"] == "approved"
    assert post(client, author="Nouveau", email="new@example.org")["state"] == "pending"


def test_closed_thread_refuses_comments(client: TestClient) -> None:
    comment = post(client)
    store = client.app.state.runtime.store  # type: ignore[attr-defined]
    store.set_thread_closed(store.comment(comment["id"]).thread_id, True)
    response = client.post("/api/comments", json={"uri": URI, "text": "x", "author": "A"})
    assert response.status_code == 403
    assert response.json()["error"] == "thread_closed"


def test_anonymous_comments_when_allowed(make_client: MakeClient) -> None:
    strict = make_client()
    assert (
        strict.post("/api/comments", json={"uri": URI, "text": "x"}).json()["error"]
        == "author_required"
    )
    lenient = make_client(allow_anonymous=True, anonymous_name="Anonyme")
    assert post(lenient, author=None)["author"] == "Anonyme"


def test_rate_limit_per_reader(make_client: MakeClient) -> None:
    client = make_client(comments_per_minute=2)
    post(client)
    post(client)
    limited = client.post("/api/comments", json={"uri": URI, "text": "x", "author": "A"})
    assert limited.status_code == 429
    assert limited.json()["error"] == "rate_limited"
    assert limited.headers["retry-after"] == "60"


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"email": "pas-une-adresse"}, "email_invalid"),
        ({"website": "javascript:alert(1)"}, "website_invalid"),
        ({"website": "ftp://example.org"}, "website_invalid"),
        ({"text": "x" * 10_001}, "text_too_long"),
        ({"author": "n" * 81}, "author_too_long"),
        ({"uri": "relative/path"}, "uri_invalid"),
        ({"parent": 424242}, "parent_not_found"),
    ],
)
def test_bad_fields_are_named(client: TestClient, fields: dict[str, Any], error: str) -> None:
    payload = {"uri": URI, "text": "Bonjour", "author": "Samira", **fields}
    response = client.post("/api/comments", json=payload)
    assert response.status_code == 422
    assert response.json()["error"] == error
    assert response.json()["field"] in fields


def test_website_without_scheme_gets_https(client: TestClient) -> None:
    assert post(client, website="blog.example.ma")["website"] == "https://blog.example.ma"


def test_unknown_site_is_a_404(client: TestClient) -> None:
    response = client.get("/api/comments", params={"uri": URI, "site": "inconnu"})
    assert response.status_code == 404
    assert response.json()["error"] == "site_not_found"


def test_cached_reads_answer_exactly_as_the_endpoint(client: TestClient) -> None:
    post(client, text="Premier")
    computed = client.get("/api/comments", params={"uri": URI, "sort": "NEWEST", "limit": 20})
    cached = client.get("/api/comments", params={"uri": URI, "sort": "newest", "limit": "20"})
    assert cached.content == computed.content
    assert cached.headers["etag"] == computed.headers["etag"]
    assert cached.headers["cache-control"] == computed.headers["cache-control"]
    # Parameters the endpoint rejects are never answered from the cache.
    assert client.get("/api/comments", params={"uri": URI, "limit": 500}).status_code == 422
    assert client.get("/api/comments", params={"uri": URI, "sort": "best"}).status_code == 422
