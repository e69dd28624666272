"""Atom feeds parsed by feedparser (fr, ar), conditional requests, the latest-comments block."""

from __future__ import annotations

from typing import Any

import feedparser
import pytest
from starlette.testclient import TestClient

from tests.conftest import MakeClient


def _post(client: TestClient, uri: str, text: str, author: str, **more: Any) -> int:
    body = {"uri": uri, "text": text, "author": author, "title": "Le tram", **more}
    answer = client.post("/api/comments", json=body)
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


@pytest.mark.parametrize(
    ("lang", "title"), [("fr", "Derniers commentaires"), ("ar", "أحدث التعليقات")]
)
def test_the_site_feed_is_valid_atom_in_the_readers_language(
    make_client: MakeClient, lang: str, title: str
) -> None:
    client = make_client()
    first = _post(client, "/2026/tram", "Très bonne *analyse*", "Samira")
    _post(client, "/2026/bus", "مقال ممتاز عن الحافلات", "Karim")
    response = client.get("/feed/default/latest.atom", params={"lang": lang})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title.startswith(title) and feed.feed.language == lang
    assert [e.author for e in feed.entries] == ["Karim", "Samira"]
    oldest = feed.entries[-1]
    assert oldest.link == f"https://news.example/2026/tram#cz-c-{first}"
    assert "<em>analyse</em>" in oldest.content[0].value
    assert oldest.published_parsed and oldest.id.endswith(f"/comments/{first}")


def test_a_thread_feed_holds_only_approved_comments_of_that_page(make_client: MakeClient) -> None:
    client = make_client()
    kept = _post(client, "/2026/tram", "Publié", "Samira")
    _post(client, "/2026/bus", "Autre page", "Karim")
    rt = client.app.state.runtime  # type: ignore[attr-defined]
    held = _post(client, "/2026/tram", "Retenu", "Lina")
    from causerie.store.records import CommentState

    rt.store.set_state(held, CommentState.PENDING)
    feed = feedparser.parse(
        client.get("/feed/default/thread.atom", params={"uri": "/2026/tram", "lang": "ar"}).content
    )
    assert not feed.bozo and [e.id.rsplit("/", 1)[1] for e in feed.entries] == [str(kept)]
    assert feed.feed.title == "تعليقات على «Le tram»"
    missing = client.get("/feed/default/thread.atom", params={"uri": "/nulle-part"})
    assert missing.status_code == 404 and missing.json()["error"] == "thread_not_found"
    assert client.get("/feed/absent/latest.atom").status_code == 404


def test_etag_and_last_modified_answer_304_until_something_changes(
    make_client: MakeClient,
) -> None:
    client = make_client()
    _post(client, "/2026/tram", "Premier", "Samira")
    first = client.get("/feed/default/latest.atom", params={"lang": "fr"})
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = client.get(
        "/feed/default/latest.atom", params={"lang": "fr"}, headers={"If-None-Match": etag}
    )
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    by_date = client.get(
        "/feed/default/latest.atom", params={"lang": "fr"}, headers={"If-Modified-Since": modified}
    )
    assert by_date.status_code == 304
    # Another language is another document.
    other = client.get(
        "/feed/default/latest.atom", params={"lang": "en"}, headers={"If-None-Match": etag}
    )
    assert other.status_code == 200
    _post(client, "/2026/tram", "Deuxième", "Karim")
    changed = client.get(
        "/feed/default/latest.atom", params={"lang": "fr"}, headers={"If-None-Match": etag}
    )
    assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_the_latest_comments_block_as_html_and_as_json(make_client: MakeClient) -> None:
    client = make_client()
    _post(client, "/2026/tram", "<script>alert(1)</script> bien vu", "Samira")
    html = client.get("/feed/default/latest.html", params={"lang": "ar", "limit": "3"})
    assert html.status_code == 200
    assert 'dir="rtl"' in html.text and "أحدث التعليقات" in html.text
    assert "<script>" not in html.text and "&lt;script&gt;" in html.text
    data = client.get("/api/latest", params={"site": "default", "limit": "2", "lang": "fr"}).json()
    assert data["heading"] == "Derniers commentaires" and data["dir"] == "ltr"
    assert [i["author"] for i in data["items"]] == ["Samira"]
    assert client.get("/api/latest", params={"limit": "99"}).status_code == 422
    script = client.get("/static/latest.js")
    assert script.status_code == 200 and "data-causerie-latest" in script.text
    widget = client.get("/embed.js").text
    assert "causerie-latest" not in widget  # not in the comment widget's bundle
