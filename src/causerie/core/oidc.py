"""OpenID Connect, the relying party's side: authorization code flow with PKCE.

The reader's pop-up goes to the provider's authorization endpoint with a
``state`` (which sign-in this is), a ``nonce`` (which ID token belongs to
it) and a PKCE challenge; the provider sends her back with a code, which
Causerie exchanges for an ID token at the token endpoint. The ID token is
accepted only if its signature verifies with a key of the provider's JWKS,
its issuer is the configured one, its audience our client id, it has not
expired and its nonce is the one of this sign-in. The discovery document and
the JWKS are cached (an hour); nothing is fetched before a reader clicks.
"""

from __future__ import annotations

import base64
import hashlib
import json
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from causerie.core.errors import CauserieError, NotAuthenticated

if TYPE_CHECKING:
    import jwt

CACHE_SECONDS = 3600.0
TIMEOUT = 10.0
LEEWAY = 60  # seconds of clock skew tolerated on exp / iat
# Asymmetric algorithms only: an HMAC-signed ID token would be keyed with our client secret.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA")

# Ready presets: a provider is then just a client id and secret.
PRESETS: dict[str, tuple[str, str]] = {
    "google": ("Google", "https://accounts.google.com"),
    "gitlab": ("GitLab", "https://gitlab.com"),
    "microsoft": ("Microsoft", "https://login.microsoftonline.com/consumers/v2.0"),
    "yahoo": ("Yahoo", "https://api.login.yahoo.com"),
}


@dataclass(frozen=True)
class Provider:
    """One OpenID Connect provider as a site configures it."""

    issuer: str
    client_id: str
    client_secret: str
    name: str
    keep_email: bool = False

    @property
    def scope(self) -> str:
        """What the reader is asked to share: her name, and her e-mail only if the site keeps it."""
        return "openid profile email" if self.keep_email else "openid profile"


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge of a PKCE verifier."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


Fetch = Callable[[urllib.request.Request], dict[str, Any]]


def fetch_json(request: urllib.request.Request) -> dict[str, Any]:
    """GET or POST, expect JSON; a provider that fails is ``oidc_unavailable``."""
    try:
        context = ssl.create_default_context()
        with urllib.request.urlopen(request, timeout=TIMEOUT, context=context) as answer:
            data = json.loads(answer.read(1_000_000))
    except (urllib.error.URLError, OSError, ValueError):
        raise CauserieError("oidc_unavailable") from None
    if not isinstance(data, dict):
        raise CauserieError("oidc_unavailable")
    return data


@dataclass
class OidcClient:
    """Talks to providers for every site; discovery and keys cached per issuer."""

    fetch: Fetch = fetch_json
    clock: Callable[[], float] = time.time
    _discovery: dict[str, tuple[float, dict[str, Any]]] = field(default_factory=dict)
    _keys: dict[str, jwt.PyJWKClient] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def discovery(self, issuer: str) -> dict[str, Any]:
        """The provider's discovery document (cached); its issuer must be the configured one."""
        now = self.clock()
        with self._lock:
            cached = self._discovery.get(issuer)
        if cached and now - cached[0] < CACHE_SECONDS:
            return cached[1]
        url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        document = self.fetch(urllib.request.Request(url, headers={"Accept": "application/json"}))
        if document.get("issuer") != issuer:
            raise CauserieError("oidc_unavailable")
        with self._lock:
            self._discovery[issuer] = (now, document)
        return document

    def authorization_url(
        self, provider: Provider, redirect_uri: str, state: str, nonce: str, verifier: str
    ) -> str:
        """Where the pop-up sends the reader to sign in."""
        endpoint = str(self.discovery(provider.issuer)["authorization_endpoint"])
        query = {
            "response_type": "code",
            "client_id": provider.client_id,
            "redirect_uri": redirect_uri,
            "scope": provider.scope,
            "state": state,
            "nonce": nonce,
            "code_challenge": pkce_challenge(verifier),
            "code_challenge_method": "S256",
        }
        return endpoint + ("&" if "?" in endpoint else "?") + urllib.parse.urlencode(query)

    def exchange(self, provider: Provider, code: str, verifier: str, redirect_uri: str) -> str:
        """Trade the code for an ID token at the token endpoint (client_secret_basic)."""
        endpoint = str(self.discovery(provider.issuer)["token_endpoint"])
        body = urllib.parse.urlencode(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            }
        ).encode()
        pair = f"{_form(provider.client_id)}:{_form(provider.client_secret)}"
        request = urllib.request.Request(
            endpoint,
            data=body,
            method="POST",
            headers={
                "Authorization": "Basic " + base64.b64encode(pair.encode()).decode(),
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            answer = self.fetch(request)
        except CauserieError:
            raise NotAuthenticated("oidc_failed") from None
        token = answer.get("id_token")
        if not isinstance(token, str):
            raise NotAuthenticated("oidc_failed")
        return token

    def verify_id_token(self, provider: Provider, token: str, nonce: str) -> dict[str, Any]:
        """The claims of an ID token whose signature, issuer, audience, expiry and nonce hold."""
        import jwt  # here: PyJWT and its cryptography cost every worker ~10 MB; few sites sign in

        document = self.discovery(provider.issuer)
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") not in ALGORITHMS:
                raise NotAuthenticated("oidc_token_invalid")
            key = self._jwks(str(document["jwks_uri"])).get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[str(header["alg"])],
                audience=provider.client_id,
                issuer=provider.issuer,
                # Expiry is checked below against our clock, so that tests can move it.
                options={"require": ["exp", "iat", "sub", "aud", "iss"], "verify_exp": False},
            )
        except (jwt.PyJWTError, KeyError):
            raise NotAuthenticated("oidc_token_invalid") from None
        now = self.clock()
        if float(claims["exp"]) < now - LEEWAY or float(claims["iat"]) > now + LEEWAY:
            raise NotAuthenticated("oidc_token_invalid")
        if claims.get("nonce") != nonce:
            raise NotAuthenticated("oidc_token_invalid")
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != provider.client_id:
            raise NotAuthenticated("oidc_token_invalid")
        return claims

    def _jwks(self, uri: str) -> jwt.PyJWKClient:
        import jwt

        with self._lock:
            client = self._keys.get(uri)
            if client is None:
                client = jwt.PyJWKClient(uri, lifespan=CACHE_SECONDS, timeout=TIMEOUT)
                self._keys[uri] = client
        return client


def _form(value: str) -> str:
    # RFC 6749 §2.3.1: client id and secret are form-encoded before Basic encoding.
    return urllib.parse.quote_plus(value)


def display_name(claims: dict[str, Any]) -> str:
    """The name a reader signed in with (``name``, else her nickname or user name)."""
    for claim in ("name", "nickname", "preferred_username", "given_name"):
        value = claims.get(claim)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())[:200]
    return ""
