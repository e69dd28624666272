"""Checks on what a reader submits; each failure is a localised error code."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

import ada_url

from causerie.core.errors import InvalidField

# Ids are 32-bit in the schema (PostgreSQL ``integer``); offsets share the bound.
MAX_ID = 2**31 - 1
MAX_OFFSET = 2**31 - 1
# Integers in query strings, paths and cursors: ASCII digits only (no "٥", "⁰", "+", "_").
DIGITS = re.compile(r"[0-9]{1,10}")
# Thread keys given as a path are resolved against this base to be checked like a browser would.
PATH_BASE = "https://causerie.invalid"
EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[^@\s<>\"']+\.[^@\s<>\"'.]{2,}$")
MAX_URI = 1024
MAX_WEBSITE = 512
MAX_EMAIL = 254
MAX_TITLE = 300
# Unicode's "Cc" category (C0 and C1 controls, DEL) but newline and tab: one regex pass.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def bounded_int(value: object, field: str, low: int, high: int, code: str = "field_invalid") -> int:
    """An integer given as a number or as ASCII digits, within ``low..high``; else a 422."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and DIGITS.fullmatch(value):
        number = int(value)
    else:
        raise InvalidField(code, field=field, max=high)
    if not low <= number <= high:
        raise InvalidField(code, field=field, max=high)
    return number


def is_valid_unicode(value: str) -> bool:
    """True when the string can be encoded (no lone surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean_text(value: str | None, field: str = "text") -> str:
    """Normalise to NFC and drop NUL and other C0 controls but newlines and tabs.

    A lone surrogate (possible in JSON as ``"\\ud800"``) cannot be stored,
    hashed or rendered: it is refused here, before anything else sees it.
    """
    if not value:
        return ""
    if not is_valid_unicode(value):
        raise InvalidField("unicode_invalid", field=field)
    value = unicodedata.normalize("NFC", value)
    return CONTROLS.sub("", value).strip()


def check_text(text: str, max_length: int) -> str:
    """The comment text, required and bounded."""
    text = clean_text(text, "text")
    if not text:
        raise InvalidField("text_required", field="text")
    if len(text) > max_length:
        raise InvalidField("text_too_long", field="text", max=max_length)
    return text


def check_author(author: str | None, *, anonymous_ok: bool, default: str, max_length: int) -> str:
    """The author's name: one line, required unless the site allows anonymous comments."""
    name = " ".join(clean_text(author, "author").split())
    if not name:
        if anonymous_ok:
            return default
        raise InvalidField("author_required", field="author")
    if len(name) > max_length:
        raise InvalidField("author_too_long", field="author", max=max_length)
    return name


def check_email(email: str | None) -> str | None:
    """An e-mail address when one is given."""
    value = clean_text(email, "email")
    if not value:
        return None
    if len(value) > MAX_EMAIL or not EMAIL.match(value):
        raise InvalidField("email_invalid", field="email")
    return value


def parse_url(value: str) -> ada_url.URL | None:
    """The URL as a browser parses it (WHATWG URL standard), or None if it cannot."""
    try:
        return ada_url.URL(value)
    except ValueError:
        return None


def check_website(website: str | None) -> str | None:
    """A http(s) URL a browser can follow, when one is given; a bare host gets ``https://``."""
    value = clean_text(website, "website")
    if not value:
        return None
    if "://" not in value:
        value = "https://" + value
    if len(value) > MAX_WEBSITE or any(ch.isspace() for ch in value):
        raise InvalidField("website_invalid", field="website")
    url = parse_url(value)
    if (
        url is None
        or url.protocol not in ("http:", "https:")
        # A public name (not "localhost") or an IP address.
        or not ("." in url.hostname or url.hostname.startswith("["))
        or url.hostname.endswith(".")
    ):
        raise InvalidField("website_invalid", field="website")
    return value


def check_uri(uri: str | None) -> str:
    """The page's thread key: a path (``/2026/11/article``) or an absolute http(s) URL.

    A path must stay a path for a browser too: ``//host`` and ``/\\host``
    would leave the site, so they are refused.
    """
    value = clean_text(uri, "uri")
    if not value:
        raise InvalidField("uri_required", field="uri")
    if len(value) > MAX_URI or any(ch.isspace() for ch in value):
        raise InvalidField("uri_invalid", field="uri")
    if value.startswith("/"):
        url = parse_url(PATH_BASE + value) if value[1:2] not in ("/", "\\") else None
        if url is None or url.origin != PATH_BASE:
            raise InvalidField("uri_invalid", field="uri")
        return value
    url = parse_url(value)
    if url is None or url.protocol not in ("http:", "https:") or not url.hostname:
        raise InvalidField("uri_invalid", field="uri")
    return value


def check_title(title: str | None) -> str:
    """A page title, trimmed to a sane length."""
    return " ".join(clean_text(title, "title").split())[:MAX_TITLE]


def check_published(value: str | None) -> float | None:
    """An article's publication date (ISO 8601, a date or a date and time) as UNIX seconds."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidField("field_invalid", field="published") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if not 1990 <= when.year <= 2200:
        raise InvalidField("field_invalid", field="published")
    return when.timestamp()
