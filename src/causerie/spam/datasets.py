"""Read the public data sets in ``../shared/data`` and split them reproducibly.

Every loader returns :class:`Example` rows. Splits are decided by a stable
hash of the normalised text, after removing duplicates, so the same text
always lands in the same part and no text is in two parts::

    bucket = crc32(normalize(text)) % 100
    test: bucket < 20    validation (tuning): 20 <= bucket < 30    train: the rest

Exceptions: Allociné brings its own train / dev / test files; YouTube is
deduplicated and split train / validation only (each video is held out whole
by the leave-one-source-out evaluation); Instagram is split by account.
"""

from __future__ import annotations

import csv
import html
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from causerie.spam.text import ARABIC, normalize, script_counts
from causerie.spam.verdict import CommentSample

TRAIN, VALIDATION, TEST = "train", "validation", "test"
_RETWEET_RE = re.compile(r"^rt @\w+: ?")
csv.field_size_limit(10_000_000)


@dataclass(frozen=True)
class Example:
    """One labelled text: ``label`` is 1 for spam, 0 for ham."""

    text: str
    label: int
    source: str
    group: str = ""
    part: str = TRAIN
    author: str = ""
    # Blog fields, where the source has them: the website field and the
    # title of the post the comment was left under.
    url: str = ""
    title: str = ""


def sample_of(row: Example, site: str = "default") -> CommentSample:
    """The comment the filter sees for a row: text plus the author and blog fields it has."""
    return CommentSample(
        row.text, author=row.author, url=row.url, article_title=row.title, site=site
    )


def hash_part(text: str) -> str:
    """The fixed 70/10/20 part of a text, from a stable hash of its normal form."""
    bucket = zlib.crc32(normalize(text).encode()) % 100
    return TEST if bucket < 20 else VALIDATION if bucket < 30 else TRAIN


def dedupe(rows: Iterable[Example]) -> list[Example]:
    """Keep the first row of each normalised text; drop texts labelled both ways."""
    seen: dict[str, Example] = {}
    clash: set[str] = set()
    for row in rows:
        key = _RETWEET_RE.sub("", normalize(row.text))
        if not key:
            continue
        if key in seen and seen[key].label != row.label:
            clash.add(key)
        seen.setdefault(key, row)
    return [row for key, row in seen.items() if key not in clash]


def _with_hash_parts(rows: Iterable[Example]) -> list[Example]:
    return [replace(r, part=hash_part(r.text)) for r in dedupe(rows)]


def youtube(root: Path) -> list[Example]:
    """YouTube Spam Collection; ``group`` is the video, parts are decided per rotation."""
    out: list[Example] = []
    for path in sorted((root / "youtube-spam-collection").glob("Youtube0*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                text = html.unescape(row["CONTENT"])
                out.append(
                    Example(text, int(row["CLASS"]), "youtube", path.stem, TRAIN, row["AUTHOR"])
                )
    return out


def sms(root: Path) -> list[Example]:
    """SMS Spam Collection, deduplicated, hash split."""
    path = root / "sms-spam-collection" / "SMSSpamCollection"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        label, _, text = line.partition("\t")
        rows.append(Example(text, int(label == "spam"), "sms"))
    return _with_hash_parts(rows)


def arabic_tweets(root: Path) -> list[Example]:
    """Kaddoura & Henno Arabic spam/ham tweets (70% part), deduplicated, hash split."""
    path = root / "arabic-spam-ham-tweets" / "arabic_spam_ham_tweets_train70.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = [
            Example(r["Tweet Text"], int(r["Label"] == "Spam"), "arabic_tweets")
            for r in csv.DictReader(f)
        ]
    return _with_hash_parts(rows)


def arabic_low_quality(root: Path) -> list[Example]:
    """Arabic low-quality and scam tweets (spam only), deduplicated, hash split."""
    folder = root / "arabic-low-quality-tweets"
    texts: list[str] = []
    with (folder / "2018_low-quality_tweets.csv").open(encoding="utf-8", newline="") as f:
        texts += [r["text"] for r in csv.DictReader(f)]
    with (folder / "RawData_SCAM_Tweet_pt1_2019.txt").open(encoding="utf-8", newline="") as f:
        texts += [r[0] for r in list(csv.reader(f))[1:] if r]
    with (folder / "RawData_Scam_Tweet_pt2_2019.txt").open(encoding="utf-8-sig", newline="") as f:
        texts += [r[0] for r in csv.reader(f) if r]
    return _with_hash_parts(Example(t, 1, "arabic_low_quality") for t in texts)


def allocine(root: Path) -> list[Example]:
    """Allociné French reviews (ham); its own train/dev/test files become our parts."""
    parts = {"train": TRAIN, "dev": VALIDATION, "test": TEST}
    out: list[Example] = []
    for name, part in parts.items():
        path = root / "french-allocine-tv-reviews" / f"{name}.tsv"
        for line in path.read_text(encoding="utf-8").splitlines():
            _, _, text = line.partition("\t")
            if text.strip():
                out.append(Example(text, 0, "allocine", "", part))
    return out


def _script_group(text: str) -> str:
    return "arabic_script" if script_counts(text).get(ARABIC, 0) else "latin_script"


def myc(root: Path) -> list[Example]:
    """Moroccan YouTube comments (ham, Darija); ``group`` is Arabic or Latin script."""
    path = root / "moroccan-youtube-comments-myc" / "myc_train50.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = [
            Example(r["sentence"], 0, "myc", _script_group(r["sentence"]))
            for r in csv.DictReader(f)
        ]
    return _with_hash_parts(rows)


