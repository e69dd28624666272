"""Only configured origins may post; several sites share one instance."""

from __future__ import annotations

from starlette.testclient import TestClient

PAYLOAD = {"uri": "/a", "text": "Bonjour", "author": "Samira"}


def test_allowed_origin_gets_cors_headers(client: TestClient) -> None:
    response = client.post(
        "/api/comments", json=PAYLOAD, headers={"Origin": "https://news.example"}
    )
    assert response.status_code == 201
    assert response.headers["access-control-allow-origin"] == "https://news.example"
    assert "Origin" in response.headers["vary"]


def test_other_origin_cannot_post(client: TestClient) -> None:
    response = client.post(
        "/api/comments",
        json=PAYLOAD,
        headers={"Origin": "https://evil.example", "Accept-Language": "en"},
    )
    assert response.status_code == 403
    assert response.json() == {
        "error": "origin_forbidden",
        "message": "Comments cannot be posted from this website.",
    }
    assert "access-control-allow-origin" not in response.headers
    assert client.get("/api/comments", params={"uri": "/a"}).json()["total"] == 0


def test_preflight(client: TestClient) -> None:
    ok = client.options(
        "/api/comments",
        headers={"Origin": "https://news.example", "Access-Control-Request-Method": "POST"},
    )
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-origin"] == "https://news.example"
    assert "Authorization" in ok.headers["access-control-allow-headers"]
    refused = client.options(
        "/api/comments",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert refused.status_code == 403


def test_own_origin_may_post(client: TestClient) -> None:
    # The demo page is served by Causerie itself.
    response = client.post("/api/comments", json=PAYLOAD, headers={"Origin": "http://testserver"})
    assert response.status_code == 201


def test_site_origins_come_from_the_site_settings(client: TestClient) -> None:
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    runtime.store.ensure_site("blog")
    runtime.store.update_site_settings("blog", {"allowed_origins": ["https://blog.example"]})
    client.app.state.origin_policy.refresh()  # type: ignore[attr-defined]
    response = client.post(
        "/api/comments",
        json={**PAYLOAD, "site": "blog"},
        headers={"Origin": "https://blog.example"},
    )
    assert response.status_code == 201


def test_oversized_body_is_refused(client: TestClient) -> None:
    response = client.post(
        "/api/comments",
        content=b'{"text": "' + b"x" * 70_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"


def test_sites_are_separate(client: TestClient) -> None:
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    runtime.store.ensure_site("sport")
    runtime.store.update_site_settings("sport", {"moderation": "hold_all"})
    news = client.post("/api/comments", json=PAYLOAD)
    sport = client.post("/api/comments", json={**PAYLOAD, "site": "sport"})
    assert news.json()["state"] == "approved"
    assert sport.json()["state"] == "pending"
    assert client.get("/api/comments", params={"uri": "/a"}).json()["total"] == 1
    assert client.get("/api/comments", params={"uri": "/a", "site": "sport"}).json()["total"] == 0
    config = client.get("/api/config", params={"site": "sport"}).json()
    assert config["moderation"] == "hold_all"
