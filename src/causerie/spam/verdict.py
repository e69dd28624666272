"""What the spam filter is asked and what it answers.

This module is the contract between the comment flow (``causerie.core``), the
Akismet-compatible API and the filter itself. It knows nothing of HTTP or of the
comment store: callers fill a :class:`CommentSample` with what they know, the
filter answers with a :class:`SpamVerdict`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from causerie.spam.explain import Reason


class Verdict(enum.StrEnum):
    """The filter's decision: keep, hold as spam, or drop without review."""

    HAM = "ham"
    SPAM = "spam"
    DISCARD = "discard"


# One reason behind a verdict: the class is shared with the toxicity model
# (causerie.spam.explain), so that both explain themselves the same way.
SpamReason = Reason


@dataclass(frozen=True)
class CommentSample:
    """Everything the filter may look at for one comment.

    Behaviour fields are computed by the caller, who has the store: the filter
    itself never reads the comment database.
    """

    content: str
    author: str = ""
    email: str = ""
    url: str = ""
    lang: str = ""
    site: str = "default"
    permalink: str = ""
    user_agent: str = ""
    ip_hash: str = ""
    site_languages: tuple[str, ...] = ()
    honeypot_filled: bool = False
    seconds_to_submit: float | None = None
    same_text_recent: int = 0
    author_rate_10min: int = 0
    comment_type: str = "comment"
    # The post the comment is left under (the widget's thread title, the
    # Akismet API's permalink page): lets the filter tell praise about *this*
    # post from praise that fits any post.
    article_title: str = ""
    article_text: str = ""
    # The site's spam sensitivity (causerie.spam.sensitivity); "": the model's threshold.
    spam_sensitivity: str = ""


@dataclass(frozen=True)
class SpamVerdict:
    """The answer: a verdict, a score in [0, 1] and the top reasons."""

    verdict: Verdict
    score: float
    reasons: tuple[SpamReason, ...] = ()

    @property
    def is_spam(self) -> bool:
        """True for ``spam`` and ``discard``."""
        return self.verdict is not Verdict.HAM


class SpamFilter(Protocol):
    """What the comment flow and the Akismet API need from a filter."""

    def check(self, sample: CommentSample) -> SpamVerdict:
        """Classify one comment without learning from it."""
        ...

    def learn(self, sample: CommentSample, is_spam: bool, *, source: str) -> None:
        """Teach the site's layer from a trusted decision (moderator, API key)."""
        ...


class PassThroughFilter:
    """A filter that calls everything ham: used where no model is wanted."""

    def check(self, sample: CommentSample) -> SpamVerdict:
        """Always ham, score 0."""
        return SpamVerdict(Verdict.HAM, 0.0)

    def learn(self, sample: CommentSample, is_spam: bool, *, source: str) -> None:
        """Learns nothing."""
