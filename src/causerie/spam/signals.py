"""Signals read from the comment text: links, contact bait, spam themes, shape.

These become dense features of the global model (their weights are learned
alongside the n-grams) and, when they push a verdict, its reasons.

    >>> s = text_signals("Gagnez 500€ par jour ! WhatsApp +33 6 12 34 56 78")
    >>> sorted(s.facts)[:3]
    ['exclamations', 'messaging', 'money_amount']
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from causerie.spam import text as tx
from causerie.spam.lexicon import SHORTENERS, SPAMMY_TLDS, THEMES, theme_hits

FEATURE_NAMES: tuple[str, ...] = (
    "link_count",
    "link_any",
    "link_shortener",
    "link_only",
    "link_spammy_tld",
    "link_spelled",
    "phone",
    "email",
    "messaging",
    "crypto_wallet",
    "money_amount",
    *(f"theme_{t}" for t in THEMES),
    "all_caps",
    "repeated_chars",
    "emoji_flood",
    "invisible_chars",
    "mixed_script",
    "exclamations",
    "short",
)
FEATURE_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}

_PHONE_RE = re.compile(
    r"(?:\+|\b00)\d{1,3}[\s.\-]?\(?\d{1,4}\)?(?:[\s.\-]?\d{2,4}){2,5}\b"
    r"|\b0[1-9](?:[\s.\-]?\d{2}){4}\b|\b0\d{9,11}\b"
)
_EMAIL_RE = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})*\.[a-z]{2,10}\b", re.I)


def has_email(text: str) -> bool:
    """Whether the text contains an e-mail address."""
    return _EMAIL_RE.search(text) is not None


_MESSAGING_RE = re.compile(
    # Latin names start a word (\b lets the engine skip the rest); Arabic ones
    # may carry an attached preposition (بالواتس), so they have no \b.
    r"\b(?:whats ?app|wh?a?tsap+|wa\.me|telegram|t\.me/|viber\b|snapchat|snap ?:|kik\b"
    r"|wechat|signal ?:)|واتس|وتساب|واتساپ|تلغرام|تيليجرام|تلجرام|تليجرام|سناب",
    re.I,
)
_WALLET_RE = re.compile(
    r"\b(?:bc1[a-z0-9]{25,60}|[13][a-km-zA-HJ-NP-Z1-9]{25,34}|0x[a-fA-F0-9]{40}|T[1-9A-HJ-NP-Za-km-z]{33})\b"
)
_MONEY_RE = re.compile(
    r"[$€£]\s?\d[\d,. ]*\d*|\d[\d,.]*\s?(?:k|m)?\s?(?:\$|€|£|usd|eur\b|euros?\b|dollars?\b"
    r"|dh\b|dhs\b|mad\b|درهم|ريال|دولار|دينار|الف ريال)",
    re.I,
)
_REPEAT_RE = re.compile(r"([^\s\d])\1{4,}")
# "mysite dot com", "mysite (dot) com", "monsite point fr": a link written out
# so that link detectors miss it.
_SPELLED_HINT_RE = re.compile(r"[\s(\[{](?:dot|d0t|point)[\s)\]}]")
_SPELLED_RE = re.compile(
    r"\b[a-z0-9][a-z0-9-]{2,40}\s*(?:[(\[{]\s*(?:dot|d0t|point)\s*[)\]}]|\s(?:dot|d0t|point|punto)\s)"
    r"\s*(?:com|c0m|net|org|co|me|ly|fr|ma|info|io|tk|xyz|be|de|us|uk|ru|site|online|blog|tv"
    r"|app|shop|store|live|link)\b"
)


@dataclass(frozen=True)
class TextSignals:
    """Dense feature values (in ``FEATURE_NAMES`` order) and reason params per feature."""

    values: npt.NDArray[np.float32]
    facts: dict[str, dict[str, str | int | float]] = field(default_factory=dict)
    urls: tuple[str, ...] = ()


# Regexes rather than per-character Python loops: several times faster.
_EMOJI_RE = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf]")
_INVISIBLE_RE = re.compile("[" + "".join(sorted(tx.INVISIBLE_CHARS)) + "]")
_ASCII_UPPER = string.ascii_uppercase.encode()
_ASCII_LETTERS = string.ascii_letters.encode()
_DIGIT_RE = re.compile(r"\d")


def _link_signals(raw: str, put: _Put) -> tuple[str, ...]:
    if _SPELLED_HINT_RE.search(raw):
        spelled = _SPELLED_RE.search(raw)
        if spelled:
            put("link_spelled", 1.0, link=spelled.group(0))
    urls = tuple(tx.find_urls(raw))
    if not urls:
        return urls
    domains = [tx.url_domain(u) for u in urls]
    put("link_count", min(len(urls), 5) / 5, count=len(urls))
    put("link_any", 1.0, count=len(urls))
    short = [d for d in domains if d in SHORTENERS]
    if short:
        put("link_shortener", 1.0, count=len(short), domain=short[0])
    risky = [d for d in domains if d.rsplit(".", 1)[-1] in SPAMMY_TLDS]
    if risky:
        put("link_spammy_tld", 1.0, domain=risky[0])
    rest = raw
    for u in urls:
        rest = rest.replace(u, " ")
    if len(tx.words(rest)) <= 3:
        put("link_only", 1.0)
    return urls


_HEX_RE = re.compile(r"[0-9a-f]+|[0-9A-F]+")


def _is_phone(match: str) -> bool:
    """False for a binary string (``0110100101``): only 0s and 1s, eight digits or more."""
    digits = [c for c in match if c.isdigit()]
    return not (len(digits) >= 8 and set(digits) <= {"0", "1"})


def _is_wallet(match: str) -> bool:
    """False for a hash, a checksum or a git SHA: base58 addresses mix both cases, hex does not.

    An Ethereum address (``0x`` + 40 hex) is an address by its shape; a
    legacy Bitcoin address that is all hex digits in one case is a hash.
    """
    if match.startswith("0x"):
        return True
    return _HEX_RE.fullmatch(match) is None


class _Put:
    """Collects feature values and the params of the reasons they may become."""

    def __init__(self) -> None:
        self.values = np.zeros(len(FEATURE_NAMES), dtype=np.float32)
        self.facts: dict[str, dict[str, str | int | float]] = {}

    def __call__(self, name: str, value: float, **params: str | int | float) -> None:
        self.values[FEATURE_INDEX[name]] = value
        if value > 0:
            self.facts[name] = dict(params)


def _contact_signals(light: str, raw: str, put: _Put) -> None:
    # Cheap pre-checks skip the costlier patterns for most comments.
    digits = _DIGIT_RE.search(light) is not None
    if digits and any(_is_phone(m.group(0)) for m in _PHONE_RE.finditer(light)):
        put("phone", 1.0)
    if "@" in light and _EMAIL_RE.search(light):
        put("email", 1.0)
    app = _MESSAGING_RE.search(light)
    if app:
        put("messaging", 1.0, app=app.group(0).strip(" :/"))
    if digits and any(_is_wallet(m.group(0)) for m in _WALLET_RE.finditer(raw)):
        put("crypto_wallet", 1.0)
    money = _MONEY_RE.search(light) if digits else None
    if money:
        put("money_amount", 1.0, amount=money.group(0).strip())


def _shape_signals(raw: str, put: _Put) -> None:
    ascii_text = raw.encode("ascii", "ignore")
    # bytes.translate(None, delete) counts characters of a class in C.
    letters = len(ascii_text) - len(ascii_text.translate(None, _ASCII_LETTERS))
    if letters >= 12:
        upper = (len(ascii_text) - len(ascii_text.translate(None, _ASCII_UPPER))) / letters
        if upper >= 0.6:
            put("all_caps", upper, percent=round(upper * 100))
    if _REPEAT_RE.search(raw):
        put("repeated_chars", 1.0)
    emoji = len(_EMOJI_RE.findall(raw))
    if emoji >= 6:
        put("emoji_flood", min(emoji, 30) / 30, count=emoji)
    invisible = len(_INVISIBLE_RE.findall(raw))
    if invisible:
        put("invisible_chars", min(invisible, 5) / 5, count=invisible)
    mixed = tx.mixed_script_words(raw)
    if mixed:
        put("mixed_script", min(mixed, 3) / 3, count=mixed)
    bangs = raw.count("!")
    if bangs >= 3:
        put("exclamations", min(bangs, 10) / 10, count=bangs)


def text_signals(raw: str, normalized: str | None = None) -> TextSignals:
    """Measure every text signal of one comment."""
    raw = tx.strip_html(raw)
    light = unicodedata.normalize("NFKC", raw).casefold()
    norm = tx.normalize(raw) if normalized is None else normalized
    put = _Put()
    urls = _link_signals(light, put)
    _contact_signals(light, raw, put)
    for theme, found in theme_hits(norm).items():
        put(f"theme_{theme}", min(len(found), 3) / 3, words=", ".join(dict.fromkeys(found)))
    _shape_signals(raw, put)
    # Length itself is left out on purpose: in the public sets it mostly tells
    # the data sets apart (short SMS ham, long reviews), not spam from ham.
    put.values[FEATURE_INDEX["short"]] = 1.0 if len(tx.words(norm)) <= 3 else 0.0
    return TextSignals(put.values, put.facts, urls)
