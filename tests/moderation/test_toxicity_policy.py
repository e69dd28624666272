"""Insults and hate, end to end through the API, with the shipped toxicity model.

A clearly insulting comment is held (its author is told "pending", her edit
token keeps working), waits in the Toxic queue with its score and reasons,
and one "not offensive" click publishes it and teaches the site's model; an
"offensive" click rejects it and teaches the other way; each site chooses its
policy (off, flag, hold, reject) and the admin API checks it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from causerie.store import schema as t
from causerie.toxicity.sites import SiteToxicity
from tests.conftest import free_port
from tests.moderation.conftest import Moderator, add_user, login, post, public_ids
from tests.newsroom.hook_receiver import Hook, serve

INSULT = "Espèce de sale con, ferme ta gueule, t'es qu'un abruti."
CLEAN = "Merci pour cet article très clair sur le tramway."


def _desk(make: Callable[..., TestClient], policy: str = "hold", **overrides: object) -> Moderator:
    client = make(toxicity_filter=True, **overrides)
    add_user(client, "admin@news.example", "admin")
    desk = login(client, "admin@news.example")
    if policy != "hold":  # the default (docs/toxicity.md, "Which policy")
        answer = desk.send("PUT", "/sites/default/settings", {"toxicity_policy": policy})
        assert answer.status_code == 200, answer.text
    return desk


@pytest.fixture
def desk(make_sqlite_client: Callable[..., TestClient]) -> Moderator:
    """An admin on an app that publishes at once, the shipped toxicity model loaded, policy hold."""
    return _desk(make_sqlite_client)


def _judge(desk: Moderator) -> SiteToxicity:
    judge = desk.client.app.state.runtime.toxicity  # type: ignore[attr-defined]
    assert isinstance(judge, SiteToxicity)
    return judge


def _toxic(desk: Moderator, lang: str = "fr") -> list[dict[str, Any]]:
    answer = desk.get("/comments?state=toxic", headers={"Accept-Language": lang})
    assert answer.status_code == 200, answer.text
    comments: list[dict[str, Any]] = answer.json()["comments"]
    return comments


def _lessons(desk: Moderator) -> list[tuple[str, bool, str]]:
    engine = desk.client.app.state.runtime.engine  # type: ignore[attr-defined]
    sl = t.spam_learning.c
    with engine.connect() as conn:
        rows = conn.execute(select(sl.model, sl.is_spam, sl.source).order_by(sl.id)).all()
    return [(r.model, bool(r.is_spam), r.source) for r in rows]


def test_an_insult_is_held_shown_with_its_reasons_and_its_author_can_still_edit(
    desk: Moderator,
) -> None:
    made = post(desk.client, INSULT, lang="fr")
    assert made["state"] == "pending"  # told only "pending", as with spam
    assert made["id"] not in public_ids(desk.client)
    assert post(desk.client, CLEAN, lang="fr")["state"] == "approved"
    counts = desk.get("/queues").json()["counts"]
    assert counts["toxic"] == 1 and counts["pending"] == 1
    (card,) = _toxic(desk, "fr")
    assert card["id"] == made["id"]
    verdict = card["toxicity"]
    assert verdict["flag"] == "hold"
    assert verdict["score"] >= _judge(desk).hold_threshold
    codes = [r["code"] for r in verdict["reasons"]]
    assert "insult" in codes
    labels = {r["code"]: r["label"] for r in verdict["reasons"]}
    assert labels["insult"] == "insulte"
    assert {r["code"] for r in card["reasons"]} >= {"toxicity_hold"}
    (card_ar,) = _toxic(desk, "ar")
    assert {r["code"]: r["label"] for r in card_ar["toxicity"]["reasons"]}["insult"] == "إهانة"
    # Hold never deletes: the author's token still edits her waiting comment.
    edited = desk.client.patch(
        f"/api/comments/{made['id']}",
        json={"text": INSULT + " Bon, je m'emporte."},
        headers={"Authorization": f"Bearer {made['edit_token']}"},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["state"] == "pending"


def test_not_offensive_publishes_in_one_click_and_teaches_the_sites_model(desk: Moderator) -> None:
    judge = _judge(desk)
    before = judge.judge(INSULT, "fr", "default").score
    made = post(desk.client, INSULT, lang="fr")
    answer = desk.act("not_offensive", made["id"])
    assert answer.status_code == 200, answer.text
    assert made["id"] in public_ids(desk.client)
    assert _toxic(desk) == []
    assert _lessons(desk) == [("toxicity", False, "moderator")]
    assert judge.site_decisions("default") == 1
    after = judge.judge(INSULT, "fr", "default")
    assert after.score < before
    # Another site learnt nothing.
    assert judge.judge(INSULT, "fr", "other").score == pytest.approx(before)
    entries = desk.get("/audit").json()["entries"]
    assert (entries[0]["action"], entries[0]["comment_id"]) == ("not_offensive", made["id"])
    figures = desk.get("/overview").json()["toxicity"]
    assert figures["decisions"] == {"true_positives": 0, "false_positives": 1, "false_negatives": 0}
    assert figures["precision"] == 0.0
    # The spam filter's figures do not count the toxicity decision.
    assert desk.get("/overview").json()["decisions"]["false_positives"] == 0


def test_offensive_rejects_teaches_and_undo_takes_the_lesson_back(desk: Moderator) -> None:
    made = post(desk.client, INSULT, lang="fr")
    desk.act("offensive", made["id"])
    comment = desk.get("/comments?state=deleted").json()["comments"]
    assert [c["id"] for c in comment] == [made["id"]]
    figures = desk.get("/overview").json()["toxicity"]
    assert (figures["precision"], figures["recall"]) == (1.0, 1.0)
    assert desk.send("POST", "/undo").status_code == 200
    assert [c["id"] for c in _toxic(desk)] == [made["id"]]  # waiting again
    # The log is append-only: the opposite lesson cancels the first one.
    assert _lessons(desk) == [("toxicity", True, "moderator"), ("toxicity", False, "moderator")]
    assert desk.get("/overview").json()["toxicity"]["precision"] is None


def test_policy_off_publishes_and_scores_nothing(desk: Moderator) -> None:
    changed = desk.send("PUT", "/sites/default/settings", {"toxicity_policy": "off"})
    assert changed.status_code == 200 and changed.json()["toxicity_policy"] == "off"
    made = post(desk.client, INSULT, lang="fr")
    assert made["state"] == "approved"
    assert made["id"] in public_ids(desk.client)
    (card,) = desk.get("/comments?state=approved").json()["comments"]
    assert card["toxicity"] is None


def test_flag_publishes_and_marks_reject_refuses_above_the_higher_threshold(
    desk: Moderator,
) -> None:
    desk.send("PUT", "/sites/default/settings", {"toxicity_policy": "flag"})
    flagged = post(desk.client, INSULT, lang="fr")
    assert flagged["state"] == "approved"
    assert [(c["id"], c["toxicity"]["flag"]) for c in _toxic(desk)] == [(flagged["id"], "flag")]
    settings = {
        "toxicity_policy": "reject",
        "toxicity_threshold": 50,
        "toxicity_reject_threshold": 60,
    }
    assert desk.send("PUT", "/sites/default/settings", settings).status_code == 200
    refused = post(desk.client, INSULT + " Encore.", lang="fr")
    assert refused["state"] == "pending"  # refused, but told no more than spam is
    spam = desk.get("/comments?state=spam").json()["comments"]
    assert [(c["id"], c["toxicity"]["flag"]) for c in spam] == [(refused["id"], "reject")]
    # Refused is not deleted: "not offensive" publishes it.
    desk.act("not_offensive", refused["id"])
    assert refused["id"] in public_ids(desk.client)


def test_a_published_comment_edited_into_insults_goes_back_to_review(desk: Moderator) -> None:
    made = post(desk.client, CLEAN, lang="fr")
    assert made["state"] == "approved"
    edited = desk.client.patch(
        f"/api/comments/{made['id']}",
        json={"text": INSULT},
        headers={"Authorization": f"Bearer {made['edit_token']}"},
    )
    assert edited.status_code == 200 and edited.json()["state"] == "pending"
    assert [c["id"] for c in _toxic(desk)] == [made["id"]]


@pytest.mark.parametrize(
    ("lang", "word"), [("fr", "seuil de rejet"), ("en", "rejection threshold"), ("ar", "حدّ الرفض")]
)
def test_the_policy_is_validated_with_messages_in_the_moderators_language(
    desk: Moderator, lang: str, word: str
) -> None:
    headers = {"Accept-Language": lang}
    bad = desk.send("PUT", "/sites/default/settings", {"toxicity_policy": "shout"}, headers=headers)
    assert bad.status_code == 422
    assert bad.json()["error"] == "field_invalid" and bad.json()["field"] == "toxicity_policy"
    assert "toxicity_policy" in bad.json()["message"]
    too_high = {"toxicity_threshold": 100}
    assert desk.send("PUT", "/sites/default/settings", too_high, headers=headers).status_code == 422
    crossed = {"toxicity_threshold": 80, "toxicity_reject_threshold": 70}
    answer = desk.send("PUT", "/sites/default/settings", crossed, headers=headers)
    assert answer.status_code == 422
    body = answer.json()
    assert (body["error"], body["field"]) == ("toxicity_thresholds", "toxicity_reject_threshold")
    assert word in body["message"]
    view = desk.get("/sites/default/settings").json()
    assert (view["toxicity_policy"], view["toxicity_threshold"]) == ("hold", 0)


def test_by_default_an_insult_is_held_and_marked_for_the_desk(
    make_sqlite_client: Callable[..., TestClient],
) -> None:
    desk = _desk(make_sqlite_client)
    assert desk.get("/sites/default/settings").json()["toxicity_policy"] == "hold"
    made = post(desk.client, INSULT, lang="fr")
    assert made["state"] == "pending" and made["id"] not in public_ids(desk.client)
    assert [(c["id"], c["toxicity"]["flag"]) for c in _toxic(desk)] == [(made["id"], "hold")]
    assert post(desk.client, CLEAN, lang="fr")["state"] == "approved"
    assert len(_toxic(desk)) == 1


def test_the_policy_and_the_learning_hold_on_postgresql(
    make_client: Callable[..., TestClient], database_url: str
) -> None:
    desk = _desk(make_client)
    made = post(desk.client, INSULT, lang="fr")
    assert made["state"] == "pending"
    desk.act("not_offensive", made["id"])
    assert made["id"] in public_ids(desk.client)
    assert _lessons(desk) == [("toxicity", False, "moderator")]


def test_erasing_her_comment_erases_its_verdict_and_the_lesson_it_gave(desk: Moderator) -> None:
    made = post(desk.client, INSULT, lang="fr")
    desk.act("not_offensive", made["id"])
    assert _lessons(desk) == [("toxicity", False, "moderator")]
    # Her right to erasure, with the comment's edit token (docs/privacy.md).
    gone = desk.client.post("/api/privacy/erase", json={"edit_token": made["edit_token"]})
    assert gone.status_code == 200, gone.text
    stored = desk.client.app.state.runtime.comments.store.comment(made["id"])  # type: ignore[attr-defined]
    assert (stored.toxicity_score, stored.toxicity_reasons, stored.toxicity_flag) == (None,) * 3
    assert _lessons(desk) == []


HOOK_SECRET = "hook-secret-0123456789abcdef"


@pytest.fixture
def hook() -> Iterator[Hook]:
    """A real moderation hook on loopback (tests/newsroom/hook_receiver.py)."""
    yield from serve(Hook(free_port(), HOOK_SECRET))


def test_a_hold_the_external_hook_publishes_stays_marked_in_the_queue(
    desk: Moderator, hook: Hook
) -> None:
    settings = {
        "moderation_hook_url": hook.url,
        "moderation_hook_secret": HOOK_SECRET,
        "moderation_hook_allow_private": True,
    }
    assert desk.send("PUT", "/sites/default/settings", settings).status_code == 200
    hook.script.append((200, {"action": "approve", "reason": "satire"}, 0.0))
    made = post(desk.client, INSULT, lang="fr")
    assert made["state"] == "approved"  # a hold is Causerie's doubt: the hook may publish
    assert [(c["id"], c["toxicity"]["flag"]) for c in _toxic(desk)] == [(made["id"], "flag")]
    (call,) = hook.calls
    assert "toxicity_hold" in [r["code"] for r in call.body["causerie"]["reasons"]]
