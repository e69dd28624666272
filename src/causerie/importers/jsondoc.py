"""JSON exports read with the line of every object, and typed fields that fail with that line.

``json.load`` forgets where things were; here each object remembers its
offset (under a key no JSON document can hold), so that "state 'x' is not a
state" names the line it is on, like the XML readers do.
"""

from __future__ import annotations

import json
import math
import re
from json.decoder import JSONObject  # type: ignore[attr-defined]
from json.scanner import py_make_scanner  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from causerie.importers import dates
from causerie.importers.records import ImportFailure

POSITION = "\x00pos"
# A high surrogate escape not followed by a low one, or a low one not after a high one.
LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|(?<![0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


class Document:
    """A JSON file, its objects tagged with their offsets, and checked accessors."""

    def __init__(self, text: str, label: str, *, start_line: int = 1) -> None:
        self.source = text
        self.label = label
        self.start_line = start_line
        decoder = json.JSONDecoder()

        def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[dict[str, Any], int]:
            value, end = JSONObject(s_and_end, *args)
            value[POSITION] = s_and_end[1] - 1
            return value, end

        decoder.parse_object = parse_object  # type: ignore[attr-defined]
        decoder.scan_once = py_make_scanner(decoder)  # type: ignore[attr-defined]
        try:
            self.root = decoder.decode(text)
        except json.JSONDecodeError as error:
            raise ImportFailure(label, start_line + error.lineno - 1, error.msg) from None
        except RecursionError:
            raise ImportFailure(label, start_line, "JSON nested too deeply") from None
        if "\\ud" in text.lower():
            self._refuse_lone_surrogates()

    def _refuse_lone_surrogates(self) -> None:
        """``"\\ud800"`` decodes to a string no database can store: the file is refused."""
        try:
            json.dumps(self.root, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            found = LONE_SURROGATE.search(self.source)
            line = self.start_line + self.source.count("\n", 0, found.start() if found else 0)
            raise ImportFailure(self.label, line, "an escaped lone surrogate is not text") from None

    @classmethod
    def load(cls, path: Path, label: str) -> Document:
        """Read and parse a UTF-8 JSON file."""
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            line = path.read_bytes()[: error.start].count(b"\n") + 1
            raise ImportFailure(label, line, "not UTF-8 text") from None
        return cls(text, label)

    def line(self, obj: Any) -> int:
        """The line an object starts on."""
        position = obj.get(POSITION, 0) if isinstance(obj, dict) else 0
        return self.start_line + self.source.count("\n", 0, position)

    def fail(self, obj: Any, reason: str) -> ImportFailure:
        """The failure to raise for this object."""
        return ImportFailure(self.label, self.line(obj), reason)

    def object(self, obj: Any, what: str) -> dict[str, Any]:
        """``obj`` itself, which must be a JSON object."""
        if not isinstance(obj, dict):
            raise self.fail(obj, f"{what} is not an object")
        return obj

    def items(self, obj: dict[str, Any], key: str, *, required: bool = False) -> list[Any]:
        """A list field (empty when absent and not required)."""
        value = obj.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list):
            raise self.fail(obj, f"{key!r} is not a list")
        return value

    def text(self, obj: dict[str, Any], key: str, default: str | None = "") -> Any:
        """A string field; numbers (ids) are read as their digits."""
        value = obj.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.fail(obj, f"{key!r} is not a string")
        return str(value)

    def number(self, obj: dict[str, Any], key: str, default: float = 0) -> float:
        """A finite number field."""
        value = obj.get(key)
        if value is None:
            return default
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise self.fail(obj, f"{key!r} is not a number")
        return float(value)

    def flag(self, obj: dict[str, Any], key: str, default: bool = False) -> bool:
        """A true/false field."""
        value = obj.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(obj, f"{key!r} is {value!r}, not true or false")
        return value

    def date(self, obj: dict[str, Any], key: str) -> float:
        """An ISO 8601 date field (required)."""
        value = obj.get(key)
        if not isinstance(value, str):
            raise self.fail(obj, f"{key!r} is missing or not a date")
        try:
            return dates.iso(value)
        except ValueError as error:
            raise self.fail(obj, str(error)) from None


def plain(value: Any) -> Any:
    """A parsed value without the position keys (for settings and other free-form data)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != POSITION}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
