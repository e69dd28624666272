"""Featured comments: editors pick them, readers get them first (the widget: browser tests)."""

from __future__ import annotations

from typing import Any

from tests.newsroom.conftest import Moderator, post


def _thread(desk: Moderator, **params: Any) -> dict[str, Any]:
    answer = desk.client.get("/api/comments", params={"uri": "/article", **params})
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()
    return data


def test_a_featured_comment_is_marked_listed_first_and_served_alone(desk: Moderator) -> None:
    first = post(desk.client, "Premier avis")
    pick = post(desk.client, "Un avis éclairant")
    done = desk.act("feature", pick["id"]).json()["updated"][0]
    assert done["featured"] is True and done["state"] == "approved"
    data = _thread(desk)
    assert [c["id"] for c in data["featured"]] == [pick["id"]]
    flags = {c["id"]: c["featured"] for c in data["comments"]}
    assert flags == {first["id"]: False, pick["id"]: True}
    alone = desk.client.get("/api/comments", params={"uri": "/article", "featured": "1"})
    assert alone.json()["featured_only"] is True
    assert [c["id"] for c in alone.json()["comments"]] == [pick["id"]]
    again = desk.client.get(
        "/api/comments",
        params={"uri": "/article", "featured": "1"},
        headers={"If-None-Match": alone.headers["etag"]},
    )
    assert again.status_code == 304
    assert desk.get("/comments", params={"state": "featured"}).json()["total"] == 1
    desk.act("unfeature", pick["id"])
    assert _thread(desk)["featured"] == []
    audit = [e["action"] for e in desk.get("/audit").json()["entries"]]
    assert audit[:2] == ["unfeature", "feature"]


def test_featuring_publishes_a_held_comment_and_undo_takes_it_back(admin: Moderator) -> None:
    held = post(admin.client, "Tenu mais excellent")
    assert held["state"] == "pending"
    admin.act("feature", held["id"])
    assert [c["id"] for c in _thread(admin)["featured"]] == [held["id"]]
    admin.send("POST", "/undo")
    assert _thread(admin)["featured"] == []
    card = admin.get("/comments", params={"state": "pending"}).json()["comments"][0]
    assert card["id"] == held["id"] and card["featured"] is False


def test_only_published_featured_comments_are_shown_and_later_pages_repeat_none(
    desk: Moderator,
) -> None:
    ids = [post(desk.client, f"Avis {i}")["id"] for i in range(4)]
    desk.act("feature", ids[0], ids[1])
    desk.act("reject", ids[1])
    data = _thread(desk, limit=2)
    assert [c["id"] for c in data["featured"]] == [ids[0]]
    later = _thread(desk, limit=2, cursor=data["next"])
    assert data["next"] and [c["id"] for c in data["comments"]] == [ids[0], ids[2]]
    assert later["featured"] == [] and [c["id"] for c in later["comments"]] == [ids[3]]


def test_an_unknown_thread_has_no_featured_comment(desk: Moderator) -> None:
    answer = desk.client.get("/api/comments", params={"uri": "/nowhere", "featured": "true"})
    assert answer.json()["comments"] == [] and answer.json()["total"] == 0
    assert _thread(desk, uri="/nowhere")["featured"] == []


def test_the_server_rendered_page_carries_the_picks_and_the_rules(desk: Moderator) -> None:
    pick = post(desk.client, "Un avis éclairant")
    desk.act("feature", pick["id"])
    thread_id = desk.get("/threads").json()["threads"][0]["id"]
    desk.send("PUT", f"/threads/{thread_id}/rules", {"closed": True})
    html = desk.client.get("/api/comments.html", params={"uri": "/article", "lang": "ar"}).text
    assert '<section class="cz-feat" aria-labelledby="cz-feat-h">' in html
    assert "اختيارات هيئة التحرير" in html and 'data-closed="moderator"' in html
    assert 'data-act="report"' in html
