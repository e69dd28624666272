"""Whatever readers type, the thread shows text, never their HTML or scripts."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from starlette.testclient import TestClient

from causerie.core.markup import ALLOWED_TAGS, render

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[clic](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
    '<svg onload="alert(1)">',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=//evil.example></iframe>",
    '"><script>alert(1)</script>',
]


class _Elements(HTMLParser):
    """Collects every element and attribute of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdown_output_carries_no_active_content(attack: str) -> None:
    parser = _Elements()
    parser.feed(render(attack))
    for tag, attrs in parser.found:
        assert tag in ALLOWED_TAGS
        for name, value in attrs:
            assert name in ("href", "rel", "start"), (tag, name)
            if name == "href":
                assert (value or "").startswith(("http://", "https://", "mailto:"))


def test_links_get_safe_rel() -> None:
    html = render("Voir [le site](https://example.org) et https://autre.example")
    assert html.count('rel="nofollow ugc noopener"') == 2


def test_allowed_subset_renders() -> None:
    html = render("**gras** _it_ `code`\n\n> cité\n\n1. un\n2. deux\n\nfin\n\n```\nbloc\n```")
    for tag in ("<strong>", "<em>", "<code>", "<blockquote>", "<ol>", "<li>", "<pre>"):
        assert tag in html
    assert "<h1" not in render("# Titre") and "<img" not in render("![a](https://x.example/a.png)")


def test_xss_in_author_and_website_is_neutralised(client: TestClient) -> None:
    posted = client.post(
        "/api/comments",
        json={
            "uri": "/a",
            "text": "<script>alert('t')</script>",
            "author": "<img src=x onerror=alert('a')>",
            "website": "javascript:alert('w')",
        },
    )
    assert posted.status_code == 422 and posted.json()["error"] == "website_invalid"
    posted = client.post(
        "/api/comments",
        json={
            "uri": "/a",
            "text": "<script>alert('t')</script>",
            "author": "<img src=x onerror=alert('a')>",
            "website": 'https://ok.example/"><script>alert(1)</script>',
        },
    )
    # Quotes are valid in a URL: the address is accepted and kept as data, exactly.
    evil = 'https://ok.example/"><script>alert(1)</script>'
    assert posted.status_code == 201, posted.text
    assert posted.json()["website"] == evil
    # The server-rendered fragment escapes it inside the attribute: no way out of href="…".
    fragment = client.get("/api/comments.html", params={"uri": "/a"})
    assert fragment.status_code == 200
    assert "<script" not in fragment.text
    assert 'href="https://ok.example/&quot;&gt;&lt;script&gt;' in fragment.text
    spaced = client.post(
        "/api/comments",
        json={"uri": "/a", "text": "x", "author": "a", "website": "https://ok.example/a b"},
    )
    assert spaced.status_code == 422 and spaced.json()["error"] == "website_invalid"
    thread = client.get("/api/comments", params={"uri": "/a"}).json()
    for comment in thread["comments"]:
        assert "<script" not in comment["html"]
        # The name is returned as data; the widget inserts it as text, never as HTML.
        assert comment["author"] == "<img src=x onerror=alert('a')>"


def test_a_lone_surrogate_renders_as_a_replacement_character_not_a_crash() -> None:
    # Found by the property test in tests/fuzz: validation refuses such text, but the
    # renderer itself must not raise on it.
    assert render("a\ud800b") == "<p>a\ufffdb</p>"
    assert render("[x](https://example.org/\udfff)").startswith('<p><a href="https://')
