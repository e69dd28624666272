"""``make demo`` opens on a lived-in thread: seeded once, on the first start only."""

from __future__ import annotations

import re
from typing import Any

from starlette.testclient import TestClient

from causerie.app import create_app
from tests.conftest import set_comment_columns
from tests.conftest import test_settings as settings_for
from tests.moderation.conftest import add_user, login


def _started(database_url: str, **overrides: Any) -> TestClient:
    """A client whose app went through its start-up (the lifespan), as a server's does."""
    settings = settings_for(database_url, demo_seed=True, **overrides)
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    client.__enter__()
    return client


def _stop(client: TestClient) -> None:
    client.__exit__(None, None, None)
    client.app.state.runtime.engine.dispose()  # type: ignore[attr-defined]


def _walk(nodes: list[dict[str, Any]], depth: int = 0) -> list[tuple[int, str, str]]:
    out = []
    for node in nodes:
        script = "ar" if re.search("[\u0600-\u06ff]", node["html"]) else "latin"
        out.append((depth, node["author"], script))
        out += _walk(node.get("replies", []), depth + 1)
    return out


def test_first_start_seeds_the_demo_thread_in_french_and_arabic(database_url: str) -> None:
    client = _started(database_url, spam_filter=True)
    try:
        thread = client.get("/api/comments", params={"uri": "/demo"}).json()
        shown = _walk(thread["comments"])
        assert thread["total"] == 4, "the held spam is not shown to readers"
        assert {script for _, _, script in shown} == {"latin", "ar"}, "French and Arabic"
        assert shown[:2] == [(0, "Youssef B.", "latin"), (1, "Fatima Zahra", "latin")], "a reply"
        assert (0, "سعاد", "ar") in shown

        add_user(client, "admin@demo.example", "admin")
        desk = login(client, "admin@demo.example")
        held = desk.get("/comments", params={"state": "spam"}).json()
        assert [row["author"] for row in held["comments"]] == ["Investisseur Pro"]
        # Judged by the real filter: the dashboard shows why it was held.
        reasons = held["comments"][0]["reasons"]
        assert reasons and all(r["text"] for r in reasons), held["comments"][0]
    finally:
        _stop(client)


def test_later_starts_add_nothing_and_deletions_stay(database_url: str) -> None:
    first = _started(database_url)
    thread = first.get("/api/comments", params={"uri": "/demo"}).json()
    assert thread["total"] == 4
    runtime = first.app.state.runtime  # type: ignore[attr-defined]
    set_comment_columns(runtime.engine, thread["comments"][-1]["id"], state="deleted")
    _stop(first)

    again = _started(database_url)
    try:
        total = again.get("/api/comments", params={"uri": "/demo"}).json()["total"]
        assert total == 3, "a second start seeds nothing, and what was deleted stays deleted"
    finally:
        _stop(again)


def test_without_the_setting_no_demo_comment_is_written(database_url: str) -> None:
    settings = settings_for(database_url)
    assert settings.demo_seed is False, "a real site never gets demo comments"
    with TestClient(create_app(settings)) as plain:
        assert plain.get("/api/comments", params={"uri": "/demo"}).json()["total"] == 0
    plain.app.state.runtime.engine.dispose()  # type: ignore[attr-defined]
