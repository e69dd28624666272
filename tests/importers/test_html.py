"""Comment HTML from other systems becomes the safe subset, or text: tag by tag."""

from __future__ import annotations

import pytest

from causerie.core.markup import clean_html
from causerie.importers.html import convert


def _html(source: str) -> str:
    return clean_html(convert(source)[1])


@pytest.mark.parametrize(
    ("source", "html"),
    [
        (
            "<b>a</b> <i>b</i> <strike>c</strike> <tt>d</tt>",
            "<p><strong>a</strong> <em>b</em> <del>c</del> <code>d</code></p>",
        ),
        ("one\n\ntwo\nthree", "<p>one</p><p>two<br>three</p>"),
        ("<h1>T</h1><div>x</div>", "<p>T</p><p>x</p>"),
        ('<img src="x.png" alt="photo"> <span style="x">s</span>', "<p>photo s</p>"),
        ("<script>alert(1)</script><style>p{}</style>ok", "<p>ok</p>"),
        ('<a href="javascript:alert(1)">x</a>', "<p>x</p>"),
        (
            '<a href="https://ex.org/">x</a>',
            '<p><a href="https://ex.org/" rel="nofollow ugc noopener">x</a></p>',
        ),
        (
            "see https://ex.org/a.",
            '<p>see <a href="https://ex.org/a" rel="nofollow ugc noopener">https://ex.org/a</a>.</p>',
        ),
        ("<ul><li>a</li><li>b</li></ul>", "<ul><li>a</li><li>b</li></ul>"),
        ("<pre>a <b>\n  c</b></pre>", "<pre>a <strong>\n  c</strong></pre>"),
        ("<b>unclosed <i>nest</b> tail", "<p><strong>unclosed <em>nest</em></strong> tail</p>"),
        ("", ""),
    ],
)
def test_each_tag_is_kept_converted_or_reduced_to_text(source: str, html: str) -> None:
    assert _html(source) == html


def test_the_markdown_text_says_the_same() -> None:
    text, _ = convert(
        '<p>Un <b>mot</b> et <a href="https://ex.org">un lien</a></p><blockquote>cité</blockquote>'
    )
    assert text == "Un **mot** et [un lien](https://ex.org)\n\n> cité"
