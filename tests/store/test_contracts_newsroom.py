"""The newsroom desk's store contracts, on SQLite and PostgreSQL.

ReportStore (readers' reports and the open count on each comment),
ReaderRuleStore (rules on readers and their history), and what the desk adds
to CommentStore and ModerationStore: featuring, review marks, thread rules,
the queues and their live counts.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine

from causerie.store.comments import SqlCommentStore
from causerie.store.contracts.comments import CommentStore
from causerie.store.contracts.moderation import ModerationStore
from causerie.store.contracts.readers import ReaderRuleStore
from causerie.store.contracts.reports import ReportStore
from causerie.store.moderation import SqlModerationStore
from causerie.store.readers import SqlReaderStore
from causerie.store.records import (
    CommentRecord,
    CommentState,
    NewComment,
    Queue,
    QueueFilter,
    ReaderRule,
    ReportStatus,
    ThreadRules,
)
from causerie.store.reports import SqlReportStore

NOW = 1_764_403_200.0


@pytest.fixture
def comments(engine: Engine) -> CommentStore:
    return SqlCommentStore(engine)


@pytest.fixture
def reports(engine: Engine) -> ReportStore:
    return SqlReportStore(engine)


@pytest.fixture
def readers(engine: Engine) -> ReaderRuleStore:
    return SqlReaderStore(engine)


@pytest.fixture
def desk(engine: Engine) -> ModerationStore:
    return SqlModerationStore(engine)


def _add(
    comments: CommentStore, text: str = "Bonjour", uri: str = "/tram", **fields: object
) -> CommentRecord:
    site = comments.ensure_site("default")
    values: dict[str, object] = {
        "parent_id": None,
        "state": CommentState.APPROVED,
        "author": "Samira",
        "text": text,
        "html": f"<p>{text}</p>",
        "created": fields.pop("created", time.time()),
        **fields,
    }
    return comments.insert_comment(site.id, uri, "Le tram", NewComment(**values))  # type: ignore[arg-type]


# -- ReportStore ---------------------------------------------------------------------


def test_one_report_per_reporter_and_the_comment_counts_the_open_ones(
    comments: CommentStore, reports: ReportStore
) -> None:
    made = _add(comments)
    assert reports.add_report(made.id, "r1", "abuse", None, NOW) == 1
    assert reports.add_report(made.id, "r1", "spam", None, NOW + 1) is None
    assert reports.add_report(made.id, "r2", "other", "hors sujet", NOW + 2) == 2
    assert comments.comment(made.id).reports_open == 2  # type: ignore[union-attr]
    assert reports.reports_since("r1", NOW - 1) == 1
    assert reports.reports_since("r1", NOW + 1) == 0
    listed = reports.of_comment(made.id)
    assert [(r.reason, r.text, r.status) for r in listed] == [
        ("other", "hors sujet", ReportStatus.OPEN),
        ("abuse", None, ReportStatus.OPEN),
    ]
    assert not hasattr(listed[0], "reporter")


def test_resolving_closes_the_open_reports_and_reopening_restores_them(
    comments: CommentStore, reports: ReportStore
) -> None:
    made = _add(comments)
    reports.add_report(made.id, "r1", "abuse", None, NOW)
    reports.add_report(made.id, "r2", "abuse", None, NOW)
    closed = reports.resolve(made.id, ReportStatus.KEPT, NOW + 5)
    assert len(closed) == 2
    assert comments.comment(made.id).reports_open == 0  # type: ignore[union-attr]
    assert {r.status for r in reports.of_comment(made.id)} == {ReportStatus.KEPT}
    assert reports.resolve(made.id, ReportStatus.UPHELD, NOW + 6) == []
    # A third reader still counts; the two kept reports do not.
    assert reports.add_report(made.id, "r3", "spam", None, NOW + 7) == 1
    reports.reopen(closed)
    assert comments.comment(made.id).reports_open == 3  # type: ignore[union-attr]


def test_summaries_count_open_reports_by_reason_with_readers_words(
    comments: CommentStore, reports: ReportStore
) -> None:
    first, second, never = _add(comments), _add(comments, "Autre"), _add(comments, "Rien")
    reports.add_report(first.id, "r1", "abuse", "insulte", NOW)
    reports.add_report(first.id, "r2", "abuse", None, NOW)
    reports.add_report(first.id, "r3", "spam", None, NOW)
    reports.add_report(second.id, "r1", "other", "vieux", NOW)
    reports.resolve(second.id, ReportStatus.KEPT, NOW + 1)
    found = reports.summaries([first.id, second.id, never.id])
    assert set(found) == {first.id, second.id}
    assert found[first.id].open == 3 and found[first.id].total == 3
    assert found[first.id].open_by_reason == {"abuse": 2, "spam": 1}
    assert found[first.id].texts == ("insulte",)
    assert (found[second.id].open, found[second.id].total, found[second.id].texts) == (0, 1, ())
    assert reports.summaries([]) == {}


# -- ReaderRuleStore -----------------------------------------------------------------


def test_rules_are_found_by_any_key_of_the_reader(
    comments: CommentStore, readers: ReaderRuleStore
) -> None:
    site = comments.ensure_site("default")
    assert readers.reader_rules(site.id, ["akey", "ip-hash"]) == []
    rule = ReaderRule(site.id, "ip-hash", NOW + 86400, "Calmez-vous.", False, True, NOW, "ines")
    readers.set_reader_rule(rule)
    assert readers.reader_rules(site.id, ["akey", "ip-hash"]) == [rule]
    assert readers.reader_rules(site.id, ["other"]) == []
    premod = ReaderRule(site.id, "ip-hash", None, "", False, True, NOW + 1, "ines")
    readers.set_reader_rule(premod)
    assert readers.reader_rule(site.id, "ip-hash") == premod
    readers.set_reader_rule(ReaderRule(site.id, "ip-hash", None, "", False, False, NOW, "ines"))
    assert readers.reader_rule(site.id, "ip-hash") is None
    other = comments.ensure_site("autre")
    assert readers.reader_rules(other.id, ["ip-hash"]) == []


def test_history_lists_one_readers_comments_on_the_site(
    comments: CommentStore, readers: ReaderRuleStore, reports: ReportStore
) -> None:
    site = comments.ensure_site("default")
    a = _add(comments, "Un", author_key="k1", ip_hash="h1", created=NOW)
    b = _add(comments, "Deux", uri="/autre", author="Sam", author_key="k1", created=NOW + 1)
    c = _add(comments, "Trois", author_key="k1", state=CommentState.SPAM, created=NOW + 2)
    _add(comments, "Pas elle", author_key="k2", ip_hash="h1", created=NOW + 3)
    reports.add_report(a.id, "r1", "abuse", None, NOW)
    found = readers.reader_history(site.id, "k1", 2, 0)
    assert found.total == 3 and [i.comment.id for i in found.items] == [c.id, b.id]
    assert found.items[1].uri == "/autre" and found.items[1].thread_title == "Le tram"
    assert found.counts["approved"] == 2 and found.counts["spam"] == 1
    assert found.counts["reported"] == 1
    assert found.names == ("Sam", "Samira")
    assert [i.comment.id for i in readers.reader_history(site.id, "k1", 2, 2).items] == [a.id]
    by_address = readers.reader_history(site.id, "ip-h1", 10, 0)
    assert by_address.total == 2
    assert readers.reader_history(site.id, "nobody", 10, 0).total == 0


# -- CommentStore: featuring, review marks, thread rules ----------------------------


def test_featured_comments_come_newest_featuring_first_and_only_when_published(
    comments: CommentStore,
) -> None:
    a, b, c = _add(comments, "A"), _add(comments, "B"), _add(comments, "C")
    assert comments.feature(a.id, NOW + 2) is not None
    comments.feature(b.id, NOW + 5)
    comments.feature(c.id, NOW + 9)
    comments.set_state(c.id, CommentState.PENDING)
    assert [x.id for x in comments.featured(a.thread_id, 10)] == [b.id, a.id]
    assert [x.id for x in comments.featured(a.thread_id, 1)] == [b.id]
    unfeatured = comments.feature(b.id, None)
    assert unfeatured is not None and not unfeatured.featured
    assert comments.feature(999_999, NOW) is None
    reviewed = comments.review(a.id, NOW)
    assert reviewed is not None and reviewed.reviewed == NOW and reviewed.featured
    assert comments.review(999_999, NOW) is None


def test_thread_rules_are_stored_and_read_back_at_once(comments: CommentStore) -> None:
    made = _add(comments)
    site = comments.ensure_site("default")
    assert comments.thread(site.id, "/tram").premod is False  # type: ignore[union-attr]
    changed = comments.set_thread_rules(made.thread_id, ThreadRules(True, 14, NOW))
    assert changed is not None and (changed.premod, changed.close_after_days) == (True, 14)
    # The thread cache of this process is dropped: the next post sees the rule.
    cached = comments.thread(site.id, "/tram")
    assert cached is not None and cached.premod and cached.published == NOW
    assert comments.set_thread_rules(999_999, ThreadRules()) is None


# -- ModerationStore: queues, counts, threads ---------------------------------------


def test_queues_split_held_reported_unmoderated_and_featured(
    comments: CommentStore, reports: ReportStore, desk: ModerationStore
) -> None:
    held = _add(comments, "Tenu", state=CommentState.PENDING)
    reported = _add(comments, "Signalé")
    hidden = _add(comments, "Caché")
    seen = _add(comments, "Vu")
    featured = _add(comments, "Choisi")
    _add(comments, "Spam", state=CommentState.SPAM)
    reports.add_report(reported.id, "r1", "abuse", None, NOW)
    reports.add_report(hidden.id, "r1", "abuse", None, NOW)
    comments.set_state(hidden.id, CommentState.PENDING)
    comments.review(seen.id, NOW)
    comments.feature(featured.id, NOW)
    comments.review(featured.id, NOW)

    def ids(queue: Queue) -> set[int]:
        rows, total = desk.queue(QueueFilter(queue), 50, 0)
        assert total == len(rows)
        return {r.comment.id for r in rows}

    assert ids(Queue.PENDING) == {held.id}
    assert ids(Queue.REPORTED) == {reported.id, hidden.id}
    assert ids(Queue.UNMODERATED) == {held.id, reported.id, hidden.id}
    assert ids(Queue.FEATURED) == {featured.id}
    assert ids(Queue.APPROVED) == {reported.id, seen.id, featured.id}
    every = {held.id, reported.id, hidden.id, seen.id, featured.id}
    assert ids(Queue.ALL) == every | ids(Queue.SPAM)
    counts = desk.queue_counts(None)
    assert counts == {
        "pending": 1,
        "reported": 2,
        "unmoderated": 3,
        "spam": 1,
        "approved": 3,
        "deleted": 0,
        "featured": 1,
        "toxic": 0,
        "all": 6,
    }
    other = comments.ensure_site("autre")
    assert desk.queue_counts([other.id])["reported"] == 0


def test_a_queue_card_carries_the_parent_and_filters_by_reader(
    comments: CommentStore, desk: ModerationStore
) -> None:
    parent = _add(comments, "Le tram passe enfin " * 20, author="Karim")
    reply = _add(comments, "Réponse", parent_id=parent.id, author_key="k9", ip_hash="h9")
    rows, total = desk.queue(QueueFilter(CommentState.APPROVED, reader="k9"), 10, 0)
    assert total == 1 and rows[0].comment.id == reply.id
    card = rows[0].parent
    assert card is not None and (card.id, card.author, card.state) == (
        parent.id,
        "Karim",
        CommentState.APPROVED,
    )
    assert len(card.excerpt) == 160 and card.excerpt.startswith("Le tram passe")
    rows, _ = desk.queue(QueueFilter(CommentState.APPROVED, reader="ip-h9"), 10, 0)
    assert [r.comment.id for r in rows] == [reply.id]
    rows, _ = desk.queue(QueueFilter(CommentState.APPROVED, text="passe enfin"), 10, 0)
    assert rows[0].parent is None


def test_threads_are_listed_with_their_counts(
    comments: CommentStore, reports: ReportStore, desk: ModerationStore
) -> None:
    a = _add(comments, "Un", uri="/tram")
    _add(comments, "Deux", uri="/tram", state=CommentState.PENDING)
    b = _add(comments, "Trois", uri="/budget")
    reports.add_report(a.id, "r", "spam", None, NOW)
    rows, total = desk.threads_page(None, "", 10, 0)
    assert total == 2 and {r.thread.uri for r in rows} == {"/tram", "/budget"}
    tram = desk.thread_row(a.thread_id)
    assert tram is not None and (tram.site, tram.approved, tram.pending, tram.reported) == (
        "default",
        1,
        1,
        1,
    )
    rows, total = desk.threads_page(None, "BUDG", 10, 0)
    assert total == 1 and rows[0].thread.id == b.thread_id
    assert desk.thread_row(999_999) is None


def test_retention_forgets_who_reported_and_erasure_drops_the_reports(
    engine: Engine, comments: CommentStore, reports: ReportStore
) -> None:
    from causerie.store.privacy import SqlPrivacyStore

    kept, erased = _add(comments, "Reste"), _add(comments, "Part")
    reports.add_report(kept.id, "r1", "abuse", "mon voisin", NOW)
    reports.add_report(erased.id, "r1", "abuse", "cite le texte", NOW)
    site = comments.ensure_site("default")
    SqlPrivacyStore(engine).clear_personal(site.id, NOW + 1)
    (left,) = reports.of_comment(kept.id)
    assert left.reason == "abuse" and reports.reports_since("r1", 0) == 0
    # The reporter is gone, but a new report by r1 is still one more report.
    assert reports.add_report(kept.id, "r1", "spam", None, NOW + 2) == 2
    comments.erase_comments([erased.id], NOW + 3)
    assert reports.of_comment(erased.id) == []
    assert comments.comment(erased.id).reports_open == 0  # type: ignore[union-attr]
