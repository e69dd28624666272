"""OpenID Connect against a real provider (npm ``oidc-provider``): the whole code flow,
and ID tokens that must be refused (tampered, expired, wrong audience, wrong nonce)."""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from typing import Any

import pytest
from starlette.testclient import TestClient

from causerie.core.errors import CauserieError, NotAuthenticated
from causerie.core.i18n import translate
from causerie.core.oidc import OidcClient, Provider
from tests.conftest import MakeClient
from tests.identity.conftest import CLIENT_ID, CLIENT_SECRET, OTHER_ID, OidcProvider

REDIRECT = "http://testserver/signin/oidc/callback"
ORIGIN = "https://news.example"


def oidc_site(client: TestClient, provider: OidcProvider, **extra: Any) -> None:
    """Configure the default site to offer this provider, and require a sign-in."""
    settings = {
        "who_may_comment": "signed_in",
        "signin_methods": ["oidc"],
        "oidc_issuer": provider.issuer,
        "oidc_client_id": CLIENT_ID,
        "oidc_client_secret": CLIENT_SECRET,
        "oidc_name": "Test ID",
        **extra,
    }
    client.app.state.runtime.store.update_site_settings("default", settings)  # type: ignore[attr-defined]


def sign_in(client: TestClient, provider: OidcProvider, login: str) -> dict[str, Any]:
    """The pop-up's journey: start, the provider's pages, the callback; its hand-over data."""
    start = client.get(f"/signin/oidc/start?origin={ORIGIN}", follow_redirects=False)
    assert start.status_code == 303, start.text
    back = provider.log_in(start.headers["location"], login, REDIRECT)
    done = client.get(back.removeprefix("http://testserver"))
    assert done.status_code == 200
    assert "script-src 'self'" in done.headers["content-security-policy"]
    found = re.search(
        r'<script type="application/json" id="causerie-signin">(.*?)</script>', done.text
    )
    assert found, done.text
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_a_reader_signs_in_posts_a_verified_comment_and_signs_out(
    make_client: MakeClient, oidc_provider: OidcProvider
) -> None:
    client = make_client(public_url="http://testserver")
    oidc_site(client, oidc_provider)
    comment = {"uri": "/tram", "text": "Enfin le tram !", "author": "Quelqu'un"}
    refused = client.post("/api/comments", json=comment)
    assert (refused.status_code, refused.json()["error"]) == (401, "signin_required")

    data = sign_in(client, oidc_provider, "samira")
    assert (data["name"], data["method"], data["origin"]) == ("Samira", "oidc", ORIGIN)
    session = {"X-Causerie-Session": data["token"]}
    assert client.get("/api/signin/me", headers=session).json()["name"] == "Samira"
    posted = client.post("/api/comments", json=comment, headers=session)
    assert posted.status_code == 201, posted.text
    assert posted.json()["author"] == "Samira"  # her provider's name, not the typed one
    thread = client.get("/api/comments?uri=/tram").json()
    assert [(c["author"], c["verified"]) for c in thread["comments"]] == [("Samira", True)]

    assert client.post("/api/signin/signout", headers=session).status_code == 204
    assert client.get("/api/signin/me", headers=session).status_code == 401
    again = client.post("/api/comments", json=comment, headers=session)
    assert (again.status_code, again.json()["error"]) == (401, "signin_required")


def test_export_and_erasure_cover_the_sign_in_and_its_sessions(
    make_client: MakeClient, oidc_provider: OidcProvider
) -> None:
    """With the reader's consent the site keeps her e-mail: her rights then reach it."""
    client = make_client(public_url="http://testserver")
    oidc_site(client, oidc_provider, oidc_keep_email=True)
    session = {"X-Causerie-Session": sign_in(client, oidc_provider, "samira")["token"]}
    comment = {"uri": "/tram", "text": "Enfin le tram !"}
    assert client.post("/api/comments", json=comment, headers=session).status_code == 201
    privacy = client.app.state.runtime.privacy  # type: ignore[attr-defined]

    (found,) = privacy.export("samira@example.org")["sign_ins"]
    assert (found["method"], found["issuer"], found["subject"]) == (
        "oidc",
        oidc_provider.issuer,
        "samira",
    )
    assert (found["name"], found["email"]) == ("Samira", "samira@example.org")
    assert len(found["sessions"]) == 1
    assert [c["text"] for c in found["comments"]] == ["Enfin le tram !"]

    assert privacy.erase("samira@example.org") >= 1
    assert client.get("/api/signin/me", headers=session).status_code == 401
    assert privacy.export("samira@example.org")["sign_ins"] == []
    thread = client.get("/api/comments?uri=/tram").json()["comments"]
    assert all(c["author"] is None and not c["verified"] for c in thread)


def test_without_consent_no_e_mail_is_kept(
    make_client: MakeClient, oidc_provider: OidcProvider
) -> None:
    client = make_client(public_url="http://testserver")
    oidc_site(client, oidc_provider)
    start = client.get(f"/signin/oidc/start?origin={ORIGIN}", follow_redirects=False)
    assert "scope=openid+profile&" in start.headers["location"]
    sign_in(client, oidc_provider, "samira")
    privacy = client.app.state.runtime.privacy  # type: ignore[attr-defined]
    assert privacy.export("samira@example.org")["sign_ins"] == []


def test_the_same_state_cannot_finish_twice(
    make_client: MakeClient, oidc_provider: OidcProvider
) -> None:
    client = make_client(public_url="http://testserver")
    oidc_site(client, oidc_provider)
    start = client.get(f"/signin/oidc/start?origin={ORIGIN}", follow_redirects=False)
    back = oidc_provider.log_in(start.headers["location"], "karim", REDIRECT)
    path = back.removeprefix("http://testserver")
    assert client.get(path).status_code == 200
    replay = client.get(path + "&lang=en")
    assert replay.status_code == 401 and 'data-error="signin_expired"' in replay.text
    assert translate("error.signin_expired", "en") in replay.text
    assert "causerie-signin" not in replay.text  # nothing is posted to the opener


