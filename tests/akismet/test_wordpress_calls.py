"""The calls the WordPress Akismet plugin makes besides comment-check, over plain HTTP.

What the plugin sends and reads is taken from its PHP (Akismet 5.0.2 as
Debian ships it; see docs/akismet.md). tests/wordpress/ drives the plugin
itself; these tests pin the wire format on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from starlette.testclient import TestClient

from causerie.api.akismet import blog_languages, permalink_title, sample_of
from causerie.cli import main
from causerie.core.apikeys import current_month, hash_key, shift_month
from causerie.integrations.wordpress import mu_plugin
from tests.akismet.conftest import BLOG, new_key

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def http(akismet_app: FastAPI) -> Iterator[TestClient]:
    """An in-process HTTP client; its context runs the app's lifespan."""
    with TestClient(akismet_app, raise_server_exceptions=False) as client:
        yield client


def post(http: TestClient, method: str, **data: str) -> tuple[int, str, dict[str, str]]:
    response = http.post(f"/1.1/{method}", data=data)
    return response.status_code, response.text, dict(response.headers)


def test_new_keys_survive_the_plugins_settings_form(akismet_app: FastAPI) -> None:
    # The form keeps only [a-f0-9] (preg_replace('/[^a-f0-9]/i', '', …)) and 12 characters.
    keys = [new_key(akismet_app) for _ in range(30)]
    assert all(re.fullmatch(r"[0-9a-f]{12}", k) for k in keys)


def test_keys_issued_before_keep_working(akismet_app: FastAPI, http: TestClient) -> None:
    state = akismet_app.state.runtime
    old = "qtb5fdacz6sg"  # the shape issued before: any lowercase letter
    site = akismet_app.state.runtime.store.ensure_site("news.example")
    state.api_keys.keys.create(hash_key(old), old[:4], site.id, BLOG)
    assert post(http, "verify-key", key=old, blog=BLOG)[1] == "valid"
    assert post(http, "comment-check", api_key=old, blog=BLOG, user_ip="1.2.3.4")[1] == "false"


def test_connection_test_answers_connected(http: TestClient) -> None:
    # Akismet_Admin::check_server_connectivity(): GET, no key, body must be "connected".
    for response in (http.get("/1.1/test"), http.post("/1.1/test")):
        assert (response.status_code, response.text) == (200, "connected")


def test_get_subscription_is_active_with_every_field_the_plugin_reads(
    akismet_app: FastAPI, http: TestClient
) -> None:
    old, new = new_key(akismet_app), new_key(akismet_app)
    # Saving a new key sends it as "key"; http_post() adds the old one as api_key.
    response = http.post("/1.1/get-subscription", data={"key": new, "blog": BLOG, "api_key": old})
    assert response.status_code == 200
    account = response.json()
    assert account["status"] == "active"
    assert account["account_id"] == akismet_app.state.runtime.api_keys.lookup(new).id  # type: ignore[union-attr]
    for field in ("account_name", "account_type", "next_billing_date", "limit_reached"):
        assert field in account, f"the settings page reads {field}"
    assert account["account_type"] != "free-api-key"  # no upgrade offer from akismet.com
    assert not account["next_billing_date"]

    status, body, headers = post(http, "get-subscription", key="abcdefabcdef", blog=BLOG)
    assert (status, body) == (200, "invalid") and "not valid" in headers["x-akismet-debug-help"]
    keys = akismet_app.state.runtime.api_keys
    keys.revoke(keys.lookup(new))  # type: ignore[arg-type]
    assert post(http, "get-subscription", key=new, blog=BLOG)[1] == "invalid"


