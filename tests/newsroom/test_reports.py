"""Readers' reports: one per reader, rate limited, hiding or queueing, keep and reject, audit."""

from __future__ import annotations

from typing import Any

from causerie.core.comments import Reader
from causerie.core.reports import reporter_key
from causerie.store.records import IdentityRecord
from tests.newsroom.conftest import Moderator, post, public_ids, reader_at, report

ADDRESSES = ("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4", "198.51.100.5")


def _reported_by(desk: Moderator, comment_id: int, n: int, start: int = 0) -> None:
    for ip in ADDRESSES[start : start + n]:
        answer = report(reader_at(desk.client, ip), comment_id, "abuse")
        assert answer.status_code == 201, answer.text
        assert answer.json() == {"id": comment_id, "reported": True}


def _card(desk: Moderator, queue: str, comment_id: int) -> dict[str, Any] | None:
    found = desk.get("/comments", params={"state": queue}).json()["comments"]
    return next((c for c in found if c["id"] == comment_id), None)


def test_one_report_per_reader_and_the_second_is_refused_in_her_language(
    desk: Moderator,
) -> None:
    made = post(desk.client, "Un avis tranché")
    reader = reader_at(desk.client, ADDRESSES[0])
    assert report(reader, made["id"], "spam").status_code == 201
    again = reader.post(
        f"/api/comments/{made['id']}/reports", json={"reason": "abuse"}, params={"lang": "ar"}
    )
    assert again.status_code == 409
    assert again.json()["error"] == "already_reported"
    assert again.json()["message"].startswith("لقد أبلغت")
    card = _card(desk, "reported", made["id"])
    assert card is not None and card["reports"]["open"] == 1


def test_reports_are_checked_and_explained(desk: Moderator) -> None:
    made = post(desk.client, "Texte")
    bad = report(desk.client, made["id"], "boring")
    assert (bad.status_code, bad.json()["field"]) == (422, "reason")
    other = desk.client.post(
        f"/api/comments/{made['id']}/reports", json={"reason": "other"}, params={"lang": "fr"}
    )
    assert other.status_code == 422
    assert other.json() == {
        "error": "report_text_required",
        "message": "Dites en quelques mots ce qui ne va pas.",
        "field": "text",
    }
    long = report(desk.client, made["id"], "other", text="x" * 501)
    assert (long.status_code, long.json()["error"]) == (422, "text_too_long")
    assert report(desk.client, 999_999).status_code == 404
    held = desk.client.app.state.runtime  # type: ignore[attr-defined]
    held.store.update_site_settings("default", {"moderation": "hold_all"})
    pending = post(desk.client, "En attente")
    assert report(desk.client, pending["id"]).json()["error"] == "comment_not_found"


def test_reports_are_rate_limited_like_posting(admin_client: Any) -> None:
    desk = admin_client(moderation="publish", comments_per_minute=2)
    ids = [post(reader_at(desk.client, ip), f"Avis {ip}")["id"] for ip in ADDRESSES[:3]]
    reader = reader_at(desk.client, ADDRESSES[4])
    assert [report(reader, i).status_code for i in ids] == [201, 201, 429]
    limited = report(reader, ids[2])
    assert limited.json()["error"] == "rate_limited" and "retry-after" in limited.headers


def test_the_threshold_hides_the_comment_and_the_audit_log_says_readers_did(
    desk: Moderator,
) -> None:
    made = post(desk.client, "Propos limite")
    _reported_by(desk, made["id"], 2)
    assert made["id"] in public_ids(desk.client)
    _reported_by(desk, made["id"], 1, start=2)
    assert made["id"] not in public_ids(desk.client)
    card = _card(desk, "reported", made["id"])
    assert card is not None and card["hidden_by_reports"] and card["state"] == "pending"
    abuse = {"code": "abuse", "text": "insulte ou haine", "count": 3}
    assert card["reports"]["reasons"][0] == abuse
    assert any(r["code"] == "reports_hidden" for r in card["reasons"])
    assert _card(desk, "pending", made["id"]) is None  # held by readers, not by the system
    (entry,) = [e for e in desk.get("/audit").json()["entries"] if e["action"] == "report_hide"]
    assert (entry["actor"], entry["comment_id"], entry["detail"]["reports"]) == (
        "readers",
        made["id"],
        3,
    )


def test_in_queue_mode_reports_only_queue_the_comment(desk: Moderator) -> None:
    settings = desk.send("PUT", "/sites/default/settings", {"report_action": "queue"})
    assert settings.status_code == 200, settings.text
    made = post(desk.client, "Propos limite")
    _reported_by(desk, made["id"], 4)
    assert made["id"] in public_ids(desk.client)
    card = _card(desk, "reported", made["id"])
    assert card is not None and not card["hidden_by_reports"] and card["reports"]["open"] == 4


