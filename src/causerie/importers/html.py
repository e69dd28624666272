"""Comment HTML from other systems → Causerie's markdown text and safe HTML subset.

WordPress, Disqus and Remark42 keep comments as HTML (WordPress as text with
some tags, where blank lines are paragraphs and single newlines are line
breaks). Every tag becomes its safe equivalent (``b`` → ``strong``, ``i`` →
``em``, ``strike`` → ``del``, ``tt`` → ``code``, headings and ``div`` →
paragraphs) or is reduced to its text (``span``, ``font``, ``img`` → its alt
text); ``script``, ``style`` and embedded objects lose their content too. An
embedded player (``iframe``, ``object``, ``embed``, ``video``, ``audio``)
leaves its media's address as a link in a paragraph of its own: a comment
that was only a video keeps the video, as a link.
The result still goes through :func:`causerie.core.markup.clean_html`, the
one sanitizer; the markdown text is what an edit or the spam filter sees.
"""

from __future__ import annotations

import html as htmllib
import re
from html.parser import HTMLParser

# Source tag → the allowed tag it becomes.
INLINE = {
    "b": "strong",
    "strong": "strong",
    "i": "em",
    "em": "em",
    "cite": "em",
    "dfn": "em",
    "var": "em",
    "s": "del",
    "strike": "del",
    "del": "del",
    "code": "code",
    "tt": "code",
    "kbd": "code",
    "samp": "code",
}
MARKDOWN = {"strong": "**", "em": "*", "del": "~~", "code": "`"}
# Containers kept as they are.
BLOCKS = {"blockquote", "ul", "ol", "li", "pre"}
# Tags that only end a paragraph.
BREAKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "address", "section", "article",
    "aside", "header", "footer", "figure", "figcaption", "table", "tr", "dl", "dt", "dd",
    "center", "hr", "details", "summary", "nav", "main", "caption", "thead", "tbody",
}  # fmt: skip
# Their content is not text a reader wrote.
DROPPED = {
    "script", "style", "iframe", "object", "noscript", "template", "video", "audio",
    "svg", "math", "form", "select", "textarea", "button", "head", "title",
}  # fmt: skip
# Where an embedded player names its media; ``param`` by these names (Flash-era objects).
MEDIA_SOURCE = {"iframe": "src", "embed": "src", "object": "data", "video": "src",
                "audio": "src", "source": "src"}  # fmt: skip
