"""Atom 1.0 (RFC 4287) documents and the server-rendered "latest comments" block."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from html import escape

from causerie.core.feeds import Feed, FeedEntry
from causerie.core.i18n import direction, translate

ATOM = "http://www.w3.org/2005/Atom"
EXCERPT = 160


def rfc3339(when: float) -> str:
    """A UNIX time as Atom writes dates (UTC)."""
    return dt.datetime.fromtimestamp(when, dt.UTC).isoformat(timespec="seconds")


def atom(feed: Feed) -> bytes:
    """The feed as an Atom document (UTF-8)."""
    root = ET.Element("feed", {"xmlns": ATOM, "xml:lang": feed.lang})
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    _text(root, "updated", rfc3339(feed.updated))
    ET.SubElement(
        root, "link", {"rel": "self", "type": "application/atom+xml", "href": feed.self_link}
    )
    ET.SubElement(root, "link", {"rel": "alternate", "type": "text/html", "href": feed.alternate})
    _text(root, "generator", "Causerie")
    for entry in feed.entries:
        node = ET.SubElement(root, "entry")
        _text(node, "id", entry.id)
        _text(node, "title", entry.title)
        _text(node, "published", rfc3339(entry.published))
        _text(node, "updated", rfc3339(entry.updated))
        _text(ET.SubElement(node, "author"), "name", entry.author)
        ET.SubElement(node, "link", {"rel": "alternate", "type": "text/html", "href": entry.link})
        # The comment's sanitized HTML, in its language's direction.
        content = f'<div dir="{direction(feed.lang)}">{entry.html}</div>'
        ET.SubElement(node, "content", {"type": "html"}).text = content
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def _text(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = value


def latest_block(entries: list[FeedEntry], lang: str) -> str:
    """The "latest comments" block as an HTML fragment, for a home page."""
    heading = escape(translate("feed.latest.heading", lang))
    if not entries:
        items = (
            f'<p class="causerie-latest-empty">{escape(translate("feed.latest.empty", lang))}</p>'
        )
    else:
        on = escape(translate("feed.latest.on", lang))
        rows = [
            f'<li><a href="{escape(e.link)}"><span class="causerie-latest-author">'
            f"{escape(e.author)}</span> {on} <cite>{escape(e.page_title)}</cite></a>"
            f'<p dir="auto">{escape(_excerpt(e.text))}</p>'
            f'<time datetime="{rfc3339(e.published)}">{rfc3339(e.published)[:10]}</time></li>'
            for e in entries
        ]
        items = f'<ol class="causerie-latest-list">{"".join(rows)}</ol>'
    return (
        f'<section class="causerie-latest" lang="{escape(lang)}" dir="{direction(lang)}">'
        f"<h2>{heading}</h2>{items}</section>"
    )


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"
