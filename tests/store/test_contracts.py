"""One contract suite, run against every implementation: SQLite and PostgreSQL.

Each test states what a consumer may rely on from a contract of
``store/contracts`` (not how the SQL does it), so that a new backend passes by
running this file against it.
"""

from __future__ import annotations

import inspect
import time

import pytest
from sqlalchemy import Engine

from causerie.store.apikeys import SqlApiKeyStore
from causerie.store.comments import SqlCommentStore
from causerie.store.contracts.apikeys import ApiKeyStore
from causerie.store.contracts.comments import CommentStore
from causerie.store.contracts.feeds import FeedStore
from causerie.store.contracts.identity import IdentityStore
from causerie.store.contracts.imports import (
    ExportSource,
    ImportJobStore,
    ImportSession,
    ImportTarget,
)
from causerie.store.contracts.leases import Leases
from causerie.store.contracts.moderation import ModerationStore
from causerie.store.contracts.notifications import NotificationStore
from causerie.store.contracts.outbox import OutboxStore
from causerie.store.contracts.privacy import PrivacyStore
from causerie.store.contracts.readers import ReaderRuleStore
from causerie.store.contracts.reports import ReportStore
from causerie.store.exports import SqlExportSource
from causerie.store.feeds import SqlFeedStore
from causerie.store.identity import SqlIdentityStore
from causerie.store.import_jobs import SqlImportJobStore
from causerie.store.import_staging import SqlImportSession
from causerie.store.imports import SqlImportStore
from causerie.store.leases import SqlLeases
from causerie.store.moderation import SqlModerationStore
from causerie.store.notifications import SqlNotificationStore
from causerie.store.outbox import SqlOutboxStore
from causerie.store.privacy import SqlPrivacyStore
from causerie.store.readers import SqlReaderStore
from causerie.store.records import CommentState, NewComment, ReaderKeys, SpamMark, TextChange
from causerie.store.reports import SqlReportStore

# Every contract and its implementation (one implementation may serve several).
CONTRACTS = [
    (CommentStore, SqlCommentStore),
    (ModerationStore, SqlModerationStore),
    (PrivacyStore, SqlPrivacyStore),
    (ApiKeyStore, SqlApiKeyStore),
    (IdentityStore, SqlIdentityStore),
    (OutboxStore, SqlOutboxStore),
    (NotificationStore, SqlNotificationStore),
    (FeedStore, SqlFeedStore),
    (ImportTarget, SqlImportStore),
    (ExportSource, SqlImportStore),
    (ExportSource, SqlExportSource),
    (ImportSession, SqlImportSession),
    (ReportStore, SqlReportStore),
    (ReaderRuleStore, SqlReaderStore),
    (ImportJobStore, SqlImportJobStore),
    (Leases, SqlLeases),
]
IMPLEMENTATIONS = list(dict.fromkeys(implementation for _, implementation in CONTRACTS))


def _operations(contract: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in vars(contract).items()
        if callable(member) and not name.startswith("_")
    }


@pytest.mark.parametrize(("contract", "implementation"), CONTRACTS, ids=lambda c: c.__name__)
def test_the_implementation_offers_every_operation_with_the_same_parameters(
    contract: type, implementation: type
) -> None:
    wanted = _operations(contract)
    assert wanted, "a contract without operations checks nothing"
    for name, signature in wanted.items():
        offered = getattr(implementation, name, None)
        assert offered is not None, f"{implementation.__name__} lacks {name}"
        assert list(inspect.signature(offered).parameters) == list(signature.parameters), name


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS, ids=lambda c: c.__name__)
def test_the_contract_is_what_consumers_see(implementation: type) -> None:
    """No public operation of an implementation hides outside its contracts."""
    public = {n for n, m in vars(implementation).items() if callable(m) and not n.startswith("_")}
    contracts = [_operations(c) for c, i in CONTRACTS if i is implementation]
    assert public - set().union(*contracts) == set()


@pytest.fixture
def comments(engine: Engine) -> CommentStore:
    return SqlCommentStore(engine)


