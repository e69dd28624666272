"""What an export file looks like, from its first bytes: so that a wrong FORMAT is caught.

Each format has a signature near the start of its files::

    wordpress  XML whose root is <rss> with the WXR namespace (wordpress.org/export/)
    disqus     XML whose root is <disqus>
    isso       an SQLite database, or a JSON list of threads (its generic format)
    native     JSON with a "causerie" version key (Causerie's own export)
    remark42   JSON lines, the first one {"version", "users", "posts"} (gzip or not)
    commento   JSON with "comments" whose items carry "commentHex"

:func:`looks_like` answers one of those names, or None when nothing matches
(an unknown or damaged file: the reader then says what is wrong with it).
"""

from __future__ import annotations

import gzip
import re
import zlib
from pathlib import Path

HEAD = 64 * 1024
SQLITE_MAGIC = b"SQLite format 3\x00"
GZIP_MAGIC = b"\x1f\x8b"
# The first element after the prolog (declaration, comments, doctype, whitespace).
XML_ROOT = re.compile(rb"^(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<([A-Za-z_][\w:.-]*)", re.S)

# How each format is named to a person.
DESCRIPTIONS = {
    "wordpress": "a WordPress WXR export",
    "disqus": "a Disqus XML export",
    "isso": "an Isso database or JSON export",
    "remark42": "a Remark42 backup",
    "commento": "a Commento export",
    "native": "a Causerie JSON export",
}


def _head(path: Path) -> bytes:
    with path.open("rb") as file:
        head = file.read(HEAD)
    if head.startswith(GZIP_MAGIC):
        try:
            with gzip.open(path, "rb") as unpacked:
                return unpacked.read(HEAD)
        except (OSError, EOFError, zlib.error):
            return b""
    return head


def looks_like(path: Path) -> str | None:
    """The format this file's first bytes belong to, or None."""
    head = _head(path)
    if head.startswith(SQLITE_MAGIC):
        return "isso"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<"):
        return _xml(text)
    if text.startswith((b"{", b"[")):
        return _json(text)
    return None


def _xml(text: bytes) -> str | None:
    root = XML_ROOT.match(text)
    name = root.group(1).rsplit(b":", 1)[-1].lower() if root else b""
    if name == b"rss" and re.search(rb"wordpress\.org/export/", text):
        return "wordpress"
    if name == b"disqus":
        return "disqus"
    return None


def _json(text: bytes) -> str | None:
    if re.search(rb'"causerie"\s*:\s*\d', text):
        return "native"
    first_line = text.split(b"\n", 1)[0]
    if all(re.search(rb'"%s"\s*:' % key, first_line) for key in (b"version", b"users", b"posts")):
        return "remark42"
    if re.search(rb'"commentHex"\s*:', text):
        return "commento"
    if text.startswith(b"[") and re.search(rb'"comments"\s*:', text):
        return "isso"
    return None
