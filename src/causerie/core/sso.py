"""The publisher's own accounts: a short-lived token the news site signs for its reader.

The site's server signs a JWT for the reader logged in on its pages and puts
it in the embed; Causerie checks it with the site's key and applies the
site's policy. Claims (docs/identity.md shows the publisher's side)::

    {"sub": "reader-8841", "name": "Samira B.", "subscriber": true, "exp": 1764403500}

Two algorithms, one per kind of key: ``HS256`` with the per-site secret
(``sso_secret``) or ``EdDSA`` with the site's Ed25519 public key
(``sso_public_key``, PEM). Nothing else is accepted, ``none`` least of all.
"""

from __future__ import annotations

from dataclasses import dataclass

from causerie.core.errors import NotAuthenticated

MAX_LIFETIME = 3600  # seconds a token may still be valid when it reaches us
LEEWAY = 30  # clock skew tolerated between the publisher's server and ours


@dataclass(frozen=True)
class PublisherReader:
    """What a valid publisher token says about its reader."""

    subject: str
    name: str
    subscriber: bool


def verify_publisher_token(
    token: str, *, secret: str, public_key: str, audience: str, now: float
) -> PublisherReader:
    """Check a publisher token's signature, expiry and claims; raise ``sso_invalid`` if bad."""
    keys: list[tuple[str, str]] = []
    if public_key.strip():
        keys.append(("EdDSA", public_key.strip()))
    if secret:
        keys.append(("HS256", secret))
    if not keys:
        raise NotAuthenticated("sso_not_configured")
    import jwt  # here: PyJWT and its cryptography cost every worker ~10 MB; few sites sign in

    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise NotAuthenticated("sso_invalid") from None
    key = next((k for alg, k in keys if alg == header.get("alg")), None)
    if key is None:
        raise NotAuthenticated("sso_invalid")
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[str(header["alg"])],
            leeway=LEEWAY,
            # An audience is optional for publishers; when present it must name this site.
            options={"require": ["exp", "sub"], "verify_aud": "aud" in _unverified(token)},
            audience=audience,
        )
    except jwt.PyJWTError:
        raise NotAuthenticated("sso_invalid") from None
    if float(claims["exp"]) > now + MAX_LIFETIME + LEEWAY:
        raise NotAuthenticated("sso_invalid")
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip() or not str(claims["sub"]).strip():
        raise NotAuthenticated("sso_invalid")
    return PublisherReader(
        subject=str(claims["sub"])[:255],
        name=" ".join(name.split())[:200],
        subscriber=claims.get("subscriber") is True,
    )


def _unverified(token: str) -> dict[str, object]:
    import jwt

    claims: dict[str, object] = jwt.decode(token, options={"verify_signature": False})
    return claims
