"""The NotificationStore and FeedStore contracts, on SQLite and PostgreSQL."""

from __future__ import annotations

import time

from sqlalchemy import Engine

from causerie.store.comments import SqlCommentStore
from causerie.store.feeds import SqlFeedStore
from causerie.store.moderation import SqlModerationStore
from causerie.store.notifications import SqlNotificationStore
from causerie.store.records import AlertSettings, CommentState, NewComment

NOW = 1_764_403_200.0


def test_webhooks_are_added_changed_rotated_and_removed(engine: Engine) -> None:
    site = SqlCommentStore(engine).ensure_site("default")
    store = SqlNotificationStore(engine)
    hook = store.add_webhook(
        site.id,
        {"url": "https://h.example/in", "secret": "s1", "events": ["comment.created"]},
        NOW,
    )
    assert (hook.events, hook.active, hook.personal_data, hook.allow_private) == (
        ("comment.created",),
        True,
        False,
        False,
    )
    changed = store.update_webhook(
        hook.id, {"events": ["comment.spam"], "active": False, "secret": "x"}
    )
    assert changed is not None and changed.events == ("comment.spam",) and not changed.active
    assert changed.secret == "s1"  # a secret changes only by rotation
    rotated = store.rotate_secret(hook.id, "s2", NOW + 86400)
    assert rotated is not None
    assert (rotated.secret, rotated.previous_secret, rotated.previous_until) == (
        "s2",
        "s1",
        NOW + 86400,
    )
    assert [h.id for h in store.webhooks(site.id)] == [hook.id]
    assert store.delete_webhook(hook.id) and not store.delete_webhook(hook.id)
    assert (
        store.webhook(hook.id) is None and store.update_webhook(hook.id, {"active": True}) is None
    )


def test_alert_recipients_are_those_who_may_see_the_site_and_turned_alerts_on(
    engine: Engine,
) -> None:
    comments = SqlCommentStore(engine)
    one, other = comments.ensure_site("one"), comments.ensure_site("other")
    users = SqlModerationStore(engine)
    admin = users.add_user("admin@x.example", "admin", "h", [])
    mod = users.add_user("mod@x.example", "moderator", "h", [one.id])
    store = SqlNotificationStore(engine)
    store.set_alerts(AlertSettings(admin, other.id, "digest", 30, 1320, 420, "Europe/Paris", "fr"))
    store.set_alerts(AlertSettings(mod, one.id, "each", lang="ar"))
    store.set_alerts(AlertSettings(mod, other.id, "each"))  # not one of her sites
    assert [r.email for r in store.alert_recipients(one.id)] == ["mod@x.example"]
    assert [r.email for r in store.alert_recipients(other.id)] == ["admin@x.example"]
    store.set_alerts(AlertSettings(mod, one.id, "off"))
    assert store.alert_recipients(one.id) == []
    assert [a.site_id for a in store.alerts_of(mod)] == [one.id, other.id]
    assert store.alerts_of(admin)[0].quiet_start == 1320


def test_the_feed_reads_approved_comments_newest_first(engine: Engine) -> None:
    comments = SqlCommentStore(engine)
    site = comments.ensure_site("default")
    made = []
    for n, state in enumerate([CommentState.APPROVED, CommentState.PENDING, CommentState.APPROVED]):
        new = NewComment(None, state, "Samira", f"t{n}", f"<p>t{n}</p>", time.time() + n)
        made.append(comments.insert_comment(site.id, f"/p{n % 2}", "Titre", new))
    feeds = SqlFeedStore(engine)
    assert [i.comment.id for i in feeds.latest_approved(site.id, None, 10)] == [
        made[2].id,
        made[0].id,
    ]
    thread = comments.thread(site.id, "/p0")
    assert thread is not None
    items = feeds.latest_approved(site.id, thread.id, 1)
    assert [(i.comment.id, i.uri, i.thread_title) for i in items] == [(made[2].id, "/p0", "Titre")]
