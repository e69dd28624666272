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
    client.app.state.web.origin_policy.refresh()  # type: ignore[attr-defined]
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


def _blog_and_sport(client: TestClient) -> None:
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    runtime.store.ensure_site("blog")
    runtime.store.ensure_site("sport")
    runtime.store.update_site_settings("blog", {"allowed_origins": ["https://blog.example"]})
    client.app.state.web.origin_policy.refresh()  # type: ignore[attr-defined]


BLOG = {"Origin": "https://blog.example", "Accept-Language": "en"}


def test_a_sites_origin_cannot_post_to_other_sites(client: TestClient) -> None:
    _blog_and_sport(client)
    for site in ("sport", "default", None, ""):
        response = client.post("/api/comments", json={**PAYLOAD, "site": site}, headers=BLOG)
        assert response.status_code == 403, site
        assert response.json()["error"] == "origin_forbidden"
    as_query = client.post("/api/comments?site=blog", json=PAYLOAD, headers=BLOG)
    assert as_query.status_code == 403  # the body names no site: the default one
    own = client.post("/api/comments", json={**PAYLOAD, "site": " blog "}, headers=BLOG)
    assert own.status_code == 201, own.text
    assert own.json()["html"] == "<p>Bonjour</p>"  # the body reached the endpoint intact
    assert client.get("/api/comments", params={"uri": "/a", "site": "sport"}).json()["total"] == 0


def test_global_origins_still_post_to_every_site(client: TestClient) -> None:
    _blog_and_sport(client)
    for site in ("blog", "sport", "default"):
        response = client.post(
            "/api/comments",
            json={**PAYLOAD, "site": site},
            headers={"Origin": "https://news.example"},
        )
        assert response.status_code == 201, site


def test_a_sites_origin_cannot_edit_vote_or_delete_on_other_sites(client: TestClient) -> None:
    _blog_and_sport(client)
    sport = client.post("/api/comments", json={**PAYLOAD, "site": "sport"}).json()
    blog = client.post("/api/comments", json={**PAYLOAD, "site": "blog"}).json()
    bearer = {"Authorization": f"Bearer {sport['edit_token']}"}
    edit = client.patch(
        f"/api/comments/{sport['id']}", json={"text": "x"}, headers={**BLOG, **bearer}
    )
    vote = client.post(f"/api/comments/{sport['id']}/vote", json={"value": 1}, headers=BLOG)
    delete = client.delete(f"/api/comments/{sport['id']}", headers={**BLOG, **bearer})
    assert [edit.status_code, vote.status_code, delete.status_code] == [403, 403, 403]
    assert client.get("/api/comments", params={"uri": "/a", "site": "sport"}).json()["total"] == 1
    ok = client.post(f"/api/comments/{blog['id']}/vote", json={"value": 1}, headers=BLOG)
    assert ok.status_code == 200
    missing = client.post("/api/comments/999999/vote", json={"value": 1}, headers=BLOG)
    assert missing.status_code == 404


def test_a_sites_origin_may_preview_and_ask_its_own_sites_privacy(client: TestClient) -> None:
    _blog_and_sport(client)
    preview = client.post("/api/preview", json={"text": "*a*"}, headers=BLOG)
    assert preview.status_code == 200
    other = client.post(
        "/api/privacy/export", json={"email": "a@example.org", "site": "sport"}, headers=BLOG
    )
    assert other.status_code == 403 and other.json()["error"] == "origin_forbidden"
    own = client.post(
        "/api/privacy/export", json={"email": "a@example.org", "site": "blog"}, headers=BLOG
    )
    assert own.status_code == 400  # past the origin check: no mail server here
    assert own.json()["error"] == "privacy_mail_unavailable"


def test_reads_stay_open_to_every_sites_origin(client: TestClient) -> None:
    _blog_and_sport(client)
    # Reading is public: CORS answers any site's origin, whatever site it reads.
    read = client.get("/api/comments", params={"uri": "/a", "site": "sport"}, headers=BLOG)
    assert read.status_code == 200
    assert read.headers["access-control-allow-origin"] == "https://blog.example"
