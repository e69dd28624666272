"""Hostile input answers a JSON 4xx, never a 5xx; one test per class of 5xx found (issue 16).

Each test here failed (a 500, or a wrong answer) before the validation layer
in ``core/validation.py``, ``api/params.py`` and ``api/bodies.py``.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from causerie.config import ConfigError, load_settings
from causerie.core import markup
from causerie.core.threads import encode_cursor
from causerie.store.records import NewComment
from causerie.store.schema import CommentState
from tests.conftest import MakeClient
from tests.moderation.conftest import add_user, login

URI = "/2026/11/hostile"
HUGE = "9" * 40  # beyond 64 bits


def post(client: TestClient, **fields: Any) -> httpx.Response:
    """POST a comment with defaults for the fields not given."""
    payload = {"uri": URI, "text": "Un commentaire", "author": "Samira", **fields}
    return client.post("/api/comments", json=payload)


def assert_json_error(response: httpx.Response, status: int, code: str | None = None) -> None:
    """A 4xx in the one error shape, with a message."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["message"]
    if code is not None:
        assert body["error"] == code, body


def depth_of(nodes: list[dict[str, Any]]) -> int:
    """How deep replies nest below these comments (0: no replies)."""
    deepest, stack = 0, [(n, 0) for n in nodes]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in node["replies"])
    return deepest


# -- 1. reply depth -------------------------------------------------------------------


def test_a_127_deep_reply_chain_reads_fine_and_nests_32_deep(client: TestClient) -> None:
    parent = None
    ids = []
    for i in range(127):
        response = post(client, text=f"niveau {i}", parent=parent)
        assert response.status_code == 201, response.text
        parent = response.json()["id"]
        ids.append(parent)
    thread = client.get("/api/comments", params={"uri": URI})
    assert thread.status_code == 200, thread.text
    assert thread.json()["total"] == 127
    assert depth_of(thread.json()["comments"]) == 32
    # The 34th reply and later join the deepest allowed ancestor (depth 31).
    stored = client.app.state.runtime.store  # type: ignore[attr-defined]
    last = stored.comment(ids[-1])
    assert last.parent_id == ids[31]
    html = client.get("/api/comments.html", params={"uri": URI})
    assert html.status_code == 200 and html.text.count("<article") == 127


def test_max_reply_depth_is_a_setting(make_client: MakeClient) -> None:
    client = make_client(max_reply_depth=2)
    root = post(client).json()["id"]
    one = post(client, parent=root).json()["id"]
    two = post(client, parent=one).json()["id"]
    three = post(client, parent=two).json()
    assert three["parent"] == one  # a reply to depth 2 joins depth 1
    assert depth_of(client.get("/api/comments", params={"uri": URI}).json()["comments"]) == 2


def test_threads_stored_deeper_than_the_limit_stay_readable(client: TestClient) -> None:
    """Chains stored before the limit existed are flattened when read, not a 500."""
    store = client.app.state.runtime.store  # type: ignore[attr-defined]
    site = store.ensure_site("default")
    parent = None
    for i in range(200):
        new = NewComment(parent, CommentState.APPROVED, "A", f"n{i}", f"<p>n{i}</p>", time.time())
        parent = store.insert_comment(site.id, URI, "", new).id
    thread = client.get("/api/comments", params={"uri": URI})
    assert thread.status_code == 200, thread.text
    assert depth_of(thread.json()["comments"]) == 32
    assert client.get("/api/comments.html", params={"uri": URI}).status_code == 200


# -- 2. URLs the way browsers parse them ----------------------------------------------


@pytest.mark.parametrize(
    "website",
    [
        "http://[::1",
        "https://a]b.example/",
        "https://exa＃mple.com",
        "https://$1.00",
        "https://a.example:99999/",
        "<script>alert([1])</script>",
        "https://[<img src=x onerror=alert(1)>]",
    ],
)
def test_websites_browsers_cannot_parse_are_a_localized_422(
    client: TestClient, website: str
) -> None:
    payload = {"uri": URI, "text": "x", "author": "A", "website": website}
    response = client.post("/api/comments", json=payload, headers={"Accept-Language": "en"})
    assert_json_error(response, 422, "website_invalid")
    assert response.json()["message"].startswith("This website address does not look right")


@pytest.mark.parametrize("uri", ["http://[::1", "https://a]b.example/x", "//evil.example/x"])
def test_uris_browsers_cannot_parse_are_a_422_everywhere(client: TestClient, uri: str) -> None:
    assert_json_error(post(client, uri=uri), 422, "uri_invalid")
    assert_json_error(client.get("/api/comments.html", params={"uri": uri}), 422, "uri_invalid")
    assert_json_error(client.get("/api/stream", params={"uri": uri}), 422, "uri_invalid")


