"""Readers over time: history by keyed hashes, suspension (message, language, expiry), ban,
"always pre-moderate", for typed names and signed-in readers."""

from __future__ import annotations

import time
from typing import Any

from starlette.testclient import TestClient

from tests.identity.test_sso_and_policy import HS_SECRET, publisher_token, sso_session
from tests.newsroom.conftest import Moderator, post, reader_at, report

DAY = 86_400.0
SAMIRA = {"author": "Samira", "email": "samira@mail.example"}


def _card(desk: Moderator, comment_id: int, queue: str = "approved") -> dict[str, Any]:
    found = desk.get("/comments", params={"state": queue}).json()["comments"]
    card: dict[str, Any] = next(c for c in found if c["id"] == comment_id)
    return card


def _reader(desk: Moderator, key: str, **params: Any) -> Any:
    return desk.get(f"/sites/default/readers/{key}", params=params)


def _rule(desk: Moderator, key: str, **rule: Any) -> Any:
    return desk.send("PUT", f"/sites/default/readers/{key}", rule)


def _try(client: TestClient, lang: str = "fr", **fields: Any) -> Any:
    body = {"uri": "/article", "text": "Encore moi", **SAMIRA, **fields}
    return client.post("/api/comments", json=body, params={"lang": lang})


def test_history_counts_a_typed_readers_comments_by_her_keyed_email(desk: Moderator) -> None:
    one = post(desk.client, "Premier avis", **SAMIRA)
    two = post(desk.client, "Deuxième avis", uri="/autre", **SAMIRA)
    three = post(desk.client, "Troisième", **SAMIRA)
    post(desk.client, "Quelqu'un d'autre", author="Karim")
    desk.act("reject", three["id"])
    report(reader_at(desk.client, "198.51.100.9"), two["id"])
    key = _card(desk, one["id"])["reader"]
    assert key and "samira" not in key
    found = _reader(desk, key).json()
    assert found["counts"] == {
        "comments": 3,
        "approved": 2,
        "pending": 0,
        "spam": 0,
        "rejected": 1,
        "reported": 1,
    }
    assert [c["id"] for c in found["comments"]] == [three["id"], two["id"], one["id"]]
    assert found["comments"][1]["uri"] == "/autre" and found["names"] == ["Samira"]
    assert found["status"] == {
        "suspended_until": None,
        "message": "",
        "banned": False,
        "premod": False,
    }
    assert found["signed_in"] is None
    page = _reader(desk, key, limit=1, offset=1).json()
    assert [c["id"] for c in page["comments"]] == [two["id"]] and page["total"] == 3


def test_history_by_address_finds_her_under_every_name(desk: Moderator) -> None:
    first = post(desk.client, "Sous un nom", author="Sam")
    post(desk.client, "Sous un autre", author="S.")
    address = _card(desk, first["id"])["reader_address"]
    assert address.startswith("ip-") and "203.0.113" not in address
    assert _reader(desk, address).json()["names"] == ["S.", "Sam"]
    assert _reader(desk, "0" * 32).status_code == 404
    unknown = desk.get("/sites/default/readers/not-a-key", params={"lang": "en"})
    assert unknown.status_code == 404 and unknown.json()["error"] == "reader_not_found"


