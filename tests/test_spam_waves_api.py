"""A campaign wave through the comment API: the third copy waits in the spam queue."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from causerie.core.comments import CommentService
from tests.conftest import MakeClient, client_factory
from tests.spam.test_waves import PRAISE_COPIES


@pytest.fixture
def make_sqlite_client(sqlite_url: str) -> Iterator[MakeClient]:
    """In-process clients on one SQLite database."""
    yield from client_factory(sqlite_url)


def test_the_third_copy_of_a_template_is_held_with_the_wave_reason(
    make_sqlite_client: MakeClient,
) -> None:
    client = make_sqlite_client(spam_filter=True, moderation="publish")
    service: CommentService = client.app.state.runtime.comments  # type: ignore[attr-defined]
    states = []
    for i, text in enumerate(PRAISE_COPIES[:3]):
        body = {"uri": f"/article-{i}", "author": f"reader {i}", "text": text}
        created = client.post("/api/comments", json=body)
        assert created.status_code == 201, created.text
        stored = service.store.comment(created.json()["id"])
        assert stored is not None
        states.append((stored.state.value, [r["code"] for r in json.loads(stored.spam_reasons)]))
    # The shipped model alone lets this praise through; the repetition does not.
    assert [s for s, _ in states[:2]] == ["approved", "approved"]
    assert states[2][0] == "spam" and states[2][1][0] == "wave"


def test_waves_can_be_turned_off(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client(spam_filter=True, spam_waves=False, moderation="publish")
    for i, text in enumerate(PRAISE_COPIES[:3]):
        body = {"uri": f"/article-{i}", "author": f"reader {i}", "text": text}
        assert client.post("/api/comments", json=body).json()["state"] == "approved"
