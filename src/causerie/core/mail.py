"""What a mail says: one message to one person, composed by the domain, sent by ``notify/email.py``.

The domain decides *what* to send (reply notifications, moderator alerts,
privacy confirmations, sign-in codes) and queues a :class:`Mail` in the
outbox as its JSON payload; the SMTP channel decides *how*.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any

from causerie.core.i18n import direction


@dataclass(frozen=True)
class Mail:
    """One message to one person: plain text, and an HTML alternative if ``html`` is set."""

    to: str
    subject: str
    text: str
    lang: str = "en"
    headers: Mapping[str, str] = field(default_factory=dict)
    html: str = ""

    def to_payload(self) -> dict[str, Any]:
        """The mail as the JSON object an outbox message of channel ``email`` carries."""
        return {
            "to": self.to,
            "subject": self.subject,
            "text": self.text,
            "lang": self.lang,
            "headers": dict(self.headers),
            "html": self.html,
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Mail:
        """The mail an outbox payload carries (the inverse of ``to_payload``)."""
        return cls(
            to=str(payload["to"]),
            subject=str(payload["subject"]),
            text=str(payload["text"]),
            lang=str(payload.get("lang") or "en"),
            headers={str(k): str(v) for k, v in dict(payload.get("headers") or {}).items()},
            html=str(payload.get("html") or ""),
        )


_URL = re.compile(r"https?://[^\s<>\"']+")


def html_body(text: str, lang: str) -> str:
    """The HTML alternative of a plain-text mail: same words, links clickable, right direction."""
    paragraphs = []
    for block in text.split("\n\n"):
        lines = [_linked(line) for line in block.split("\n")]
        paragraphs.append("<p>" + "<br>".join(lines) + "</p>")
    return (
        f'<!doctype html><html lang="{escape(lang)}" dir="{direction(lang)}">'
        '<head><meta charset="utf-8"></head>'
        f'<body dir="{direction(lang)}">{"".join(paragraphs)}</body></html>'
    )


def _linked(line: str) -> str:
    out, last = [], 0
    for found in _URL.finditer(line):
        url = found.group(0)
        out += [escape(line[last : found.start()]), f'<a href="{escape(url)}">{escape(url)}</a>']
        last = found.end()
    out.append(escape(line[last:]))
    return "".join(out)
