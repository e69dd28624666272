"""The publisher's own accounts (SSO), the site's policy on the API, confusable names,
blocking a reader, and her sign-ins in export and erasure."""

from __future__ import annotations

import time
from html import escape
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from causerie.core.confusables import confusable, skeleton
from causerie.core.errors import NotFound
from tests.conftest import MakeClient
from tests.moderation.conftest import add_user, login

HS_SECRET = "publisher-shared-secret-0123456789abcdef"
ED_KEY = Ed25519PrivateKey.generate()
ED_PUBLIC = (
    ED_KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)
COMMENT = {"uri": "/abonnes", "text": "Merci pour l'enquête", "author": "Lecteur"}


def configure(client: TestClient, **settings: Any) -> None:
    client.app.state.runtime.store.update_site_settings("default", settings)  # type: ignore[attr-defined]


def publisher_token(
    sub: str = "reader-8841",
    name: str = "Samira B.",
    subscriber: bool = True,
    ttl: float = 300,
    key: Any = HS_SECRET,
    alg: str = "HS256",
    **extra: Any,
) -> str:
    """What the publisher's server signs for its logged-in reader (docs/identity.md)."""
    claims = {"sub": sub, "name": name, "subscriber": subscriber, "exp": int(time.time() + ttl)}
    return jwt.encode({**claims, **extra}, key, algorithm=alg)


def sso_session(client: TestClient, token: str) -> dict[str, str]:
    answer = client.post("/api/signin/sso", json={"token": token})
    assert answer.status_code == 200, answer.text
    return {"X-Causerie-Session": answer.json()["token"]}


@pytest.fixture
def site(make_client: MakeClient) -> TestClient:
    client = make_client()
    configure(
        client,
        who_may_comment="subscribers",
        signin_methods=["sso"],
        sso_secret=HS_SECRET,
        sso_public_key=ED_PUBLIC,
    )
    return client


def test_a_subscriber_signed_by_the_publisher_comments(site: TestClient) -> None:
    answer = site.post("/api/signin/sso", json={"token": publisher_token()})
    assert answer.status_code == 200
    assert (answer.json()["name"], answer.json()["method"]) == ("Samira B.", "sso")
    headers = {"X-Causerie-Session": answer.json()["token"]}
    assert site.get("/api/signin/me", headers=headers).json()["subscriber"] is True
    posted = site.post("/api/comments", json=COMMENT, headers=headers)
    assert posted.status_code == 201, posted.text
    thread = site.get("/api/comments?uri=/abonnes").json()["comments"]
    assert [(c["author"], c["verified"]) for c in thread] == [("Samira B.", True)]


def test_an_eddsa_token_from_the_publisher_is_accepted(site: TestClient) -> None:
    token = publisher_token(key=ED_KEY, alg="EdDSA")
    assert (
        site.post("/api/comments", json=COMMENT, headers=sso_session(site, token)).status_code
        == 201
    )


@pytest.mark.parametrize(
    "token",
    [
        publisher_token(key="not-the-publishers-secret-0123456789"),
        publisher_token(key=Ed25519PrivateKey.generate(), alg="EdDSA"),
        publisher_token(ttl=-120),
        publisher_token(ttl=86_400),  # a token meant to live a day is not short-lived
        publisher_token(name=""),
        publisher_token(aud="another-site"),
        jwt.encode({"sub": "x", "name": "X", "exp": int(time.time()) + 60}, None, algorithm="none"),
        "not a token",
    ],
    ids=[
        "forged-hs256",
        "forged-eddsa",
        "expired",
        "long-lived",
        "no-name",
        "other-site",
        "none",
        "garbage",
    ],
)
def test_forged_expired_or_malformed_publisher_tokens_are_refused(
    site: TestClient, token: str
) -> None:
    answer = site.post("/api/signin/sso", json={"token": token})
    assert (answer.status_code, answer.json()["error"]) == (401, "sso_invalid")


def test_a_tampered_publisher_token_is_refused(site: TestClient) -> None:
    header, _payload, signature = publisher_token(subscriber=False).split(".")
    other = publisher_token(subscriber=True).split(".")[1]
    answer = site.post("/api/signin/sso", json={"token": f"{header}.{other}.{signature}"})
    assert (answer.status_code, answer.json()["error"]) == (401, "sso_invalid")


