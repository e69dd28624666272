"""Large threads are paged by keyset cursors and never sent whole."""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlalchemy import insert
from starlette.testclient import TestClient

from causerie.store import schema

URI = "/grand-debat"
ROOTS = 4_000
REPLIES = 1_000


def seed_big_thread(client: TestClient) -> None:
    """5,000 approved comments (4,000 top-level, 1,000 replies) in one transaction."""
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    site = runtime.store.ensure_site("default")
    rng = random.Random(5000)
    with runtime.engine.begin() as conn:
        thread_id = conn.execute(
            insert(schema.threads)
            .values(site_id=site.id, uri=URI, title="Débat", closed=False, created=0.0)
            .returning(schema.threads.c.id)
        ).scalar_one()
        base = {
            "thread_id": thread_id,
            "state": schema.CommentState.APPROVED,
            "author": "Lecteur",
            "text": "Avis",
            "html": "<p>Avis</p>",
            "lang": "fr",
        }
        roots = [
            {
                **base,
                "created": 1_700_000_000.0 + (i // 3),
                "likes": rng.randint(0, 9),
                "dislikes": 0,
            }
            for i in range(ROOTS)
        ]
        conn.execute(insert(schema.comments), roots)
        ids = list(range(1, ROOTS + 1))
        replies = []
        for i in range(REPLIES):
            parent = rng.choice(ids[:200])
            replies.append(
                {
                    **base,
                    "parent_id": parent,
                    "root_id": parent,
                    "created": 1_800_000_000.0 + i,
                    "likes": 0,
                    "dislikes": 0,
                }
            )
        conn.execute(insert(schema.comments), replies)


def walk(client: TestClient, sort: str, limit: int) -> list[dict[str, Any]]:
    """Every page of the thread, following ``next``."""
    pages = []
    cursor = None
    while True:
        params: dict[str, Any] = {"uri": URI, "sort": sort, "limit": limit}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/comments", params=params).json()
        pages.append(page)
        cursor = page["next"]
        if not cursor:
            return pages


@pytest.mark.parametrize("sort", ["oldest", "newest", "top"])
def test_paging_visits_every_top_level_comment_once(client: TestClient, sort: str) -> None:
    seed_big_thread(client)
    pages = walk(client, sort, 200)

    assert len(pages) == ROOTS // 200
    seen = [c["id"] for page in pages for c in page["comments"]]
    assert len(seen) == ROOTS and len(set(seen)) == ROOTS
    assert all(len(page["comments"]) <= 200 for page in pages)
    assert all(page["total"] == ROOTS + REPLIES for page in pages)
    replies = sum(len(c["replies"]) for page in pages for c in page["comments"])
    assert replies == REPLIES
    if sort == "top":
        scores = [c["likes"] - c["dislikes"] for page in pages for c in page["comments"]]
        assert scores == sorted(scores, reverse=True)


def test_default_page_is_small(client: TestClient) -> None:
    seed_big_thread(client)
    page = client.get("/api/comments", params={"uri": URI})
    assert len(page.json()["comments"]) == 50
    assert len(page.content) < 200_000
