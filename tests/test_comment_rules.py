"""Comment rules that had no test of their own: word lists, votes, edits into spam."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from causerie.store.schema import CommentState
from tests.conftest import MakeClient

SPAM_EDIT = (
    "Buy cheap viagra online!!! Best prices http://bit.ly/pills casino bonus, "
    "WhatsApp +1 555 0100 http://bit.ly/cash"
)


def _post(client: TestClient, text: str) -> dict[str, Any]:
    response = client.post("/api/comments", json={"uri": "/a", "author": "Lina", "text": text})
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def _site_words(client: TestClient, **settings: Any) -> None:
    store = client.app.state.runtime.store  # type: ignore[attr-defined]
    store.ensure_site("default")
    store.update_site_settings("default", settings)


def _state(client: TestClient, comment_id: int) -> CommentState:
    comment = client.app.state.runtime.store.comment(comment_id)  # type: ignore[attr-defined]
    assert comment is not None
    state: CommentState = comment.state
    return state


def test_hold_words_hold_a_comment_without_hold_all(make_client: MakeClient) -> None:
    client = make_client(moderation="publish")
    _site_words(client, hold_words=["tramway"])
    held = _post(client, "Le TRAMWAY est encore en retard")
    published = _post(client, "Le bus est encore en retard")
    assert (held["state"], published["state"]) == ("pending", "approved")


def test_reject_words_send_a_comment_to_spam(make_client: MakeClient) -> None:
    client = make_client(moderation="publish")
    _site_words(client, reject_words=["casino"], hold_words=["casino", "loto"])
    rejected = _post(client, "Le Casino du coin recrute")
    held = _post(client, "Le loto du quartier")
    kept = _post(client, "La fête du quartier")
    # The author of a rejected comment is told "pending" (no oracle); it is spam.
    assert [rejected["state"], held["state"], kept["state"]] == ["pending", "pending", "approved"]
    assert _state(client, rejected["id"]) is CommentState.SPAM
    assert _state(client, held["id"]) is CommentState.PENDING
    listed = client.get("/api/comments", params={"uri": "/a"}).json()
    assert [c["id"] for c in listed["comments"]] == [kept["id"]]


def test_only_approved_comments_take_votes(make_client: MakeClient) -> None:
    client = make_client(moderation="publish")
    _site_words(client, hold_words=["attente"], reject_words=["casino"])
    pending = _post(client, "En attente de modération")
    spam = _post(client, "Casino en ligne")
    approved = _post(client, "Un avis publié")
    deleted = _post(client, "Un avis retiré")
    gone = client.delete(
        f"/api/comments/{deleted['id']}",
        headers={"Authorization": f"Bearer {deleted['edit_token']}"},
    )
    assert gone.status_code == 200
    for comment in (pending, spam, deleted):
        vote = client.post(f"/api/comments/{comment['id']}/vote", json={"value": 1})
        assert vote.status_code == 404, comment
        assert vote.json()["error"] == "comment_not_found"
    ok = client.post(f"/api/comments/{approved['id']}/vote", json={"value": 1})
    assert ok.status_code == 200 and ok.json()["likes"] == 1
    row = client.app.state.runtime.store.comment(pending["id"])  # type: ignore[attr-defined]
    assert row is not None and row.likes == 0


def test_an_edit_into_spam_takes_the_comment_off_the_page(make_client: MakeClient) -> None:
    client = make_client(moderation="publish", spam_filter=True)
    comment = _post(client, "Merci pour cet article très clair sur le tramway.")
    assert comment["state"] == "approved"
    bearer = {"Authorization": f"Bearer {comment['edit_token']}"}
    fine = client.patch(
        f"/api/comments/{comment['id']}",
        json={"text": "Merci, article très clair."},
        headers=bearer,
    )
    assert fine.status_code == 200 and _state(client, comment["id"]) is CommentState.APPROVED
    edited = client.patch(
        f"/api/comments/{comment['id']}", json={"text": SPAM_EDIT}, headers=bearer
    )
    assert edited.status_code == 200, edited.text
    assert _state(client, comment["id"]) is CommentState.SPAM
    row = client.app.state.runtime.store.comment(comment["id"])  # type: ignore[attr-defined]
    assert row is not None and row.spam_verdict != "ham" and row.spam_reasons != "[]"
    assert client.get("/api/comments", params={"uri": "/a"}).json()["total"] == 0