def test_a_suspended_reader_is_told_until_when_with_the_moderators_words(
    desk: Moderator,
) -> None:
    made = post(desk.client, "Propos déplacé", **SAMIRA)
    key = _card(desk, made["id"])["reader"]
    note = "Merci de rester courtois : relisez la charte."
    changed = _rule(desk, key, suspend_days=7, message=note).json()
    assert changed["status"]["message"] == note and changed["status"]["suspended_until"]
    refused = _try(desk.client, lang="fr")
    assert refused.status_code == 403
    body = refused.json()
    assert body["error"] == "reader_suspended" and body["note"] == note
    assert body["until"] == changed["status"]["suspended_until"]
    assert body["message"].startswith(
        "La rédaction a suspendu vos commentaires sur ce site jusqu’au"
    )
    month = time.strftime("%m", time.gmtime(time.time() + 7 * DAY))
    french = {"01": "janvier", "02": "février", "03": "mars", "04": "avril", "05": "mai",
              "06": "juin", "07": "juillet", "08": "août", "09": "septembre", "10": "octobre",
              "11": "novembre", "12": "décembre"}  # fmt: skip
    assert french[month] in body["message"]
    arabic = _try(desk.client, lang="ar").json()
    assert arabic["message"].startswith("علّقت هيئة التحرير") and arabic["note"] == note
    # Another name from the same e-mail is the same reader; the suspension ends by itself.
    assert _try(desk.client, author="Sam").status_code == 403
    start = time.time()
    desk.client.app.state.runtime.comments.clock = lambda: start + 7.1 * DAY  # type: ignore[attr-defined]
    assert _try(desk.client).status_code == 201
    assert _reader(desk, key).json()["status"]["suspended_until"] is None


def test_suspending_the_address_catches_a_new_name(desk: Moderator) -> None:
    made = post(desk.client, "Premier", author="Troll")
    _rule(desk, _card(desk, made["id"])["reader_address"], suspend_days=1)
    assert _try(desk.client, author="Nouveau", email=None).json()["error"] == "reader_suspended"
    elsewhere = reader_at(desk.client, "198.51.100.77")
    assert _try(elsewhere, author="Quelqu'un", email=None).status_code == 201


def test_ban_refuses_for_good_and_undo_lifts_it(desk: Moderator) -> None:
    made = post(desk.client, "Premier", **SAMIRA)
    key = _card(desk, made["id"])["reader"]
    assert _rule(desk, key, banned=True).json()["status"]["banned"] is True
    refused = _try(desk.client, lang="en")
    assert refused.status_code == 403
    assert refused.json() == {
        "error": "reader_banned",
        "message": "The editors no longer publish your comments on this site.",
    }
    entry = desk.get("/audit").json()["entries"][0]
    assert entry["action"] == "reader" and entry["detail"]["after"]["banned"] is True
    assert desk.send("POST", "/undo").json()["undone"] == "reader"
    assert _try(desk.client).status_code == 201
    assert _reader(desk, key).json()["status"]["banned"] is False


def test_always_pre_moderate_holds_her_comments_with_the_reason(desk: Moderator) -> None:
    made = post(desk.client, "Premier", **SAMIRA)
    _rule(desk, _card(desk, made["id"])["reader"], premod=True)
    held = _try(desk.client)
    assert held.status_code == 201 and held.json()["state"] == "pending"
    card = _card(desk, held.json()["id"], "pending")
    assert [r["code"] for r in card["reasons"]] == ["reader_premod"]
    # The rule names her e-mail's key: another reader at the same address is published.
    other = _try(desk.client, author="Karim", email="k@mail.example")
    assert other.json()["state"] == "approved"
    bad = _rule(desk, card["reader"], suspend_days=400)
    assert bad.status_code == 422 and bad.json()["field"] == "suspend_days"


def test_a_signed_in_readers_ban_ends_her_sessions(desk: Moderator) -> None:
    runtime = desk.client.app.state.runtime  # type: ignore[attr-defined]
    runtime.store.update_site_settings(
        "default", {"signin_methods": ["sso"], "sso_secret": HS_SECRET}
    )
    session = sso_session(desk.client, publisher_token(name="Samira B."))
    answer = desk.client.post(
        "/api/comments", json={"uri": "/article", "text": "Signée"}, headers=session
    )
    assert answer.status_code == 201
    key = _card(desk, answer.json()["id"])["reader"]
    found = _reader(desk, key).json()
    assert found["signed_in"]["name"] == "Samira B." and found["signed_in"]["blocked"] is False
    banned = _rule(desk, key, banned=True).json()
    assert banned["signed_in"]["blocked"] is True
    again = desk.client.post(
        "/api/comments", json={"uri": "/article", "text": "Encore"}, headers=session
    )
    # Her session is gone: the same request is now an anonymous one without a name.
    assert (again.status_code, again.json()["error"]) == (422, "author_required")