def test_valid_websites_still_pass(client: TestClient) -> None:
    assert post(client, website="blog.example.ma").json()["website"] == "https://blog.example.ma"
    ipv6 = post(client, website="http://[2001:db8::1]/blog").json()
    assert ipv6["website"] == "http://[2001:db8::1]/blog"


# -- 3. text that is not valid Unicode ------------------------------------------------


@pytest.mark.parametrize("field", ["text", "author", "lang", "site", "title", "website", "uri"])
def test_lone_surrogates_are_a_422_naming_the_field(client: TestClient, field: str) -> None:
    payload = {"uri": URI, "text": "ok", "author": "A", field: "x\ud800y"}
    raw = json.dumps(payload)  # ensure_ascii keeps the lone surrogate as "\ud800"
    response = client.post(
        "/api/comments", content=raw, headers={"content-type": "application/json"}
    )
    assert_json_error(response, 422, "unicode_invalid")
    assert response.json()["field"] == field


def test_invalid_utf8_bytes_are_a_422(client: TestClient) -> None:
    raw = b'{"uri": "/a", "author": "A", "text": "x\xed\xa0\x80y"}'
    response = client.post(
        "/api/comments", content=raw, headers={"content-type": "application/json"}
    )
    assert_json_error(response, 422, "unicode_invalid")


def test_deeply_nested_json_is_a_localized_400(client: TestClient) -> None:
    body = b'{"uri": "/a", "text": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    response = client.post(
        "/api/comments", content=body, headers={"content-type": "application/json"}
    )
    assert_json_error(response, 400, "invalid_json")


def test_preview_with_a_lone_surrogate_is_a_422(client: TestClient) -> None:
    response = client.post(
        "/api/preview", content='{"text": "\\udfff"}', headers={"content-type": "application/json"}
    )
    assert_json_error(response, 422, "unicode_invalid")


def test_text_is_stored_as_nfc(client: TestClient) -> None:
    decomposed = "Cafe\u0301"  # e + combining acute
    comment = post(client, text=decomposed, author=decomposed).json()
    assert comment["author"] == "Café"
    assert "Café" in comment["html"]


# -- 4. integers: bounded, ASCII digits -----------------------------------------------


def test_ids_beyond_64_bits_are_a_422(client: TestClient) -> None:
    assert_json_error(post(client, parent=int(HUGE)), 422, "field_invalid")
    assert_json_error(client.patch(f"/api/comments/{HUGE}", json={"text": "x"}), 422)
    assert_json_error(client.delete(f"/api/comments/{HUGE}"), 422)
    assert_json_error(client.post(f"/api/comments/{HUGE}/vote", json={"value": 1}), 422)


@pytest.mark.parametrize("ident", ["٥", "⁰⁴⁵", "+5", "5_0", " 5", "-1"])
def test_ids_with_other_than_ascii_digits_match_no_address(client: TestClient, ident: str) -> None:
    response = client.post(f"/api/comments/{ident}/vote", json={"value": 1})
    assert_json_error(response, 404, "path_not_found")


def test_id_zero_is_a_422(client: TestClient) -> None:
    assert_json_error(client.post("/api/comments/0/vote", json={"value": 1}), 422)


def test_405_lists_every_allowed_method(client: TestClient) -> None:
    response = client.put("/api/comments/1")
    assert_json_error(response, 405, "method_not_allowed")
    assert set(response.headers["allow"].split(", ")) == {"PATCH", "DELETE"}


def test_missing_comment_says_comment(client: TestClient) -> None:
    response = client.post("/api/comments/424242/vote", json={"value": 1}, params={"lang": "en"})
    assert_json_error(response, 404, "comment_not_found")
    assert response.json()["message"] == "This comment does not exist."


# -- 5. cursors -----------------------------------------------------------------------


def _cursor(data: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor(["oldest", int("1" * 401), 1]),
        "W" * 5000,
        base64.urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).decode(),
        _cursor(["oldest", 1e308 * 10, 1]),
    ],
    ids=["401-digits", "huge", "5000-nested", "infinity"],
)
def test_hostile_cursors_are_a_422(client: TestClient, cursor: str) -> None:
    post(client)
    response = client.get("/api/comments", params={"uri": URI, "cursor": cursor})
    assert_json_error(response, 422)


def test_nan_in_a_cursor_is_a_422(client: TestClient) -> None:
    cursor = base64.urlsafe_b64encode(b'["oldest", NaN, 1]').decode()
    response = client.get("/api/comments", params={"uri": URI, "cursor": cursor})
    assert_json_error(response, 422, "cursor_invalid")


def test_our_own_cursors_still_work(client: TestClient) -> None:
    for i in range(3):
        post(client, text=f"c{i}")
    first = client.get("/api/comments", params={"uri": URI, "limit": 2}).json()
    assert first["next"]
    second = client.get("/api/comments", params={"uri": URI, "limit": 2, "cursor": first["next"]})
    assert [c["html"] for c in second.json()["comments"]] == ["<p>c2</p>"]
    assert encode_cursor("oldest", (1.5, 3))


