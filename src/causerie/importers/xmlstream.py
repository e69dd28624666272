"""Reading a large, untrusted XML export in bounded memory.

The parser is defusedxml's (expat with DTDs, entity declarations and external
references refused: no "billion laughs", no file or network reads). The file
is fed in chunks; each wanted element is handed over once complete, with the
line it started on, then cleared and detached from its parent, so memory
holds one element (one WordPress item, one Disqus post) at a time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from causerie.importers.records import ImportFailure

CHUNK = 256 * 1024
# Where an element's start line is kept: no XML attribute can have this name.
LINE = "\x00line"


class _Collector(TreeBuilder):
    """Builds the tree and notes each wanted element's start line when it ends."""

    def __init__(self, wanted: frozenset[str], numbered: frozenset[str], depth: int) -> None:
        super().__init__()
        self.wanted = wanted
        self.numbered = numbered
        self.depth = depth
        self.names: dict[str, str] = {}
        self.parser: Any = None  # the expat parser, for line numbers
        self.stack: list[tuple[Element, int]] = []
        self.ready: list[tuple[Element, int, Element | None]] = []

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        element = super().start(tag, attrs)
        self.stack.append((element, self.parser.CurrentLineNumber if self.parser else 0))
        return element

    def end(self, tag: str) -> Element:
        element = super().end(tag)
        _, line = self.stack.pop()
        name = self.names.get(tag) or self.names.setdefault(tag, local_name(tag))
        if name in self.numbered:
            element.set(LINE, str(line))
        if name in self.wanted and len(self.stack) == self.depth:
            self.ready.append((element, line, self.stack[-1][0] if self.stack else None))
        return element


def local_name(tag: str) -> str:
    """``{http://wordpress.org/export/1.2/}comment`` → ``comment``."""
    return tag.rsplit("}", 1)[-1]


def elements(
    path: Path,
    wanted: Collection[str],
    *,
    depth: int,
    numbered: Collection[str] = (),
    name: str | None = None,
) -> Iterator[tuple[Element, int]]:
    """Each complete element with a wanted local name at this depth (root: 0), with its line.

    Elements named in ``numbered`` (inside wanted ones) get their line too: :func:`line_of`.
    """
    label = name or str(path)
    collector = _Collector(frozenset(wanted), frozenset(numbered), depth)
    parser = DefusedXMLParser(target=collector, forbid_dtd=True)
    collector.parser = parser.parser
    with path.open("rb") as file:
        while True:
            chunk = file.read(CHUNK)
            try:
                if chunk:
                    parser.feed(chunk)
                else:
                    parser.close()
            except ParseError as error:
                line = error.position[0] if error.position else 0
                raise ImportFailure(label, line, _reason(error)) from None
            except DefusedXmlException as error:
                line = parser.parser.CurrentLineNumber
                raise ImportFailure(label, line, f"refused: {type(error).__name__}") from None
            for element, line, parent in collector.ready:
                yield element, line
                element.clear()
                if parent is not None:
                    parent.remove(element)
            collector.ready.clear()
            if not chunk:
                return


def _reason(error: ParseError) -> str:
    """Expat's message without the position it already gives separately."""
    message = str(error).split(": line ", 1)[0]
    return f"malformed XML ({message})"


def line_of(element: Element) -> int:
    """The line a numbered element started on (0 if not numbered)."""
    return int(element.get(LINE, "0"))


def text_of(element: Element, child: str, *, strip: bool = True) -> str:
    """The text of the first child with this local name ('' if none)."""
    for item in element:
        if local_name(item.tag) == child:
            text = item.text or ""
            return text.strip() if strip else text
    return ""


def fields(element: Element) -> dict[str, Element]:
    """The children by local name (the first of each name)."""
    found: dict[str, Element] = {}
    for item in element:
        found.setdefault(local_name(item.tag), item)
    return found


def children(element: Element, name: str) -> Iterator[Element]:
    """The children with this local name."""
    return (item for item in element if local_name(item.tag) == name)
