"""Campaign waves: the same template posted again and again, caught without a moderator.

Real spam comes in waves: one template with a different handle, phone number,
emoji or wallet, from many names, within hours, often under several articles
and on several sites of the same instance. The model may not know its words;
the repetition itself is the evidence.

Every comment long enough to be a template is reduced to a MinHash signature
of its *masked* text (links, e-mails, numbers, wallets, emoji and punctuation
replaced or dropped), then looked up by locality-sensitive hashing (16 bands
of 4 rows) among the clusters of the window. A comment is held as a ``wave``
when its cluster, counting it, has at least ``min_copies`` copies from at
least ``min_authors`` distinct authors in at least ``min_variants`` wordings,
and the model's own score is at least ``min_score`` (settings and reasons in
:class:`WaveSettings`; figures in docs/spam.md). A moderator's "spam" on one copy
marks the cluster, so every later copy is held however few there were; a
"not spam" marks it as a legitimate repeat that is never held.

Short or low-content texts ("Merci !", "+1", "Bravo", a bare petition link)
are never clustered: readers legitimately repeat them.

What is kept, per instance and per process (see docs/deployment.md): at most
``capacity`` clusters, each one signature (64 numbers of 32 bits, not
reversible to the text), a copy count, first/last times, a mark, and up to
``max_author_hashes`` 32-bit hashes of authors and of exact wordings, only to
count distinct ones.
No text, name, address or IP is stored.
"""

from __future__ import annotations

import enum
import functools
import itertools
import re
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from causerie.spam.features import IndexArray
from causerie.spam.memory import PERMUTATIONS, Signature, minhash

_LINK_RE = re.compile(r"httplink \S+")
# normalize() has already turned an address's domain into "httplink domain".
_EMAIL_RE = re.compile(r"\S+@\s*(?:httplink\s+)?\S+")
LINK, MAIL, CODE = "qqlinkqq", "qqmailqq", "qqcodeqq"
MASKS = frozenset({LINK, MAIL, CODE})
_TOKEN_RE = re.compile(r"[^\W_]+")
_DIGITS_RE = re.compile(r"\d+")
_ANY_DIGIT_RE = re.compile(r"\d")
_CODE_RE = re.compile(r"(?<![^\W_])(?=[^\W_]*\d)[^\W_]{20,}")
_PRIME = np.uint64(0x100000001B3)
_MIX = np.uint64(0xFF51AFD7ED558CCD)
_SHINGLE = 5
BANDS = 16
ROWS = PERMUTATIONS // BANDS


class Mark(enum.StrEnum):
    """What a moderator said about one copy of a cluster (if anything)."""

    NONE = "none"
    SPAM = "spam"
    HAM = "ham"


@dataclass(frozen=True)
class WaveSettings:
    """When a repeated text becomes a wave, and how much is remembered."""

    min_copies: int = 3
    min_authors: int = 2
    # Distinct wordings (before masking) among the copies: a wave varies its
    # handle, number, emoji or link; the very same text again and again is a
    # double post or a forward, which the same-text rule already weighs.
    min_variants: int = 2
    # Content words (3+ letters, distinct, masks excluded) a text needs to be
    # clustered at all: below this, a repeat is a reader's "Merci !".
    min_words: int = 8
    similarity: float = 0.5
    # Repetition turns doubt into a hold; it does not overrule a model that is
    # sure a text is genuine (score below this: prayers, greetings, quotes that
    # many readers write). A moderator's "spam" mark holds whatever the score.
    min_score: float = 0.05
    window_seconds: float = 72 * 3600.0
    # A moderator's mark outlives the window: campaigns come back.
    mark_seconds: float = 14 * 24 * 3600.0
    # About 2 KB per cluster (mostly the band index): 10,000 cost ~20 MB a process.
    capacity: int = 10_000
    max_author_hashes: int = 8


@dataclass(slots=True)
class Cluster:
    """One template seen recently: a signature, counts and times, nothing else."""

    signature: npt.NDArray[np.uint32]
    first_seen: float
    last_seen: float
    copies: int = 0
    # Small lists, not sets: a set costs 216 bytes empty, and there are thousands.
    authors: list[int] = field(default_factory=list)
    variants: list[int] = field(default_factory=list)
    mark: Mark = Mark.NONE
    marked_at: float = 0.0
    held: int = 0


@dataclass(frozen=True)
class WaveCheck:
    """What the detector says about one comment."""

    held: bool
    copies: int = 0
    authors: int = 0
    marked: bool = False


NOT_A_WAVE = WaveCheck(False)


