"""The state of a new comment: the filter's verdict, the site's words and modes, the rules.

Three layers, in this order (docs/moderation.md):

1. **final refusals** — the filter's spam or discard verdict, a banned word, a toxicity
   score above the site's rejection threshold: ``spam``;
2. **Causerie's own doubt** — a suspect word, a toxicity score above the site's hold
   threshold, a first comment under ``hold_first``: held;
3. **moderators' rules** — the site's ``hold_all``, the thread's or the reader's
   pre-moderation: held, whatever an external moderation hook says.

Every hold or refusal beyond the filter's names its reason, stored with the
filter's own reasons, so that the desk shows why a comment waits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from causerie.core.sites import SiteSettings
from causerie.core.words import first_match
from causerie.spam import SpamVerdict, Verdict
from causerie.store.records import CommentState, ThreadRecord, ToxicityMark

Reason = dict[str, Any]  # {"code", "params", "weight"}, as the filter's reasons are stored


@dataclass(frozen=True)
class Admission:
    """A new comment's state, the reasons for it, and whether a moderator's rule holds it."""

    state: CommentState
    reasons: list[Reason] = field(default_factory=list)
    by_rule: bool = False  # held by a moderator's rule: nothing automatic may publish it


def reason(code: str, **params: object) -> Reason:
    """A reason in the stored shape (weight 0: a rule, not a score)."""
    return {"code": code, "params": params, "weight": 0}


def admit(
    verdict: SpamVerdict,
    conf: SiteSettings,
    text: str,
    thread: ThreadRecord | None,
    reader_premod: bool,
    is_first: Callable[[], bool],
    toxicity: ToxicityMark | None = None,
) -> Admission:
    """Decide a new comment's state (``is_first`` is asked only under ``hold_first``)."""
    if verdict.verdict is not Verdict.HAM:
        return Admission(CommentState.SPAM)
    banned = first_match(text, conf.reject_words)
    if banned is not None:
        return Admission(CommentState.SPAM, [reason("word_rejected", word=banned)])
    toxic = toxicity.flag if toxicity is not None else None
    percent = round(toxicity.score * 100) if toxicity is not None else 0
    if toxic == "reject":
        return Admission(CommentState.SPAM, [reason("toxicity_reject", percent=percent)])
    rules = [
        reason(code)
        for code, applies in (
            ("site_premod", conf.moderation == "hold_all"),
            ("thread_premod", bool(thread and thread.premod)),
            ("reader_premod", reader_premod),
        )
        if applies
    ]
    doubts = []
    suspect = first_match(text, conf.hold_words)
    if suspect is not None:
        doubts.append(reason("word_held", word=suspect))
    if toxic == "hold":
        doubts.append(reason("toxicity_hold", percent=percent))
    if not rules and not doubts and conf.moderation == "hold_first" and is_first():
        doubts.append(reason("first_comment"))
    if rules or doubts:
        return Admission(CommentState.PENDING, [*doubts, *rules], by_rule=bool(rules))
    return Admission(CommentState.APPROVED)


def readmit(verdict: SpamVerdict, conf: SiteSettings, text: str, state: CommentState) -> Admission:
    """An edited comment's state: the filter and the words again; the rules were met at posting.

    A published comment whose new text is spam or has a banned word goes to spam,
    one with a suspect word waits for review; a comment already waiting stays so
    (``by_rule``: nothing automatic, the hook included, publishes it on an edit).
    """
    if verdict.verdict is not Verdict.HAM:
        return Admission(CommentState.SPAM)
    banned = first_match(text, conf.reject_words)
    if banned is not None:
        return Admission(CommentState.SPAM, [reason("word_rejected", word=banned)])
    suspect = first_match(text, conf.hold_words)
    doubts = [reason("word_held", word=suspect)] if suspect is not None else []
    if state is not CommentState.APPROVED:
        return Admission(state, doubts, by_rule=True)
    if doubts:
        return Admission(CommentState.PENDING, doubts)
    return Admission(CommentState.APPROVED)
