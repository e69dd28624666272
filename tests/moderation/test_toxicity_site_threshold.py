"""A site's toxicity hold threshold learned from its moderators, end to end on SQLite.

Comments carry the score the model gave them (inserted with it, so that the
figures are known), the moderator's decisions go through the admin API, and
the threshold in force is read back from the admin API and seen at work on a
new comment posted by a reader. Held comments get "offensive" / "not
offensive"; a published comment reaches the moderator only through a
reader's report, and her "offensive" is a miss below the threshold.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pytest
from starlette.testclient import TestClient

from causerie.core.comments import CommentService
from causerie.store.records import CommentState, NewComment
from causerie.toxicity.site_threshold import BOUNDS, MIN_DECISIONS
from tests.moderation.conftest import Moderator, add_user, login, post, public_ids

MODEL = 0.68  # the shipped model's hold threshold
# Scored 0.60 and 0.84 by the shipped model (docs/toxicity.md, known failure modes).
MIDDLING = "Les voleurs ont été arrêtés par la police"
QUOTED = "He called me an idiot"


@pytest.fixture
def desk(make_sqlite_client: Callable[..., TestClient]) -> Moderator:
    """An admin on an app that publishes at once, the toxicity model on, policy hold."""
    client = make_sqlite_client(toxicity_filter=True)
    add_user(client, "admin@news.example", "admin")
    return login(client, "admin@news.example")


def _service(desk: Moderator) -> CommentService:
    service: CommentService = desk.client.app.state.runtime.comments  # type: ignore[attr-defined]
    return service


def _scored(desk: Moderator, scores: np.ndarray, held: bool) -> list[int]:
    """Comments the model scored so (held above the threshold, else published)."""
    store = _service(desk).store
    site = store.ensure_site("default")
    ids = []
    for n, score in enumerate(scores.tolist()):
        new = NewComment(
            parent_id=None,
            state=CommentState.PENDING if held else CommentState.APPROVED,
            author="Lecteur",
            text=f"Avis numéro {n} sur le tramway ({score:.3f})",
            html="<p>…</p>",
            created=time.time(),
            toxicity_score=float(score),
            toxicity_reasons="[]",
            toxicity_flag="hold" if held else None,
        )
        ids.append(store.insert_comment(site.id, "/tram", "Le tram", new).id)
    return ids


def _decide(desk: Moderator, action: str, ids: list[int]) -> None:
    for start in range(0, len(ids), 100):
        answer = desk.act(action, *ids[start : start + 100])
        assert answer.status_code == 200, answer.text


def _threshold(desk: Moderator) -> dict[str, object]:
    answer = desk.get("/sites/default/toxicity-threshold")
    assert answer.status_code == 200, answer.text
    found: dict[str, object] = answer.json()
    return found


def test_clean_holds_called_not_offensive_raise_the_threshold(desk: Moderator) -> None:
    assert post(desk.client, QUOTED, lang="en")["state"] == "pending"  # 0.84 >= 0.68
    _scored(desk, np.linspace(0.0, 0.6, 200), held=False)
    _decide(desk, "not_offensive", _scored(desk, np.linspace(0.70, 0.80, 40), held=True))
    _decide(desk, "offensive", _scored(desk, np.full(20, 0.95), held=True))
    found = _threshold(desk)
    assert found["source"] == "learned"
    assert found["held_clean"] == 40 and found["held_offensive"] == 20  # QUOTED: undecided
    assert MODEL + 0.05 <= float(found["threshold"]) <= BOUNDS[1]  # type: ignore[arg-type]
    expected, at_model = found["expected"], found["at_model"]
    assert isinstance(expected, dict) and isinstance(at_model, dict)
    assert expected["fpr"] < at_model["fpr"]
    assert expected["precision"] > at_model["precision"]
    # The threshold is in force: a quoted insult (0.84) is still held, at a higher bar.
    assert post(desk.client, QUOTED, lang="en")["state"] == "pending"
    pinned = desk.send("PUT", "/sites/default/settings", {"toxicity_threshold": 90})
    assert pinned.status_code == 200, pinned.text
    made = post(desk.client, QUOTED, lang="en")
    assert made["state"] == "approved" and made["id"] in public_ids(desk.client)


def test_confirmed_reports_of_published_insults_lower_it(desk: Moderator) -> None:
    before = post(desk.client, MIDDLING, lang="fr")
    assert before["state"] == "approved"  # 0.60 < 0.68: published
    _scored(desk, np.linspace(0.0, 0.35, 300), held=False)
    # Readers reported these published comments; the moderator confirmed them.
    _decide(desk, "offensive", _scored(desk, np.linspace(0.42, 0.66, 60), held=False))
    _decide(desk, "offensive", _scored(desk, np.full(10, 0.95), held=True))
    found = _threshold(desk)
    assert (found["source"], found["reported_missed"], found["held_offensive"]) == (
        "learned",
        60,
        10,
    )
    assert BOUNDS[0] <= float(found["threshold"]) <= 0.55  # type: ignore[arg-type]
    after = post(desk.client, MIDDLING, lang="fr")
    assert after["state"] == "pending"  # now held for review
    overview = desk.get("/overview?site=default").json()["toxicity"]
    (shown,) = overview["thresholds"]
    assert (shown["site"], shown["threshold"]) == ("default", found["threshold"])


def test_nothing_moves_before_enough_decisions_and_undo_counts(desk: Moderator) -> None:
    _scored(desk, np.linspace(0.0, 0.6, 200), held=False)
    ids = _scored(desk, np.linspace(0.70, 0.80, MIN_DECISIONS), held=True)
    _decide(desk, "not_offensive", ids[:-1])
    found = _threshold(desk)
    assert (found["source"], found["threshold"], found["learned"]) == ("model", MODEL, None)
    assert (found["decisions"], found["needed"]) == (MIN_DECISIONS - 1, MIN_DECISIONS)
    _decide(desk, "not_offensive", ids[-1:])
    assert _threshold(desk)["source"] == "learned"
    # Undo takes the decision back, and the threshold with it.
    assert desk.send("POST", "/undo").status_code == 200
    assert _threshold(desk)["source"] == "model"


def test_a_pinned_threshold_wins_over_what_was_learned(desk: Moderator) -> None:
    _scored(desk, np.linspace(0.0, 0.35, 300), held=False)
    _decide(desk, "offensive", _scored(desk, np.linspace(0.42, 0.66, 60), held=False))
    assert _threshold(desk)["source"] == "learned"
    assert (
        desk.send("PUT", "/sites/default/settings", {"toxicity_threshold": 70}).status_code == 200
    )
    found = _threshold(desk)
    assert (found["source"], found["threshold"]) == ("pinned", 0.7)
    assert float(found["learned"]) < 0.6  # type: ignore[arg-type]
    assert post(desk.client, MIDDLING, lang="fr")["state"] == "approved"  # 0.60 < 0.70


def test_a_site_with_the_model_off_shows_no_threshold(desk: Moderator) -> None:
    assert (
        desk.send("PUT", "/sites/default/settings", {"toxicity_policy": "off"}).status_code == 200
    )
    assert _threshold(desk) == {"site": "default", "policy": "off", "threshold": None}


def test_the_comment_path_never_waits_for_the_decisions(desk: Moderator) -> None:
    """A new comment uses the value this process has; a decision makes it read them again
    in the background, and the next comments get the new threshold."""
    service = _service(desk)
    site = service.store.ensure_site("default")
    conf = service.site_settings(site)
    assert service.toxicity_hold(site, conf) == MODEL  # first read, at once
    _scored(desk, np.linspace(0.0, 0.35, 300), held=False)
    _decide(desk, "offensive", _scored(desk, np.linspace(0.42, 0.66, 60), held=False))
    assert service.toxicity_hold(site, conf) == MODEL  # the old value, a refresh started
    deadline = time.monotonic() + 60
    while service.toxicity_holds._running and time.monotonic() < deadline:
        time.sleep(0.01)
    learned = service.toxicity_hold(site, conf)
    assert learned is not None and learned < 0.6
    pinned = service.site_settings(site).merged({"toxicity_threshold": 75})
    assert service.toxicity_hold(site, pinned) is None  # pinned: thresholds() takes it
