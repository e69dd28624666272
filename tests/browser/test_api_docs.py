"""``/docs`` works without internet and asks nothing of any other host; the icon is ours."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.browser.conftest import screenshot
from tests.conftest import LiveServer


def test_docs_render_with_other_hosts_cut_off(browser: Any, browser_server: LiveServer) -> None:
    context = browser.new_context()
    foreign: list[str] = []
    errors: list[str] = []

    def only_causerie(route: Any) -> None:
        if route.request.url.startswith(browser_server.url + "/"):
            route.continue_()
        else:  # what a machine without internet (or a privacy-minded admin) would see
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", only_causerie)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(browser_server.url + "/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)
    assert "Causerie" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock-summary-path", has_text="/api/comments").count() >= 1
    # An operation opens and shows its parameters, all from the server's own document.
    page.locator(".opblock-summary", has_text="/api/counts").first.click()
    page.wait_for_selector(".opblock.is-open .parameters")
    page.wait_for_load_state("networkidle")
    screenshot(page, "api-docs.png")
    context.close()
    assert foreign == [], "no request to any other host"
    assert errors == [], "no script error, no content-security-policy refusal"


def test_icon_is_served_by_causerie(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file: reserved 0, type 1 (icon)
    assert icon.content[22:30] == b"\x89PNG\r\n\x1a\n"  # its one image, a PNG


def test_docs_page_and_its_assets_come_from_this_server(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "http" not in page.text, "no absolute URL: nothing from another host"
    assert "<script>" not in page.text, "no inline script: the CSP allows this server's only"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assets = (("swagger-ui-bundle.js", "text/javascript"), ("swagger-ui.css", "text/css"))
    for asset, kind in assets:
        answer = client.get(f"/docs/assets/{asset}")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(kind)
    refused = client.get("/docs/assets/..%2F..%2Fcore.py")
    assert refused.status_code == 404 and refused.json()["error"] == "path_not_found"
