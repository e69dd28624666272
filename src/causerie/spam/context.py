"""Signals from outside the text: behaviour, author fields and language.

No public data set has these fields, so their weights are set by hand (in
logit units, added to the model's score) rather than learned. Each is
deliberately modest on its own except the honeypot, which no human fills.
"""

from __future__ import annotations

from causerie.spam import text as tx
from causerie.spam.lexicon import (
    DISPOSABLE_MAIL,
    SALES_NAME_RE,
    SHORTENERS,
    SPAMMY_TLDS,
    theme_hits,
)
from causerie.spam.verdict import CommentSample, SpamReason

HONEYPOT_WEIGHT = 12.0

# Which scripts a reader of each language may legitimately write in. Arabic
# sites get Latin too: Darija and other dialects are often typed in Arabizi.
_LANGUAGE_SCRIPTS: dict[str, frozenset[str]] = {
    "ar": frozenset({tx.ARABIC, tx.LATIN}),
    "fa": frozenset({tx.ARABIC, tx.LATIN}),
    "ur": frozenset({tx.ARABIC, tx.LATIN}),
    "ru": frozenset({tx.CYRILLIC, tx.LATIN}),
    "uk": frozenset({tx.CYRILLIC, tx.LATIN}),
    "el": frozenset({tx.GREEK, tx.LATIN}),
    "zh": frozenset({tx.CJK, tx.LATIN}),
    "ja": frozenset({tx.CJK, tx.LATIN}),
    "ko": frozenset({tx.CJK, tx.LATIN}),
}


def _behaviour(sample: CommentSample) -> list[SpamReason]:
    reasons: list[SpamReason] = []
    if sample.honeypot_filled:
        reasons.append(SpamReason("honeypot", {}, HONEYPOT_WEIGHT))
    seconds = sample.seconds_to_submit
    if seconds is not None and seconds < 4.0:
        weight = 2.5 if seconds < 1.5 else 1.0
        reasons.append(SpamReason("too_fast", {"seconds": round(seconds, 1)}, weight))
    if sample.same_text_recent >= 2:
        weight = min(1.0 + 0.5 * sample.same_text_recent, 4.0)
        reasons.append(SpamReason("same_text", {"count": sample.same_text_recent}, weight))
    if sample.author_rate_10min >= 5:
        weight = min(0.3 * sample.author_rate_10min, 3.0)
        reasons.append(SpamReason("author_rate", {"count": sample.author_rate_10min}, weight))
    return reasons


def _risky_domain(domain: str) -> bool:
    return domain in SHORTENERS or domain.rsplit(".", 1)[-1] in SPAMMY_TLDS


def _author(sample: CommentSample) -> list[SpamReason]:
    reasons: list[SpamReason] = []
    author = sample.author.strip()
    if author and tx.find_urls(author):
        reasons.append(SpamReason("author_url", {"name": author[:40]}, 2.0))
    elif author:
        name = tx.normalize(author)
        found = [m.group(0) for m in SALES_NAME_RE.finditer(name)]
        found += [w for ws in theme_hits(name).values() for w in ws]
        if found:
            words = ", ".join(dict.fromkeys(found))
            reasons.append(SpamReason("author_keyword", {"words": words}, 1.5))
    if sample.url:
        domain = tx.url_domain(sample.url)
        if _risky_domain(domain):
            reasons.append(SpamReason("website_domain", {"domain": domain}, 1.5))
    mail_domain = sample.email.rsplit("@", 1)[-1].lower() if "@" in sample.email else ""
    if mail_domain in DISPOSABLE_MAIL:
        reasons.append(SpamReason("email_disposable", {"domain": mail_domain}, 1.0))
    return reasons


def _language(sample: CommentSample) -> list[SpamReason]:
    if not sample.site_languages:
        return []
    counts = tx.script_counts(sample.content)
    if sum(counts.values()) < 12:
        return []
    script = max(counts, key=lambda s: counts[s])
    allowed: set[str] = set()
    for lang in sample.site_languages:
        allowed |= _LANGUAGE_SCRIPTS.get(lang.split("-")[0].lower(), frozenset({tx.LATIN}))
    if script in allowed:
        return []
    return [SpamReason("language_mismatch", {"script": script}, 1.5)]


def context_reasons(sample: CommentSample) -> list[SpamReason]:
    """Every non-text signal that applies to this comment, with its hand-set weight."""
    return _behaviour(sample) + _author(sample) + _language(sample)
