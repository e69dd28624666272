"""The wire protocol as Akismet defines it: bodies, headers, keys, bad input, counters."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from starlette.testclient import TestClient

from causerie.api.akismet_protocol import MAX_BODY
from causerie.core.apikeys import current_month
from causerie.store.apikeys import SqlApiKeyStore
from causerie.store.schema import spam_learning
from tests.akismet.conftest import BLOG, new_key

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def http(akismet_app: FastAPI) -> Iterator[TestClient]:
    """An in-process HTTP client; its context runs the app's lifespan."""
    with TestClient(akismet_app, raise_server_exceptions=False) as client:
        yield client


def check(http: TestClient, key: str, **fields: str) -> tuple[str, dict[str, str]]:
    """POST a comment-check; return the body and the response headers."""
    data = {"api_key": key, "blog": BLOG, "user_ip": "198.51.100.7", **fields}
    response = http.post("/1.1/comment-check", data=data)
    assert response.status_code == 200
    return response.text, dict(response.headers)


def test_check_bodies_and_headers(akismet_app: FastAPI, http: TestClient) -> None:
    key = new_key(akismet_app)
    body, headers = check(http, key, comment_content="Merci pour cet article.")
    assert body == "false"
    assert headers["content-type"].startswith("text/plain")
    assert re.fullmatch(r"[0-9a-f]{32}", headers["x-akismet-guid"])
    assert "x-akismet-debug-help" not in headers and "x-akismet-pro-tip" not in headers
    body, again = check(http, key, comment_author="akismet-guaranteed-spam")
    assert body == "true" and again["x-akismet-guid"] != headers["x-akismet-guid"]
    assert check(http, key, comment_author="viagra-test-123")[0] == "true"
    # The honeypot field named by honeypot_field_name was filled: blatant spam.
    body, headers = check(http, key, honeypot_field_name="hp_url", hp_url="http://x.example")
    assert (body, headers["x-akismet-pro-tip"]) == ("true", "discard")
    assert check(http, key, honeypot_field_name="hp_url", hp_url="")[0] == "false"


def test_wordpress_extra_fields_are_ignored(akismet_app: FastAPI, http: TestClient) -> None:
    key = new_key(akismet_app)
    extra = {
        "POST_akismet_comment_nonce": "abc",
        "HTTP_USER_AGENT": "Mozilla/5.0",
        "REMOTE_ADDR": "198.51.100.7",
        "comment_post_ID": "42",
        "comment_context[]": "politique",
        "callback": "x",
        "recheck_reason": "edit",
        "comment_date_gmt": "2026-11-29T08:00:00Z",
        "blog_lang": "fr, ar",
        "blog_charset": "UTF-8",
    }
    assert check(http, key, comment_content="Bonne analyse.", **extra)[0] == "false"


@pytest.mark.parametrize(
    ("data", "help_text"),
    [
        ({"blog": BLOG, "user_ip": "1.2.3.4"}, 'Empty "api_key" value'),
        ({"api_key": "abcdefabcdef", "blog": BLOG}, "not valid"),
        ({"api_key": "not-a-key", "blog": BLOG}, "not valid"),
    ],
)
def test_missing_or_unknown_key_is_invalid(
    http: TestClient, data: dict[str, str], help_text: str
) -> None:
    for path in ("/1.1/comment-check", "/1.1/submit-spam", "/1.1/submit-ham"):
        response = http.post(path, data=data)
        assert (response.status_code, response.text) == (200, "invalid")
        assert help_text in response.headers["x-akismet-debug-help"]


