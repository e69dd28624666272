"""Per-article rules: closing by hand or after N days (two start dates), pre-moderation."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from starlette.testclient import TestClient

from tests.newsroom.conftest import Moderator, add_user, login, post, public_ids

DAY = 86_400.0


def _clock(client: TestClient, offset_days: float) -> None:
    """Move the server's clock (comments' times and closing) some days ahead."""
    start = time.time()
    client.app.state.runtime.comments.clock = lambda: start + offset_days * DAY  # type: ignore[attr-defined]


def _thread(client: TestClient, uri: str = "/article") -> dict[str, Any]:
    data: dict[str, Any] = client.get("/api/comments", params={"uri": uri}).json()
    return data


def _try(client: TestClient, lang: str = "fr", **fields: Any) -> Any:
    body = {"uri": "/article", "author": "Samira", "text": "Encore un avis", **fields}
    return client.post("/api/comments", json=body, params={"lang": lang})


def _iso(days_ago: float) -> str:
    return datetime.fromtimestamp(time.time() - days_ago * DAY, UTC).isoformat()


def _thread_id(desk: Moderator, uri: str = "/article") -> int:
    listed = desk.get("/threads", params={"q": uri}).json()["threads"]
    return int(next(t["id"] for t in listed if t["uri"] == uri))


def test_a_thread_closes_n_days_after_its_first_comment(desk: Moderator) -> None:
    desk.send("PUT", "/sites/default/settings", {"auto_close_days": 3})
    first = post(desk.client, "Premier")
    data = _thread(desk.client)
    assert data["closed"] is None and data["closes_at"] is not None
    _clock(desk.client, 2.9)
    assert _try(desk.client).status_code == 201
    _clock(desk.client, 3.1)
    refused = _try(desk.client, lang="ar")
    assert refused.status_code == 403
    assert refused.json()["error"] == "thread_closed" and refused.json()["reason"] == "auto"
    assert refused.json()["message"].startswith("التعليقات على هذا المقال مغلقة")
    closed = _thread(desk.client)
    assert closed["closed"]["reason"] == "auto" and closed["closed"]["since"] == data["closes_at"]
    assert first["id"] in public_ids(desk.client)  # still readable


def test_from_the_article_date_even_the_first_comment_can_be_too_late(desk: Moderator) -> None:
    desk.send(
        "PUT", "/sites/default/settings", {"auto_close_days": 7, "auto_close_from": "article"}
    )
    late = _try(desk.client, uri="/ancien", published=_iso(10))
    assert late.status_code == 403 and late.json()["reason"] == "auto"
    fresh = _try(desk.client, published=_iso(5))
    assert fresh.status_code == 201
    thread = desk.get(f"/threads/{_thread_id(desk)}").json()
    assert thread["published"] is not None
    assert thread["effective"]["close_from"] == "article"
    assert thread["effective"]["close_after_days"] == 7
    _clock(desk.client, 2.1)
    assert _try(desk.client).json()["reason"] == "auto"
    # Without an article date, the thread counts from its first comment.
    assert _try(desk.client, uri="/sans-date").status_code == 201


def test_a_thread_may_override_the_site_default_and_undo_restores_it(desk: Moderator) -> None:
    desk.send("PUT", "/sites/default/settings", {"auto_close_days": 1})
    post(desk.client, "Premier")
    thread_id = _thread_id(desk)
    never = desk.send("PUT", f"/threads/{thread_id}/rules", {"close_after_days": 0})
    assert never.status_code == 200 and never.json()["effective"]["closes_at"] is None
    _clock(desk.client, 30)
    assert _try(desk.client).status_code == 201
    _clock(desk.client, 5)
    longer = desk.send("PUT", f"/threads/{thread_id}/rules", {"close_after_days": 10}).json()
    assert longer["close_after_days"] == 10 and longer["effective"]["closed"] is None
    _clock(desk.client, 11)
    assert _try(desk.client).json()["reason"] == "auto"
    desk.send("POST", "/undo")
    desk.send("POST", "/undo")
    back = desk.get(f"/threads/{thread_id}").json()
    assert back["close_after_days"] is None and back["effective"]["close_after_days"] == 1


def test_closed_by_hand_says_so_and_keeps_the_comments(desk: Moderator) -> None:
    made = post(desk.client, "Premier")
    thread_id = _thread_id(desk)
    closed = desk.send("PUT", f"/threads/{thread_id}/rules", {"closed": True}).json()
    assert closed["closed"] is True
    assert closed["effective"]["closed"] == {"reason": "moderator", "since": None}
    refused = _try(desk.client)
    assert refused.json()["reason"] == "moderator"
    assert refused.json()["message"].startswith("La rédaction a fermé")
    assert _thread(desk.client)["closed"] == {"reason": "moderator", "since": None}
    assert made["id"] in public_ids(desk.client)
    desk.send("PUT", f"/threads/{thread_id}/rules", {"closed": False})
    assert _try(desk.client).status_code == 201


def test_one_article_is_pre_moderated_without_touching_the_site(desk: Moderator) -> None:
    post(desk.client, "Premier")
    post(desk.client, "Ailleurs", uri="/autre")
    thread_id = _thread_id(desk)
    desk.send("PUT", f"/threads/{thread_id}/rules", {"premod": True})
    assert _thread(desk.client)["premod"] is True
    held = _try(desk.client)
    assert held.status_code == 201 and held.json()["state"] == "pending"
    card = desk.get("/comments", params={"state": "pending"}).json()["comments"][0]
    assert card["id"] == held.json()["id"]
    assert [r["code"] for r in card["reasons"]] == ["thread_premod"]
    assert card["reasons"][0]["text"] == "cet article est en pré-modération"
    elsewhere = _try(desk.client, uri="/autre")
    assert elsewhere.json()["state"] == "approved"
    assert _thread(desk.client, "/autre")["premod"] is False


def test_threads_are_listed_with_counts_and_checked(desk: Moderator) -> None:
    post(desk.client, "Un", title="Le tramway")
    post(desk.client, "Deux", uri="/budget", title="Le budget")
    listed = desk.get("/threads").json()
    assert listed["total"] == 2
    tram = next(t for t in listed["threads"] if t["uri"] == "/article")
    assert tram["title"] == "Le tramway" and tram["counts"]["approved"] == 1
    assert desk.get("/threads", params={"q": "budget"}).json()["total"] == 1
    assert desk.get("/threads/999999").status_code == 404
    bad = desk.send("PUT", f"/threads/{tram['id']}/rules", {"close_after_days": -1})
    assert bad.status_code == 422 and bad.json()["field"] == "close_after_days"
    bad = desk.send("PUT", f"/threads/{tram['id']}/rules", {"published": "hier"})
    assert bad.status_code == 422 and bad.json()["field"] == "published"


def test_a_moderator_of_another_site_cannot_touch_the_rules(desk: Moderator) -> None:
    post(desk.client, "Un")
    thread_id = _thread_id(desk)
    runtime = desk.client.app.state.runtime  # type: ignore[attr-defined]
    runtime.store.ensure_site("autre")
    add_user(desk.client, "ines@news.example", "moderator", ("autre",))
    other = login(TestClient(desk.client.app), "ines@news.example")
    assert other.get(f"/threads/{thread_id}").status_code == 403
    changed = other.send("PUT", f"/threads/{thread_id}/rules", {"closed": True})
    assert changed.status_code == 403
    assert other.get("/threads").json()["total"] == 0