def _new(text: str = "Bonjour", *, parent: int | None = None, **fields: object) -> NewComment:
    values: dict[str, object] = {
        "parent_id": parent,
        "state": CommentState.APPROVED,
        "author": "Samira",
        "text": text,
        "html": f"<p>{text}</p>",
        "created": time.time(),
        **fields,
    }
    return NewComment(**values)  # type: ignore[arg-type]


# -- CommentStore ------------------------------------------------------------------


def test_sites_are_created_once_and_keep_their_settings(comments: CommentStore) -> None:
    first = comments.ensure_site("lemonde", "Le Monde")
    assert comments.ensure_site("lemonde").id == first.id
    comments.update_site_settings("lemonde", {"moderation": "hold_all"})
    assert comments.site_by_id(first.id).settings == {"moderation": "hold_all"}  # type: ignore[union-attr]
    assert "lemonde" in [s.name for s in comments.sites()]
    assert comments.site("absent") is None


def test_meta_keeps_the_first_value(comments: CommentStore) -> None:
    assert comments.meta_setdefault("contract", "one") == "one"
    assert comments.meta_setdefault("contract", "two") == "one"
    assert comments.meta_get("contract") == "one"


def test_the_first_comment_opens_the_thread_and_replies_find_their_root(
    comments: CommentStore,
) -> None:
    site = comments.ensure_site("default")
    root = comments.insert_comment(site.id, "/tram", "Le tram", _new("Premier"))
    reply = comments.insert_comment(site.id, "/tram", "", _new("Réponse", parent=root.id))
    deeper = comments.insert_comment(site.id, "/tram", "", _new("Encore", parent=reply.id))
    thread = comments.thread(site.id, "/tram")
    assert thread is not None and thread.title == "Le tram" and not thread.closed
    assert (reply.thread_id, deeper.root_id) == (thread.id, root.id)
    assert comments.has_replies(root.id) and not comments.has_replies(deeper.id)
    comments.set_thread_closed(thread.id, True)
    assert comments.thread_by_id(thread.id).closed  # type: ignore[union-attr]


def test_named_operations_change_only_what_they_name(comments: CommentStore) -> None:
    site = comments.ensure_site("default")
    made = comments.insert_comment(site.id, "/p", "", _new("Avant", email="s@example.org"))
    pending = comments.set_state(made.id, CommentState.PENDING)
    assert pending is not None and pending.state is CommentState.PENDING
    assert pending.text == "Avant" and pending.email == "s@example.org"
    pinned = comments.pin(made.id, True)
    assert pinned is not None and pinned.pinned and pinned.state is CommentState.PENDING
    edited = comments.replace_text(
        made.id, TextChange("Après", "<p>Après</p>", "Sam", "https://s.example", 5.0)
    )
    assert edited is not None
    assert (edited.text, edited.html, edited.author, edited.website, edited.modified) == (
        "Après",
        "<p>Après</p>",
        "Sam",
        "https://s.example",
        5.0,
    )
    assert edited.state is CommentState.PENDING and edited.email == "s@example.org"
    assert comments.comment(made.id) == edited


def test_an_edit_marked_spam_moves_the_comment_to_spam(comments: CommentStore) -> None:
    site = comments.ensure_site("default")
    made = comments.insert_comment(site.id, "/p", "", _new())
    mark = SpamMark(0.97, "spam", '[{"code": "link_shortener"}]')
    edited = comments.replace_text(made.id, TextChange("bit.ly/x", "", "S", None, 1.0, mark))
    assert edited is not None and edited.state is CommentState.SPAM
    assert (edited.spam_score, edited.spam_verdict, edited.spam_reasons) == (
        0.97,
        "spam",
        mark.reasons,
    )