def test_subscribers_only_is_enforced_by_the_api(site: TestClient) -> None:
    anonymous = site.post("/api/comments", json=COMMENT)
    assert (anonymous.status_code, anonymous.json()["error"]) == (401, "subscribers_only")
    reader = sso_session(site, publisher_token(sub="reader-2", name="Karim", subscriber=False))
    refused = site.post("/api/comments", json=COMMENT, headers=reader)
    assert (refused.status_code, refused.json()["error"]) == (403, "subscribers_only")
    forged = {"X-Causerie-Session": "made.up"}
    assert site.post("/api/comments", json=COMMENT, headers=forged).status_code == 401
    assert site.get("/api/comments?uri=/abonnes").json()["comments"] == []


def test_signed_in_only_lets_any_signed_in_reader_comment(site: TestClient) -> None:
    configure(site, who_may_comment="signed_in", signin_methods=["sso"], sso_secret=HS_SECRET)
    reader = sso_session(site, publisher_token(subscriber=False))
    assert site.post("/api/comments", json=COMMENT, headers=reader).status_code == 201
    assert site.post("/api/comments", json=COMMENT).json()["error"] == "signin_required"


def test_a_method_the_site_does_not_offer_is_refused(site: TestClient) -> None:
    configure(site, signin_methods=["email"], sso_secret=HS_SECRET)
    answer = site.post("/api/signin/sso", json={"token": publisher_token()})
    assert (answer.status_code, answer.json()["error"]) == (403, "signin_method_off")


def test_the_options_say_the_policy_and_methods(site: TestClient) -> None:
    configure(
        site,
        who_may_comment="subscribers",
        signin_methods=["sso", "oidc"],
        sso_secret="s",
        sso_login_url="https://news.example/login",
    )
    # OIDC is listed by the site but not configured (no client id): it is not offered.
    assert site.get("/api/signin/options").json() == {
        "site": "default",
        "policy": "subscribers",
        "methods": [{"method": "sso", "login_url": "https://news.example/login"}],
    }


# -- confusable names ----------------------------------------------------------------


def test_skeletons_catch_lookalike_letters_case_and_invisible_characters() -> None:
    assert confusable("Samira B.", "Ѕаmіrа В.")  # Cyrillic Ѕ а і В
    assert confusable("Samira", "SAMIRA") and confusable("Samira", "Sam\u200bira")
    assert confusable("paypal", "pаypаl") and confusable("rn", "m")
    assert not confusable("Samira", "Samir") and not confusable("Karim", "Karima")
    assert skeleton("  Le   Journal ") == skeleton("le journal")


def test_a_typed_name_cannot_imitate_a_verified_reader_or_the_site(make_client: MakeClient) -> None:
    client = make_client()
    configure(client, signin_methods=["sso"], sso_secret=HS_SECRET)
    sso_session(client, publisher_token(name="Samira B."))
    for name in ("Ѕаmіrа В.", "samira b.", "default", "DEFAULT"):
        answer = client.post("/api/comments", json={**COMMENT, "author": name})
        assert (answer.status_code, answer.json()["error"], answer.json().get("field")) == (
            422,
            "name_taken",
            "author",
        ), name
    assert client.post("/api/comments", json={**COMMENT, "author": "Samir"}).status_code == 201


# -- moderation ------------------------------------------------------------------------


def test_a_moderator_sees_a_readers_comments_and_blocks_her(site: TestClient) -> None:
    reader = sso_session(site, publisher_token())
    ids = [
        site.post("/api/comments", json={**COMMENT, "text": t}, headers=reader).json()["id"]
        for t in ("Premier", "Second")
    ]
    add_user(site, "admin@news.example", "admin")
    mod = login(site, "admin@news.example")
    queue = mod.get("/comments?state=approved").json()
    identity_id = {row["identity_id"] for row in queue["comments"]}
    assert len(identity_id) == 1
    (identity,) = identity_id
    view = mod.get(f"/readers/{identity}").json()
    assert view["reader"]["name"] == "Samira B." and "email" not in view["reader"]
    assert [c["id"] for c in view["comments"]] == ids[::-1]

    blocked = mod.send("PUT", f"/readers/{identity}/block", {"blocked": True})
    assert blocked.status_code == 200 and blocked.json()["reader"]["blocked"] is True
    # Her session ended, and signing in again does not lift the block.
    assert site.get("/api/signin/me", headers=reader).status_code == 401
    again = site.post("/api/signin/sso", json={"token": publisher_token()})
    assert (again.status_code, again.json()["error"]) == (403, "reader_blocked")
    mod.send("PUT", f"/readers/{identity}/block", {"blocked": False})
    assert (
        site.post(
            "/api/comments", json=COMMENT, headers=sso_session(site, publisher_token())
        ).status_code
        == 201
    )


