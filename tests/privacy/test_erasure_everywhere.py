"""Erasure reaches every table that holds a reader's data, and undo cannot bring it back.

The reader's comment is edited by a moderator (the audit log keeps the old
text for undo), her address is blocked, she subscribed to replies and a
moderator's decision put her comment into the learning log. Erasing her
address must leave none of it, keep the block working (by a keyed hash), and
an undo of the moderator's edit afterwards must not write her text back.
"""

from __future__ import annotations

from starlette.testclient import TestClient

from causerie.store.schema import CommentState
from tests.conftest import MakeClient
from tests.moderation.conftest import Moderator, add_user, login
from tests.privacy.helpers import dump_database, engine, post, service, sqlite_bytes

SAMIRA = "samira.benali@example.org"
ORIGINAL = "Le maire ment sur le budget du tramway"
TRACES = ("samira.benali", "samira benali", "le maire ment")


def _edited_and_blocked(client: TestClient) -> tuple[Moderator, int]:
    add_user(client, "admin@news.example", "admin")
    admin = login(client, "admin@news.example")
    mine = post(client, author="Samira Benali", email=SAMIRA, text=ORIGINAL, notify=True)
    post(client, author="Karim", text="Un autre avis sur le tram")
    assert admin.act("spam", mine["id"]).status_code == 200  # teaches the filter
    assert admin.act("not_spam", mine["id"]).status_code == 200
    edited = admin.send("PATCH", f"/comments/{mine['id']}", {"text": "[modéré]"})
    assert edited.status_code == 200
    blocked = admin.send("POST", f"/comments/{mine['id']}/block", {"by": "email", "days": 0})
    assert blocked.status_code == 201 and blocked.json()["value"] == SAMIRA
    return admin, mine["id"]


def test_erasure_leaves_nothing_in_audit_log_blocks_or_learning(make_client: MakeClient) -> None:
    client = make_client()
    _, comment_id = _edited_and_blocked(client)
    db = engine(client)
    before = dump_database(db)
    assert all(trace in before for trace in TRACES)  # the set-up put them everywhere
    service(client).erase(SAMIRA)
    dump = dump_database(db)
    for trace in TRACES:
        assert trace not in dump, [line for line in dump.splitlines() if trace in line]
    if db.dialect.name == "sqlite":
        raw = sqlite_bytes(db).lower()
        assert all(trace.encode() not in raw for trace in TRACES)
    assert "un autre avis" in dump  # others' comments stay
    assert service(client).store.comment(comment_id).state is CommentState.DELETED  # type: ignore[union-attr]


def test_the_block_survives_erasure_as_a_keyed_hash(make_client: MakeClient) -> None:
    client = make_client()
    admin, _ = _edited_and_blocked(client)
    service(client).erase(SAMIRA)
    blocks = admin.get("/blocks").json()["blocks"]
    assert [b["kind"] for b in blocks] == ["email_hash"]
    assert SAMIRA not in str(blocks)
    again = client.post(
        "/api/comments",
        json={"uri": "/2026/tram", "text": "Je reviens", "author": "S.", "email": SAMIRA.upper()},
    )
    assert again.status_code == 403 and again.json()["error"] == "author_blocked"
    other = client.post(
        "/api/comments",
        json={"uri": "/2026/tram", "text": "Bonjour", "author": "K", "email": "k@example.net"},
    )
    assert other.status_code == 201


def test_undo_after_erasure_does_not_restore_the_text(make_client: MakeClient) -> None:
    client = make_client()
    admin, comment_id = _edited_and_blocked(client)
    service(client).erase(SAMIRA)
    assert admin.send("POST", "/undo").json()["undone"] == "block"
    assert admin.send("POST", "/undo").json()["undone"] == "edit"
    comment = service(client).store.comment(comment_id)
    assert comment is not None
    assert comment.state is CommentState.DELETED
    assert (comment.text, comment.html, comment.author) == ("", "", "")
    assert all(trace not in dump_database(engine(client)) for trace in TRACES)


def test_a_readers_own_deletion_cannot_be_undone_either(make_client: MakeClient) -> None:
    client = make_client()
    add_user(client, "admin@news.example", "admin")
    admin = login(client, "admin@news.example")
    mine = post(client, author="Samira Benali", text=ORIGINAL)
    assert admin.send("PATCH", f"/comments/{mine['id']}", {"text": "[modéré]"}).status_code == 200
    deleted = client.delete(
        f"/api/comments/{mine['id']}", headers={"Authorization": f"Bearer {mine['edit_token']}"}
    )
    assert deleted.status_code == 200, deleted.text
    assert admin.send("POST", "/undo").status_code == 200
    comment = service(client).store.comment(mine["id"])
    assert comment is not None and comment.state is CommentState.DELETED and comment.text == ""
    assert "le maire ment" not in dump_database(engine(client))


def test_erasure_by_edit_token_clears_the_audit_log_too(make_client: MakeClient) -> None:
    client = make_client()
    add_user(client, "admin@news.example", "admin")
    admin = login(client, "admin@news.example")
    mine = post(client, author="Samira Benali", text=ORIGINAL)
    assert admin.send("PATCH", f"/comments/{mine['id']}", {"text": "[modéré]"}).status_code == 200
    erased = client.post("/api/privacy/erase", json={"edit_token": mine["edit_token"]})
    assert erased.status_code == 200
    assert "le maire ment" not in dump_database(engine(client))
