"""Signals from outside the text: behaviour, author fields and language.

No public data set has these fields, so their weights are set by hand (in
logit units, added to the model's score) rather than learned. Each is
deliberately modest on its own except the honeypot, which no human fills.
"""

from __future__ import annotations

import re

from causerie.spam import text as tx
from causerie.spam.blog import author_category, author_phrase, is_reference_domain, topic_overlap
from causerie.spam.lexicon import (
    DISPOSABLE_MAIL,
    SALES_NAME_RE,
    SHORTENERS,
    SPAMMY_TLDS,
    theme_hits,
)
from causerie.spam.signals import has_email
from causerie.spam.site_talk import site_cues
from causerie.spam.verdict import CommentSample, SpamReason

HONEYPOT_WEIGHT = 12.0
# Blog signals (``blog.py``). Set by hand on the WordPress rows' *training*
# part and the written blog comments' training part; the later WordPress
# comments (held out by date) were never looked at while setting them.
AUTHOR_PHRASE_WEIGHT = 2.5
# An author name made only of directory categories ("Travel & Leisure",
# "Technology") with a website field (``blog.author_category``).
AUTHOR_CATEGORY_WEIGHT = 4.0
WEBSITE_REFERENCE_WEIGHT = -1.0
# About what one link adds through the model's link features (link_any plus
# a fifth of link_count): a link to a reference site is not evidence.
REFERENCE_LINKS_WEIGHT = -2.5
# The learned author-name model (``author.py``): its logit, when positive,
# times this scale and at most this much.
AUTHOR_MODEL_SCALE = 1.0
AUTHOR_MODEL_MAX = 3.0
ON_TOPIC_WEIGHT = -0.75
OFF_TOPIC_WEIGHT = 1.0
OFF_TOPIC_MIN_WORDS = 6
# A comment that talks about the blog instead of the post (``site_talk.py``):
# bookmarking the site, its feed, theme or speed, "new to blogging", "came
# across your blog", "webmaster", spinner synonyms… At least
# SITE_TALK_MIN_CUES different cues (one alone is what real readers write
# too: "your RSS feed is broken", "nice blog!"), SITE_TALK_WEIGHT each, at
# most SITE_TALK_MAX_CUES of them. Generic praise ("keep up the good work")
# is a cue only beside another one, and only when the comment shares no word
# with the post. Set by hand on the WordPress training and validation parts
# (docs/spam.md, "Blog comments"); SITE_TALK = False turns it off.
SITE_TALK = True
SITE_TALK_MIN_CUES = 2
SITE_TALK_WEIGHT = 1.5
SITE_TALK_MAX_CUES = 3
# Reasons that may hold a comment but never discard it on their own: the
# filter discards only if the score without them would (``Filter.check``).
HOLD_ONLY_REASONS = frozenset({"site_talk"})
# "Says nothing about the post" is read only in a comment that carries nothing
# of its own: a link or an e-mail address in the text is specific (and already
# weighed by the model's link and e-mail features).
OFF_TOPIC_PLAIN_ONLY = True
# An e-mail address is ordinary in a comment ("write to me at … about the
# project"), and the learned model now reads it as slight ham evidence (the
# written blog readers give theirs). An e-mail *beside an offer of money or a
# loan* is how loan and investment scams collect their victims: this puts
# back more than the e-mail's learned weight takes away. Set by hand, not fitted.
EMAIL_OFFER_WEIGHT = 2.5
_OFFER_THEMES = ("loan", "earn_money", "prize")
_OFFER_RE = re.compile(
    r"\bloans?\b|\blenders?\b|\blending\b|\b\d+(?:[.,]\d+)? ?% (?:interest|rate|apr)\b"
    r"|\b(?:quick|fast|instant|easy|urgent) (?:cash|money|loans?|credit)\b"
    r"|\bprêts?\b|\bcrédits?\b|\bfinancement\b|قرض|قروض|تمويل|سلف"
)

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
        elif sample.url and (category := author_category(author)):
            # A directory category as the name, beside a website: the anchor a
            # blog spammer pays for ("Home Improvement" -> his site). No one
            # is called that; without a website it is a handle ("Gaming 101").
            words = ", ".join(dict.fromkeys(category))
            reasons.append(SpamReason("author_phrase", {"words": words}, AUTHOR_CATEGORY_WEIGHT))
        elif phrase := author_phrase(author):
            words = ", ".join(dict.fromkeys(phrase))
            reasons.append(SpamReason("author_phrase", {"words": words}, AUTHOR_PHRASE_WEIGHT))
    if sample.url:
        domain = tx.url_domain(sample.url)
        if _risky_domain(domain):
            reasons.append(SpamReason("website_domain", {"domain": domain}, 1.5))
        elif is_reference_domain(domain):
            params = {"domain": domain}
            reasons.append(SpamReason("website_reference", params, WEBSITE_REFERENCE_WEIGHT))
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


