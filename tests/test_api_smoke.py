"""Posting a comment through the API and reading it back, on SQLite and PostgreSQL."""

from __future__ import annotations

from starlette.testclient import TestClient


def test_post_then_read_back(client: TestClient) -> None:
    posted = client.post(
        "/api/comments",
        json={"uri": "/2026/tram", "text": "Bravo pour *l'article*", "author": "Samira"},
    )
    assert posted.status_code == 201, posted.text
    body = posted.json()
    assert body["state"] == "approved"
    assert body["edit_token"].startswith(f"{body['id']}.")

    thread = client.get("/api/comments", params={"uri": "/2026/tram"}).json()
    assert thread["total"] == 1
    assert thread["comments"][0]["html"] == "<p>Bravo pour <em>l'article</em></p>"
    assert thread["comments"][0]["author"] == "Samira"


def test_openapi_documents_the_public_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/comments",
        "/api/comments/{comment_id}",
        "/api/comments/{comment_id}/vote",
        "/api/counts",
        "/api/preview",
    ):
        assert path in spec["paths"], path
    assert client.get("/docs").status_code == 200


def test_demo_pages_are_served_in_three_languages(client: TestClient) -> None:
    for path, marker in (
        ("/demo", 'lang="fr"'),
        ("/demo/ar", 'dir="rtl"'),
        ("/demo/en", 'lang="en"'),
    ):
        page = client.get(path)
        assert page.status_code == 200 and marker in page.text
        assert "/embed.js" in page.text
