"""Read the public data sets in ``../shared/data`` and split them reproducibly.

Every loader returns :class:`Example` rows. Splits are decided by a stable
hash of the normalised text, after removing duplicates, so the same text
always lands in the same part and no text is in two parts::

    bucket = crc32(normalize(text)) % 100
    test: bucket < 20    validation (tuning): 20 <= bucket < 30    train: the rest

Exceptions, where the data set brings its own split: Allociné (train / dev /
test files) and YouTube (one video held out per rotation).
"""

from __future__ import annotations

import csv
import html
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from causerie.spam.text import ARABIC, normalize, script_counts

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


def load_all(root: Path) -> list[Example]:
    """Every public data set under ``root`` (YouTube rows keep part=train)."""
    loaders = (youtube, sms, arabic_tweets, arabic_low_quality, allocine, myc)
    return [row for load in loaders for row in load(root)]


def youtube_rotation(rows: list[Example], held_out: str) -> Iterator[Example]:
    """YouTube rows re-parted for one rotation: the held-out video is the test part.

    Test texts that also occur in the training videos are dropped: the
    rotation measures generalisation to a new video, not memory of copies.
    """
    train_keys = {normalize(r.text) for r in rows if r.source == "youtube" and r.group != held_out}
    tested = dedupe(r for r in rows if r.source == "youtube" and r.group == held_out)
    trained = dedupe(r for r in rows if r.source == "youtube" and r.group != held_out)
    yield from (row for row in rows if row.source != "youtube")
    for row in trained:
        part = VALIDATION if hash_part(row.text) == VALIDATION else TRAIN
        yield replace(row, part=part)
    for row in tested:
        if normalize(row.text) not in train_keys:
            yield replace(row, part=TEST)
