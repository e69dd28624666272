"""Chromium (Debian's, driven by Playwright) against real ``causerie serve`` processes.

Without /usr/bin/chromium the browser tests skip with a reason, except under
``CI=true`` where they fail. Every page records the URLs it requests so tests
can prove that nothing leaves the Causerie server's origin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer, start_server

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
DEMO = {"fr": "/demo", "ar": "/demo/ar", "en": "/demo/en"}


@dataclass
class Widget:
    """A running server with helpers to seed threads and open pages on it."""

    server: LiveServer
    browser: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    contexts: list[Any] = field(default_factory=list)
    copies: dict[str, str] = field(default_factory=dict)
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=10))

    @property
    def url(self) -> str:
        """The server's origin."""
        return self.server.url

    def post(self, uri: str, text: str, author: str = "Samira", **extra: Any) -> dict[str, Any]:
        """Post a comment through the API, as another reader would."""
        body = {"uri": uri, "text": text, "author": author, **extra}
        response = self.http.post(self.url + "/api/comments", json=body)
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()
        return data

    def demo_copy(self, lang: str, key: str) -> str:
        """The demo article of ``lang`` at ``/copies/<key>``, its own thread (canonical path).

        The HTML is the server's own demo page; only its canonical link changes, so that
        each test starts on an empty thread while sharing one server.
        """
        html = httpx.get(self.url + DEMO[lang], timeout=10).text
        path = f"/copies/{key}"
        assert '<link rel="canonical" href="' + DEMO[lang] + '">' in html
        html = html.replace(f'href="{DEMO[lang]}">', f'href="{path}">', 1).replace(
            f'data-causerie-count="{DEMO[lang]}"', f'data-causerie-count="{path}"'
        )
        self.copies[path] = html
        return path

    def open(self, path: str, ready: bool = True, **context: Any) -> Any:
        """A new page (own context: own localStorage) at ``path``, widget loaded."""
        ctx = self.browser.new_context(**context)
        self.contexts.append(ctx)
        page = ctx.new_page()
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        for copy, html in self.copies.items():
            page.route(self.url + copy, _serve(html))
        page.goto(self.url + path)
        if ready:
            page.wait_for_selector(".causerie .cz-count:not(:empty)")
        return page

    def foreign_requests(self) -> list[str]:
        """Requests that went anywhere but the server (data: URLs included)."""
        return [u for u in self.requests if not u.startswith(self.url + "/")]


def _serve(html: str) -> Callable[[Any], None]:
    def handle(route: Any) -> None:
        route.fulfill(body=html, content_type="text/html; charset=utf-8")

    return handle


@pytest.fixture(scope="module")
def browser_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server per module (start-up is the slow part); tests use their own threads."""
    where = tmp_path_factory.mktemp("widget")
    # The spam model is off: these tests are about the widget, not the filter.
    env = {
        "CAUSERIE_DATABASE_URL": f"sqlite:///{where / 'live.db'}",
        "CAUSERIE_SPAM_FILTER": "false",
        "CAUSERIE_SQLITE_SYNCHRONOUS": "NORMAL",
    }
    server = start_server(env, where / "server.log")
    yield server
    server.stop()


@pytest.fixture
def widget(browser: Any, browser_server: LiveServer) -> Iterator[Widget]:
    """Pages on the module's server; JavaScript errors fail the test."""
    helper = Widget(browser_server, browser)
    yield helper
    helper.http.close()
    for ctx in helper.contexts:
        ctx.close()
    assert not helper.errors, f"JavaScript errors: {helper.errors}"


def screenshot(page: Any, name: str) -> None:
    """Keep a full-page screenshot in test-artifacts/ (gitignored, kept by CI)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