# -- 6. the cached fast path answers what the endpoint answers -------------------------


@pytest.mark.parametrize("limit", ["⁰⁴⁵", "٥", "5_0", "+5", " 5", "5.0", "0", "201", HUGE])
def test_limit_is_refused_alike_cached_or_not(client: TestClient, limit: str) -> None:
    post(client)
    cold = client.get("/api/comments", params={"uri": URI, "limit": limit})
    assert client.get("/api/comments", params={"uri": URI, "limit": "5"}).status_code == 200
    warm = client.get("/api/comments", params={"uri": URI, "limit": limit})
    assert cold.status_code == warm.status_code == 422
    assert cold.json() == warm.json()


def test_dashboard_offsets_and_ids_are_bounded(make_client: MakeClient) -> None:
    client = make_client()
    add_user(client, "admin@news.example", "admin")
    admin = login(client, "admin@news.example")
    for path in (
        f"/comments?offset={HUGE}",
        f"/comments?thread={HUGE}",
        "/comments?offset=٥",
        "/comments?limit=⁰⁴⁵",
        f"/audit?offset={HUGE}",
    ):
        assert_json_error(admin.get(path), 422, "field_invalid")
    for method, path, body in (
        ("POST", "/comments/action", {"action": "approve", "ids": [int(HUGE)]}),
        ("PATCH", f"/comments/{HUGE}", {"text": "x"}),
        ("POST", f"/comments/{HUGE}/reply", {"text": "x"}),
        ("POST", f"/comments/{HUGE}/block", {"by": "email"}),
        ("POST", f"/threads/{HUGE}/close", {"closed": True}),
        ("DELETE", f"/blocks/{HUGE}", None),
        ("POST", "/blocks", {"site": "default", "kind": "email", "value": "a@b.c", "days": 10**30}),
    ):
        assert_json_error(admin.send(method, path, body), 422, "field_invalid")
    assert_json_error(admin.send("DELETE", "/blocks/7"), 404, "block_not_found")
    assert_json_error(admin.act("approve", 424242), 404, "comment_not_found")


# -- 7. static files ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/static/%00", "/static/a%00b.js", "/admin/assets/x%00.js"])
def test_nul_bytes_in_file_paths_are_a_404(client: TestClient, path: str) -> None:
    response = client.get(path, params={"lang": "en"})
    assert_json_error(response, 404, "path_not_found")
    assert response.json()["message"] == "There is nothing at this address."


# -- bodies ---------------------------------------------------------------------------


def _chunks(data: bytes, size: int = 8192) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_chunked_bodies_are_held_to_the_limit(client: TestClient) -> None:
    big = json.dumps({"uri": URI, "author": "A", "text": "x" * 200_000}).encode()
    response = client.post(
        "/api/comments", content=_chunks(big), headers={"content-type": "application/json"}
    )
    assert_json_error(response, 413, "body_too_large")
    form = client.post(
        "/api/comments",
        content=_chunks(b"a=" + b"x" * 200_000),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_json_error(form, 413, "body_too_large")


def test_declared_large_bodies_are_refused_at_once(client: TestClient) -> None:
    response = client.post(
        "/api/comments",
        content=b"{}" + b" " * 70_000,
        headers={"content-type": "application/json"},
    )
    assert_json_error(response, 413, "body_too_large")


# -- markup and states ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["[a](/x)", "[a](//evil.example)", "[a](/\\evil.example)", "[a](#top)"]
)
def test_relative_links_in_comments_are_made_inert(text: str) -> None:
    html = markup.render(text)
    assert "href" not in html, html
    assert ">a</a>" in html


def test_absolute_links_are_kept() -> None:
    assert 'href="https://ok.example"' in markup.render("[a](https://ok.example)")


def test_a_comment_called_spam_reads_as_pending_to_its_author(make_client: MakeClient) -> None:
    client = make_client(spam_filter=True)
    response = post(client, text="hello", hp="I am a bot")  # the honeypot: spam for sure
    assert response.status_code == 201, response.text
    assert response.json()["state"] == "pending"
    stored = client.app.state.runtime.store.comment(response.json()["id"])  # type: ignore[attr-defined]
    assert stored.state is CommentState.SPAM
    # Reloading the page tells the author nothing more: still theirs, still "pending".
    token = response.json()["edit_token"]
    own = client.get("/api/comments", params={"uri": URI}, headers={"X-Causerie-Tokens": token})
    assert [c["state"] for c in own.json()["comments"]] == ["pending"]
    assert client.get("/api/comments", params={"uri": URI}).json()["comments"] == []


@pytest.mark.parametrize("value", ["0", "101"])
def test_max_reply_depth_is_bounded(value: str) -> None:
    with pytest.raises(ConfigError, match="max_reply_depth"):
        load_settings(environ={"CAUSERIE_MAX_REPLY_DEPTH": value})
