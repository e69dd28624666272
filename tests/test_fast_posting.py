"""The posting fast path (api/fastpost.py): it takes ordinary posts and answers like the route.

Each case is posted twice on the same database: once to the app as built
(fast path first), once to the same app without the fast path (the
documented route alone). Status, headers and body must be the same, apart
from what a new comment makes new (its id, times and edit token).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from causerie.api import fastpost
from causerie.api.fastpost import FastPosts, parse_post
from tests.conftest import MakeClient

NEW = ("id", "created", "edit_token", "edit_until")


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The URIs of the posts the fast path answered (the route calls its own ``post_new``)."""
    seen: list[str] = []
    real = fastpost.post_new

    def counting(request: Any, post: fastpost.NewPost) -> Any:
        seen.append(post.comment.uri)
        return real(request, post)

    monkeypatch.setattr(fastpost, "post_new", counting)
    yield seen


def route_only(client: TestClient) -> TestClient:
    """The same app with the fast path taken out: every post goes to the route."""
    app: Any = client.app
    app.user_middleware = [m for m in app.user_middleware if m.cls is not FastPosts]
    app.middleware_stack = None  # rebuilt on the next request
    return client


def pair(make_client: MakeClient, **overrides: Any) -> tuple[TestClient, TestClient]:
    """A client of the app as built, and one of the route alone, on the same database."""
    return make_client(**overrides), route_only(make_client(**overrides))


def same_answer(fast: Any, slow: Any) -> None:
    assert fast.status_code == slow.status_code, (fast.text, slow.text)
    assert sorted(fast.headers.keys()) == sorted(slow.headers.keys())
    for name in fast.headers:
        if name != "content-length" or fast.status_code != 201:
            assert fast.headers[name] == slow.headers[name], name
    a, b = fast.json(), slow.json()
    if fast.status_code == 201:
        assert a.keys() == b.keys()
        a = {k: v for k, v in a.items() if k not in NEW}
        b = {k: v for k, v in b.items() if k not in NEW}
    assert a == b


ORIGIN = {"Origin": "https://news.example"}
CASES: list[tuple[str, dict[str, Any], dict[str, str]]] = [
    ("ordinary", {"text": "Bonjour **tout** le monde", "author": "Amina"}, {}),
    ("from the widget's origin", {"text": "Merci", "author": "Amina"}, ORIGIN),
    (
        "everything given",
        {
            "text": "Une [source](https://example.org)",
            "author": "Karim",
            "email": "k@example.org",
            "website": "https://karim.example",
            "notify": True,
            "title": "Le tram",
            "lang": "ar",
            "elapsed": 12,
            "hp": None,
            "published": "2026-11-01T08:00:00Z",
        },
        {},
    ),
    ("empty text", {"text": "  ", "author": "Amina"}, {"Accept-Language": "ar"}),
    ("no name", {"text": "Bonjour", "author": ""}, {"Accept-Language": "en"}),
    ("bad e-mail", {"text": "Bonjour", "author": "A", "email": "nope"}, {}),
    ("bad website", {"text": "Bonjour", "author": "A", "website": "javascript:x"}, {}),
    ("unknown parent", {"text": "Bonjour", "author": "A", "parent": 999999}, {}),
    ("unknown site", {"text": "Bonjour", "author": "A", "site": "ailleurs"}, {}),
    ("too long", {"text": "x" * 60_000, "author": "A"}, {}),
    ("bad publication date", {"text": "Bonjour", "author": "A", "published": "hier"}, {}),
    # Not the fast path's: the route's model answers these (the fast path passes them on).
    ("parent as text", {"text": "Bonjour", "author": "A", "parent": "5"}, {}),
    ("notify as a number", {"text": "Bonjour", "author": "A", "notify": 1}, {}),
    ("text as a number", {"text": 5, "author": "A"}, {}),
    ("no text", {"author": "A"}, {"Accept-Language": "en"}),
    ("parent zero", {"text": "Bonjour", "author": "A", "parent": 0}, {}),
]
FAST = {case for case, body, _ in CASES if parse_post({"uri": "/a", **body}) is not None}


@pytest.mark.parametrize(("case", "body", "headers"), CASES, ids=[c[0] for c in CASES])
def test_fast_path_answers_like_the_route(
    make_client: MakeClient,
    taken: list[str],
    case: str,
    body: dict[str, Any],
    headers: dict[str, str],
) -> None:
    fast, slow = pair(make_client)
    body = {"uri": f"/2026/{case.replace(' ', '-')}", **body}
    params = {"lang": "en"} if case == "bad e-mail" else {}
    fast_answer, route_answer = (
        c.post("/api/comments", json=body, headers=headers, params=params) for c in (fast, slow)
    )
    same_answer(fast_answer, route_answer)
    # Only the ordinary bodies are the fast path's; it never saw the route's request.
    assert taken == ([body["uri"]] if case in FAST else [])


def test_ordinary_posts_are_the_fast_paths(make_client: MakeClient, taken: list[str]) -> None:
    client = make_client()
    first = client.post("/api/comments", json={"uri": "/a", "text": "Un", "author": "A"})
    assert first.status_code == 201
    reply = {"uri": "/a", "text": "Deux", "author": "B", "parent": first.json()["id"]}
    second = client.post("/api/comments", json=reply)
    assert second.status_code == 201
    assert second.json()["parent"] == first.json()["id"]
    assert taken == ["/a", "/a"]
    # What it stored is what the route would have: the thread shows both.
    shown = client.get("/api/comments", params={"uri": "/a"}).json()
    assert shown["total"] == 2


def test_refusals_of_the_guard_and_other_bodies_stay_the_routes(
    make_client: MakeClient, taken: list[str]
) -> None:
    client = make_client()
    as_form = client.post("/api/comments", data={"uri": "/a", "text": "x"})
    bad_json = client.post(
        "/api/comments", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    a_list = client.post("/api/comments", json=[{"uri": "/a", "text": "x"}])
    assert (as_form.status_code, bad_json.status_code, a_list.status_code) == (422, 400, 422)
    assert bad_json.json()["error"] == "invalid_json"
    assert taken == []


def test_rate_limit_is_the_same_on_the_fast_path(make_client: MakeClient, taken: list[str]) -> None:
    fast, slow = pair(make_client, comments_per_minute=1)
    body = {"uri": "/a", "text": "Encore", "author": "A"}
    assert fast.post("/api/comments", json=body).status_code == 201
    # Both clients post from the same address on the same database: the limit is spent.
    same_answer(
        fast.post("/api/comments", json={**body, "text": "Et encore"}),
        slow.post("/api/comments", json={**body, "text": "Et encore"}),
    )
    assert len(taken) == 2


def test_a_bug_is_a_localized_500_on_the_fast_path(
    make_client: MakeClient, taken: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(client.app.state.runtime.comments, "create", broken)  # type: ignore[attr-defined]
    response = client.post(
        "/api/comments", json={"uri": "/a", "text": "x", "author": "A"}, params={"lang": "en"}
    )
    assert response.status_code == 500
    assert response.json()["error"] == "server_error"
    assert response.headers["content-language"] == "en"
    assert taken == ["/a"]
