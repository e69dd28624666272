"""Is the author field a person's name or an anchor keyword? Learned from data.

Blog spam types the phrase it wants to rank for in the name field ("Home
Improvement", "poker online", "Wedding"); readers type a name, a nickname or
a handle ("Tom Keller", "jb", "Maria's Bakery"). A small logistic regression
over the name's words, its character 3-grams and a few shape features
(word count, case, commercial nouns of ``blog.py``) learns the difference
from the names of the training rows: blog spam names on one side, the names
of ham rows (YouTube commenters, the written blog readers) on the other.
Rows without an author teach nothing; a source held out by
leave-one-source-out teaches nothing either, so the figure on it is honest.

The model is tiny (2^14 weights) and ships inside ``global.npz``.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from causerie.spam import text as tx
from causerie.spam.blog import author_phrase, commercial_words

AUTHOR_BITS = 14
AUTHOR_DIMENSIONS = 1 << AUTHOR_BITS
_SHAPES = (
    "one_word",
    "two_or_three_words",
    "four_words_or_more",
    "lower_case",
    "title_case",
    "digits",
    "commercial_noun",
    "commercial_phrase",
)
# Shape features take the first buckets; hashed n-grams the rest.
_FIRST_HASHED = len(_SHAPES)
# Sources whose spam rows carry the name a spammer typed in a blog's form.
NAME_SPAM_SOURCES = frozenset({"wordpress"})
# Regularisation of the author model (few thousand names, many n-grams).
AUTHOR_C = 1.0


def _bucket(key: str) -> int:
    return _FIRST_HASHED + zlib.crc32(key.encode()) % (AUTHOR_DIMENSIONS - _FIRST_HASHED)


def author_features(name: str) -> tuple[list[int], list[float]]:
    """Sparse features of an author name: (bucket indices, values), each part unit length."""
    tokens = tx.words(tx.normalize(name))
    if not tokens:
        return [], []
    raw = name.split()
    shapes = {
        "one_word": len(tokens) == 1,
        "two_or_three_words": 2 <= len(tokens) <= 3,
        "four_words_or_more": len(tokens) >= 4,
        "lower_case": name == name.lower() and name != name.upper(),
        "title_case": all(t[:1].isupper() for t in raw),
        "digits": any(c.isdigit() for c in name),
        "commercial_noun": bool(commercial_words(name)),
        "commercial_phrase": bool(author_phrase(name)),
    }
    index = [i for i, key in enumerate(_SHAPES) if shapes[key]]
    values = [1.0] * len(index)
    grams = [f"w:{t}" for t in tokens]
    grams += [f"c:{t[i : i + 3]}" for t in tokens for i in range(max(len(t) - 2, 1))]
    weight = 1.0 / np.sqrt(len(grams))
    index += [_bucket(g) for g in grams]
    values += [float(weight)] * len(grams)
    return index, values


@functools.lru_cache(maxsize=4096)
def _feature_arrays(name: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    # Cached: regulars and campaigns repeat their names, and the Python
    # feature loop costs more than the dot product.
    index, values = author_features(name)
    return np.asarray(index, dtype=np.int64), np.asarray(values, dtype=np.float32)


def author_logit(weights: npt.NDArray[np.float32], bias: float, name: str) -> float:
    """The author model's logit for a name (0.0 for an empty one)."""
    index, values = _feature_arrays(name)
    if not len(index):
        return 0.0
    return float(weights[index] @ values) + bias


def fit_author_model(
    names: Sequence[str], labels: Sequence[int]
) -> tuple[npt.NDArray[np.float32], float] | None:
    """Fit on (name, is an anchor) pairs, both classes weighing the same; None if one is missing."""
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(labels)
    if len(set(y.tolist())) < 2:
        return None
    rows, cols, vals = [], [], []
    for i, name in enumerate(names):
        index, values = author_features(name)
        rows += [i] * len(index)
        cols += index
        vals += values
    matrix = sp.csr_matrix((vals, (rows, cols)), shape=(len(names), AUTHOR_DIMENSIONS))
    weights = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))
    clf = LogisticRegression(C=AUTHOR_C, solver="liblinear", max_iter=200, random_state=0)
    clf.fit(matrix, y, sample_weight=weights)
    return clf.coef_[0].astype(np.float32), float(clf.intercept_[0])