def test_an_edit_held_for_review_waits_or_is_rejected_with_its_reasons(
    comments: CommentStore,
) -> None:
    site = comments.ensure_site("default")
    mark = SpamMark(0.12, "ham", '[{"code": "word_held"}]')
    for state in (CommentState.PENDING, CommentState.DELETED):
        made = comments.insert_comment(site.id, "/p", "", _new())
        change = TextChange("Après", "<p>Après</p>", "S", None, 1.0, hold=mark, hold_state=state)
        edited = comments.replace_text(made.id, change)
        assert edited is not None and edited.state is state and edited.text == "Après"
        assert (edited.spam_score, edited.spam_reasons) == (0.12, mark.reasons)


def test_erasure_keeps_the_place_and_nothing_of_the_author(comments: CommentStore) -> None:
    site = comments.ensure_site("default")
    made = comments.insert_comment(
        site.id, "/p", "", _new(email="s@example.org", ip_hash="9f", author_key="k", notify=True)
    )
    (erased,) = comments.erase_comments([made.id], 42.0)
    assert erased.id == made.id and erased.state is CommentState.DELETED
    personal = (erased.text, erased.html, erased.author, erased.email, erased.ip_hash)
    assert personal == ("", "", "", None, None)
    assert (erased.author_key, erased.notify, erased.modified) == (None, False, 42.0)
    assert comments.erase_comments([made.id + 1000], 1.0) == []


def test_operations_on_a_missing_comment_answer_none(comments: CommentStore) -> None:
    assert comments.comment(999_999) is None
    assert comments.set_state(999_999, CommentState.SPAM) is None
    assert comments.pin(999_999, True) is None
    assert comments.replace_text(999_999, TextChange("t", "t", "a", None, None)) is None


def test_readers_see_approved_comments_and_their_own_pending_ones(
    comments: CommentStore,
) -> None:
    site = comments.ensure_site("default")
    old = comments.insert_comment(site.id, "/p", "", _new("old", created=1.0))
    new = comments.insert_comment(site.id, "/p", "", _new("new", created=2.0))
    held = comments.insert_comment(
        site.id, "/p", "", _new("held", created=3.0, state=CommentState.PENDING)
    )
    reply = comments.insert_comment(site.id, "/p", "", _new("re", parent=old.id, created=4.0))
    comments.pin(new.id, True)
    thread_id = old.thread_id
    page = comments.roots_page(thread_id, "oldest", None, 10)
    assert [c.id for c in page] == [new.id, old.id]  # pinned first
    assert [c.id for c in comments.roots_page(thread_id, "oldest", None, 10, [held.id])] == [
        new.id,
        old.id,
        held.id,
    ]
    assert [c.id for c in comments.replies([old.id])] == [reply.id]
    assert comments.count_approved(thread_id) == 3
    assert comments.counts(site.id, ["/p", "/nowhere"]) == {"/p": 3, "/nowhere": 0}


def test_a_reader_votes_once(comments: CommentStore) -> None:
    site = comments.ensure_site("default")
    made = comments.insert_comment(site.id, "/p", "", _new())
    assert comments.add_vote(made.id, "voter", 1) == (1, 0)
    assert comments.add_vote(made.id, "other", -1) == (1, 1)
    assert comments.add_vote(made.id, "voter", -1) is None


def test_activity_counts_recent_comments_by_address_and_text(comments: CommentStore) -> None:
    site = comments.ensure_site("default")
    now = time.time()
    for text in ("même texte", "même texte", "autre"):
        comments.insert_comment(site.id, "/p", "", _new(text, ip_hash="ip1", created=now - 30))
    comments.insert_comment(site.id, "/p", "", _new("même texte", ip_hash="ip1", created=now - 300))
    activity = comments.recent_activity("ip1", "même texte", now)
    assert (activity.by_ip_last_minute, activity.by_ip_last_10_minutes) == (3, 4)
    assert activity.same_text_last_10_minutes == 3
    assert comments.author_has_approved(site.id, "nobody") is False


# -- the other contracts ----------------------------------------------------------


