"""Who is who, with as little personal data as possible.

- The raw IP address is never stored: moderators see a minimised form
  (IPv4 /24, IPv6 /48) and rate limits, votes and the spam filter use a keyed
  hash of the full address that cannot be reversed without the secret.
- Edit tokens are signatures of the comment id: nothing to store, and only the
  author who received it can edit or delete within the window.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import re

from causerie.core.errors import Forbidden

IPV4_PREFIX = 24
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
# An IPv4 address as ``ipaddress`` accepts it (no leading zeros), first three octets grouped.
DOTTED_QUAD = re.compile(rf"({_OCTET}\.{_OCTET}\.{_OCTET})\.{_OCTET}")
IPV6_PREFIX = 48


def minimise_ip(address: str) -> str:
    """The network an address belongs to: ``203.0.113.77`` → ``203.0.113.0/24``."""
    plain = DOTTED_QUAD.fullmatch(address.strip())
    if plain:  # the common case, without building address objects (imports do millions)
        return f"{plain[1]}.0/24"
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def keyed_hash(secret: str, purpose: str, value: str) -> str:
    """A keyed, purpose-bound hash (hex, 32 chars) of a personal value."""
    digest = hmac.new(secret.encode(), f"{purpose}\x00{value}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def hash_ip(secret: str, address: str) -> str:
    """The keyed hash of a full IP address."""
    return keyed_hash(secret, "ip", address.strip().lower())


def email_block_hash(secret: str, email: str) -> str:
    """What a block by e-mail keeps once the blocked reader had her data erased."""
    return keyed_hash(secret, "block-email", email.strip().lower())


def email_subject(secret: str, email: str) -> str:
    """What an e-mail sign-in keeps instead of the address (``identities.subject``)."""
    return keyed_hash(secret, "signin-email", email.strip().lower())


def reader_author_key(secret: str, identity_id: int) -> str:
    """Recognises a signed-in author by her identity, whatever name she shows."""
    return keyed_hash(secret, "author", f"identity:{identity_id}")


def author_key(secret: str, email: str | None, author: str) -> str:
    """Recognises a returning author by e-mail, or by name when there is none."""
    basis = f"email:{email.strip().lower()}" if email else f"name:{author.strip().lower()}"
    return keyed_hash(secret, "author", basis)


def _signature(secret: str, comment_id: int) -> str:
    mac = hmac.new(secret.encode(), f"edit\x00{comment_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:24]).decode().rstrip("=")


def edit_token(secret: str, comment_id: int) -> str:
    """The token that lets a comment's author edit or delete it."""
    return f"{comment_id}.{_signature(secret, comment_id)}"


def comment_id_from_token(secret: str, token: str) -> int | None:
    """The comment id a token is valid for, or None if it is forged."""
    ident, _, signature = token.strip().partition(".")
    if not ident.isdigit() or not signature:
        return None
    comment_id = int(ident)
    if hmac.compare_digest(signature, _signature(secret, comment_id)):
        return comment_id
    return None


def require_token(secret: str, token: str | None, comment_id: int) -> None:
    """Raise unless ``token`` is the edit token of ``comment_id``."""
    if not token or comment_id_from_token(secret, token) != comment_id:
        raise Forbidden("token_invalid")


def avatar_seed(secret: str, email: str | None, author: str) -> str:
    """A stable, non-reversible seed for a locally generated identicon."""
    return keyed_hash(secret, "avatar", (email or author).strip().lower())[:16]
