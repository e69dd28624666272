"""One cache of the stored webhooks, shared by the event dispatch and the webhook channel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from causerie.core.webhook_cache import WebhookCache
from causerie.store.comments import SqlCommentStore
from causerie.store.database import create_database_engine
from causerie.store.notifications import SqlNotificationStore
from causerie.store.records import WebhookRecord
from tests.moderation.conftest import Moderator

NOW = 1_764_403_200.0


class CountingStore(SqlNotificationStore):
    """The real store, counting the reads of webhooks."""

    reads = 0

    def webhooks(self, site_id: int) -> list[WebhookRecord]:
        """Count, then read."""
        self.reads += 1
        return super().webhooks(site_id)

    def webhook(self, webhook_id: int) -> WebhookRecord | None:
        """Count, then read."""
        self.reads += 1
        return super().webhook(webhook_id)


def test_a_site_is_read_once_a_second_for_every_question_by_site_or_by_id(sqlite_url: str) -> None:
    engine = create_database_engine(sqlite_url)
    try:
        site = SqlCommentStore(engine).ensure_site("default")
        store = CountingStore(engine)
        values: dict[str, Any] = {"url": "https://h.example/in", "secret": "s"}
        hook = store.add_webhook(site.id, values, NOW)
        store.reads = 0  # what the writes read of their own does not count
        clock = [100.0]
        cache = WebhookCache(store, ttl=1.0, clock=lambda: clock[0])
        for _ in range(50):  # a batch: the dispatch asks by site, the sender by id
            assert [h.id for h in cache.of_site(site.id)] == [hook.id]
            found = cache.webhook(hook.id, site.id)
            assert found is not None and found.url == "https://h.example/in"
        assert store.reads == 1
        store.update_webhook(hook.id, {"url": "https://h.example/new"})
        store.reads = 1
        clock[0] += 1.0  # another process's change is seen once the entry is a second old
        assert (cache.webhook(hook.id, site.id) or hook).url == "https://h.example/new"
        assert store.reads == 2
        store.delete_webhook(hook.id)
        store.reads = 2
        cache.forget()  # a change made here is seen at once
        assert cache.webhook(hook.id, site.id) is None and store.reads == 3
        assert cache.webhook(hook.id, None) is None and store.reads == 4  # no site: the store
    finally:
        engine.dispose()


def test_the_dispatch_and_the_sender_share_one_cache_that_a_dashboard_change_empties(
    admin_client: Callable[..., Moderator],
) -> None:
    admin = admin_client()
    runtime = admin.client.app.state.runtime  # type: ignore[attr-defined]
    dispatch = runtime.comments.announces.__self__  # the dispatch answers "does anyone listen?"
    assert dispatch.hooks is runtime.webhook_sender.hooks
    site_id = runtime.stores.comments.site("default").id
    assert not dispatch.listens(site_id)
    created = admin.send("POST", "/sites/default/webhooks", {"url": "https://h.example/in"})
    assert created.status_code == 201, created.text
    assert dispatch.listens(site_id)  # within the second: the change emptied the cache
