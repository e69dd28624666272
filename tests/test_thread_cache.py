"""The in-process cache of thread reads: bounded, never stale after a local change."""

from __future__ import annotations

import time

from causerie.api.cache import ThreadCache, read_key


def key(uri: str) -> tuple[str, ...]:
    found = read_key(None, uri, None, None, 50)
    assert found is not None
    return found


def test_bounded_by_bytes_oldest_first() -> None:
    cache = ThreadCache(max_bytes=250)
    for n in range(5):
        uri = f"/t{n}"
        cache.put("default", uri, key(uri), b"x" * 100, cache.generation("default", uri))
    assert cache.get(key("/t0")) is None and cache.get(key("/t2")) is None
    assert cache.get(key("/t3")) is not None and cache.get(key("/t4")) is not None


def test_a_read_computed_across_a_change_is_not_kept() -> None:
    cache = ThreadCache()
    before = cache.generation("default", "/a")
    cache.invalidate("default", "/a")  # a comment lands while the read is computed
    cache.put("default", "/a", key("/a"), b"old", before)
    assert cache.get(key("/a")) is None
    fresh = cache.generation("default", "/a")
    cache.put("default", "/a", key("/a"), b"new", fresh)
    hit = cache.get(key("/a"))
    assert hit is not None and hit.body == b"new"


def test_invalidation_drops_every_page_of_the_thread_only() -> None:
    cache = ThreadCache()
    newest = read_key(None, "/a", "newest", None, 20)
    assert newest is not None
    for k in (key("/a"), newest, key("/b")):
        cache.put("default", k[1], k, b"body", cache.generation("default", k[1]))
    cache.invalidate("default", "/a")
    assert cache.get(key("/a")) is None and cache.get(newest) is None
    assert cache.get(key("/b")) is not None


def test_max_age_turns_entries_stale_not_gone() -> None:
    cache = ThreadCache(max_age=0.05)
    cache.put("default", "/a", key("/a"), b"body", cache.generation("default", "/a"))
    time.sleep(0.06)
    assert cache.get(key("/a")) is None
    stale = cache.stale(key("/a"))
    assert stale is not None and stale.body == b"body"
    cache.invalidate("default", "/a")
    assert cache.stale(key("/a")) is None


def test_read_key_rejects_what_the_endpoint_rejects() -> None:
    assert read_key(None, "/a", "best", None, 50) is None
    assert read_key(None, "/a", None, None, 0) is None
    assert read_key(None, "/a", None, None, 201) is None
    assert read_key("sport", "/a", "TOP", "c", 10) == ("sport", "/a", "top", "c", "10")
