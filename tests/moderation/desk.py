"""Helpers for the desk's browser tests: a live server with an admin, pages signed in."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from causerie.api.admin_pages import ADMIN
from tests.conftest import LiveServer, start_server
from tests.moderation.conftest import PASSWORD

EMAIL = "desk@news.example"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def strings(lang: str) -> dict[str, str]:
    """The dashboard's catalog for ``lang`` (English filling gaps), as the page gets it."""
    merged = json.loads((ADMIN / "i18n" / "en.json").read_text(encoding="utf-8"))
    merged.update(json.loads((ADMIN / "i18n" / f"{lang}.json").read_text(encoding="utf-8")))
    return merged


def t(lang: str, key: str, **params: Any) -> str:
    """One dashboard string, filled in like the page's A.t."""
    text = strings(lang)["admin." + key]
    for name, value in params.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def live_desk(tmp: Path, **env: str) -> LiveServer:
    """A server holding every comment (the shipped spam filter on), with one admin."""
    settings = {
        "CAUSERIE_DATABASE_URL": f"sqlite:///{tmp / 'desk.db'}",
        "CAUSERIE_MODERATION": "hold_all",
        # Readers' reports come from distinct (forwarded) addresses.
        "CAUSERIE_TRUSTED_PROXIES": "127.0.0.1",
        **env,
    }
    live = start_server(settings, tmp / "server.log")
    command = [sys.executable, "-m", "causerie", "user", "add", EMAIL, "--role", "admin"]
    added = subprocess.run(
        [*command, "--password-stdin"],
        input=PASSWORD + "\n",
        env=live.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if added.returncode:
        live.stop()
        raise RuntimeError(added.stderr)
    return live


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One live server for a module."""
    live = live_desk(tmp_path_factory.mktemp("desk"))
    try:
        yield live
    finally:
        live.stop()


def post(server: LiveServer, text: str, uri: str, **extra: Any) -> int:
    """A reader's comment through the public API; its id."""
    body = {"uri": uri, "author": "Samira", "text": text, **extra}
    address = body.pop("address", "198.51.100.7")
    response = httpx.post(
        server.url + "/api/comments", json=body, headers={"X-Forwarded-For": address}, timeout=10
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


class Admin:
    """The admin API of a live server, logged in."""

    def __init__(self, server: LiveServer) -> None:
        self.http = httpx.Client(base_url=server.url + "/api/admin", timeout=10)
        answer = self.http.post("/login", json={"email": EMAIL, "password": PASSWORD})
        self.csrf = answer.json()["csrf"]

    def get(self, path: str, **params: Any) -> Any:
        """GET, the JSON answer."""
        answer = self.http.get(path, params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def send(self, method: str, path: str, body: Any = None) -> Any:
        """A change, with the CSRF token; the JSON answer."""
        answer = self.http.request(method, path, json=body, headers={"X-CSRF-Token": self.csrf})
        assert answer.is_success, answer.text
        return answer.json()

    def act(self, action: str, *ids: int) -> Any:
        """One decision on comments."""
        return self.send("POST", "/comments/action", {"action": action, "ids": list(ids)})


def open_desk(
    browser: Any,
    server: LiveServer,
    lang: str = "en",
    viewport: dict[str, int] | None = None,
    path: str = "",
    site: str = "",
) -> Any:
    """A signed-in page on the desk (its own context), failing the test on a script error."""
    # Playwright's waits evaluate strings, which the page's CSP forbids.
    context = browser.new_context(bypass_csp=True, viewport=viewport or DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    query = f"?lang={lang}" + (f"&site={site}" if site else "")
    page.goto(f"{server.url}/admin{query}{path}")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_selector("main > .view")
    settled(page)
    page.errors = errors
    return page


def settled(page: Any) -> None:
    """Wait until the desk has no request in flight."""
    page.wait_for_function("document.body.dataset.busy === '0'")


def show(page: Any, hash_: str) -> None:
    """Go to a view by its address, as a link or the back button would."""
    page.evaluate(f"location.hash = {hash_!r}")
    page.wait_for_function(f"document.querySelector('main').dataset.shown === {hash_!r}")
    settled(page)


def serious_violations(page: Any, axe: Path) -> list[Any]:
    """axe-core's serious and critical violations on the page as it stands."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(axe))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
