"""Every error a client can cause is a 4xx JSON body in the request's language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.testclient import TestClient

CATALOGS = Path(__file__).resolve().parent.parent / "src" / "causerie" / "web" / "i18n"
EMPTY = {"uri": "/article", "text": "", "author": ""}


@pytest.mark.parametrize(
    ("headers", "params", "expected"),
    [
        ({"Accept-Language": "fr-MA,fr;q=0.9,en;q=0.5"}, {}, "Veuillez écrire votre commentaire."),
        ({"Accept-Language": "ar-MA,ar;q=0.9"}, {}, "يُرجى كتابة تعليقك."),
        ({"Accept-Language": "en-GB"}, {}, "Please write your comment."),
        ({"Accept-Language": "en"}, {"lang": "fr"}, "Veuillez écrire votre commentaire."),
        ({}, {"lang": "ar"}, "يُرجى كتابة تعليقك."),
    ],
)
def test_empty_comment_message_speaks_the_page_language(
    client: TestClient, headers: dict[str, str], params: dict[str, str], expected: str
) -> None:
    response = client.post("/api/comments", json=EMPTY, headers=headers, params=params)
    assert response.status_code == 422
    assert response.json() == {"error": "text_required", "message": expected, "field": "text"}


def test_default_language_is_french(client: TestClient) -> None:
    response = client.post("/api/comments", json={"uri": "/a", "text": "x", "author": ""})
    assert response.json()["message"] == "Veuillez indiquer votre nom."
    assert response.headers["content-language"] == "fr"


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_schema_errors_are_localized_too(client: TestClient, lang: str) -> None:
    not_json = client.post(
        "/api/comments",
        content=b"{not json",
        headers={"Content-Type": "application/json", "Accept-Language": lang},
    )
    assert not_json.status_code == 400
    assert not_json.json()["error"] == "invalid_json"
    wrong_type = client.post(
        "/api/comments",
        json={"uri": "/a", "text": "x", "author": "A", "parent": "deux"},
        headers={"Accept-Language": lang},
    )
    assert wrong_type.status_code == 422
    body = wrong_type.json()
    assert body["error"] == "field_invalid" and body["field"] == "parent"
    catalog = json.loads((CATALOGS / f"{lang}.json").read_text(encoding="utf-8"))
    assert body["message"] == catalog["error.field_invalid"].format(field="parent")


def test_unknown_route_and_method_are_json(client: TestClient) -> None:
    missing = client.get("/api/nothing-here", headers={"Accept-Language": "ar"})
    assert missing.status_code == 404
    # The address is unknown, not a comment: the message says so.
    assert missing.json() == {"error": "path_not_found", "message": "لا يوجد شيء في هذا العنوان."}
    wrong_method = client.put("/api/comments", headers={"Accept-Language": "en"})
    assert wrong_method.status_code == 405
    assert wrong_method.json()["message"] == "This method is not allowed here."


def test_missing_uri_on_read(client: TestClient) -> None:
    response = client.get("/api/comments", headers={"Accept-Language": "fr"})
    assert response.status_code == 422
    assert response.json()["error"] == "uri_required"


def test_every_server_message_exists_in_every_language() -> None:
    catalogs = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in CATALOGS.glob("*.json")}
    assert {"fr", "en", "ar"} <= set(catalogs)
    keys = {lang: {k for k in cat if k.startswith("error.")} for lang, cat in catalogs.items()}
    assert keys["fr"] == keys["en"] == keys["ar"]
    for lang, catalog in catalogs.items():
        for key in keys[lang]:
            assert catalog[key].strip(), f"{lang}:{key} is empty"