def test_a_page_of_an_origin_the_site_does_not_allow_cannot_start(
    make_client: MakeClient, oidc_provider: OidcProvider
) -> None:
    client = make_client(public_url="http://testserver")
    oidc_site(client, oidc_provider)
    answer = client.get("/signin/oidc/start?origin=https://evil.example", follow_redirects=False)
    assert (answer.status_code, answer.json()["error"]) == (403, "origin_not_allowed")


def test_nothing_is_asked_of_the_provider_before_a_click(
    make_client: MakeClient, oidc_provider: OidcProvider
) -> None:
    """The widget's options name the provider without fetching its discovery document."""
    client = make_client(public_url="http://testserver")
    oidc_site(client, oidc_provider)
    options = client.get("/api/signin/options").json()
    assert options["methods"] == [{"method": "oidc", "name": "Test ID"}]
    assert client.app.state.runtime.readers.oidc._discovery == {}  # type: ignore[attr-defined]


# -- ID tokens that must be refused --------------------------------------------------


def real_id_token(provider: OidcProvider, client_id: str, secret: str, nonce: str) -> str:
    """An ID token the provider issued through the code flow, for this client and nonce."""
    rp = Provider(provider.issuer, client_id, secret, "Test ID")
    oidc = OidcClient()
    verifier = secrets.token_urlsafe(32)
    url = oidc.authorization_url(rp, REDIRECT, "state-1", nonce, verifier)
    back = provider.log_in(url, "samira", REDIRECT)
    code = re.search(r"[?&]code=([^&]+)", back)
    assert code, back
    return oidc.exchange(rp, code.group(1), verifier, REDIRECT)


@pytest.fixture(scope="module")
def token(oidc_provider: OidcProvider) -> str:
    return real_id_token(oidc_provider, CLIENT_ID, CLIENT_SECRET, "nonce-1")


@pytest.fixture
def ours(oidc_provider: OidcProvider) -> Provider:
    return Provider(oidc_provider.issuer, CLIENT_ID, CLIENT_SECRET, "Test ID")


def test_a_genuine_token_is_accepted(token: str, ours: Provider) -> None:
    claims = OidcClient().verify_id_token(ours, token, "nonce-1")
    assert (claims["sub"], claims["name"], claims["aud"]) == ("samira", "Samira", CLIENT_ID)


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


def test_a_tampered_token_is_refused(token: str, ours: Provider) -> None:
    header, _, signature = token.split(".")
    forged = ".".join([header, _b64({**_claims(token), "sub": "karim"}), signature])
    with pytest.raises(NotAuthenticated, match="oidc_token_invalid"):
        OidcClient().verify_id_token(ours, forged, "nonce-1")
    # The first character of the signature: all its bits count.
    flipped = "A" if signature[0] != "A" else "B"
    with pytest.raises(NotAuthenticated, match="oidc_token_invalid"):
        OidcClient().verify_id_token(
            ours, f"{header}.{token.split('.')[1]}.{flipped}{signature[1:]}", "nonce-1"
        )


def test_an_unsigned_token_is_refused(token: str, ours: Provider) -> None:
    unsigned = _b64({"alg": "none", "typ": "JWT"}) + "." + token.split(".")[1] + "."
    with pytest.raises(NotAuthenticated, match="oidc_token_invalid"):
        OidcClient().verify_id_token(ours, unsigned, "nonce-1")


def test_an_expired_token_is_refused(token: str, ours: Provider) -> None:
    expiry = float(_claims(token)["exp"])
    later = OidcClient(clock=lambda: expiry + 120)
    with pytest.raises(NotAuthenticated, match="oidc_token_invalid"):
        later.verify_id_token(ours, token, "nonce-1")
    just_before = OidcClient(clock=lambda: expiry - 1)
    assert just_before.verify_id_token(ours, token, "nonce-1")["sub"] == "samira"


def test_a_token_for_another_client_is_refused(oidc_provider: OidcProvider, ours: Provider) -> None:
    theirs = real_id_token(oidc_provider, OTHER_ID, "other-secret-0123456789", "nonce-2")
    assert _claims(theirs)["aud"] == OTHER_ID
    with pytest.raises(NotAuthenticated, match="oidc_token_invalid"):
        OidcClient().verify_id_token(ours, theirs, "nonce-2")


def test_a_token_of_another_sign_in_is_refused(token: str, ours: Provider) -> None:
    with pytest.raises(NotAuthenticated, match="oidc_token_invalid"):
        OidcClient().verify_id_token(ours, token, "nonce-of-another-sign-in")


def test_a_provider_claiming_another_issuer_is_not_trusted(oidc_provider: OidcProvider) -> None:
    impostor = Provider(oidc_provider.issuer + "/", CLIENT_ID, CLIENT_SECRET, "Test ID")
    with pytest.raises(CauserieError, match="oidc_unavailable"):
        OidcClient().discovery(impostor.issuer)


def test_discovery_is_fetched_once_per_hour(oidc_provider: OidcProvider) -> None:
    fetched: list[str] = []
    now = [time.time()]

    def counting(request: Any) -> dict[str, Any]:
        from causerie.core.oidc import fetch_json

        fetched.append(request.full_url)
        return fetch_json(request)

    oidc = OidcClient(fetch=counting, clock=lambda: now[0])
    for _ in range(3):
        oidc.discovery(oidc_provider.issuer)
    now[0] += 3601
    oidc.discovery(oidc_provider.issuer)
    assert len(fetched) == 2
