"""Helpers for the dashboard's tests: accounts with a cheap (but real) argon2, logged-in clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from argon2 import PasswordHasher
from starlette.testclient import TestClient

from tests.conftest import client_factory

PASSWORD = "correct horse battery"
# Real argon2id with small parameters: the tests create and log in many accounts.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@dataclass
class Moderator:
    """A logged-in dashboard client with its CSRF token."""

    client: TestClient
    csrf: str

    def get(self, path: str, **kw: Any) -> Any:
        """GET an admin API path."""
        return self.client.get("/api/admin" + path, **kw)

    def send(self, method: str, path: str, json: Any = None, **kw: Any) -> Any:
        """A changing request with the CSRF header."""
        headers = {"X-CSRF-Token": self.csrf, **kw.pop("headers", {})}
        return self.client.request(method, "/api/admin" + path, json=json, headers=headers, **kw)

    def act(self, action: str, *ids: int) -> Any:
        """Apply an action to comments."""
        return self.send("POST", "/comments/action", {"action": action, "ids": list(ids)})


def fast_hashing(client: TestClient) -> None:
    """Give the app's accounts the cheap argon2 parameters."""
    accounts = client.app.state.runtime.accounts  # type: ignore[attr-defined]
    if accounts.hasher is not FAST_HASHER:
        accounts.hasher = FAST_HASHER
        accounts._dummy = ""


def add_user(client: TestClient, email: str, role: str, sites: tuple[str, ...] = ()) -> int:
    """Create an account in the app's database."""
    fast_hashing(client)
    accounts = client.app.state.runtime.accounts  # type: ignore[attr-defined]
    user_id: int = accounts.add_user(email, PASSWORD, role, sites)
    return user_id


def login(client: TestClient, email: str, password: str = PASSWORD) -> Moderator:
    """Log a client in and return it with its CSRF token."""
    response = client.post("/api/admin/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return Moderator(client, response.json()["csrf"])


def post(client: TestClient, text: str, **fields: Any) -> dict[str, Any]:
    """Post a public comment and return the API's answer."""
    body = {"uri": "/article", "author": "Samira", "text": text, **fields}
    response = client.post("/api/comments", json=body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def public_ids(client: TestClient, uri: str = "/article", site: str | None = None) -> list[int]:
    """Ids of the comments a reader sees in a thread (replies included)."""
    params = {"uri": uri, **({"site": site} if site else {})}
    data = client.get("/api/comments", params=params).json()
    out: list[int] = []

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            if node["state"] == "approved":
                out.append(node["id"])
            walk(node["replies"])

    walk(data["comments"])
    return out


@pytest.fixture
def make_sqlite_client(sqlite_url: str) -> Iterator[Callable[..., TestClient]]:
    """Like ``make_client`` but on SQLite only, for rules that do not depend on SQL."""
    yield from client_factory(sqlite_url)


@pytest.fixture
def admin_client(make_client: Callable[..., TestClient]) -> Callable[..., Moderator]:
    """Build an app (settings overrides allowed) and log an admin into it."""

    def make(**overrides: Any) -> Moderator:
        client = make_client(**overrides)
        add_user(client, "admin@news.example", "admin")
        return login(client, "admin@news.example")

    return make


@pytest.fixture
def admin(admin_client: Callable[..., Moderator]) -> Moderator:
    """An admin on an app holding every comment for moderation."""
    return admin_client(moderation="hold_all")
