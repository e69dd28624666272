"""The widget's one script, assembled once from its parts in ``web/widget/`` (no build step).

A publisher's page loads one ``<script src=".../embed.js">``; the source is
kept in parts along the widget's seams, which share one function scope and
are joined in this order, inside one ``(() => { 'use strict'; … })();``:

- ``header.js``  the comment readers see at the top (settings on the script tag);
- ``core.js``    settings, small helpers, the reader's tokens and session, requests, dates;
- ``render.js``  the markup of a comment (as ``api/fragment.py``) and the thread;
- ``form.js``    the comment form: validation, posting, preview;
- ``actions.js`` what a button on a comment does (``data-act``): a new per-comment
  action is a branch of ``act()`` here and a button in ``render.js``;
- ``signin.js``  who is commenting, the sign-in dialog, the pop-up;
- ``live.js``    live updates (server-sent events);
- ``start.js``   the shell and the start.

The server joins them on first use and keeps the result (with its ETag) for
the life of the process; ``bench/widget_size.py`` measures the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

WIDGET = Path(__file__).resolve().parent.parent / "web" / "widget"
PARTS = ("core.js", "render.js", "form.js", "actions.js", "signin.js", "live.js", "start.js")
OPEN = "(() => {\n  'use strict';\n"
CLOSE = "})();\n"


@dataclass(frozen=True)
class Script:
    """The assembled widget, ready to send."""

    body: bytes
    etag: str
    last_modified: str  # an HTTP date: the newest part's


def assemble(folder: Path = WIDGET) -> str:
    """The widget's source: the header, then every part in order, in one function scope."""
    parts = [(folder / name).read_text(encoding="utf-8") for name in PARTS]
    return (folder / "header.js").read_text(encoding="utf-8") + OPEN + "".join(parts) + CLOSE


@functools.cache
def embed_script() -> Script:
    """The widget as readers get it, assembled once per process."""
    body = assemble().encode()
    newest = max((WIDGET / name).stat().st_mtime for name in ("header.js", *PARTS))
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    return Script(body, etag, formatdate(newest, usegmt=True))
