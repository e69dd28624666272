"""Per-site reputation of the domains readers give as their website.

A blog's regulars come back with the same website; a spam campaign's
domains are new. What the site's moderators decided about comments carrying a
domain is the best evidence about the next comment carrying it:

* a domain seen on ``APPROVED_MIN`` comments marked "not spam" and on no
  comment marked spam is *approved* on that site (ham evidence);
* a domain seen on a comment marked spam and never approved is *reported*
  (spam evidence: the same campaign comes back under new names).

Bounded and private: domains are kept as 32-bit hashes (no raw address),
at most ``max_domains`` per site, the least recently taught dropped first.
A domain nobody decided on is no evidence at all: a website field is normal.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from dataclasses import dataclass, field

from causerie.spam import text as tx
from causerie.spam.blog import is_reference_domain
from causerie.spam.verdict import CommentSample, SpamReason

APPROVED_MIN = 2
APPROVED_WEIGHT = -1.5
REPORTED_WEIGHT = 2.0
MAX_DOMAINS = 20_000


def _key(domain: str) -> int:
    return zlib.crc32(domain.lower().removeprefix("www.").encode())


def sample_domains(sample: CommentSample) -> list[str]:
    """The website field's domain, if any (links in the text are the model's business)."""
    if not sample.url:
        return []
    domain = tx.url_domain(sample.url)
    # Reference sites already count as ham evidence, and many unrelated
    # people use them (github.com/anyone): no per-site lesson on them.
    return [domain] if domain and not is_reference_domain(domain) else []


@dataclass
class DomainReputation:
    """Counts of ham and spam decisions per hashed domain, for one site."""

    max_domains: int = MAX_DOMAINS
    counts: OrderedDict[int, list[int]] = field(default_factory=OrderedDict)

    def learn(self, sample: CommentSample, is_spam: bool) -> None:
        """Count a trusted decision against the comment's website domain."""
        for domain in sample_domains(sample):
            key = _key(domain)
            entry = self.counts.pop(key, [0, 0])
            entry[1 if is_spam else 0] += 1
            self.counts[key] = entry
            while len(self.counts) > self.max_domains:
                self.counts.popitem(last=False)

    def reasons(self, sample: CommentSample) -> list[SpamReason]:
        """Ham evidence for an approved domain, spam evidence for a reported one."""
        for domain in sample_domains(sample):
            entry = self.counts.get(_key(domain))
            if entry is None:
                continue
            ham, spam = entry
            if spam and not ham:
                return [SpamReason("website_reported", {"domain": domain}, REPORTED_WEIGHT)]
            if ham >= APPROVED_MIN and not spam:
                return [SpamReason("website_approved", {"domain": domain}, APPROVED_WEIGHT)]
        return []
