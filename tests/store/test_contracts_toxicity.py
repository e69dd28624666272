"""The toxicity model's part of the store contracts, on SQLite and PostgreSQL.

A comment keeps the model's score, reasons and the policy's outcome (new and
after an edit); the Toxic queue holds flagged comments no human decided on;
decisions and lessons carry the model they judge, so that spam figures and
the spam filter's replay never see the toxicity model's.
"""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import Engine

from causerie.spam.state import LearnedExample
from causerie.spam.verdict import CommentSample
from causerie.store.comments import SqlCommentStore
from causerie.store.learning import SqlLearningLog
from causerie.store.moderation import SqlModerationStore
from causerie.store.records import (
    CommentRecord,
    CommentState,
    NewComment,
    Queue,
    QueueFilter,
    TextChange,
    ToxicityMark,
)

REASONS = json.dumps([{"code": "insult", "params": {"words": "con"}, "weight": 2.1}])


@pytest.fixture
def comments(engine: Engine) -> SqlCommentStore:
    return SqlCommentStore(engine)


def _add(
    comments: SqlCommentStore, text: str, state: CommentState, **fields: object
) -> CommentRecord:
    site = comments.ensure_site("default")
    new = NewComment(
        parent_id=None,
        state=state,
        author="Samira",
        text=text,
        html=f"<p>{text}</p>",
        created=time.time(),
        **fields,  # type: ignore[arg-type]
    )
    return comments.insert_comment(site.id, "/tram", "Le tram", new)


def test_a_new_comment_keeps_its_toxicity_verdict(comments: SqlCommentStore) -> None:
    held = _add(
        comments,
        "Espèce de con",
        CommentState.PENDING,
        toxicity_score=0.93,
        toxicity_reasons=REASONS,
        toxicity_flag="hold",
    )
    plain = _add(comments, "Merci", CommentState.APPROVED)
    stored = comments.comment(held.id)
    assert stored is not None
    assert (stored.toxicity_score, stored.toxicity_flag) == (pytest.approx(0.93), "hold")
    assert json.loads(stored.toxicity_reasons or "") == json.loads(REASONS)
    unscored = comments.comment(plain.id)
    assert unscored is not None
    assert (unscored.toxicity_score, unscored.toxicity_reasons, unscored.toxicity_flag) == (
        None,
        None,
        None,
    )


def test_an_edit_stores_the_new_verdict_and_moves_the_comment_where_the_domain_says(
    comments: SqlCommentStore,
) -> None:
    made = _add(comments, "Merci", CommentState.APPROVED, toxicity_score=0.01)
    mark = ToxicityMark(0.91, REASONS, "hold", CommentState.PENDING)
    change = TextChange(
        "Espèce de con", "<p>Espèce de con</p>", "Samira", None, time.time(), toxicity=mark
    )
    edited = comments.replace_text(made.id, change)
    assert edited is not None
    assert (edited.state, edited.toxicity_flag) == (CommentState.PENDING, "hold")
    assert edited.toxicity_score == pytest.approx(0.91)
    # A mark without a state (the comment was already held) leaves the state alone.
    calm = ToxicityMark(0.02, "[]", None)
    again = comments.replace_text(
        made.id, TextChange("Merci", "<p>Merci</p>", "Samira", None, None, toxicity=calm)
    )
    assert again is not None
    assert (again.state, again.toxicity_flag) == (CommentState.PENDING, None)


def test_the_toxic_queue_holds_flagged_comments_nobody_decided_on(engine: Engine) -> None:
    comments = SqlCommentStore(engine)
    desk = SqlModerationStore(engine)
    flagged = _add(
        comments, "Imbécile", CommentState.APPROVED, toxicity_score=0.8, toxicity_flag="flag"
    )
    held = _add(comments, "Con", CommentState.PENDING, toxicity_score=0.9, toxicity_flag="hold")
    refused = _add(
        comments, "Ordure", CommentState.SPAM, toxicity_score=0.99, toxicity_flag="reject"
    )
    _add(comments, "Merci", CommentState.APPROVED, toxicity_score=0.02)
    decided = _add(comments, "Nul", CommentState.APPROVED, toxicity_score=0.7, toxicity_flag="flag")
    comments.review(decided.id, time.time())
    rows, total = desk.queue(QueueFilter(Queue.TOXIC), 50, 0)
    assert total == 2
    assert {r.comment.id for r in rows} == {flagged.id, held.id}
    counts = desk.queue_counts(None)
    assert counts["toxic"] == 2
    assert counts["pending"] == 1  # the held one waits in Pending too
    assert refused.id in {r.comment.id for r in desk.queue(QueueFilter(Queue.SPAM), 50, 0)[0]}


