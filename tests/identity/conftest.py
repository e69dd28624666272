"""A real OpenID Connect provider (npm ``oidc-provider``) started for the sign-in tests.

``node tests/identity/provider.mjs`` runs panva's certified provider on a free
port with two registered clients (Causerie, and another relying party for the
wrong-audience case). Without Node or the package the tests skip with the
reason, except under ``CI=true`` where they fail (``make test-deps`` installs it).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from tests.conftest import _unavailable, free_port
from tests.privacy.conftest import mailbox  # noqa: F401  (the aiosmtpd fixture, shared)

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SCRIPT = HERE / "provider.mjs"
CLIENT_ID = "causerie"
CLIENT_SECRET = "causerie-client-secret-0123456789"
OTHER_ID = "other-relying-party"


@dataclass
class OidcProvider:
    """The running provider: its issuer URL and how to sign a reader in through it."""

    issuer: str
    process: subprocess.Popen[bytes]

    def log_in(self, authorization_url: str, login: str, redirect_uri: str) -> str:
        """Go through the provider's login and consent pages; return where it sends her back."""
        with httpx.Client(timeout=10) as browser:
            url = authorization_url
            for _ in range(12):
                if url.startswith(redirect_uri):
                    return url
                answer = browser.get(url)
                if answer.status_code in (302, 303):
                    url = urljoin(url, answer.headers["location"])
                    continue
                url = self._submit(browser, url, answer.text, login)
            raise AssertionError("the provider never sent the reader back")

    def _submit(self, browser: httpx.Client, url: str, page: str, login: str) -> str:
        form = re.search(r'<form[^>]*action="([^"]+)"[^>]*method="post"', page)
        assert form, page[:500]
        fields = dict(re.findall(r'<input[^>]*type="hidden" name="([^"]+)" value="([^"]*)"', page))
        if 'name="login"' in page:
            fields |= {"login": login, "password": "any"}
        answer = browser.post(urljoin(url, unescape(form.group(1))), data=fields)
        assert answer.status_code in (302, 303), answer.text[:500]
        return urljoin(url, answer.headers["location"])


def clients(redirect_uris: list[str]) -> list[dict[str, object]]:
    """The relying parties registered with the provider."""
    base = {
        "redirect_uris": redirect_uris,
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
    }
    return [
        {**base, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
        {**base, "client_id": OTHER_ID, "client_secret": "other-secret-0123456789"},
    ]


def start_provider(
    redirect_uris: list[str], log_path: Path, host: str = "127.0.0.1"
) -> OidcProvider:
    """Start the provider and wait for its discovery document (skip or fail if it cannot)."""
    node = shutil.which("node")
    if node is None:
        _unavailable("Node.js", "node is not installed")
    if not (REPO / "node_modules" / "oidc-provider").is_dir():
        _unavailable("oidc-provider", "node_modules/oidc-provider is missing (make test-deps)")
    port = free_port()
    log = log_path.open("ab")
    process = subprocess.Popen(
        [str(node), str(SCRIPT), str(port), json.dumps(clients(redirect_uris)), host],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    issuer = f"http://{host}:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            answer = httpx.get(
                f"http://127.0.0.1:{port}/.well-known/openid-configuration", timeout=1
            )
            if answer.is_success:
                return OidcProvider(issuer, process)
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    _unavailable("oidc-provider", log_path.read_text(errors="replace")[-1000:] or "no answer")
    raise AssertionError("unreachable")


def stop_provider(provider: OidcProvider) -> None:
    """Stop the provider process."""
    provider.process.terminate()
    try:
        provider.process.wait(10)
    except subprocess.TimeoutExpired:
        provider.process.kill()


@pytest.fixture(scope="module")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    """A provider that sends readers back to the in-process test app."""
    where = tmp_path_factory.mktemp("oidc")
    provider = start_provider(["http://testserver/signin/oidc/callback"], where / "oidc.log")
    yield provider
    stop_provider(provider)