PROJECT_DATA = Path(__file__).parent / "data"


def french_spam(path: Path = PROJECT_DATA / "french_spam.csv") -> list[Example]:
    """The project's hand-written French spam test set (test part only)."""
    with path.open(encoding="utf-8", newline="") as f:
        return [Example(r["content"], 1, "french_spam", r["kind"], TEST) for r in csv.DictReader(f)]


def french_validation(path: Path = PROJECT_DATA / "french_validation.csv") -> list[Example]:
    """The project's hand-written French spam + ham tuning set (validation part only)."""
    with path.open(encoding="utf-8", newline="") as f:
        return [
            Example(
                r["content"], int(r["label"] == "spam"), "french_validation", r["kind"], VALIDATION
            )
            for r in csv.DictReader(f)
        ]


def french_train(path: Path = PROJECT_DATA / "french_train.csv") -> list[Example]:
    """French spam and informal ham written for the project as training data (train part only).

    Written independently of the test set (checked: no text shares more than
    30% of its character 5-grams with a test text), so French wording is not
    learned from the ham-only reviews alone.
    """
    with path.open(encoding="utf-8", newline="") as f:
        return [
            Example(r["content"], int(r["label"] == "spam"), "french_train", r["kind"], TRAIN)
            for r in csv.DictReader(f)
        ]


# Instagram accounts are split into three fixed groups of similar size (by
# comment count, round robin): the unit held out in leave-one-source-out.
INSTAGRAM_GROUPS = 3
# Accounts whose comments form the validation part of the shipped model:
# validation is grouped by account (a random split leaks each account's
# recurring scam templates into validation).
_INSTAGRAM_VALIDATION_BUCKETS = 5


def _instagram_groups(accounts: list[str]) -> dict[str, str]:
    sizes: dict[str, int] = {}
    for account in accounts:
        sizes[account] = sizes.get(account, 0) + 1
    ranked = sorted(sizes, key=lambda a: (-sizes[a], a))
    return {a: f"group{i % INSTAGRAM_GROUPS + 1}" for i, a in enumerate(ranked)}


def instagram(root: Path) -> list[Example]:
    """ScamSpot Instagram comments under finance accounts; ``group`` is an account group.

    Parts are decided by account, never by text: a whole account is either
    validation or train.
    """
    path = root / "instagram-scam-comments" / "instagram_scam_comments_train.csv"
    with path.open(encoding="utf-8", newline="") as f:
        raw = list(csv.DictReader(f))
    groups = _instagram_groups([r["account"] for r in raw])
    rows: list[Example] = []
    for r in raw:
        bucket = zlib.crc32(r["account"].encode()) % _INSTAGRAM_VALIDATION_BUCKETS
        part = VALIDATION if bucket == 0 else TRAIN
        label = int(r["label"] == "spam")
        rows.append(Example(r["content"], label, "instagram", groups[r["account"]], part))
    return dedupe(rows)


# The WordPress queue is split by date, never by text: spun copies of one
# template would otherwise sit on both sides. The latest comments are the
# test part (never trained on, never tuned on); the days before them are the
# validation part.
WORDPRESS_VALIDATION_FROM = "2017-02-10"
WORDPRESS_TEST_FROM = "2017-02-16"


def wordpress_part(date: str) -> str:
    """The part of a WordPress comment from its ISO date."""
    if date >= WORDPRESS_TEST_FROM:
        return TEST
    return VALIDATION if date >= WORDPRESS_VALIDATION_FROM else TRAIN


def wordpress(root: Path) -> list[Example]:
    """Blog spam from one WordPress moderation queue (spam only), with author, website and post."""
    path = root / "wordpress-blog-spam" / "wordpress_blog_spam_train.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        rows = [
            Example(
                r["content"], int(r["label"] == "spam"), "wordpress", r["lang"],
                wordpress_part(r["date"]), r["author"], r["url"], r["post"],
            )
            for r in csv.DictReader(f)
        ]  # fmt: skip
    return dedupe(rows)


def blog_comments(path: Path | None = None) -> list[Example]:
    """Legitimate blog comments written for the project, with their blog fields; hash split.

    Provenance is in the file's ``#`` header: every row was written, none copied.
    """
    path = path or PROJECT_DATA / "blog_comments.csv"
    with path.open(encoding="utf-8", newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    rows = [
        Example(
            r["content"], int(r["label"] == "spam"), "blog_written", r["kind"], TRAIN,
            r["author"], r["url"], r["post"],
        )
        for r in csv.DictReader(lines)
    ]  # fmt: skip
    return _with_hash_parts(rows)


def load_all(root: Path) -> list[Example]:
    """Every public data set under ``root`` (YouTube rows keep part=train)."""
    loaders = (youtube, sms, arabic_tweets, arabic_low_quality, allocine, myc, instagram, wordpress)
    return [row for load in loaders for row in load(root)]


def written(name: str, part: str = TRAIN) -> list[Example]:
    """A labelled CSV written for the project (``content,label,kind``) as one source."""
    path = PROJECT_DATA / f"{name}.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return [
            Example(r["content"], int(r["label"] == "spam"), name, r["kind"], part)
            for r in csv.DictReader(f)
        ]


# Training text written for the project, beside french_train.csv: hard ham
# (readers talking about subscribers, markets, crypto, politics with
# @mentions) and spam whose intent, not topic, gives it away.
WRITTEN_TRAINING = ("english_train", "arabic_train", "french_train_extra")


def written_training() -> list[Example]:
    """Every project-written training file that exists."""
    return [row for name in WRITTEN_TRAINING for row in written(name)]