def test_decisions_are_counted_per_model(engine: Engine) -> None:
    comments = SqlCommentStore(engine)
    desk = SqlModerationStore(engine)
    made = _add(comments, "Con", CommentState.PENDING)
    site_id = comments.ensure_site("default").id
    row = {"site_id": site_id, "comment_id": made.id, "batch": "b1"}
    desk.add_decisions(
        [
            {**row, "filter_spam": True, "moderator_spam": False},
            {**row, "kind": "toxicity", "filter_spam": True, "moderator_spam": True},
        ]
    )
    since = time.time() - 60
    assert [d[1:] for d in desk.decisions_since(None, since)] == [(True, False)]
    assert [d[1:] for d in desk.decisions_since(None, since, "toxicity")] == [(True, True)]
    desk.mark_undone("b1")
    assert desk.decisions_since(None, since, "toxicity") == []


def test_each_model_replays_only_its_own_lessons(engine: Engine) -> None:
    spam = SqlLearningLog(engine)
    toxicity = SqlLearningLog(engine, model="toxicity")
    first = spam.append(
        "default", True, CommentSample("Gagnez 1000 €", site="default"), "moderator"
    )
    second = toxicity.append(
        "default", False, CommentSample("Quel idiot ce ministre", lang="fr"), "moderator"
    )
    assert second > first
    seen_spam: list[LearnedExample] = spam.since(0)
    seen_toxicity = toxicity.since(0)
    assert [(e.id, e.is_spam, e.sample.content) for e in seen_spam] == [
        (first, True, "Gagnez 1000 €")
    ]
    assert [(e.id, e.is_spam, e.sample.lang) for e in seen_toxicity] == [(second, False, "fr")]


def test_a_sites_toxicity_observations_are_its_scored_comments_and_last_decisions(
    engine: Engine,
) -> None:
    """What the site's learned threshold reads: scores, held or not, the last decision."""
    comments = SqlCommentStore(engine)
    desk = SqlModerationStore(engine)
    site_id = comments.ensure_site("default").id
    held = _add(comments, "Con", CommentState.PENDING, toxicity_score=0.9, toxicity_flag="hold")
    published = _add(comments, "Nul", CommentState.APPROVED, toxicity_score=0.4)
    _add(comments, "Merci", CommentState.APPROVED, toxicity_score=0.02)
    _add(comments, "Pas noté", CommentState.APPROVED)  # the model was off: not counted
    other = comments.ensure_site("autre")
    new = NewComment(
        parent_id=None,
        state=CommentState.APPROVED,
        author="X",
        text="Ailleurs",
        html="<p>Ailleurs</p>",
        created=time.time(),
        toxicity_score=0.5,
    )
    comments.insert_comment(other.id, "/x", "X", new)

    def said(comment_id: int, flagged: bool, offensive: bool, batch: str, kind: str) -> dict:
        return {
            "site_id": site_id,
            "comment_id": comment_id,
            "filter_spam": flagged,
            "moderator_spam": offensive,
            "batch": batch,
            "kind": kind,
        }

    desk.add_decisions(
        [
            said(held.id, True, True, "a", "toxicity"),
            said(held.id, True, False, "b", "toxicity"),
            said(published.id, False, True, "c", "toxicity"),
            said(published.id, False, False, "d", "spam"),  # says nothing of toxicity
        ]
    )
    assert comments.toxicity_observations(site_id, 100) == [
        (pytest.approx(0.9), True, False),  # the last decision wins
        (pytest.approx(0.4), False, True),  # a published comment called offensive: a miss
        (pytest.approx(0.02), False, None),
    ]
    assert comments.toxicity_observations(site_id, 2) == [
        (pytest.approx(0.4), False, True),
        (pytest.approx(0.02), False, None),
    ]
    desk.mark_undone("b")  # undone: the decision before it stands again
    assert comments.toxicity_observations(site_id, 100)[0] == (pytest.approx(0.9), True, True)
    assert comments.toxicity_observations(other.id, 100) == [(pytest.approx(0.5), False, None)]