def test_accounts_and_sessions(engine: Engine) -> None:
    store: ModerationStore = SqlModerationStore(engine)
    site = SqlCommentStore(engine).ensure_site("default")
    user_id = store.add_user("Ines@News.example", "moderator", "hash", [site.id])
    found = store.user_by_email("ines@news.example")
    assert found is not None and found.id == user_id and found.site_ids == (site.id,)
    store.set_login_failures(user_id, 3, 99.0)
    assert (store.user(user_id).failed_logins, store.user(user_id).locked_until) == (3, 99.0)  # type: ignore[union-attr]
    store.set_password_hash(user_id, "new-hash")
    changed = store.user(user_id)
    assert changed is not None and changed.password_hash == "new-hash"
    assert (changed.failed_logins, changed.locked_until, changed.role) == (0, None, "moderator")
    store.add_session("key", user_id, "csrf", time.time() + 60)
    assert store.session("key") is not None
    store.drop_sessions(user_id=user_id)
    assert store.session("key") is None


def test_blocks_can_be_lifted(engine: Engine) -> None:
    store: ModerationStore = SqlModerationStore(engine)
    site = SqlCommentStore(engine).ensure_site("default")
    now = time.time()
    block_id = store.add_block(
        site_id=site.id,
        kind="email",
        value="x@spam.example",
        note="",
        expires=now + 60,
        created_by="ines@news.example",
    )
    assert [b["id"] for b in store.active_blocks([site.id], now)] == [block_id]
    store.remove_block(block_id)
    assert store.block(block_id) is None and store.active_blocks([site.id], now) == []


def test_subscriptions_and_the_request_log(engine: Engine) -> None:
    store: PrivacyStore = SqlPrivacyStore(engine)
    comments = SqlCommentStore(engine)
    site = comments.ensure_site("default")
    made = comments.insert_comment(site.id, "/p", "", _new(author_key="k"))
    sub_id = store.add_subscription(made.id, "k", 1.0, confirmed=False)
    assert store.subscription_of(made.id) is not None and not store.has_confirmed("k")
    assert store.confirm_subscription(sub_id, 2.0) and store.has_confirmed("k")
    store.unsubscribe(made.id)
    assert store.subscription_of(made.id) is None
    request_id = store.log_request(
        kind="erase",
        via="email",
        site="default",
        email_hash="h",
        email="s@x.example",
        lang="fr",
        status="pending",
        created=1.0,
    )
    store.finish_request(request_id, "done", 3, 2.0)
    logged = store.request(request_id)
    assert logged is not None and (logged["status"], logged["email"]) == ("done", None)


def test_keys_and_their_usage(engine: Engine) -> None:
    store: ApiKeyStore = SqlApiKeyStore(engine)
    site = SqlCommentStore(engine).ensure_site("default")
    key_id = store.create("hash", "abcd", site.id, "https://news.example")
    found = store.by_hash("hash")
    assert found is not None and found.id == key_id and found.site_name == "default"
    store.add_usage({(key_id, "2026-11", "https://news.example"): {"api_calls": 2, "spam": 1}})
    store.add_usage({(key_id, "2026-11", "https://news.example"): {"api_calls": 1}})
    (row,) = store.usage(key_id, "2026-11")
    assert (row.api_calls, row.spam) == (3, 1)
    assert store.calls_in_month(key_id, "2026-11") == 3
    assert store.revoke(key_id) and not store.revoke(key_id)


def test_erasing_a_reader_empties_her_comments_and_keeps_the_others(engine: Engine) -> None:
    store: PrivacyStore = SqlPrivacyStore(engine)
    comments = SqlCommentStore(engine)
    site = comments.ensure_site("default")
    hers = comments.insert_comment(site.id, "/p", "", _new(email="S@Example.org", author_key="k"))
    other = comments.insert_comment(site.id, "/p", "", _new("Autre", email="o@example.org"))
    store.add_subscription(hers.id, "k", 1.0, confirmed=True)
    keys = ReaderKeys(email="s@example.org", author_key="k", request_hash="h", block_hash="b")
    erased = store.erase_reader(keys, 7.0)
    assert [c.id for c in erased.comments] == [hers.id] and erased.learning == 0
    assert comments.comment(hers.id).state is CommentState.DELETED  # type: ignore[union-attr]
    assert store.subscription_of(hers.id) is None
    assert comments.comment(other.id) == other
