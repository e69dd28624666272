"""Reading a large, untrusted XML export in bounded memory.

The parser is defusedxml's (expat with DTDs, entity declarations and external
references refused: no "billion laughs", no file or network reads). The file
is fed in chunks; each wanted element is handed over once complete, with the
line it started on, then cleared and detached from its parent, so memory
holds one element (one WordPress item, one Disqus post) at a time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from causerie.importers.records import ImportFailure

CHUNK = 256 * 1024
# Where an element's start line is kept: no XML attribute can have this name.
LINE = "\x00line"


class _Sink:
    """ElementTree's parser wants a target; the elements are built by :class:`_Builder`."""

    def close(self) -> None:
        """Nothing to hand back: :func:`elements` yields as it goes."""


class _Builder:
    """Expat's handlers: build only the wanted elements (and what is inside them).

    They replace ElementTree's own element handlers on the defused parser (its
    refusals of DTDs and entities stay in place): one Python call per event
    instead of three, and nothing outside a wanted element is kept at all.
    """

    def __init__(self, expat: Any, wanted: Collection[str], depth: int, numbered: Collection[str]):
        self.expat = expat
        self.wanted = frozenset(wanted)
        self.numbered = frozenset(numbered)
        self.depth = depth
        self.level = 0
        self.open: list[Element] = []
        self.start_line = 0
        self.ready: list[tuple[Element, int]] = []
        self.tags: dict[str, tuple[str, str]] = {}
        expat.StartElementHandler = self.start
        expat.EndElementHandler = self.end
        expat.CharacterDataHandler = self.data

    def _tag(self, name: str) -> tuple[str, str]:
        """Expat's ``uri}local`` → (ElementTree's ``{uri}local``, ``local``)."""
        found = self.tags.get(name)
        if found is None:
            found = self.tags[name] = ("{" + name if "}" in name else name, local_name(name))
        return found

    def start(self, name: str, attributes: list[str]) -> None:
        tag, local = self.tags.get(name) or self._tag(name)
        self.level += 1
        if not self.open and not (self.level - 1 == self.depth and local in self.wanted):
            return
        if attributes:
            pairs = zip(attributes[::2], attributes[1::2], strict=True)
            element = Element(tag, {self._tag(k)[0]: v for k, v in pairs})
        else:
            element = Element(tag)
        if self.open:
            self.open[-1].append(element)
        else:
            self.start_line = self.expat.CurrentLineNumber
        if local in self.numbered:
            element.set(LINE, str(self.expat.CurrentLineNumber))
        self.open.append(element)

    def end(self, name: str) -> None:
        self.level -= 1
        if self.open:
            element = self.open.pop()
            if not self.open:
                self.ready.append((element, self.start_line))

    def data(self, text: str) -> None:
        if self.open:
            element = self.open[-1]
            if not len(element):  # text after a child (a tail) is not read by any format
                element.text = text if element.text is None else element.text + text


@lru_cache(maxsize=4096)
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
    parser = DefusedXMLParser(target=_Sink(), forbid_dtd=True)
    builder = _Builder(parser.parser, wanted, depth, numbered)
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
            yield from builder.ready
            builder.ready.clear()
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
