"""Markdown → safe HTML: a small subset rendered by markdown-it, cleaned by nh3.

Readers get paragraphs, emphasis, links, inline code and code blocks,
quotes and lists. Raw HTML, images, headings and tables are not rendered;
whatever slips through the parser is removed by the sanitizer, which is
the real safety net.
"""

from __future__ import annotations

from functools import cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "del",
    "a",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
LINK_REL = "nofollow ugc noopener"


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True})
    md.enable(["linkify", "strikethrough"])
    md.disable(["image", "heading", "lheading", "html_block", "html_inline", "hr"])
    return md


def render(text: str) -> str:
    """Render a comment's markdown to sanitized HTML."""
    try:
        return clean_html(_parser().render(text))
    except UnicodeEncodeError:
        # A lone surrogate cannot cross into the Rust sanitizer. Validation refuses them
        # before any comment is stored; a caller that skipped it gets U+FFFD, not a crash.
        return clean_html(_parser().render(_without_lone_surrogates(text)))


def _without_lone_surrogates(text: str) -> str:
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def clean_html(html: str) -> str:
    """Reduce HTML to the safe subset: the one sanitizer for rendered and imported comments."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        # A relative link ("/x", "//evil.example", "#top") would resolve against the
        # page that embeds the thread; only absolute links are kept.
        url_relative="deny",
        link_rel=LINK_REL,
    ).strip()


def render_plain(text: str) -> str:
    """Escape a plain string (names, titles) for HTML."""
    return nh3.clean_text(text)