class WaveFeed(Protocol):
    """Observations shared between server processes (``wave_feed.RedisWaveFeed``)."""

    def publish(self, signature: Signature, author: int | None, now: float, variant: int) -> None:
        """Tell the other processes about one comment this process observed."""
        ...

    def pull(self, detector: WaveDetector) -> int:
        """Count the other processes' new observations in ``detector``; how many."""
        ...


def masked_tokens(normalized: str) -> list[str]:
    """The tokens of a normalised text with its variable parts masked."""
    text = _EMAIL_RE.sub(f" {MAIL} ", normalized) if "@" in normalized else normalized
    if "httplink" in text:
        text = _LINK_RE.sub(f" {LINK} ", text)
    if _ANY_DIGIT_RE.search(text):
        # A wallet, a hash or a long handle-with-digits: one mask; other numbers become 0.
        text = _CODE_RE.sub(f" {CODE} ", text)
        text = _DIGITS_RE.sub("0", text)
    return _TOKEN_RE.findall(text)


def content_words(tokens: list[str]) -> int:
    """Distinct tokens of three letters or more that are not masks or numbers."""
    return len({t for t in tokens if len(t) >= 3 and t.isalpha() and t not in MASKS})


def shingles(tokens: list[str]) -> IndexArray:
    """Hashes of the character 5-grams of the masked text (unique)."""
    joined = " ".join(tokens)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    count = len(codes) - _SHINGLE + 1
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    h = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(_SHINGLE):
            h *= _PRIME
            h += codes[k : k + count]
        h ^= h >> np.uint64(33)
        h *= _MIX
        h ^= h >> np.uint64(33)
    h >>= np.uint64(2)
    # Repeats are harmless to a MinHash (a minimum is a minimum): no unique().
    return h.view(np.int64)


class MaskedText:
    """A comment's text with its variable parts masked, worked out at most once per verdict.

    The wave detector and the site's near-duplicate memory both read the
    MinHash of the masked text: one verdict computes it once for both.
    """

    def __init__(self, normalized: str) -> None:
        self.normalized = normalized

    @functools.cached_property
    def tokens(self) -> list[str]:
        """The masked tokens (:func:`masked_tokens`)."""
        return masked_tokens(self.normalized)

    @functools.cached_property
    def signature(self) -> Signature | None:
        """The MinHash of the masked text, however short it is (None for no text)."""
        return minhash(shingles(self.tokens))

    def template(self, min_words: int) -> Signature | None:
        """The signature, or None when the text is too short to be a template."""
        return self.signature if content_words(self.tokens) >= min_words else None


def template_signature(normalized: str, min_words: int) -> Signature | None:
    """The MinHash of a comment's template, or None when it is too short to be one."""
    return MaskedText(normalized).template(min_words)


def masked_shingles(normalized: str) -> IndexArray:
    """The shingles of a comment with its variable parts masked, however short it is."""
    return shingles(masked_tokens(normalized))


def author_hash(author: str, email: str, ip_hash: str) -> int | None:
    """A 32-bit hash of who wrote a comment, or None when nothing identifies them."""
    key = f"{author.strip().casefold()}|{email.strip().casefold()}|{ip_hash}"
    return zlib.crc32(key.encode()) if key != "||" else None


def variant_hash(normalized: str) -> int:
    """A 32-bit hash of a comment's exact (normalised) wording, to count variants."""
    return zlib.crc32(normalized.encode())


_BAND_MIX = np.random.default_rng(20261207).integers(1, 1 << 62, ROWS, dtype=np.uint64) | 1
_BAND_IDS = np.arange(BANDS, dtype=np.uint64) << np.uint64(58)


def _band_keys(signature: npt.NDArray[np.uint64] | npt.NDArray[np.uint32]) -> list[int]:
    """One integer per band of 4 rows (the band's number in the top bits)."""
    with np.errstate(over="ignore"):
        mixed = (signature.reshape(BANDS, ROWS) * _BAND_MIX).sum(axis=1)
    keys: list[int] = ((mixed >> np.uint64(6)) | _BAND_IDS).tolist()
    return keys