def test_keep_publishes_clears_and_makes_the_comment_immune_to_hiding(desk: Moderator) -> None:
    desk.send("PUT", "/sites/default/settings", {"report_threshold": 2})
    made = post(desk.client, "Propos vif mais correct")
    _reported_by(desk, made["id"], 2)
    assert made["id"] not in public_ids(desk.client)
    kept = desk.act("keep", made["id"]).json()["updated"][0]
    assert (kept["state"], kept["reports_open"]) == ("approved", 0)
    assert made["id"] in public_ids(desk.client)
    assert _card(desk, "reported", made["id"]) is None
    # The same readers cannot report again; new readers only queue it.
    assert report(reader_at(desk.client, ADDRESSES[0]), made["id"]).status_code == 409
    _reported_by(desk, made["id"], 3, start=2)
    assert made["id"] in public_ids(desk.client)
    card = _card(desk, "reported", made["id"])
    assert card is not None and card["reports"] == {
        "open": 3,
        "total": 5,
        "reasons": [{"code": "abuse", "text": "insulte ou haine", "count": 3}],
        "texts": [],
    }
    statuses = [r["status"] for r in desk.get(f"/comments/{made['id']}/reports").json()["reports"]]
    assert sorted(statuses) == ["kept", "kept", "open", "open", "open"]
    entry = next(e for e in desk.get("/audit").json()["entries"] if e["action"] == "keep")
    assert entry["detail"]["reports"] == 2 and entry["comment_id"] == made["id"]


def test_reject_upholds_the_reports_and_undo_reopens_them(desk: Moderator) -> None:
    made = post(desk.client, "Insulte")
    _reported_by(desk, made["id"], 3)
    rejected = desk.act("reject", made["id"]).json()["updated"][0]
    assert rejected["state"] == "deleted"
    assert _card(desk, "rejected", made["id"]) is not None
    listed = desk.get(f"/comments/{made['id']}/reports").json()["reports"]
    assert {r["status"] for r in listed} == {"upheld"}
    assert listed[0]["reason_text"] == "insulte ou haine"
    assert "reporter" not in listed[0]
    undone = desk.send("POST", "/undo").json()
    assert undone["undone"] == "reject"
    card = _card(desk, "reported", made["id"])
    assert card is not None and card["state"] == "pending" and card["reports"]["open"] == 3
    assert card["reviewed"] is None


def test_queue_counts_say_where_the_desk_opens(desk: Moderator) -> None:
    empty = desk.get("/queues").json()
    assert empty["first"] == "pending" and empty["counts"]["reported"] == 0
    made = post(desk.client, "Signalé")
    post(desk.client, "Tranquille")
    _reported_by(desk, made["id"], 1)
    answer = desk.get("/queues", params={"site": "default"}).json()
    assert answer["site"] == "default" and answer["first"] == "reported"
    assert answer["counts"]["reported"] == 1 and answer["counts"]["unmoderated"] == 2
    assert answer["counts"]["approved"] == 2
    desk.act("approve", made["id"])
    after = desk.get("/queues").json()["counts"]
    assert (after["reported"], after["unmoderated"]) == (0, 1)
    assert desk.get("/queues", params={"site": "nowhere"}).status_code == 404


def test_a_reader_is_known_by_a_keyed_hash_never_her_address() -> None:
    secret = "s" * 32
    here = reporter_key(secret, Reader(ip="198.51.100.7"))
    assert "198.51.100.7" not in here and len(here) == 32
    assert reporter_key(secret, Reader(ip="198.51.100.8")) != here
    someone = IdentityRecord(5, 1, "oidc", "iss", "sub", "Sam", "sam", None, False, False, 0, 0)
    at_home = reporter_key(secret, Reader(ip="198.51.100.7", signed_in=someone))
    at_work = reporter_key(secret, Reader(ip="192.0.2.50", signed_in=someone))
    assert at_home == at_work != here


def test_the_all_queue_holds_every_state_and_searches_across_them(desk: Moderator) -> None:
    published = post(desk.client, "Publié sur le tramway")
    rejected = post(desk.client, "Rejeté sur le tramway")
    spam = post(desk.client, "Marqué spam sur le tramway")
    desk.act("reject", rejected["id"])
    desk.act("spam", spam["id"])
    counts = desk.get("/queues").json()["counts"]
    assert counts["all"] == 3 and (counts["approved"], counts["deleted"], counts["spam"]) == (
        1,
        1,
        1,
    )
    listed = desk.get("/comments", params={"state": "all", "q": "tramway"}).json()
    assert listed["total"] == 3
    assert {c["id"]: c["state"] for c in listed["comments"]} == {
        published["id"]: "approved",
        rejected["id"]: "deleted",
        spam["id"]: "spam",
    }
    narrowed = desk.get("/comments", params={"state": "all", "q": "Rejeté"}).json()
    assert [c["id"] for c in narrowed["comments"]] == [rejected["id"]]
