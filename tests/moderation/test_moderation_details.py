"""Moderation details that mutation testing showed untested: replies, threads, blocks, events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from causerie.core import identity
from causerie.core.comments import ChangeEvent
from tests.conftest import TEST_SECRET
from tests.moderation.conftest import Moderator, add_user, login, post

Make = Callable[..., TestClient]


def _admin(make: Make, **overrides: object) -> Moderator:
    client = make(**overrides)
    add_user(client, "admin@news.example", "admin")
    return login(client, "admin@news.example")


def _events(client: TestClient) -> list[ChangeEvent]:
    seen: list[ChangeEvent] = []
    client.app.state.runtime.comments.listeners.append(seen.append)  # type: ignore[attr-defined]
    return seen


def _audit(admin: Moderator) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = admin.get("/audit").json()["entries"]
    return entries


def test_a_reply_in_the_sites_name(make_sqlite_client: Make) -> None:
    admin = _admin(make_sqlite_client)
    store = admin.client.app.state.runtime.store  # type: ignore[attr-defined]
    parent = post(admin.client, "Une question", title="Le tram")["id"]
    events = _events(admin.client)
    reply = admin.send("POST", f"/comments/{parent}/reply", {"text": "Merci !"})
    assert reply.status_code in (200, 201), reply.text
    stored = store.comment(reply.json()["id"])
    assert stored.by_site and stored.author == "default" and stored.parent_id == parent
    assert store.thread_by_id(stored.thread_id).title == "Le tram"
    assert [(e.kind, e.comment.id) for e in events] == [("created", stored.id)]
    (entry,) = [e for e in _audit(admin) if e["action"] == "reply"]
    assert (entry["site"], entry["thread_id"], entry["comment_id"]) == (
        "default",
        stored.thread_id,
        stored.id,
    )
    assert len(entry["batch"]) == 16
    store.ensure_site("news", title="Le Journal")
    on_news = post(admin.client, "Question", site="news")["id"]
    titled = admin.send("POST", f"/comments/{on_news}/reply", {"text": "Réponse"})
    assert store.comment(titled.json()["id"]).author == "Le Journal"


def test_no_reply_to_spam_or_deleted_comments(make_sqlite_client: Make) -> None:
    admin = _admin(make_sqlite_client)
    spam = post(admin.client, "Pub")["id"]
    gone = post(admin.client, "Retiré")["id"]
    assert admin.act("spam", spam).status_code == 200
    assert admin.act("delete", gone).status_code == 200
    for target in (spam, gone):
        refused = admin.send("POST", f"/comments/{target}/reply", {"text": "Non"})
        assert refused.status_code == 422
        assert (refused.json()["error"], refused.json()["field"]) == ("parent_not_found", "parent")


def test_closing_and_opening_a_thread(make_sqlite_client: Make) -> None:
    admin = _admin(make_sqlite_client)
    store = admin.client.app.state.runtime.store  # type: ignore[attr-defined]
    older = post(admin.client, "Ancien")["id"]
    newer = post(admin.client, "Récent")["id"]
    thread_id = store.comment(older).thread_id
    events = _events(admin.client)
    closed = admin.send("POST", f"/threads/{thread_id}/close", {"closed": True})
    assert closed.status_code == 200 and closed.json() == {"id": thread_id, "closed": True}
    # Listeners hear of it through one approved comment of the thread: the newest.
    assert [(e.kind, e.thread_id, e.comment.id) for e in events] == [
        ("moderated", thread_id, newer)
    ]
    opened = admin.send("POST", f"/threads/{thread_id}/close", {"closed": False})
    assert opened.json()["closed"] is False
    actions = [(e["action"], e["site"], e["thread_id"]) for e in _audit(admin)[:2]]
    assert actions == [("open", "default", thread_id), ("close", "default", thread_id)]
    missing = admin.send("POST", "/threads/999999/close", {"closed": True})
    assert missing.status_code == 404 and missing.json()["error"] == "thread_not_found"


def test_closing_a_thread_without_approved_comments_announces_nothing(
    make_sqlite_client: Make,
) -> None:
    admin = _admin(make_sqlite_client, moderation="hold_all")
    store = admin.client.app.state.runtime.store  # type: ignore[attr-defined]
    held = post(admin.client, "En attente")["id"]
    events = _events(admin.client)
    thread_id = store.comment(held).thread_id
    assert admin.send("POST", f"/threads/{thread_id}/close", {"closed": True}).status_code == 200
    assert events == []


def test_a_moderator_closes_threads_and_lifts_blocks_of_their_own_site(
    make_sqlite_client: Make,
) -> None:
    client = make_sqlite_client()
    store = client.app.state.runtime.store  # type: ignore[attr-defined]
    store.ensure_site("a")
    mine = post(client, "Sur A", site="a", email="x@mail.example")["id"]
    add_user(client, "ines@news.example", "moderator", ("a",))
    mod = login(client, "ines@news.example")
    thread_id = store.comment(mine).thread_id
    assert mod.send("POST", f"/threads/{thread_id}/close", {"closed": True}).status_code == 200
    block = mod.send("POST", f"/comments/{mine}/block", {"by": "email", "days": 1}).json()
    lifted = mod.send("DELETE", f"/blocks/{block['id']}")
    assert lifted.status_code == 200
    (entry,) = [e for e in mod.get("/audit").json()["entries"] if e["action"] == "unblock"]
    assert entry["site"] == "a" and entry["detail"]["block_id"] == block["id"]
    assert mod.send("DELETE", f"/blocks/{block['id']}").status_code == 404


def test_blocking_an_author_by_hashed_address(make_sqlite_client: Make) -> None:
    admin = _admin(make_sqlite_client)
    client = admin.client
    comment = post(client, "Troll")["id"]
    block = admin.send("POST", f"/comments/{comment}/block", {"by": "ip_hash", "days": 1})
    assert block.status_code == 201 and block.json()["note"] == ""
    assert block.json()["value"] == identity.hash_ip(TEST_SECRET, "203.0.113.10")
    again = client.post("/api/comments", json={"uri": "/x", "author": "T", "text": "re"})
    assert again.status_code == 403 and again.json()["error"] == "author_blocked"
    neighbour = TestClient(client.app, client=("203.0.113.11", 1))
    assert neighbour.post(
        "/api/comments", json={"uri": "/x", "author": "N", "text": "o"}
    ).is_success
    for by in ("email", "name"):  # no e-mail on that comment; no such kind
        refused = admin.send("POST", f"/comments/{comment}/block", {"by": by, "days": 1})
        assert refused.status_code == 422 and refused.json()["field"] == "by", by


def test_ip_range_blocks_cover_ipv6_and_mapped_ipv4(make_sqlite_client: Make) -> None:
    admin = _admin(make_sqlite_client)
    client = admin.client
    for value in ("2001:db8:1::/48", "198.51.100.0/24"):
        body = {"site": "default", "kind": "ip_range", "value": value, "days": 1}
        assert admin.send("POST", "/blocks", body).status_code == 201
    cases = {
        "2001:db8:1::5": 403,
        "2001:db8:2::5": 201,
        "::ffff:198.51.100.9": 403,
        "198.51.100.200": 403,
        "192.0.2.1": 201,
    }
    for ip, status in cases.items():
        reader = TestClient(client.app, client=(ip, 1))
        answer = reader.post("/api/comments", json={"uri": "/x", "author": "R", "text": ip})
        assert answer.status_code == status, ip


HEX = "0123456789abcdef" * 2


def test_blocks_entered_by_hand_are_checked_and_normalised(make_sqlite_client: Make) -> None:
    admin = _admin(make_sqlite_client)
    clock = 1_764_403_200.0
    admin.client.app.state.runtime.comments.clock = lambda: clock  # type: ignore[attr-defined]

    def add(kind: str, value: str, days: int = 1, note: str = "") -> Any:
        body = {"site": "default", "kind": kind, "value": value, "days": days, "note": note}
        return admin.send("POST", "/blocks", body)

    refused = {
        ("email", "no-at-sign"): ("email_invalid", "value"),
        ("email", "a@" + "b" * 319): ("email_invalid", "value"),
        ("ip_range", "300.1.2.0/24"): ("field_invalid", "value"),
        ("ip_hash", HEX.upper()): ("field_invalid", "value"),
        ("ip_hash", HEX + "0"): ("field_invalid", "value"),
        ("ip_hash", HEX[:-1] + "g"): ("field_invalid", "value"),
        ("ip_hash", HEX[:-1] + "X"): ("field_invalid", "value"),
        ("colour", HEX): ("field_invalid", "kind"),
    }
    for (kind, value), (code, field) in refused.items():
        answer = add(kind, value)
        assert answer.status_code == 422, (kind, value)
        assert (answer.json()["error"], answer.json()["field"]) == (code, field), (kind, value)
    for days in (-1, 3651):
        answer = add("email", "a@b.example", days=days)
        assert (answer.status_code, answer.json()["field"]) == (422, "days")
        assert answer.json()["error"] == "field_invalid"
    longest = "a@" + "b" * 318
    assert add("email", longest.upper()).json()["value"] == longest  # 320 characters, lower-cased
    assert add("email", "  x@y.example ").json()["value"] == "x@y.example"
    assert add("ip_range", "198.51.100.7/24").json()["value"] == "198.51.100.0/24"
    assert add("ip_hash", HEX).json()["value"] == HEX
    ten_years = add("email", "z@y.example", days=3650).json()
    assert ten_years["expires"] is not None
    for_good = add("email", "w@y.example", days=0, note="n" * 300).json()
    assert for_good["expires"] is None and for_good["note"] == "n" * 200
    assert add("email", "v@y.example").json()["note"] == ""
    (entry, *_) = _audit(admin)
    assert entry["action"] == "block" and entry["site"] == "default"
    assert entry["detail"] == {
        "before": {},
        "kind": "email",
        "block_id": entry["detail"]["block_id"],
    }
    assert len(entry["batch"]) == 16


def test_a_block_expires_after_its_days(make_sqlite_client: Make) -> None:
    admin = _admin(make_sqlite_client)
    now = 1_764_403_200.0
    admin.client.app.state.runtime.comments.clock = lambda: now  # type: ignore[attr-defined]
    body = {"site": "default", "kind": "email", "value": "t@y.example", "days": 3}
    block = admin.send("POST", "/blocks", body).json()
    store = admin.client.app.state.runtime.moderation.store  # type: ignore[attr-defined]
    assert store.block(block["id"])["expires"] == now + 3 * 86400


def test_a_moderators_edit_is_dated_logged_and_announced(make_sqlite_client: Make) -> None:
    admin = _admin(make_sqlite_client)
    service = admin.client.app.state.runtime.comments  # type: ignore[attr-defined]
    service.clock = lambda: 1_764_403_200.0
    comment = post(admin.client, "Texte *original*")["id"]
    before = service.store.comment(comment)
    events = _events(admin.client)
    service.clock = lambda: 1_764_403_260.0
    assert admin.send("PATCH", f"/comments/{comment}", {"text": "Texte **modéré**"}).is_success
    stored = service.store.comment(comment)
    assert stored.text == "Texte **modéré**" and stored.modified == 1_764_403_260.0
    assert [(e.kind, e.comment.id) for e in events] == [("edited", comment)]
    (entry, *_) = _audit(admin)
    assert (entry["action"], entry["site"], entry["thread_id"]) == (
        "edit",
        "default",
        stored.thread_id,
    )
    assert entry["detail"]["before"] == {
        "text": "Texte *original*",
        "html": before.html,
        "modified": None,
    }
    assert len(entry["batch"]) == 16
    assert admin.send("POST", "/undo").is_success
    restored = service.store.comment(comment)
    assert (restored.text, restored.html, restored.modified) == (before.text, before.html, None)


def test_undo_is_logged_restores_states_and_announces(make_sqlite_client: Make) -> None:
    admin = _admin(make_sqlite_client, moderation="hold_all")
    store = admin.client.app.state.runtime.store  # type: ignore[attr-defined]
    first = post(admin.client, "Un")["id"]
    second = post(admin.client, "Deux")["id"]
    assert admin.act("approve", first, second).status_code == 200
    events = _events(admin.client)
    undone = admin.send("POST", "/undo").json()
    assert undone == {"undone": "approve", "comments": [first, second]}
    assert [store.comment(i).state.value for i in (first, second)] == ["pending", "pending"]
    assert sorted(e.comment.id for e in events if e.kind == "moderated") == [first, second]
    (entry, *_) = _audit(admin)
    assert entry["action"] == "undo" and entry["user_id"] is not None
    assert (entry["site"], entry["comment_id"], entry["thread_id"]) == (
        "default",
        first,
        store.comment(first).thread_id,
    )
    assert entry["detail"] == {"undid": "approve", "count": 2}


def test_undo_of_block_close_and_open(make_sqlite_client: Make) -> None:
    admin = _admin(make_sqlite_client)
    store = admin.client.app.state.runtime.store  # type: ignore[attr-defined]
    comment = post(admin.client, "Un", email="t@y.example")["id"]
    thread_id = store.comment(comment).thread_id
    keep = admin.send("POST", "/blocks", {"site": "default", "kind": "email", "value": "k@y.e"})
    block = admin.send("POST", f"/comments/{comment}/block", {"by": "email", "days": 1}).json()
    assert admin.send("POST", "/undo").json()["undone"] == "block"
    assert [b["id"] for b in admin.get("/blocks").json()["blocks"]] == [keep.json()["id"]]
    assert block["id"] != keep.json()["id"]
    admin.send("POST", f"/threads/{thread_id}/close", {"closed": True})
    admin.send("POST", f"/threads/{thread_id}/close", {"closed": False})
    assert admin.send("POST", "/undo").json()["undone"] == "open"
    assert store.thread_by_id(thread_id).closed is True
    assert admin.send("POST", "/undo").json()["undone"] == "close"
    assert store.thread_by_id(thread_id).closed is False
    assert admin.send("POST", "/undo").json()["undone"] == "block"  # the hand-made one
    assert admin.get("/blocks").json()["blocks"] == []


def test_a_moderator_undoes_on_their_own_site_and_queues_it(make_sqlite_client: Make) -> None:
    client = make_sqlite_client(moderation="hold_all")
    store = client.app.state.runtime.store  # type: ignore[attr-defined]
    store.ensure_site("a")
    mine = post(client, "Sur A", site="a")["id"]
    add_user(client, "ines@news.example", "moderator", ("a",))
    mod = login(client, "ines@news.example")
    queue = mod.get("/comments", params={"site": "a"})
    assert queue.status_code == 200 and [c["id"] for c in queue.json()["comments"]] == [mine]
    missing = mod.get("/comments", params={"site": "nowhere"})
    assert missing.status_code == 404 and missing.json()["error"] == "site_not_found"
    thread_id = store.comment(mine).thread_id
    mod.send("POST", f"/threads/{thread_id}/close", {"closed": True})
    assert mod.send("POST", "/undo").json()["undone"] == "close"
    assert store.thread_by_id(thread_id).closed is False


def test_a_decision_teaches_the_filter_the_whole_comment(make_sqlite_client: Make) -> None:
    admin = _admin(make_sqlite_client, spam_filter=True, moderation="hold_all")
    runtime = admin.client.app.state.runtime  # type: ignore[attr-defined]
    comment = post(
        admin.client,
        "Visitez mon site",
        email="a@b.example",
        website="promo.example",
        lang="fr",
    )["id"]
    assert admin.act("spam", comment).status_code == 200
    (lesson,) = runtime.spam.log.since(0)
    stored = runtime.store.comment(comment)
    sample = lesson.sample
    assert (sample.url, sample.email, sample.lang) == ("https://promo.example", "a@b.example", "fr")
    assert sample.user_agent == stored.user_agent and sample.ip_hash == stored.ip_hash
    assert sample.site_languages == ("fr", "ar", "en")


def test_bulk_actions_are_checked_before_anything_changes(make_sqlite_client: Make) -> None:
    admin = _admin(make_sqlite_client)
    comment = post(admin.client, "Un")["id"]
    bad = admin.act("bless", comment)
    assert (bad.status_code, bad.json()["error"], bad.json()["field"]) == (
        422,
        "field_invalid",
        "action",
    )
    for ids in ([], list(range(1_000, 1_201))):
        refused = admin.send("POST", "/comments/action", {"action": "approve", "ids": ids})
        assert refused.status_code == 422 and refused.json()["field"] == "ids", len(ids)
        assert refused.json()["error"] == "field_invalid"
    # 200 is allowed (here they do not exist, so the answer is a 404, not a 422).
    most = admin.send(
        "POST", "/comments/action", {"action": "approve", "ids": list(range(1_000, 1_200))}
    )
    assert most.status_code == 404


def test_an_action_is_logged_per_comment_and_announced(make_sqlite_client: Make) -> None:
    admin = _admin(make_sqlite_client, moderation="hold_all")
    store = admin.client.app.state.runtime.store  # type: ignore[attr-defined]
    comment = post(admin.client, "Un")["id"]
    events = _events(admin.client)
    assert admin.act("approve", comment).status_code == 200
    assert [(e.kind, e.comment.id, e.comment.state.value) for e in events] == [
        ("moderated", comment, "approved")
    ]
    (entry, *_) = _audit(admin)
    assert (entry["action"], entry["comment_id"], entry["thread_id"]) == (
        "approve",
        comment,
        store.comment(comment).thread_id,
    )
    # The values before: the state, and "never reviewed by a human" (undo restores both).
    before = {"state": "pending", "reviewed": None}
    assert len(entry["batch"]) == 16 and entry["detail"]["before"] == before


def test_the_queue_of_one_thread(make_sqlite_client: Make) -> None:
    client = make_sqlite_client(moderation="hold_all")
    store = client.app.state.runtime.store  # type: ignore[attr-defined]
    store.ensure_site("a")
    store.ensure_site("b")
    one = post(client, "Sur A, page un", site="a", uri="/un")["id"]
    post(client, "Sur A, page deux", site="a", uri="/deux")
    other = post(client, "Sur B", site="b")["id"]
    add_user(client, "ines@news.example", "moderator", ("a",))
    mod = login(client, "ines@news.example")
    thread = store.comment(one).thread_id
    page = mod.get("/comments", params={"thread": thread})
    assert page.status_code == 200 and [c["id"] for c in page.json()["comments"]] == [one]
    elsewhere = mod.get("/comments", params={"thread": store.comment(other).thread_id})
    assert elsewhere.status_code == 403
    missing = mod.get("/comments", params={"thread": 999_999})
    assert missing.status_code == 404 and missing.json()["error"] == "thread_not_found"


def test_approving_a_comment_held_as_spam_by_the_word_list_is_a_lesson(
    make_sqlite_client: Make,
) -> None:
    admin = _admin(make_sqlite_client, spam_filter=True)
    runtime = admin.client.app.state.runtime  # type: ignore[attr-defined]
    runtime.store.ensure_site("default")
    runtime.store.update_site_settings("default", {"reject_words": ["loto"]})
    comment = post(admin.client, "Le loto de la kermesse est samedi")["id"]
    stored = runtime.store.comment(comment)
    assert stored.state.value == "spam" and stored.spam_verdict == "ham"
    assert admin.act("approve", comment).status_code == 200
    (lesson,) = runtime.spam.log.since(0)
    assert lesson.is_spam is False
    # A comment without e-mail, website or agent teaches with empty fields.
    assert (lesson.sample.email, lesson.sample.url) == ("", "")


def test_moderator_texts_follow_the_sites_length_limit(make_sqlite_client: Make) -> None:
    admin = _admin(make_sqlite_client, max_comment_length=10_000)
    store = admin.client.app.state.runtime.store  # type: ignore[attr-defined]
    comment = post(admin.client, "Court")["id"]
    store.ensure_site("default")
    store.update_site_settings("default", {"max_comment_length": 20})
    long = "x" * 21
    assert admin.send("PATCH", f"/comments/{comment}", {"text": long}).status_code == 422
    assert admin.send("POST", f"/comments/{comment}/reply", {"text": long}).status_code == 422


def test_closing_announces_a_comment_of_that_thread_only(make_sqlite_client: Make) -> None:
    admin = _admin(make_sqlite_client)
    store = admin.client.app.state.runtime.store  # type: ignore[attr-defined]
    mine = post(admin.client, "Sur cette page", uri="/une")["id"]
    post(admin.client, "Plus récent, ailleurs", uri="/autre")
    events = _events(admin.client)
    thread_id = store.comment(mine).thread_id
    assert admin.send("POST", f"/threads/{thread_id}/close", {"closed": True}).status_code == 200
    assert [(e.thread_id, e.comment.id) for e in events] == [(thread_id, mine)]
    (entry, *_) = _audit(admin)
    assert entry["action"] == "close" and len(entry["batch"]) == 16


def test_lifting_blocks_is_logged_and_unknown_ones_are_404(make_sqlite_client: Make) -> None:
    admin = _admin(make_sqlite_client)
    body = {"site": "default", "kind": "email", "value": "t@y.example", "days": 1}
    block = admin.send("POST", "/blocks", body).json()
    assert admin.send("DELETE", f"/blocks/{block['id']}").status_code == 200
    (entry, *_) = _audit(admin)
    assert entry["action"] == "unblock"
    assert entry["detail"] == {"before": {}, "block_id": block["id"]}
    missing = admin.send("DELETE", f"/blocks/{block['id']}")
    assert missing.status_code == 404 and missing.json()["error"] == "block_not_found"


def test_not_spam_teaches_not_spam_and_errors_name_their_code(make_sqlite_client: Make) -> None:
    admin = _admin(make_sqlite_client, spam_filter=True)
    runtime = admin.client.app.state.runtime  # type: ignore[attr-defined]
    comment = post(admin.client, "Un avis tout à fait normal")["id"]
    assert admin.act("not_spam", comment).status_code == 200
    assert [(e.is_spam, e.sample.author) for e in runtime.spam.log.since(0)] == [(False, "Samira")]
    missing = admin.act("approve", 999_999)
    assert missing.status_code == 404 and missing.json()["error"] == "comment_not_found"
    no_mail = admin.send("POST", f"/comments/{comment}/block", {"by": "email", "days": 1})
    assert no_mail.status_code == 422 and no_mail.json()["error"] == "field_invalid"