class WaveDetector:
    """Clusters of recent templates for one instance (all its sites), in this process."""

    def __init__(self, settings: WaveSettings | None = None) -> None:
        self.settings = settings or WaveSettings()
        self._clusters: OrderedDict[int, Cluster] = OrderedDict()
        self._bands: dict[int, int] = {}
        self._ids = itertools.count(1)
        self._anonymous = itertools.count(1 << 40)
        self._waves_held = 0

    def __len__(self) -> int:
        return len(self._clusters)

    def signature(self, normalized: str) -> Signature | None:
        """The template signature of a normalised text (None: never a wave)."""
        return template_signature(normalized, self.settings.min_words)

    def observe(
        self,
        signature: Signature | None,
        author: int | None,
        now: float,
        variant: int = 0,
        score: float = 1.0,
    ) -> WaveCheck:
        """Count one new comment in its cluster and say whether it is held.

        ``variant`` is a hash of the comment's exact wording (:func:`variant_hash`),
        ``score`` the model's own score for it.
        """
        if signature is None:
            return NOT_A_WAVE
        keys = _band_keys(signature)
        cluster = self._find(signature, now, keys)
        if cluster is None:
            cluster = self._create(signature, now, keys)
        cluster.copies += 1
        cluster.last_seen = now
        who = author if author is not None else next(self._anonymous)
        limit = self.settings.max_author_hashes
        if len(cluster.authors) < limit and who not in cluster.authors:
            cluster.authors.append(who)
        if len(cluster.variants) < limit and variant not in cluster.variants:
            cluster.variants.append(variant)
        check = self._judge(cluster, score)
        if check.held and not cluster.held:
            self._waves_held += 1
        cluster.held += check.held
        return check

    def clusters_held(self) -> int:
        """How many clusters ever held a comment, forgotten ones included (for reports)."""
        return self._waves_held

    def mark(self, signature: Signature | None, is_spam: bool, now: float) -> None:
        """A moderator's decision on one copy: the whole cluster is spam (or a legit repeat)."""
        if signature is None:
            return
        cluster = self._find(signature, now) or self._create(signature, now)
        cluster.mark = Mark.SPAM if is_spam else Mark.HAM
        cluster.marked_at = now

    def _judge(self, cluster: Cluster, score: float) -> WaveCheck:
        s = self.settings
        authors = len(cluster.authors)
        if cluster.mark is Mark.HAM:
            return WaveCheck(False, cluster.copies, authors)
        if cluster.mark is Mark.SPAM:
            return WaveCheck(True, cluster.copies, authors, marked=True)
        held = (
            score >= s.min_score
            and cluster.copies >= s.min_copies
            and authors >= s.min_authors
            and len(cluster.variants) >= s.min_variants
        )
        return WaveCheck(held, cluster.copies, authors)

    def _find(
        self, signature: Signature, now: float, keys: list[int] | None = None
    ) -> Cluster | None:
        """The live cluster this signature belongs to (an expired one is restarted)."""
        best: tuple[float, int] | None = None
        bands = self._bands
        # Several bands often lead to one cluster: each is compared once, in
        # the order first met (the first of equal similarities wins, as before).
        candidates = dict.fromkeys(
            cid for cid in map(bands.get, keys or _band_keys(signature)) if cid is not None
        )
        for cid in candidates:
            cluster = self._clusters.get(cid)
            if cluster is None:
                continue
            # count / ROWS * BANDS: the same float as the mean of the booleans.
            similarity = np.count_nonzero(cluster.signature == signature) / signature.size
            if similarity >= self.settings.similarity and (best is None or similarity > best[0]):
                best = (similarity, cid)
        if best is None:
            return None
        cluster = self._clusters[best[1]]
        # Least recently seen clusters are evicted first, not merely the oldest.
        self._clusters.move_to_end(best[1])
        self._expire(cluster, now)
        return cluster

    def _expire(self, cluster: Cluster, now: float) -> None:
        s = self.settings
        if cluster.mark is not Mark.NONE and now - cluster.marked_at > s.mark_seconds:
            cluster.mark = Mark.NONE
        if now - cluster.last_seen > s.window_seconds:
            # A template seen again after the window starts counting afresh.
            cluster.copies, cluster.first_seen = 0, now
            cluster.authors.clear()
            cluster.variants.clear()

    def _create(self, signature: Signature, now: float, keys: list[int] | None = None) -> Cluster:
        self._forget_stale(now)
        while len(self._clusters) >= self.settings.capacity:
            self._evict()
        cid = next(self._ids)
        cluster = Cluster(signature.astype(np.uint32), now, now)
        self._clusters[cid] = cluster
        for key in keys or _band_keys(signature):
            self._bands[key] = cid
        return cluster

    def _forget_stale(self, now: float) -> None:
        """Drop clusters unseen for a window (their mark over too), least recent first."""
        s = self.settings
        while self._clusters:
            cluster = next(iter(self._clusters.values()))
            marked = cluster.mark is not Mark.NONE and now - cluster.marked_at <= s.mark_seconds
            if marked or now - cluster.last_seen <= s.window_seconds:
                return
            self._evict()

    def _evict(self) -> None:
        cid, oldest = self._clusters.popitem(last=False)
        for key in _band_keys(oldest.signature):
            if self._bands.get(key) == cid:
                del self._bands[key]