def test_bad_input_gets_akismet_style_answers(akismet_app: FastAPI, http: TestClient) -> None:
    key = new_key(akismet_app)
    response = http.post("/1.1/comment-check", data={"api_key": key, "user_ip": "1.2.3.4"})
    assert response.text == "invalid"
    assert response.headers["x-akismet-debug-help"] == 'Empty "blog" value'
    response = http.post("/1.1/comment-check", json={"api_key": key, "blog": BLOG})
    assert (response.status_code, response.text) == (200, "invalid")
    assert "form-encoded" in response.headers["x-akismet-debug-help"]
    huge = f"api_key={key}&blog=x&comment_content=" + "a" * MAX_BODY
    response = http.post("/1.1/comment-check", content=huge, headers={"content-type": FORM})
    assert (response.status_code, response.text) == (413, "invalid")
    # A body streamed without Content-Length is cut off just the same.
    chunks = iter([huge[i : i + 65536].encode() for i in range(0, len(huge), 65536)])
    response = http.post("/1.1/comment-check", content=chunks, headers={"content-type": FORM})
    assert response.status_code == 413
    response = http.post("/1.1/verify-key", data={"key": key})
    assert (response.text, response.headers["x-akismet-debug-help"]) == (
        "invalid",
        'Empty "blog" value',
    )
    # Broken percent-encoding and an unknown charset are read, not a 5xx.
    raw = f"api_key={key}&blog=x&blog_charset=klingon&comment_content=%E9t%C3%A9%ZZ"
    response = http.post("/1.1/comment-check", content=raw, headers={"content-type": FORM})
    assert (response.status_code, response.text) == (200, "false")
    response = http.get("/1.1/comment-check")
    assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"


def test_key_from_host_subdomain(akismet_app: FastAPI, http: TestClient) -> None:
    key = new_key(akismet_app)
    data = {"blog": BLOG, "user_ip": "1.2.3.4", "comment_author": "akismet-guaranteed-spam"}
    host = {"host": f"{key}.causerie.example"}
    assert http.post("/1.1/comment-check", data=data, headers=host).text == "true"
    assert http.post("/1.1/verify-key", data={"blog": BLOG}, headers=host).text == "valid"
    assert http.get("/1.2/usage-limit", headers=host).json()["usage"] == 1
    plain = {"host": "rest.akismet.com"}
    assert http.post("/1.1/comment-check", data=data, headers=plain).text == "invalid"


def test_revoked_key_is_invalid_at_once(akismet_app: FastAPI, http: TestClient) -> None:
    key = new_key(akismet_app)
    keys = akismet_app.state.runtime.api_keys
    assert http.post("/1.1/verify-key", data={"key": key, "blog": BLOG}).text == "valid"
    (record,) = keys.find(key)
    assert keys.revoke(record)
    response = http.post("/1.1/verify-key", data={"key": key, "blog": BLOG})
    assert response.text == "invalid"
    assert response.headers["x-akismet-debug-help"] == "This API key has been revoked."
    assert check(http, key)[0] == "invalid"


def _learned(app: FastAPI) -> list[dict[str, object]]:
    with app.state.runtime.engine.connect() as conn:
        rows = conn.execute(select(spam_learning).order_by(spam_learning.c.id)).all()
    return [{**r._mapping, "sample": json.loads(r.sample)} for r in rows]


def test_submissions_teach_only_when_not_a_test(akismet_app: FastAPI, http: TestClient) -> None:
    key = new_key(akismet_app)
    data = {"api_key": key, "blog": BLOG, "user_ip": "198.51.100.7", "comment_content": "Promo!"}
    for path in ("/1.1/submit-spam", "/1.1/submit-ham"):
        response = http.post(path, data={**data, "is_test": "1"})
        assert response.text == "Thanks for making the web a better place."
    assert _learned(akismet_app) == []
    assert http.post("/1.1/submit-spam", data=data).status_code == 200
    latin = "api_key={}&blog=x&user_ip=1.2.3.4&blog_charset=ISO-8859-1&comment_content=%E9t%E9"
    http.post("/1.1/submit-ham", content=latin.format(key), headers={"content-type": FORM})
    spam, ham = _learned(akismet_app)
    assert (spam["is_spam"], spam["source"], spam["site"]) == (True, "akismet_key", "news.example")
    assert (ham["is_spam"], ham["sample"]["content"]) == (False, "été")  # type: ignore[index]
    stored = json.dumps(_learned(akismet_app))
    assert "198.51.100.7" not in stored, "the raw IP address is never stored"
    assert spam["sample"]["ip_hash"]  # type: ignore[index]


