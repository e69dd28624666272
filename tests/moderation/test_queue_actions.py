"""Queues, search and every moderator action, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from tests.conftest import set_comment_columns
from tests.moderation.conftest import Moderator, post, public_ids


def _store(mod: Moderator):  # type: ignore[no-untyped-def]
    return mod.client.app.state.runtime.store  # type: ignore[attr-defined]


def test_pending_queue_newest_first_with_paging_and_search(admin: Moderator) -> None:
    client = admin.client
    ids = [post(client, f"Commentaire numéro {i}")["id"] for i in range(5)]
    post(client, "Un autre avis", author="Karim", email="karim@mail.example")
    page = admin.get("/comments", params={"state": "pending", "limit": 3}).json()
    assert page["total"] == 6
    assert [c["id"] for c in page["comments"]][1:] == ids[::-1][:2]
    second = admin.get("/comments", params={"limit": 3, "offset": 3}).json()
    assert [c["id"] for c in second["comments"]] == ids[::-1][2:]
    found = admin.get("/comments", params={"q": "NUMÉRO 3"}).json()["comments"]
    assert [c["id"] for c in found] == [ids[3]]
    assert admin.get("/comments", params={"author": "kar"}).json()["total"] == 1
    assert admin.get("/comments", params={"email": "karim@"}).json()["total"] == 1
    assert admin.get("/comments", params={"ip": "203.0.113."}).json()["total"] == 6
    assert admin.get("/comments", params={"ip": "198.51."}).json()["total"] == 0
    assert admin.get("/comments", params={"q": "100%_"}).json()["total"] == 0
    thread = page["comments"][0]["thread_id"]
    assert admin.get("/comments", params={"thread": thread}).json()["total"] == 6
    bad = admin.get("/comments", params={"state": "nope"})
    assert bad.status_code == 422 and bad.json()["field"] == "state"


def test_spam_queue_shows_score_and_localized_reasons(admin: Moderator) -> None:
    comment = post(admin.client, "Gagnez de l'argent vite bit.ly/x")
    reasons = [
        {"code": "link_shortener", "params": {"count": 2, "domain": "bit.ly"}, "weight": 1.2}
    ]
    set_comment_columns(
        _store(admin).engine,
        comment["id"],
        state="spam",
        spam_verdict="spam",
        spam_score=0.97,
        spam_reasons=json.dumps(reasons),
    )
    item = admin.get("/comments", params={"state": "spam", "lang": "fr"}).json()["comments"][0]
    assert item["spam_score"] == 0.97
    assert item["reasons"][0]["text"] == "2 lien(s) vers un raccourcisseur d'URL (bit.ly)"
    arabic = admin.get("/comments", params={"state": "spam", "lang": "ar"}).json()["comments"][0]
    assert "bit.ly" in arabic["reasons"][0]["text"] and "رابط" in arabic["reasons"][0]["text"]


def test_approve_shows_in_the_public_thread_and_spam_removes_it(admin: Moderator) -> None:
    client = admin.client
    held = post(client, "Très bon article")["id"]
    assert public_ids(client) == []  # also fills the thread cache
    assert admin.act("approve", held).json()["updated"] == [
        {"id": held, "state": "approved", "pinned": False, "featured": False, "reports_open": 0}
    ]
    assert public_ids(client) == [held]
    assert admin.act("spam", held).is_success
    assert public_ids(client) == []
    assert admin.get("/comments", params={"state": "spam"}).json()["total"] == 1
    assert admin.act("not_spam", held).is_success
    assert public_ids(client) == [held]
    assert admin.act("delete", held).is_success
    assert public_ids(client) == []
    assert admin.get("/comments", params={"state": "deleted"}).json()["comments"][0]["id"] == held


def test_bulk_actions_and_undo_of_the_whole_selection(admin: Moderator) -> None:
    client = admin.client
    ids = [post(client, f"Avis {i}")["id"] for i in range(4)]
    assert len(admin.act("approve", *ids[:3]).json()["updated"]) == 3
    assert admin.act("pin", ids[0]).is_success
    assert client.get("/api/comments", params={"uri": "/article"}).json()["comments"][0]["pinned"]
    undone = admin.send("POST", "/undo").json()
    assert undone == {"undone": "pin", "comments": [ids[0]]}
    undone = admin.send("POST", "/undo").json()
    assert undone["undone"] == "approve" and sorted(undone["comments"]) == ids[:3]
    assert public_ids(client) == []
    assert admin.get("/comments").json()["total"] == 4
    assert admin.send("POST", "/undo").status_code == 409
    too_many = admin.act("approve", *range(1, 300))
    assert too_many.status_code == 422 and too_many.json()["field"] == "ids"
    unknown = admin.act("frobnicate", ids[0])
    assert unknown.status_code == 422 and unknown.json()["field"] == "action"
    assert admin.act("approve", 999_999).status_code == 404


def test_edit_reply_as_site_and_close_thread(admin: Moderator) -> None:
    client = admin.client
    first = post(client, "Premier jet")["id"]
    admin.act("approve", first)
    edited = admin.send("PATCH", f"/comments/{first}", {"text": "Texte **corrigé**"}).json()
    assert edited["html"] == "<p>Texte <strong>corrigé</strong></p>"
    reply = admin.send("POST", f"/comments/{first}/reply", {"text": "Merci !"})
    assert reply.status_code == 201
    thread = client.get("/api/comments", params={"uri": "/article"}).json()
    node = thread["comments"][0]["replies"][0]
    assert node["by_site"] is True and node["id"] == reply.json()["id"]
    empty = admin.send("POST", f"/comments/{first}/reply", {"text": "  "})
    assert empty.status_code == 422 and empty.json()["error"] == "text_required"
    thread_id = admin.get("/comments", params={"state": "approved"}).json()["comments"][0][
        "thread_id"
    ]
    assert admin.send("POST", f"/threads/{thread_id}/close", {"closed": True}).json()["closed"]
    refused = client.post("/api/comments", json={"uri": "/article", "author": "A", "text": "?"})
    assert refused.status_code == 403 and refused.json()["error"] == "thread_closed"
    assert admin.send("POST", "/undo").json()["undone"] == "close"
    post(client, "La discussion est rouverte")
    assert admin.send("POST", "/undo").json()["undone"] == "reply"
    assert public_ids(client) == [first]


def test_audit_log_says_who_did_what(admin: Moderator) -> None:
    held = post(admin.client, "À modérer")["id"]
    admin.act("approve", held)
    admin.send("POST", "/undo")
    entries = admin.get("/audit").json()["entries"]
    assert [(e["action"], e["actor"], e["undone"]) for e in entries] == [
        ("undo", "admin@news.example", False),
        ("approve", "admin@news.example", True),
    ]
    assert entries[1]["comment_id"] == held and entries[1]["site"] == "default"


def test_decisions_teach_the_sites_filter(make_client) -> None:  # type: ignore[no-untyped-def]
    from tests.moderation.conftest import add_user, login

    client: TestClient = make_client(moderation="hold_all", spam_filter=True)
    add_user(client, "admin@news.example", "admin")
    admin = login(client, "admin@news.example")
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    ham = post(client, "Article très clair sur le tramway, merci")["id"]
    set_comment_columns(runtime.engine, ham, spam_verdict="spam", state="spam")
    admin.act("approve", ham)  # approving what the filter called spam: a not-spam lesson
    missed = post(client, "Bon article")["id"]
    admin.act("spam", missed)
    admin.act("approve", post(client, "Rien à signaler")["id"])  # plain approval: no lesson
    learned = runtime.spam.log.since(0)
    assert [(e.is_spam, e.source, e.sample.content) for e in learned] == [
        (False, "moderator", "Article très clair sur le tramway, merci"),
        (True, "moderator", "Bon article"),
    ]
    assert learned[0].sample.permalink == "/article" and learned[0].sample.site == "default"
    assert runtime.spam.site_decisions("default") == 2
    overview = admin.get("/overview").json()
    assert overview["decisions"] == {
        "true_positives": 0,
        "false_positives": 1,
        "false_negatives": 1,
    }
    assert overview["precision"] == 0.0 and overview["recall"] == 0.0
    assert admin.send("POST", "/undo").json()["undone"] == "approve"  # taught nothing
    assert [e.is_spam for e in runtime.spam.log.since(0)] == [False, True]
    # Undoing the spam decision: an opposite lesson, and the decision is forgotten.
    assert admin.send("POST", "/undo").json()["undone"] == "spam"
    assert [e.is_spam for e in runtime.spam.log.since(0)] == [False, True, False]
    assert admin.get("/overview").json()["decisions"]["false_negatives"] == 0
