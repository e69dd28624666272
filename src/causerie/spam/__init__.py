"""The spam filter: importable and usable without the web server or the store."""

from causerie.spam.verdict import (
    CommentSample,
    PassThroughFilter,
    SpamFilter,
    SpamReason,
    SpamVerdict,
    Verdict,
)

__all__ = [
    "CommentSample",
    "PassThroughFilter",
    "SpamFilter",
    "SpamReason",
    "SpamVerdict",
    "Verdict",
]
