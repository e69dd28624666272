"""Banned words (to spam) and suspect words (held): whole words, explained on the card."""

from __future__ import annotations

from typing import Any

import pytest

from causerie.core.words import first_match, fold
from tests.newsroom.conftest import Moderator, post, public_ids


@pytest.mark.parametrize(
    ("text", "entries", "found"),
    [
        ("C'est une ARNAQUÉ !", ["arnaque"], "arnaque"),
        ("des arnaques partout", ["arnaque"], None),
        ("des arnaques partout", ["arnaqu*"], "arnaqu*"),
        ("a classy answer", ["ass"], None),
        ("هذا قَرْض سريع", ["قرض"], "قرض"),
        ("قـــرض بدون فوائد", ["قرض"], "قرض"),
        ("إعلان", ["اعلان"], "اعلان"),
        ("mon mot   de passe", ["mot de passe"], "mot de passe"),
        ("ca\u200bsino en ligne", ["casino"], "casino"),
        ("rien à voir", ["", "  ", "*"], None),
    ],
)
def test_words_match_whole_words_whatever_the_spelling(
    text: str, entries: list[str], found: str | None
) -> None:
    assert first_match(text, entries) == found


def test_folding_keeps_letters_and_drops_marks() -> None:
    assert fold("Élève ÉCOLE") == "eleve ecole"
    assert fold("مُدَرِّسَة") == "مدرسه"


def test_a_banned_word_sends_to_spam_and_a_suspect_one_holds_with_the_word_as_reason(
    desk: Moderator,
) -> None:
    desk.send(
        "PUT",
        "/sites/default/settings",
        {"reject_words": ["arnaqu*"], "hold_words": ["procès"]},
    )
    banned = post(desk.client, "Quelle ARNAQUE ce site")
    suspect = post(desk.client, "Le proces aura lieu demain")
    clean = post(desk.client, "Une procession passe")
    assert (banned["state"], suspect["state"], clean["state"]) == ("pending", "pending", "approved")
    spam = desk.get("/comments", params={"state": "spam"}).json()["comments"][0]
    assert spam["id"] == banned["id"]
    assert spam["reasons"] == [
        {"code": "word_rejected", "text": "contient un mot interdit : « arnaqu* »", "weight": 0}
    ]
    held = desk.get("/comments", params={"state": "pending", "lang": "ar"}).json()["comments"][0]
    assert held["reasons"][0]["text"] == "يحتوي على كلمة مشبوهة: «procès»"


def _edit(desk: Moderator, made: dict[str, Any], text: str) -> dict[str, Any]:
    auth = {"Authorization": f"Bearer {made['edit_token']}"}
    answer = desk.client.patch(f"/api/comments/{made['id']}", json={"text": text}, headers=auth)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_an_edit_is_held_by_the_words_a_post_would_be_held_by(desk: Moderator) -> None:
    """Posting clean and editing the word in afterwards does not get past the lists."""
    desk.send(
        "PUT",
        "/sites/default/settings",
        {"reject_words": ["arnaqu*"], "hold_words": ["procès"]},
    )
    suspect = post(desk.client, "Le tribunal siège demain")
    banned = post(desk.client, "Un site comme les autres")
    clean = post(desk.client, "Une procession passe")
    assert _edit(desk, suspect, "Le procès siège demain")["state"] == "pending"
    # The author is told "pending" for spam too, as when posting.
    assert _edit(desk, banned, "Un site d'arnaqueurs")["state"] == "pending"
    assert _edit(desk, clean, "Une procession passe, encore")["state"] == "approved"
    assert public_ids(desk.client) == [clean["id"]]
    held = desk.get("/comments", params={"state": "pending"}).json()["comments"]
    assert [(c["id"], [r["code"] for r in c["reasons"]]) for c in held] == [
        (suspect["id"], ["word_held"])
    ]
    spam = desk.get("/comments", params={"state": "spam"}).json()["comments"]
    assert [r["code"] for r in spam[0]["reasons"]] == ["word_rejected"]


def test_an_edit_never_publishes_a_comment_that_waits(desk: Moderator) -> None:
    desk.send("PUT", "/sites/default/settings", {"hold_words": ["procès"]})
    held = post(desk.client, "Le procès aura lieu")
    assert held["state"] == "pending"
    assert _edit(desk, held, "L'audience aura lieu")["state"] == "pending"
    assert public_ids(desk.client) == []
