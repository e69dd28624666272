"""The first page of a thread as ready HTML, in the markup embed.js builds itself.

A CMS can include this fragment in the article server-side (search engines and
reader modes then see the comments); the widget finds it in its container and
takes it over instead of rendering the thread again. Keep the markup in step
with ``comment()`` in ``web/widget/render.js`` (served as ``/embed.js``)::

    <div class="causerie-ssr" data-causerie-ssr data-uri="/2026/tram" data-sort="oldest"
         data-next="…" data-total="3" lang="fr" dir="ltr">
      <div class="cz-list">
        <article class="cz-c" id="cz-c-12" data-id="12"> header, body, footer,
          <div class="cz-r"> replies, nested the same way </div></article> …
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Any

from babel.dates import format_datetime

from causerie.core.i18n import direction, translate


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _date(iso: str, lang: str) -> str:
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC)
    try:
        return format_datetime(moment, format="medium", locale=lang, tzinfo=UTC)
    except (ValueError, LookupError):  # a language Babel does not know
        return moment.strftime("%Y-%m-%d %H:%M UTC")


def hue(seed: str | None) -> int:
    """The avatar's colour (0-359) from its seed, as embed.js computes it."""
    try:
        return int((seed or "0")[:4], 16) % 360
    except ValueError:
        return 0


def _initial(author: str | None) -> str:
    return (author or "?").strip()[:1].upper() or "?"


def _header(c: dict[str, Any], lang: str) -> str:
    name = escape(c["author"] or "")
    if c.get("website"):
        who = (
            f'<a class="cz-a" href="{_attr(c["website"])}" rel="nofollow ugc noopener" '
            f'dir="auto">{name}</a>'
        )
    else:
        who = f'<b class="cz-a" dir="auto">{name}</b>'
    tags = ""
    if c.get("by_site"):
        tags += f'<span class="cz-tag">{escape(translate("widget.by_site", lang))}</span>'
    if c.get("pinned"):
        tags += f'<span class="cz-tag">{escape(translate("widget.pinned", lang))}</span>'
    if c.get("featured"):
        tags += f'<span class="cz-tag">{escape(translate("widget.featured", lang))}</span>'
    edited = ""
    if c.get("modified"):
        edited = f'<span class="cz-ed">{escape(translate("widget.edited", lang))}</span>'
    return (
        f'<header class="cz-h"><span class="cz-av" aria-hidden="true" '
        f'style="--cz-hue:{hue(c.get("avatar"))}">{escape(_initial(c["author"]))}</span>'
        f'{who}{tags}<a class="cz-t" href="#cz-c-{c["id"]}"><time datetime="{_attr(c["created"])}">'
        f"{escape(_date(c['created'], lang))}</time></a>{edited}</header>"
    )


def _vote(act: str, label: str, symbol: str, count: int) -> str:
    return (
        f'<button type="button" class="cz-v" data-act="{act}"><span aria-hidden="true">{symbol}'
        f'</span><span class="cz-sr">{escape(label)}</span> <span class="cz-k">{count}</span>'
        "</button>"
    )


def comment(c: dict[str, Any], lang: str) -> str:
    """One comment (with its replies) as an ``<article>``."""
    cid = int(c["id"])
    if c["state"] == "deleted":
        body = f'<p class="cz-b cz-gone">{escape(translate("widget.deleted", lang))}</p>'
        classes = "cz-c cz-del"
    else:
        classes = "cz-c"
        footer = (
            _vote("up", translate("widget.like", lang), "▲", c["likes"])
            + _vote("down", translate("widget.dislike", lang), "▼", c["dislikes"])
            + f'<button type="button" class="cz-btn" data-act="reply">'
            f"{escape(translate('widget.reply', lang))}</button>"
        )
        if c["state"] == "approved":
            footer += (
                f'<button type="button" class="cz-btn" data-act="report">'
                f"{escape(translate('widget.report', lang))}</button>"
            )
        body = (
            _header(c, lang)
            + f'<div class="cz-b" dir="auto">{c["html"]}</div>'
            + f'<footer class="cz-f">{footer}</footer>'
        )
    replies = "".join(comment(r, lang) for r in c.get("replies", ()))
    hidden = int(c.get("hidden_replies") or 0)
    if hidden:
        note = escape(translate("widget.more_replies", lang, n=hidden))
        replies += f'<p class="cz-hr">{note}</p>'
    return (
        f'<article class="{classes}" id="cz-c-{cid}" data-id="{cid}">'
        f'{body}<div class="cz-r">{replies}</div></article>'
    )


def picks(featured: list[dict[str, Any]], lang: str) -> str:
    """The editors' picks as embed.js draws them: a labelled section before the thread."""
    if not featured:
        return ""
    items = "".join(
        f'<article class="cz-c"><header class="cz-h"><b class="cz-a" dir="auto">'
        f'{escape(c["author"] or "")}</b><a class="cz-t" href="#cz-c-{int(c["id"])}">'
        f'<time datetime="{_attr(c["created"])}">{escape(_date(c["created"], lang))}</time></a>'
        f'</header><div class="cz-b" dir="auto">{c["html"]}</div></article>'
        for c in featured
    )
    title = escape(translate("widget.featured", lang))
    return (
        f'<section class="cz-feat" aria-labelledby="cz-feat-h"><h4 id="cz-feat-h">{title}</h4>'
        f"{items}</section>"
    )


def _rules(page: dict[str, Any]) -> str:
    """The thread's rules as data attributes the widget reads when it takes over."""
    closed = page.get("closed")
    out = ""
    if closed:
        out += (
            f' data-closed="{_attr(closed["reason"])}" data-since="{_attr(closed["since"] or "")}"'
        )
    if page.get("closes_at"):
        out += f' data-closes-at="{_attr(page["closes_at"])}"'
    if page.get("premod"):
        out += " data-premod"
    return out


def thread(page: dict[str, Any], lang: str) -> str:
    """A page of a thread (as ``threads.thread_page`` returns it) as a fragment."""
    items = "".join(comment(c, lang) for c in page["comments"])
    if not items:
        items = f'<p class="cz-empty">{escape(translate("widget.empty", lang))}</p>'
    return (
        f'<div class="causerie-ssr" data-causerie-ssr data-uri="{_attr(page["uri"])}" '
        f'data-sort="{_attr(page["sort"])}" data-next="{_attr(page["next"] or "")}" '
        f'data-total="{int(page["total"])}"{_rules(page)} lang="{_attr(lang)}" '
        f'dir="{direction(lang)}">{picks(page.get("featured") or [], lang)}'
        f'<div class="cz-list">{items}</div></div>'
    )
