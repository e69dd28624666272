"""A moderator of site A can see and change site A only: every action is checked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.moderation.conftest import Moderator, add_user, login, post


@pytest.fixture
def two_sites(make_sqlite_client: Callable[..., TestClient]) -> dict[str, Any]:
    """Sites a and b with one held comment each, and a moderator of site a only."""
    client = make_sqlite_client(moderation="hold_all")
    store = client.app.state.runtime.store  # type: ignore[attr-defined]
    store.ensure_site("a")
    store.ensure_site("b")
    mine = post(client, "Sur le site A", site="a", email="x@mail.example")["id"]
    other = post(client, "Sur le site B", site="b", email="y@mail.example")["id"]
    add_user(client, "ines@news.example", "moderator", ("a",))
    mod = login(client, "ines@news.example")
    thread_b = store.comment(other).thread_id
    return {"mod": mod, "mine": mine, "other": other, "thread_b": thread_b, "client": client}


ACTIONS = ["approve", "delete", "spam", "not_spam", "pin", "unpin"]


@pytest.mark.parametrize("action", ACTIONS)
def test_actions_on_another_site_are_forbidden(two_sites: dict[str, Any], action: str) -> None:
    mod: Moderator = two_sites["mod"]
    refused = mod.act(action, two_sites["other"])
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    # A mixed selection is refused as a whole: nothing of site A changes either.
    assert mod.act(action, two_sites["mine"], two_sites["other"]).status_code == 403
    assert mod.get("/comments").json()["comments"][0]["state"] == "pending"
    assert mod.act(action, two_sites["mine"]).is_success


def test_every_other_change_on_another_site_is_forbidden(two_sites: dict[str, Any]) -> None:
    mod: Moderator = two_sites["mod"]
    other, thread_b = two_sites["other"], two_sites["thread_b"]
    attempts = [
        mod.send("PATCH", f"/comments/{other}", {"text": "hijacked"}),
        mod.send("POST", f"/comments/{other}/reply", {"text": "hello"}),
        mod.send("POST", f"/comments/{other}/block", {"by": "email", "days": 1}),
        mod.send("POST", f"/threads/{thread_b}/close", {"closed": True}),
        mod.send("POST", "/blocks", {"site": "b", "kind": "email", "value": "z@mail.example"}),
        mod.send("PUT", "/sites/b/settings", {"moderation": "publish"}),
        mod.get("/sites/b/settings"),
        mod.get("/comments", params={"site": "b"}),
        mod.get("/comments", params={"thread": thread_b}),
        mod.get("/overview", params={"site": "b"}),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert {r.json()["error"] for r in attempts} == {"forbidden"}


def test_moderator_sees_only_their_sites(two_sites: dict[str, Any]) -> None:
    mod: Moderator = two_sites["mod"]
    client: TestClient = two_sites["client"]
    assert [s["name"] for s in mod.get("/me").json()["sites"]] == ["a"]
    listed = mod.get("/comments").json()
    assert [c["id"] for c in listed["comments"]] == [two_sites["mine"]]
    assert sum(mod.get("/overview").json()["counts"].values()) == 1
    add_user(client, "admin@news.example", "admin")
    other_client = TestClient(client.app, client=("203.0.113.20", 50000))
    admin = login(other_client, "admin@news.example")
    admin.act("approve", two_sites["other"])
    block = admin.send("POST", "/blocks", {"site": "b", "kind": "email", "value": "q@mail.example"})
    assert mod.send("DELETE", f"/blocks/{block.json()['id']}").status_code == 403
    assert mod.get("/blocks").json()["blocks"] == []
    assert [e["site"] for e in mod.get("/audit").json()["entries"]] == []
    assert {e["site"] for e in admin.get("/audit").json()["entries"]} == {"b"}
    # Undo only ever reverts one's own last action.
    assert mod.send("POST", "/undo").json()["error"] == "nothing_to_undo"
