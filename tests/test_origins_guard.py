"""The origin guard and policy on their own: a small Starlette app behind the real middleware.

``tests/test_origins_sites.py`` checks the rules through the whole Causerie
app; here every branch of ``api/origins.py`` (CORS headers, pre-flights, body
limits, how the site of a write is found, the reload interval) is pinned down
exactly, so that mutation testing finds no change it cannot see.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from starlette.types import Message

from causerie.api.origins import (
    ALLOW_HEADERS,
    ALLOW_METHODS,
    MAX_BODY,
    OriginGuard,
    OriginPolicy,
    own_origin,
    site_named,
)
from causerie.config import Settings

GLOBAL = "https://news.example"
BLOG = "https://blog.example"
EVIL = "https://evil.example"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _policy(clock: Clock | None = None, loads: list[int] | None = None) -> OriginPolicy:
    def load() -> list[tuple[str, str]]:
        if loads is not None:
            loads.append(1)
        return [("blog", BLOG + "/"), ("blog2", BLOG), ("sport", "https://sport.example")]

    comments = {1: "blog", 2: "sport"}
    return OriginPolicy([GLOBAL + "/"], load, comments.get, clock or Clock())


async def _echo(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse(
        {"body": body.decode(), "method": request.method}, headers={"X-Echo": "yes"}
    )


def _app(policy: OriginPolicy | None = None, events: list[str] | None = None) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if events is not None:
            events.append("started")
        yield

    methods = ["GET", "POST", "PATCH", "DELETE", "OPTIONS"]
    app = Starlette(
        routes=[
            Route("/api/echo", _echo, methods=methods),
            Route("/api/comments/{id}", _echo, methods=methods),
            Route("/api/comments/{id}/vote", _echo, methods=methods),
            Route("/api/preview", _echo, methods=methods),
            Route("/other", _echo, methods=methods),
        ],
        lifespan=lifespan,
    )
    # Error responses read the default language from the app's runtime settings.
    app.state.runtime = SimpleNamespace(settings=Settings())
    app.add_middleware(OriginGuard, policy=policy or _policy())
    return app


@pytest.fixture
def client() -> TestClient:
    return TestClient(_app())


# -- the policy ------------------------------------------------------------------


def test_policy_knows_global_and_per_site_origins_without_trailing_slashes() -> None:
    policy = _policy()
    assert policy.allowed() == {GLOBAL, BLOG, "https://sport.example"}
    assert policy.is_global(GLOBAL) and not policy.is_global(BLOG)
    assert policy.may_write(GLOBAL, "anything")
    assert policy.may_write(BLOG, "blog") and policy.may_write(BLOG, "blog2")
    assert not policy.may_write(BLOG, "sport")
    assert not policy.may_write(EVIL, "blog")


def test_policy_reloads_site_origins_every_five_seconds_and_on_refresh() -> None:
    clock, loads = Clock(), list[int]()
    policy = _policy(clock, loads)
    policy.allowed()
    assert len(loads) == 1  # the first use loads
    clock.now += 5.0
    policy.may_write(BLOG, "blog")
    assert len(loads) == 1  # five seconds: still fresh
    clock.now += 0.01
    policy.allowed()
    assert len(loads) == 2
    policy.refresh()
    policy.allowed()
    assert len(loads) == 3


def test_a_policy_used_at_clock_zero_loads_at_once() -> None:
    clock = Clock()
    clock.now = 0.0
    assert BLOG in _policy(clock).allowed()


# -- where a write names its site ----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "query", "site"),
    [
        (b"", "", "site=blog", "blog"),
        (b"", "", "site=%20blog%20", "blog"),
        (b"", "", "", "default"),
        (b"", "", "site=", "default"),
        (b'{"site": " blog "}', "application/json", "site=sport", "blog"),
        (b'{"text": "x"}', "application/json", "site=blog", "default"),
        (b'{"site": 123}', "application/json", "", "default"),
        (b'["blog"]', "application/json", "", "default"),
        (b"{not json", "application/json", "site=blog", "default"),
        (b"site=blog&text=x", "application/x-www-form-urlencoded", "", "blog"),
        ("site=café".encode(), "application/x-www-form-urlencoded", "", "café"),
        (b"site=blog&x=\xff", "application/x-www-form-urlencoded", "", "blog"),
        (b"text=x", "application/x-www-form-urlencoded", "site=blog", "default"),
        (b"site=blog", "text/plain", "site=blog", "default"),
    ],
)
def test_site_named(body: bytes, content_type: str, query: str, site: str) -> None:
    assert site_named(body, content_type, query) == site


def test_own_origin_follows_forwarded_proto_scheme_and_host() -> None:
    scope: dict[str, Any] = {"scheme": "http"}
    assert own_origin(scope, Headers({"host": "c.example"})) == "http://c.example"
    forwarded = Headers({"host": "c.example", "x-forwarded-proto": "https"})
    assert own_origin(scope, forwarded) == "https://c.example"
    assert own_origin({}, Headers({})) == "http://"
    assert own_origin({"scheme": "https"}, Headers({"host": "c.example"})) == "https://c.example"


# -- the guard -------------------------------------------------------------------------


def test_writes_from_other_origins_are_refused_in_json(client: TestClient) -> None:
    response = client.post("/api/echo", json={}, headers={"Origin": EVIL, "Accept-Language": "ar"})
    assert response.status_code == 403
    assert response.json()["error"] == "origin_forbidden"
    assert response.headers["content-language"] == "ar"
    assert "access-control-allow-origin" not in response.headers
    for method in ("PATCH", "DELETE"):
        assert client.request(method, "/api/echo", headers={"Origin": EVIL}).status_code == 403


def test_reads_and_origin_less_writes_pass_without_cors(client: TestClient) -> None:
    read = client.get("/api/echo", headers={"Origin": EVIL})
    assert read.status_code == 200 and "access-control-allow-origin" not in read.headers
    server = client.post("/api/echo", content=b"x")
    assert server.status_code == 200 and server.json()["body"] == "x"
    assert "access-control-allow-origin" not in server.headers
    assert "vary" not in server.headers


def test_allowed_origins_get_cors_headers_and_keep_the_apps(client: TestClient) -> None:
    response = client.post("/api/echo", content=b"hello", headers={"Origin": GLOBAL})
    assert response.status_code == 200 and response.json()["body"] == "hello"
    assert response.headers["access-control-allow-origin"] == GLOBAL
    assert response.headers["vary"] == "Origin"
    assert response.headers["access-control-expose-headers"] == "ETag, Content-Language"
    assert response.headers["x-echo"] == "yes"


def test_the_servers_own_origin_may_write_anywhere(client: TestClient) -> None:
    own = {"Origin": "http://testserver"}
    response = client.post("/api/echo", json={"site": "sport"}, headers=own)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://testserver"
    forwarded = {"Origin": "https://testserver", "X-Forwarded-Proto": "https"}
    assert client.post("/api/echo", json={}, headers=forwarded).status_code == 200


def test_paths_outside_the_api_and_other_scopes_pass_untouched() -> None:
    events: list[str] = []
    with TestClient(_app(events=events)) as client:  # lifespan goes through the guard
        response = client.post("/other", content=b"x", headers={"Origin": EVIL})
        assert response.status_code == 200 and "access-control-allow-origin" not in response.headers
        big = client.post("/other", content=b"x" * (MAX_BODY + 1))
        assert big.status_code == 200
    assert events == ["started"]


def test_preflight_answers(client: TestClient) -> None:
    ok = client.options(
        "/api/echo", headers={"Origin": BLOG, "Access-Control-Request-Method": "POST"}
    )
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-origin"] == BLOG
    assert ok.headers["access-control-allow-methods"] == ALLOW_METHODS
    assert ok.headers["access-control-allow-headers"] == ALLOW_HEADERS
    assert ok.headers["access-control-max-age"] == "600"
    assert ok.headers["vary"] == "Origin"
    refused = client.options(
        "/api/echo", headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"}
    )
    assert refused.status_code == 403 and refused.headers["vary"] == "Origin"
    assert "access-control-allow-origin" not in refused.headers
    assert "access-control-allow-methods" not in refused.headers
    # Not pre-flights: an OPTIONS without the request-method header, or without Origin.
    plain = client.options("/api/echo", headers={"Origin": EVIL})
    assert plain.status_code == 200 and plain.json()["method"] == "OPTIONS"
    no_origin = client.options("/api/echo", headers={"Access-Control-Request-Method": "POST"})
    assert no_origin.status_code == 200


def test_body_limit(client: TestClient) -> None:
    at_limit = client.post("/api/echo", content=b"x" * MAX_BODY)
    assert at_limit.status_code == 200
    over = client.post("/api/echo", content=b"x" * (MAX_BODY + 1), headers={"Origin": GLOBAL})
    assert over.status_code == 413 and over.json()["error"] == "body_too_large"


def test_a_site_origin_writes_to_its_site_only(client: TestClient) -> None:
    headers = {"Origin": BLOG}
    assert client.post("/api/echo", json={"site": "blog"}, headers=headers).status_code == 200
    assert client.post("/api/echo", json={"site": "sport"}, headers=headers).status_code == 403
    assert client.post("/api/echo", json={}, headers=headers).status_code == 403
    typed = {**headers, "Content-Type": "Application/JSON; charset=utf-8"}
    ok = client.post("/api/echo", content=b'{"site": "blog"}', headers=typed)
    assert ok.status_code == 200 and ok.json()["body"] == '{"site": "blog"}'
    form = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
    assert client.post("/api/echo", content=b"site=blog", headers=form).status_code == 200
    assert client.delete("/api/echo?site=blog", headers=headers).status_code == 200
    assert client.delete("/api/echo?site=sport", headers=headers).status_code == 403
    assert client.post("/api/preview", json={}, headers=headers).status_code == 200


def test_a_site_origin_acts_on_its_sites_comments_only(client: TestClient) -> None:
    headers = {"Origin": BLOG}
    assert client.patch("/api/comments/1", json={}, headers=headers).status_code == 200
    assert client.post("/api/comments/1/vote", json={}, headers=headers).status_code == 200
    assert (
        client.patch("/api/comments/2", json={"site": "blog"}, headers=headers).status_code == 403
    )
    assert client.post("/api/comments/2/vote", json={}, headers=headers).status_code == 403
    # No such comment: the endpoint answers (404 in Causerie).
    assert client.delete("/api/comments/3", headers=headers).status_code == 200
    # Only /api/comments/{id} and /vote are looked up; anything else names its site.
    sub = client.post("/api/comments/1/other", json={"site": "blog"}, headers=headers)
    assert sub.status_code == 404


def _asgi(app: Starlette, chunks: list[bytes | None], origin: str) -> tuple[int, bytes]:
    """Send one POST whose body comes in chunks (None: a message without a body key)."""
    messages: list[Message] = [
        {"type": "http.request", "more_body": i < len(chunks) - 1}
        | ({} if c is None else {"body": c})
        for i, c in enumerate(chunks)
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/echo",
        "raw_path": b"/api/echo",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"origin", origin.encode()),
            (b"content-type", b"application/json"),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
        "state": {},
        "app": app,
    }
    stack = app.build_middleware_stack()

    async def call() -> None:
        await stack(scope, receive, send)

    asyncio.run(call())
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


def test_a_chunked_body_is_read_whole_and_handed_on() -> None:
    app = _app()
    status, body = _asgi(app, [b'{"site":', b' "blog", ', b'"text": "x"}'], BLOG)
    assert status == 200
    assert json.loads(body)["body"] == '{"site": "blog", "text": "x"}'
    status, _ = _asgi(app, [b'{"site":', b' "sport"}'], BLOG)
    assert status == 403


def test_a_chunked_body_past_the_limit_is_refused_not_waved_through() -> None:
    app = _app()
    half = MAX_BODY // 2 + 1
    status, body = _asgi(app, [b'{"site": "sport", "x": "', b"x" * half, b"x" * half, b'"}'], BLOG)
    assert status == 413 and json.loads(body)["error"] == "body_too_large"


def test_a_chunked_body_of_exactly_the_limit_passes() -> None:
    head, tail = b'{"site": "blog", "x": "', b'"}'
    filler = b"x" * (MAX_BODY - len(head) - len(tail))
    status, body = _asgi(_app(), [head, filler, tail], BLOG)
    assert status == 200 and len(json.loads(body)["body"]) == MAX_BODY


def test_a_last_message_without_body_key_ends_the_body() -> None:
    status, body = _asgi(_app(), [b'{"site": "blog"}', None], BLOG)
    assert status == 200 and json.loads(body)["body"] == '{"site": "blog"}'
