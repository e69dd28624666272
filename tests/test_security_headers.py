"""Security headers: nosniff and a referrer policy everywhere, CSP on HTML, HSTS behind HTTPS."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from causerie.api.headers import DEMO_CSP, PAGE_CSP
from tests.conftest import MakeClient

HTML_PAGES = ["/privacy", "/api/comments.html?uri=/article", "/demo", "/demo/ar", "/admin"]


@pytest.mark.parametrize("path", [*HTML_PAGES, "/api/comments?uri=/a", "/embed.js", "/nothing"])
def test_every_response_has_nosniff_and_a_referrer_policy(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code < 500
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"]


@pytest.mark.parametrize("path", HTML_PAGES)
def test_every_html_page_has_a_content_security_policy(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "'unsafe-eval'" not in policy
    assert "script-src 'self'" in policy or "default-src 'none'" in policy


def test_pages_without_scripts_allow_none(client: TestClient) -> None:
    assert client.get("/privacy").headers["content-security-policy"] == PAGE_CSP
    fragment = client.get("/api/comments.html", params={"uri": "/article"})
    assert fragment.headers["content-security-policy"] == PAGE_CSP
    assert client.get("/demo/en").headers["content-security-policy"] == DEMO_CSP


def test_hsts_only_over_https_from_a_trusted_proxy(make_client: MakeClient) -> None:
    behind = make_client(trusted_proxies=("203.0.113.0/24",))
    https = {"X-Forwarded-Proto": "https"}
    assert behind.get("/api/config", headers=https).headers["strict-transport-security"]
    assert "strict-transport-security" not in behind.get("/api/config").headers
    direct = make_client()  # no trusted proxy: anyone could send the header
    assert "strict-transport-security" not in direct.get("/api/config", headers=https).headers
    assert direct.get("https://testserver/api/config").headers["strict-transport-security"]
