"""Blocked authors: what a block may hold, and whether one covers a new comment's author.

A moderator blocks an e-mail, an IP range (/24, /48) or one address, kept
hashed (``ip_hash``); the moderation service stores the blocks and checks
each new comment against those in force (``ModerationService.gatekeeper``).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from causerie.core import identity
from causerie.core.errors import InvalidField

BLOCK_KINDS = ("email", "ip_range", "ip_hash")
MAX_BLOCK_DAYS = 3650


def matches(active: list[dict[str, Any]], email: str | None, ip: str, secret: str) -> bool:
    """Whether a blocks list in force covers this e-mail or address."""
    address = address_of(ip)
    ip_hash = identity.hash_ip(secret, ip) if ip else ""
    for block in active:
        kind, value = block["kind"], block["value"]
        if kind == "email" and email and email.strip().lower() == value:
            return True
        if kind == "email_hash" and email and identity.email_block_hash(secret, email) == value:
            return True
        if kind == "ip_hash" and ip_hash and ip_hash == value:
            return True
        if kind == "ip_range" and address is not None:
            network = ipaddress.ip_network(value, strict=False)
            if address.version == network.version and address in network:
                return True
    return False


def address_of(ip: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a reader came from (IPv4-mapped IPv6 read as IPv4); None if unreadable."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def block_value(kind: str, value: str) -> str:
    """The stored form of a block of ``kind``; ``InvalidField`` when it cannot be one."""
    value = (value or "").strip()
    if kind == "email":
        if "@" not in value or len(value) > 320:
            raise InvalidField("email_invalid", field="value")
        return value.lower()
    if kind == "ip_range":
        try:
            return str(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise InvalidField("field_invalid", field="value") from None
    if kind == "ip_hash" and len(value) == 32 and all(c in "0123456789abcdef" for c in value):
        return value
    raise InvalidField("field_invalid", field="kind" if kind not in BLOCK_KINDS else "value")
