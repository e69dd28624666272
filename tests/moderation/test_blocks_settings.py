"""Blocks are enforced when comments are created; site settings; the overview and its chart."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from tests.moderation.conftest import Moderator, add_user, login, post


def _admin(make: Callable[..., TestClient], **overrides: object) -> Moderator:
    client = make(**overrides)
    add_user(client, "admin@news.example", "admin")
    return login(client, "admin@news.example")


def test_block_by_email_ip_range_and_expiry(make_client: Callable[..., TestClient]) -> None:
    admin = _admin(make_client)
    client = admin.client
    first = post(client, "Premier", email="troll@mail.example")["id"]
    block = admin.send("POST", f"/comments/{first}/block", {"by": "email", "days": 7})
    assert block.status_code == 201 and block.json()["value"] == "troll@mail.example"
    refused = client.post(
        "/api/comments?lang=fr",
        json={"uri": "/x", "author": "T", "text": "encore", "email": "TROLL@mail.example"},
    )
    assert refused.status_code == 403 and refused.json()["error"] == "author_blocked"
    assert "commenter" in refused.json()["message"]
    post(client, "Un autre lecteur", email="ok@mail.example")
    ranged = admin.send("POST", f"/comments/{first}/block", {"by": "ip_range", "days": 0})
    assert ranged.json()["value"] == "203.0.113.0/24" and ranged.json()["expires"] is None
    neighbour = TestClient(client.app, client=("203.0.113.99", 1))
    blocked = neighbour.post("/api/comments", json={"uri": "/x", "author": "N", "text": "hé"})
    assert blocked.status_code == 403
    elsewhere = TestClient(client.app, client=("198.51.100.7", 1))
    assert elsewhere.post(
        "/api/comments", json={"uri": "/x", "author": "E", "text": "o"}
    ).is_success
    assert len(admin.get("/blocks").json()["blocks"]) == 2
    assert admin.send("DELETE", f"/blocks/{ranged.json()['id']}").is_success
    assert neighbour.post(
        "/api/comments", json={"uri": "/x", "author": "N", "text": "hé"}
    ).is_success
    # An expired block no longer counts.
    store = client.app.state.runtime.moderation.store  # type: ignore[attr-defined]
    store.add_block(
        site_id=1, kind="ip_range", value="198.51.100.0/24", expires=1.0, created_by="t"
    )
    assert elsewhere.post(
        "/api/comments", json={"uri": "/x", "author": "E", "text": "2"}
    ).is_success


def test_block_input_is_validated(make_sqlite_client: Callable[..., TestClient]) -> None:
    admin = _admin(make_sqlite_client)
    cases = [
        ({"site": "default", "kind": "email", "value": "not-an-email"}, "value"),
        ({"site": "default", "kind": "ip_range", "value": "300.1.2.0/24"}, "value"),
        ({"site": "default", "kind": "color", "value": "red"}, "kind"),
        ({"site": "default", "kind": "email", "value": "a@b.example", "days": -1}, "days"),
    ]
    for body, field in cases:
        response = admin.send("POST", "/blocks", body)
        assert response.status_code == 422 and response.json()["field"] == field, body
    no_email = post(admin.client, "Sans e-mail")["id"]
    response = admin.send("POST", f"/comments/{no_email}/block", {"by": "email"})
    assert response.status_code == 422


def test_site_settings_change_moderation_and_origins(
    make_sqlite_client: Callable[..., TestClient],
) -> None:
    admin = _admin(make_sqlite_client)
    client = admin.client
    origin = {"Origin": "https://blog.example"}
    body = {"uri": "/x", "author": "A", "text": "Bonjour"}
    assert client.post("/api/comments", json=body, headers=origin).status_code == 403
    changed = admin.send(
        "PUT",
        "/sites/default/settings",
        {
            "moderation": "hold_all",
            "allowed_origins": ["https://blog.example"],
            "edit_window_seconds": 60,
            "hold_words": ["casino"],
            "spam_retention_days": 10,
        },
    )
    assert changed.status_code == 200, changed.text
    assert (
        changed.json()["moderation"] == "hold_all" and changed.json()["edit_window_seconds"] == 60
    )
    accepted = client.post("/api/comments", json=body, headers=origin)
    assert accepted.status_code == 201 and accepted.json()["state"] == "pending"
    assert admin.get("/sites/default/settings").json()["hold_words"] == ["casino"]
    for bad in (
        {"moderation": "anarchy"},
        {"allowed_origins": ["https://x.example/path"]},
        {"edit_window_seconds": -5},
        {"allow_anonymous": "yes"},
        {"secret": "x"},
    ):
        response = admin.send("PUT", "/sites/default/settings", bad)
        assert response.status_code == 422 and response.json()["field"] == next(iter(bad))
    assert admin.get("/sites/nowhere/settings").status_code == 404


def test_overview_counts_and_svg_chart(make_client: Callable[..., TestClient]) -> None:
    admin = _admin(make_client, moderation="hold_all")
    ids = [post(admin.client, f"Avis {i}")["id"] for i in range(3)]
    admin.act("approve", ids[0])
    admin.act("spam", ids[1])
    data = admin.get("/overview", params={"lang": "fr"}).json()
    assert data["counts"] == {"pending": 1, "approved": 1, "spam": 1, "deleted": 0}
    assert len(data["days"]) == 30 and data["days"][-1]["received"] == 3
    assert data["days"][-1]["missed"] == 1
    assert data["recall"] == 0.0 and data["precision"] is None
    svg = data["chart_svg"]
    assert svg.startswith("<svg") and svg.count("<polyline") == 4 and "Spam manqué" in svg
    image = admin.client.get("/admin/chart.svg")
    assert image.headers["content-type"].startswith("image/svg+xml")
    page = admin.client.get("/admin", headers={"Accept-Language": "ar"})
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
