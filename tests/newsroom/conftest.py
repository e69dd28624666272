"""Helpers for the newsroom desk's tests: readers at other addresses, an admin, a thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.moderation.conftest import Moderator, add_user, login, post, public_ids
from tests.moderation.conftest import admin as admin  # the fixtures, shared
from tests.moderation.conftest import admin_client as admin_client

__all__ = ["Moderator", "add_user", "login", "post", "public_ids", "reader_at", "report"]


def reader_at(client: TestClient, ip: str) -> TestClient:
    """Another reader of the same app, coming from another address."""
    return TestClient(client.app, client=(ip, 50000), raise_server_exceptions=False)


def report(client: TestClient, comment_id: int, reason: str = "abuse", **body: Any) -> Any:
    """A reader's report; the raw answer."""
    return client.post(f"/api/comments/{comment_id}/reports", json={"reason": reason, **body})


@pytest.fixture
def desk(admin_client: Callable[..., Moderator]) -> Moderator:
    """An admin on an app that publishes comments at once (the newsroom default)."""
    return admin_client(moderation="publish")