def test_get_stats_counts_the_blogs_checks_and_reports(
    akismet_app: FastAPI, http: TestClient
) -> None:
    key = new_key(akismet_app)
    state = akismet_app.state.runtime
    record = state.api_keys.lookup(key)
    assert record is not None
    month = current_month()
    # Months before: one inside the last six months, one long ago; another blog too.
    state.api_keys.keys.add_usage(
        {
            (record.id, shift_month(month, -3), BLOG): {"api_calls": 7, "spam": 5, "ham": 2},
            (record.id, shift_month(month, -9), BLOG): {"api_calls": 3, "spam": 3},
            (record.id, month, "https://other.example"): {"api_calls": 50, "spam": 50},
        }
    )
    base = {"api_key": key, "blog": BLOG, "user_ip": "198.51.100.7"}
    for author in ("viagra-test-123", "akismet-guaranteed-spam"):
        assert post(http, "comment-check", **base, comment_author=author)[1] == "true"
    assert post(http, "comment-check", **base, comment_content="Merci !")[1] == "false"
    assert post(http, "submit-spam", **base, comment_content="Gagnez 500 € par jour")[0] == 200
    assert post(http, "submit-ham", **base, comment_content="Bon article")[0] == 200

    def stats(period: str, blog: str = BLOG) -> dict[str, object]:
        response = http.post(
            "/1.1/get-stats", data={"key": key, "blog": blog, "from": period, "api_key": key}
        )
        assert response.status_code == 200
        body: dict[str, object] = response.json()
        return body

    everything = stats("all")
    assert {k: everything[k] for k in ("spam", "ham", "missed_spam", "false_positives")} == {
        "spam": 2 + 5 + 3,
        "ham": 1 + 2,
        "missed_spam": 1,
        "false_positives": 1,
    }
    assert everything["accuracy"] == round(100 * (1 - 2 / 13), 2)
    breakdown = everything["breakdown"]
    assert isinstance(breakdown, dict)
    assert list(breakdown) == [shift_month(month, n) for n in range(-9, 1)]
    assert breakdown[month] == {
        "date": month,
        "spam": 2,
        "ham": 1,
        "missed_spam": 1,
        "false_positives": 1,
    }
    assert breakdown[shift_month(month, -1)]["spam"] == 0
    half_year = stats("6-months")
    assert (half_year["spam"], len(half_year["breakdown"])) == (7, 6)  # type: ignore[arg-type]
    assert stats("60-days")["spam"] == 2
    # WordPress's "home" option may end with a slash or not; the counters are per blog.
    assert stats("all", BLOG + "/")["spam"] == 10
    assert stats("all", "https://other.example")["spam"] == 50
    assert stats("all", "https://nobody.example")["accuracy"] == 100.0


def test_activate_and_deactivate(akismet_app: FastAPI, http: TestClient) -> None:
    key = new_key(akismet_app)
    assert post(http, "deactivate", key=key, blog=BLOG)[1] == "deactivated"
    assert post(http, "activate", key=key, blog=BLOG)[1] == "activated"
    assert post(http, "deactivate", key="abcdefabcdef", blog=BLOG)[1] == "invalid"
    # Deactivating the plugin must not switch the key off.
    assert post(http, "verify-key", key=key, blog=BLOG)[1] == "valid"


@pytest.mark.parametrize("path", ["/1.1/get-wpcom-user", "/1.2/anything", "/1.1/a/b", "/1.1/"])
def test_unknown_methods_answer_invalid_not_a_comment_message(http: TestClient, path: str) -> None:
    for response in (http.get(path), http.post(path, data={"key": "x"})):
        assert (response.status_code, response.text) == (404, "invalid")
        assert response.headers["content-type"].startswith("text/plain")
        assert response.headers["x-akismet-debug-help"] == f"Unknown API method: {path}"


def test_known_methods_with_the_wrong_verb_stay_405(http: TestClient) -> None:
    for path in ("/1.1/comment-check", "/1.1/get-stats", "/1.1/get-subscription"):
        response = http.get(path)
        assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"


def test_the_plugins_honeypot_is_blatant_spam(akismet_app: FastAPI, http: TestClient) -> None:
    key = new_key(akismet_app)
    base = {"api_key": key, "blog": BLOG, "user_ip": "198.51.100.7", "comment_content": "Merci"}
    filled = {**base, "POST_ak_hp_textarea": "http://cheap.example", "POST_ak_js": "17"}
    status, body, headers = post(http, "comment-check", **filled)
    assert (status, body, headers.get("x-akismet-pro-tip")) == (200, "true", "discard")
    empty = {**base, "POST_ak_hp_textarea": "", "POST_ak_js": "1764403200000"}
    others = {"POST_comment_post_ID": "3", "POST_submit": "Laisser un commentaire"}
    status, body, headers = post(http, "comment-check", **empty, **others)
    assert (status, body, "x-akismet-pro-tip" in headers) == (200, "false", False)