def _links(sample: CommentSample) -> list[SpamReason]:
    """Links in the text that all point to reference sites cancel the link evidence."""
    if "." not in sample.content:
        return []
    domains = [tx.url_domain(u) for u in tx.find_urls(tx.strip_html(sample.content))]
    if not domains or not all(is_reference_domain(d) for d in domains):
        return []
    return [SpamReason("reference_links", {"domain": domains[0]}, REFERENCE_LINKS_WEIGHT)]


def _topic(sample: CommentSample, normalized: str | None) -> list[SpamReason]:
    """Whether the comment talks about the post it is left under (when the caller knows it),
    and whether it talks about the blog instead."""
    overlap = topic_overlap(sample.content, sample.article_title, sample.article_text, normalized)
    reasons = _site_talk(sample, normalized, off_topic=overlap is not None and not overlap[0])
    if overlap is None:
        return reasons
    shared, mine = overlap
    if shared:
        reasons.append(SpamReason("on_topic", {"count": shared}, ON_TOPIC_WEIGHT * min(shared, 2)))
    elif mine >= OFF_TOPIC_MIN_WORDS and not (OFF_TOPIC_PLAIN_ONLY and _specific(sample)):
        reasons.append(SpamReason("off_topic", {"count": mine}, OFF_TOPIC_WEIGHT))
    return reasons


def _specific(sample: CommentSample) -> bool:
    """The text gives a link or an e-mail address of its own."""
    content = sample.content
    return ("." in content and bool(tx.find_urls(tx.strip_html(content)))) or (
        "@" in content and has_email(content)
    )


def _site_talk(sample: CommentSample, normalized: str | None, off_topic: bool) -> list[SpamReason]:
    """The comment talks about the blog, its owner or its look rather than the post."""
    if not SITE_TALK:
        return []
    norm = normalized if normalized is not None else tx.normalize(sample.content)
    cues = site_cues(norm, off_topic)
    if len(cues) < SITE_TALK_MIN_CUES:
        return []
    count = min(len(cues), SITE_TALK_MAX_CUES)
    words = ", ".join(list(cues.values())[:2])
    return [SpamReason("site_talk", {"words": words}, SITE_TALK_WEIGHT * count)]


def _email_offer(sample: CommentSample, normalized: str | None) -> list[SpamReason]:
    """An e-mail address offered beside money or a loan (see ``EMAIL_OFFER_WEIGHT``)."""
    if "@" not in sample.content or not has_email(sample.content):
        return []
    norm = normalized if normalized is not None else tx.normalize(sample.content)
    themes = theme_hits(norm)
    if not any(t in themes for t in _OFFER_THEMES) and not _OFFER_RE.search(norm):
        return []
    return [SpamReason("email_offer", {}, EMAIL_OFFER_WEIGHT)]


def context_reasons(sample: CommentSample, normalized: str | None = None) -> list[SpamReason]:
    """Every non-text signal that applies to this comment, with its hand-set weight.

    ``normalized``: the content's normal form when the caller has it (saves a pass).
    """
    return (
        _behaviour(sample)
        + _author(sample)
        + _links(sample)
        + _topic(sample, normalized)
        + _language(sample)
        + _email_offer(sample, normalized)
    )


def with_author_model(
    reasons: list[SpamReason], sample: CommentSample, logit: float
) -> list[SpamReason]:
    """Add the learned author-name push (``author_phrase``) unless a stronger author reason is in.

    Names never count as ham evidence: a negative logit adds nothing.
    """
    if logit <= 0 or any(r.code in ("author_url", "author_keyword") for r in reasons):
        return reasons
    weight = min(logit * AUTHOR_MODEL_SCALE, AUTHOR_MODEL_MAX)
    rule = next((r for r in reasons if r.code == "author_phrase"), None)
    if rule is not None and rule.weight >= weight:
        return reasons
    kept = [r for r in reasons if r.code != "author_phrase"]
    return [*kept, SpamReason("author_phrase", {"words": sample.author.strip()[:40]}, weight)]