MEDIA_PARAMS = {"movie", "src", "url", "filename"}
# Void elements (no end tag): they must not open a dropped region.
VOID_MEDIA = {"embed", "source", "param"}
SAFE_SCHEMES = ("http://", "https://", "mailto:")
URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
PARAGRAPH = re.compile(r"\n\s*\n")


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.html: list[str] = []
        self.md: list[str] = []
        self.open: list[str] = []  # allowed tags opened, innermost last
        self.dropped = 0
        self.in_p = False
        self.lists: list[list[int]] = []  # per open list: [next number] (0 for bullets)
        self.quotes: list[int] = []  # md position where each blockquote starts
        self.links: list[str] = []
        self.media: list[str] = []  # addresses of embedded players, waiting for their end

    # -- output helpers ----------------------------------------------------------

    def _inline(self) -> None:
        """Inline content is about to come: make sure it sits in a paragraph or block."""
        if not self.in_p and not self._within("li", "pre"):
            self.html.append("<p>")
            self.in_p = True

    def _within(self, *tags: str) -> bool:
        return any(tag in self.open for tag in tags)

    def _end_paragraph(self) -> None:
        if self.in_p:
            self._close_inline()
            self.html.append("</p>")
            self.in_p = False
        if self.md and not "".join(self.md[-2:]).endswith("\n\n"):
            self.md.append("\n\n")

    def _close_inline(self) -> None:
        while self.open and self.open[-1] not in BLOCKS:
            self._close(self.open[-1])

    def _close(self, tag: str) -> None:
        self.open.pop()
        self.html.append(f"</{tag}>")
        if tag == "a":
            self.md.append(f"]({self.links.pop()})")
        elif tag in MARKDOWN:
            self.md.append(MARKDOWN[tag])

    # -- parser events -----------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        url = _media_url(tag, dict(attrs))
        if url and url not in self.media:
            self.media.append(url)
        if tag in VOID_MEDIA:
            if not self.dropped:
                self._media_links()
            return
        if tag in DROPPED:
            self.dropped += 1
        if self.dropped:
            return
        if tag == "br":
            self._inline()
            self.html.append("<br>")
            self.md.append("\n")
        elif tag in INLINE:
            self._open_inline(INLINE[tag])
        elif tag == "a":
            href = (dict(attrs).get("href") or "").strip()
            if href.lower().startswith(SAFE_SCHEMES) and "a" not in self.open:
                self._inline()
                self.open.append("a")
                self.links.append(href)
                self.html.append(f'<a href="{htmllib.escape(href)}">')
                self.md.append("[")
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            if alt:
                self.handle_data(alt)
        elif tag in BLOCKS:
            self._open_block(tag)
        elif tag in BREAKS:
            self._end_paragraph()

    def _open_inline(self, tag: str) -> None:
        self._inline()
        self.open.append(tag)
        self.html.append(f"<{tag}>")
        self.md.append(MARKDOWN[tag])

    def _open_block(self, tag: str) -> None:
        self._end_paragraph()
        self.open.append(tag)
        self.html.append(f"<{tag}>")
        if tag in ("ul", "ol"):
            self.lists.append([1 if tag == "ol" else 0])
        elif tag == "li":
            number = self.lists[-1][0] if self.lists else 0
            indent = "  " * max(len(self.lists) - 1, 0)
            self.md.append(f"{indent}{number}. " if number else f"{indent}- ")
            if number:
                self.lists[-1][0] += 1
        elif tag == "blockquote":
            self.quotes.append(len(self.md))
        elif tag == "pre":
            self.md.append("```\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED:
            self.dropped = max(self.dropped - 1, 0)
            if not self.dropped:
                self._media_links()
            return
        if self.dropped:
            return
        wanted = INLINE.get(tag, tag)
        if wanted in self.open and (wanted not in BLOCKS or tag in BLOCKS):
            # Close what was opened inside it and left open (tag soup), then it.
            while self.open:
                current = self.open[-1]
                if current in BLOCKS and current != wanted:
                    break
                if current == wanted:
                    self._end_block(current) if current in BLOCKS else self._close(current)
                    return
                self._close(current)
        elif tag in BREAKS:
            self._end_paragraph()

    def _media_links(self) -> None:
        """The addresses of the players just closed, each as a link in its own paragraph."""
        for url in self.media:
            self._end_paragraph()
            self._text(url)
            self._end_paragraph()
        self.media.clear()

    def _end_block(self, tag: str) -> None:
        self._end_paragraph()
        self.open.pop()
        self.html.append(f"</{tag}>")
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.md.append("\n")
        elif tag == "li":
            self.md.append("\n")
        elif tag == "pre":
            self.md.append("\n```\n\n")
        elif tag == "blockquote" and self.quotes:
            start = self.quotes.pop()
            quoted = "".join(self.md[start:]).strip("\n")
            del self.md[start:]
            self.md.append("\n".join("> " + line for line in quoted.split("\n")) + "\n\n")

    def handle_data(self, data: str) -> None:
        if self.dropped or not data:
            return
        if "pre" in self.open:
            self.html.append(htmllib.escape(data, quote=False))
            self.md.append(data)
            return
        for number, part in enumerate(PARAGRAPH.split(data)):
            if number:
                self._end_paragraph()
            self._text(part)

    def _text(self, text: str) -> None:
        if not text.strip() and not self.in_p:
            return
        self._inline()
        lines = text.split("\n")
        for number, line in enumerate(lines):
            if number:
                self.html.append("<br>")
                self.md.append("\n")
            self._words(line)

    def _words(self, line: str) -> None:
        if "a" in self.open:
            self.html.append(htmllib.escape(line, quote=False))
            self.md.append(line)
            return
        done = 0
        for match in URL.finditer(line):
            self.html.append(htmllib.escape(line[done : match.start()], quote=False))
            url = match.group()
            self.html.append(f'<a href="{htmllib.escape(url)}">{htmllib.escape(url)}</a>')
            done = match.end()
        self.html.append(htmllib.escape(line[done:], quote=False))
        self.md.append(line)

    def finish(self) -> tuple[str, str]:
        self.close()
        self.dropped = 0  # a player never closed still leaves its link
        self._media_links()
        while self.open:
            tag = self.open[-1]
            self._end_block(tag) if tag in BLOCKS else self._close(tag)
        self._end_paragraph()
        text = re.sub(r"\n{3,}", "\n\n", "".join(self.md)).strip()
        return text, "".join(self.html)


def _media_url(tag: str, attrs: dict[str, str | None]) -> str | None:
    """The http(s) address an embedded player plays, if this tag names one."""
    if tag == "param":
        name = (attrs.get("name") or "").strip().lower()
        found = attrs.get("value") if name in MEDIA_PARAMS else None
    else:
        found = attrs.get(MEDIA_SOURCE[tag]) if tag in MEDIA_SOURCE else None
    url = (found or "").strip()
    if url.startswith("//"):  # protocol-relative, as YouTube's embed code had it
        url = "https:" + url
    return url if URL.fullmatch(url) else None


def convert(source: str) -> tuple[str, str]:
    """A comment's HTML as (markdown text, HTML of the allowed tags, still to be sanitized)."""
    converter = _Converter()
    source = source.replace("\r\n", "\n")
    if "<" in source or "&" in source:
        converter.feed(source)
    else:  # plain text, most comments: no markup to parse, straight to paragraphs and links
        converter.handle_data(source)
    return converter.finish()