def test_blog_lang_takes_wordpress_locales() -> None:
    assert blog_languages("fr_FR") == ("fr",)
    assert blog_languages("fr-FR, ar , en_GB, fr") == ("fr", "ar", "en")
    assert blog_languages("") == ()
    sample = sample_of({"blog_lang": "ar_SA, fr_FR", "comment_content": "x"}, "s", "secret")
    assert (sample.lang, sample.site_languages) == ("ar", ("ar", "fr"))


def test_permalink_slug_is_the_post_title_for_the_filter() -> None:
    assert permalink_title("https://blog.example/2017/02/capstone-proposal/") == "capstone proposal"
    assert permalink_title("https://b.example/notes/mid_semester-reflection.html#c3") == (
        "mid semester reflection"
    )
    # Numeric permalinks and one-word slugs say nothing about the post.
    assert permalink_title("https://blog.example/?p=42") == ""
    assert permalink_title("https://blog.example/2017/02/12/") == ""
    assert permalink_title("https://blog.example/fin/") == ""
    params = {"comment_content": "x", "permalink": "https://b.example/2017/02/lentil-soup/"}
    assert sample_of(params, "s", "secret").article_title == "lentil soup"


def test_cli_prints_the_mu_plugin_of_the_docs() -> None:
    runner = CliRunner()
    done = runner.invoke(main, ["wordpress", "mu-plugin", "--url", "https://comments.example/"])
    assert done.exit_code == 0, done.output
    assert "const CAUSERIE_AKISMET_URL = 'https://comments.example';" in done.stdout
    assert done.stdout.startswith("<?php\n") and "pre_http_request" in done.stdout
    docs = (ROOT / "docs" / "akismet.md").read_text(encoding="utf-8")
    block = re.search(r"```php\n(<\?php\n.*?)```", docs, re.S)
    assert block is not None
    assert block.group(1) == mu_plugin("https://comments.example.org"), "docs and CLI differ"
    bad = runner.invoke(main, ["wordpress", "mu-plugin", "--url", "https://x.example/'; evil();"])
    assert bad.exit_code == 2 and "plain base URL" in bad.stderr


def test_statistics_pages_for_the_plugins_iframes(akismet_app: FastAPI, http: TestClient) -> None:
    key = new_key(akismet_app)
    state = akismet_app.state.runtime
    record = state.api_keys.lookup(key)
    assert record is not None
    month = current_month()
    state.api_keys.keys.add_usage(
        {
            (record.id, month, BLOG): {"spam": 1234, "ham": 56, "missed_spam": 2},
            (record.id, shift_month(month, -2), BLOG): {"spam": 7, "false_positives": 1},
            (record.id, month, "https://other.example"): {"spam": 999},
        }
    )
    query = {"blog": BLOG, "api_key": key, "height": "200", "locale": "fr_FR"}
    snapshot = http.get("/akismet/snapshot", params=query)
    assert snapshot.status_code == 200
    assert snapshot.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in snapshot.headers["content-security-policy"]
    page = snapshot.text
    assert '<html lang="fr" dir="ltr">' in page and "Spam arrêté" in page
    assert page.count("<rect") == 12  # six months, spam and legitimate bars
    assert "1\u202f234" in page or "1 234" in page  # French thousands separator
    assert "999" not in page, "another blog's figures"

    detailed = http.get("/akismet/user-stats", params={**query, "locale": "ar"})
    assert detailed.status_code == 200
    page = detailed.text
    assert 'dir="rtl"' in page and "إحصاءات" in page
    totals = re.search(r"<tfoot>(.*?)</tfoot>", page)
    assert totals is not None
    assert re.findall(r"<td>([\d,]+)</td>", totals.group(1)) == ["1,241", "56", "2", "1"]

    for params in ({**query, "api_key": "abcdefabcdef"}, {"blog": BLOG, "locale": "fr"}):
        refused = http.get("/akismet/user-stats", params=params)
        assert refused.status_code == 403 and "Cette clé" in refused.text
