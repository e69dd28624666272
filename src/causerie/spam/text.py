"""Text normalisation shared by the features, the rules and the near-duplicate memory.

Spammers dodge filters with look-alike letters, invisible characters and
stretched words; readers write Arabic with or without hamza and Darija in
Latin letters with digits (``3lik``). Normalising first lets the same n-grams
fire for all of these spellings.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width and bidi-control characters: invisible to a reader, used to split
# words so that keyword filters miss them.
INVISIBLE_CHARS = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064"
    "\u2066\u2067\u2068\u2069\ufeff"
)
_INVISIBLE_RE = re.compile("[" + "".join(sorted(INVISIBLE_CHARS)) + "]")

# Cyrillic and Greek letters that look like Latin ones ("раypal" with a
# Cyrillic "р"); folded only inside words that also contain Latin letters.
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x",
        "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ɡ": "g", "һ": "h", "ӏ": "l",
        "α": "a", "ο": "o", "ρ": "p", "ν": "v", "τ": "t", "κ": "k", "ι": "i",
        "ε": "e", "υ": "u", "χ": "x",
    }
)  # fmt: skip

# Arabic spelling variants that carry no meaning for spam: hamza on alef,
# alef maqsura, ta marbuta, tatweel and short-vowel marks.
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": ""})
_ARABIC_MARKS_RE = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*"
    r"\.(?:com|net|org|info|biz|ly|gl|io|co|me|ru|xyz|top|fr|ma|tk|site|online|club|shop)"
    r"(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
# Every link has a dot before a letter (site.com) or "://": a fast first test.
_URL_HINT_RE = re.compile(r"://|\.[a-z]", re.IGNORECASE)
_HTML_RE = re.compile(r"<[^>]{0,200}>|&#?\w{1,8};")
_REPEAT_RE = re.compile(r"(.)\1{3,}")
_LONG_NUMBER_RE = re.compile(r"\d[\d .\-]{5,}\d")
_WORD_RE = re.compile(r"\w+", re.UNICODE)
# Source artifacts, not signals: one public set (spam-only tweets) is full of
# retweet prefixes, @mentions and hashtags while the ham it is trained with
# has none, so left as they are they teach "mentions are spam". Readers of
# news pages reply with @names and tag with #topics; the words stay, the
# marks go.
_RETWEET_PREFIX_RE = re.compile(r"^rt @?[\w.]+: ?")
_MENTION_MARK_RE = re.compile(r"(?<![\w@.])@(?=\w)")
_HASHTAG_MARK_RE = re.compile(r"(?<![\w&#])#(?=\w)")
# Greek and Cyrillic: only texts containing them need the homoglyph pass.
_LOOKALIKE_SCRIPTS_RE = re.compile("[\u0370-\u052f]")

LATIN, ARABIC, CYRILLIC, GREEK, CJK, OTHER = (
    "latin",
    "arabic",
    "cyrillic",
    "greek",
    "cjk",
    "other",
)


def strip_html(text: str) -> str:
    """Remove HTML tags and entities that some sources (YouTube) leave in text."""
    # Every tag starts with "<" and every entity with "&": most comments have
    # neither, and two substring tests cost less than the pattern's pass.
    if "<" not in text and "&" not in text:
        return text
    return _HTML_RE.sub(" ", text)


def find_urls(text: str) -> list[str]:
    """Every link-looking span in the text, including bare ``site.com/path``."""
    if not _URL_HINT_RE.search(text):
        return []
    return _URL_RE.findall(text)


def char_script(ch: str) -> str:
    """The writing system of one letter (coarse: the ones spammers mix)."""
    code = ord(ch)
    if code < 0x250 or 0x1E00 <= code < 0x1F00:
        return LATIN
    if 0x600 <= code < 0x700 or 0x750 <= code < 0x780 or 0xFB50 <= code < 0xFF00:
        return ARABIC
    if 0x400 <= code < 0x530:
        return CYRILLIC
    if 0x370 <= code < 0x400:
        return GREEK
    if 0x3040 <= code < 0xA000 or 0xAC00 <= code < 0xD7B0:
        return CJK
    return OTHER


def script_counts(text: str) -> dict[str, int]:
    """How many letters of each script the text has."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            script = char_script(ch)
            counts[script] = counts.get(script, 0) + 1
    return counts


def mixed_script_words(text: str) -> int:
    """Count words mixing Latin with Cyrillic or Greek letters (homoglyph tricks)."""
    if not _LOOKALIKE_SCRIPTS_RE.search(text):
        return 0  # the common case, without a loop over every word
    count = 0
    for word in _WORD_RE.findall(text):
        if len(word) < 3 or word.isascii():
            continue
        scripts = {char_script(ch) for ch in word if ch.isalpha()}
        if LATIN in scripts and (CYRILLIC in scripts or GREEK in scripts):
            count += 1
    return count


def _fold_word(match: re.Match[str]) -> str:
    word = match.group(0)
    if word.isascii():
        return word
    folded = word.translate(_HOMOGLYPHS)
    # Only fold when the word really mixes scripts: a Russian word stays Russian.
    if any(char_script(ch) == LATIN for ch in word if ch.isalpha()):
        return folded
    return word


def normalize(text: str) -> str:
    """Fold a comment to the form the n-gram features see."""
    text = unicodedata.normalize("NFKC", strip_html(text))
    text = _INVISIBLE_RE.sub("", text).casefold()
    if _LOOKALIKE_SCRIPTS_RE.search(text):
        text = _WORD_RE.sub(_fold_word, text)
    text = _ARABIC_MARKS_RE.sub("", text.translate(_ARABIC_FOLD))
    if _URL_HINT_RE.search(text):
        text = _URL_RE.sub(_url_token, text)
    text = _LONG_NUMBER_RE.sub(" 0000000 ", text)
    text = _REPEAT_RE.sub(r"\1\1\1", text)
    text = _strip_marks(text)
    return " ".join(text.split())


def _strip_marks(text: str) -> str:
    """Drop retweet prefixes, the @ of mentions and the # of hashtags; _ splits words."""
    if text.startswith("rt "):
        text = _RETWEET_PREFIX_RE.sub("", text)
    if "@" in text:
        text = _MENTION_MARK_RE.sub("", text)
    if "#" in text:
        text = _HASHTAG_MARK_RE.sub("", text)
    return text.replace("_", " ") if "_" in text else text


def _url_token(match: re.Match[str]) -> str:
    # Keep the domain (it is a strong signal) but not the path, which is random.
    return f" httplink {url_domain(match.group(0))} "


def url_domain(url: str) -> str:
    """The host part of a URL, lower-cased and without ``www.``."""
    host = re.sub(r"^[a-z]+://", "", url.strip().lower())
    host = host.split("/", 1)[0].split("?", 1)[0].split(":", 1)[0]
    return host.removeprefix("www.")


# The last text split: one verdict splits its normalised text 3-4 times (the
# n-grams, the signals, the post's topic, the reasons' words). One slot, read
# and replaced as one tuple, so threads never see half of it.
_last_words: tuple[str, tuple[str, ...]] = ("", ())


def words(normalized: str) -> list[str]:
    """The word tokens of an already normalised text."""
    global _last_words
    text, found = _last_words
    if text == normalized:
        return list(found)
    tokens: list[str] = _WORD_RE.findall(normalized)
    _last_words = (normalized, tuple(tokens))
    return tokens
