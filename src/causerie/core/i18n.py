"""Message catalogs (fr, en, ar) shared by the server and the widget.

One JSON file per language in ``causerie/web/i18n``; adding a language is
adding one file. Keys are dotted (``error.text_required``); values may hold
``{name}`` placeholders filled by :func:`translate`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

CATALOG_DIR = Path(__file__).resolve().parent.parent / "web" / "i18n"
FALLBACK = "en"
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})


@cache
def catalog(lang: str) -> dict[str, str]:
    """The whole catalog of one language (empty if there is none)."""
    path = CATALOG_DIR / f"{lang}.json"
    if not path.is_file():
        return {}
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def languages() -> tuple[str, ...]:
    """The languages that have a catalog."""
    return tuple(sorted(p.stem for p in CATALOG_DIR.glob("*.json")))


def translate(key: str, lang: str, **params: object) -> str:
    """The message ``key`` in ``lang`` (falling back to English), filled in."""
    text = catalog(lang).get(key) or catalog(FALLBACK).get(key) or key
    try:
        return text.format(**params) if params else text
    except (KeyError, IndexError, ValueError):
        return text


def normalise_language(tag: str | None) -> str | None:
    """``fr-MA`` → ``fr`` when a catalog exists for it, else None."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in languages() else None


def negotiate(explicit: str | None, accept_language: str | None, default: str) -> str:
    """Choose the language of a response: explicit ``lang``, then Accept-Language."""
    chosen = normalise_language(explicit)
    if chosen:
        return chosen
    for tag, _quality in _parse_accept_language(accept_language or ""):
        chosen = normalise_language(tag)
        if chosen:
            return chosen
    return default


def _parse_accept_language(header: str) -> list[tuple[str, float]]:
    entries: list[tuple[str, float]] = []
    for part in header.split(","):
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag != "*" and quality > 0:
            entries.append((tag, quality))
    return sorted(entries, key=lambda e: -e[1])


def direction(lang: str) -> str:
    """``rtl`` for right-to-left languages, else ``ltr``."""
    return "rtl" if lang in RTL_LANGUAGES else "ltr"