def test_rate_limit_per_key(akismet_app: FastAPI, http: TestClient) -> None:
    key = new_key(akismet_app, rate_per_minute=2)
    assert check(http, key)[0] == "false"
    assert check(http, key)[0] == "false"
    response = http.post("/1.1/comment-check", data={"api_key": key, "blog": BLOG})
    assert response.status_code == 429
    assert response.headers["x-akismet-error"] and int(response.headers["retry-after"]) > 0
    assert check(http, new_key(akismet_app))[0] == "false", "other keys are not limited"


def test_usage_counters_and_key_sites(akismet_app: FastAPI, http: TestClient) -> None:
    key = new_key(akismet_app, monthly_limit=8)
    for blog, author in [("https://a.example", "x"), ("https://a.example", "x")] + [
        ("https://b.example", "akismet-guaranteed-spam")
    ] * 4:
        expected = "true" if author == "akismet-guaranteed-spam" else "false"
        assert check(http, key, blog=blog, comment_author=author)[0] == expected
    base = {"api_key": key, "blog": "https://a.example", "user_ip": "1.2.3.4"}
    http.post("/1.1/submit-ham", data=base)
    usage = http.get("/1.2/usage-limit", params={"api_key": key, "extended": "true"}).json()
    assert usage["usage"] == 7 and usage["percentage"] == "87.50"
    assert usage["throttled"] is False and "notice_level" in usage
    month = current_month()
    sites = http.get("/1.2/key-sites", params={"api_key": key}).json()
    assert [s["site"] for s in sites[month]] == ["https://b.example", "https://a.example"]
    assert sites[month][1]["false_positives"] == "1" and sites[month][1]["ham"] == "2"
    by_ham = http.post("/1.2/key-sites", data={"api_key": key, "order": "ham"}).json()
    assert by_ham[month][0]["site"] == "https://a.example"
    page = http.get("/1.2/key-sites", params={"api_key": key, "limit": "1", "offset": "1"}).json()
    assert [s["site"] for s in page[month]] == ["https://a.example"] and page["total"] == 2
    only_b = http.get("/1.2/key-sites", params={"api_key": key, "filter": "b.ex"}).json()
    assert only_b["total"] == 1
    assert http.get("/1.2/key-sites", params={"api_key": key, "month": "2001-01"}).json() == {
        "2001-01": [],
        "limit": 500,
        "offset": 0,
        "total": 0,
    }
    for bad in ({"month": "11/2026"}, {"format": "xml"}, {"order": "x"}, {"limit": "-1"}):
        response = http.get("/1.2/key-sites", params={"api_key": key, **bad})
        assert response.text == "invalid" and response.headers["x-akismet-debug-help"]
    assert http.get("/1.2/usage-limit").text == "invalid"


def test_counts_are_written_on_shutdown(akismet_app: FastAPI) -> None:
    key = new_key(akismet_app)
    akismet_app.state.runtime.usage.interval = 3600  # only the shutdown can write them
    with TestClient(akismet_app) as client:
        for _ in range(3):
            check(client, key)
    # Read straight from the database, from a store that never saw the counts.
    (record,) = akismet_app.state.runtime.api_keys.find(key)
    store = SqlApiKeyStore(akismet_app.state.runtime.engine)
    assert store.calls_in_month(record.id, current_month()) == 3


def test_the_keys_site_sensitivity_is_honoured(akismet_app: FastAPI, http: TestClient) -> None:
    key = new_key(akismet_app)
    runtime = akismet_app.state.runtime
    runtime.spam.model.bias = -1.0  # every plain comment scores about 0.27
    record = runtime.api_keys.lookup(key)
    text = "Merci pour cet article."
    assert check(http, key, comment_content=text)[0] == "false"
    runtime.comments.store.update_site_settings(record.site_name, {"spam_sensitivity": "0.2"})
    assert check(http, key, comment_content=text)[0] == "true"