def test_a_moderator_of_another_site_cannot_see_the_reader(site: TestClient) -> None:
    reader = sso_session(site, publisher_token())
    site.post("/api/comments", json=COMMENT, headers=reader)
    site.app.state.runtime.store.ensure_site("autre")  # type: ignore[attr-defined]
    add_user(site, "mod@autre.example", "moderator", ("autre",))
    mod = login(site, "mod@autre.example")
    identity = site.app.state.runtime.readers.reader_of(reader["X-Causerie-Session"]).id  # type: ignore[attr-defined]
    assert mod.get(f"/readers/{identity}").status_code == 403
    assert mod.send("PUT", f"/readers/{identity}/block", {"blocked": True}).status_code == 403
    assert site.get("/api/signin/me", headers=reader).status_code == 200


def test_an_unknown_reader_is_a_404_in_the_api_its_openapi_and_the_domain(
    site: TestClient,
) -> None:
    add_user(site, "admin@news.example", "admin")
    mod = login(site, "admin@news.example")
    for answer in (
        mod.get("/readers/987654"),
        mod.send("PUT", "/readers/987654/block", {"blocked": True}),
    ):
        assert (answer.status_code, answer.json()["error"]) == (404, "reader_not_found")
    paths = site.get("/openapi.json").json()["paths"]
    assert "404" in paths["/api/admin/readers/{identity_id}"]["get"]["responses"]
    assert "404" in paths["/api/admin/readers/{identity_id}/block"]["put"]["responses"]
    readers = site.app.state.runtime.readers  # type: ignore[attr-defined]
    with pytest.raises(NotFound):
        readers.block(987654, True)
    with pytest.raises(NotFound):
        readers.comments_by(987654)


# -- the dashboard and the privacy notice -----------------------------------------------


def test_the_dashboard_sets_the_policy_and_never_shows_a_secret(make_client: MakeClient) -> None:
    client = make_client()
    add_user(client, "admin@news.example", "admin")
    mod = login(client, "admin@news.example")
    change = {
        "who_may_comment": "subscribers",
        "signin_methods": ["sso"],
        "sso_secret": HS_SECRET,
        "sso_login_url": "https://news.example/login",
    }
    answer = mod.send("PUT", "/sites/default/settings", change)
    assert answer.status_code == 200, answer.text
    shown = mod.get("/sites/default/settings").json()
    assert (shown["who_may_comment"], shown["signin_methods"]) == ("subscribers", ["sso"])
    assert shown["sso_secret"] == "********" and shown["oidc_client_secret"] == ""
    # Sent back as shown, the secret stays what it was: tokens signed with it still work.
    shown.pop("site")
    assert mod.send("PUT", "/sites/default/settings", shown).status_code == 200
    assert client.post("/api/signin/sso", json={"token": publisher_token()}).status_code == 200
    assert client.post("/api/comments", json=COMMENT).json()["error"] == "subscribers_only"
    for bad in (
        {"who_may_comment": "everybody"},
        {"signin_methods": ["facebook"]},
        {"oidc_preset": "myspace"},
        {"oidc_issuer": "javascript:alert(1)"},
    ):
        refused = mod.send("PUT", "/sites/default/settings", bad)
        assert (refused.status_code, refused.json()["field"]) == (422, next(iter(bad))), bad


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_the_privacy_notice_lists_each_enabled_method(site: TestClient, lang: str) -> None:
    from causerie.core.privacy import notice_text

    configure(
        site,
        signin_methods=["sso", "oidc"],
        sso_secret=HS_SECRET,
        oidc_preset="google",
        oidc_client_id="id",
        oidc_keep_email=True,
    )
    page = site.get(f"/privacy?lang={lang}").text
    for key, params in (
        ("notice.signin.sso", {}),
        ("notice.signin.oidc", {"provider": "Google"}),
        ("notice.signin.oidc_email", {"provider": "Google"}),
        ("notice.signin.session", {}),
    ):
        text = notice_text(key, lang, **params)
        assert escape(text) in page, key
    assert escape(notice_text("notice.signin.email", lang)) not in page  # not offered
    configure(site, signin_methods=[])
    assert escape(notice_text("notice.signin.none", lang)) in site.get(f"/privacy?lang={lang}").text


def test_the_retention_purge_ends_expired_sessions(site: TestClient) -> None:
    session = sso_session(site, publisher_token())
    runtime = site.app.state.runtime  # type: ignore[attr-defined]
    assert runtime.privacy.purge(now=time.time()).sign_ins_expired == 0
    report = runtime.privacy.purge(now=time.time() + 2 * 86_400)  # SSO sessions last a day
    assert report.sign_ins_expired == 1
    assert site.get("/api/signin/me", headers=session).status_code == 401
