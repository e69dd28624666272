"""Checks on what a reader submits; each failure is a localised error code."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from causerie.core.errors import CauserieError

EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[^@\s<>\"']+\.[^@\s<>\"'.]{2,}$")
MAX_URI = 1024
MAX_WEBSITE = 512
MAX_EMAIL = 254
MAX_TITLE = 300


def clean_text(value: str | None) -> str:
    """Normalise to NFC and drop NUL and other C0 controls but newlines and tabs."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value)
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()


def check_text(text: str, max_length: int) -> str:
    """The comment text, required and bounded."""
    text = clean_text(text)
    if not text:
        raise CauserieError("text_required", 422, field="text")
    if len(text) > max_length:
        raise CauserieError("text_too_long", 422, field="text", max=max_length)
    return text


def check_author(author: str | None, *, anonymous_ok: bool, default: str, max_length: int) -> str:
    """The author's name: one line, required unless the site allows anonymous comments."""
    name = " ".join(clean_text(author).split())
    if not name:
        if anonymous_ok:
            return default
        raise CauserieError("author_required", 422, field="author")
    if len(name) > max_length:
        raise CauserieError("author_too_long", 422, field="author", max=max_length)
    return name


def check_email(email: str | None) -> str | None:
    """An e-mail address when one is given."""
    value = clean_text(email)
    if not value:
        return None
    if len(value) > MAX_EMAIL or not EMAIL.match(value):
        raise CauserieError("email_invalid", 422, field="email")
    return value


def check_website(website: str | None) -> str | None:
    """A http(s) URL when one is given; a bare host gets ``https://``."""
    value = clean_text(website)
    if not value:
        return None
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or "." not in parts.hostname
        or len(value) > MAX_WEBSITE
        or any(ch.isspace() for ch in value)
    ):
        raise CauserieError("website_invalid", 422, field="website")
    return value


def check_uri(uri: str | None) -> str:
    """The page's thread key: a path (``/2026/11/article``) or an absolute http(s) URL."""
    value = clean_text(uri)
    if not value:
        raise CauserieError("uri_required", 422, field="uri")
    if len(value) > MAX_URI or any(ch.isspace() for ch in value):
        raise CauserieError("uri_invalid", 422, field="uri")
    if value.startswith("/"):
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CauserieError("uri_invalid", 422, field="uri")
    return value


def check_title(title: str | None) -> str:
    """A page title, trimmed to a sane length."""
    return " ".join(clean_text(title).split())[:MAX_TITLE]
