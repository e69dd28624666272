"""Waves counted across server processes through the real Redis."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from causerie.spam.filter import Filter
from causerie.spam.model import GlobalModel
from causerie.spam.state import MemoryLearningLog
from causerie.spam.verdict import CommentSample, Verdict
from causerie.spam.wave_feed import RedisWaveFeed
from causerie.spam.waves import WaveDetector, WaveSettings
from tests.spam.test_waves import PRAISE_COPIES

pytestmark = pytest.mark.redis


@pytest.fixture
def stream(redis_url: str) -> Iterator[tuple[Any, str]]:
    """A Redis client and a stream name of this test's own, deleted afterwards."""
    import redis

    client = redis.Redis.from_url(redis_url)
    name = f"test:waves:{secrets.token_hex(6)}"
    yield client, name
    client.delete(name)
    client.close()


def _process(model: GlobalModel, client: Any, name: str) -> Filter:
    feed = RedisWaveFeed(client, stream=name, interval=0.0)
    waves = WaveDetector(WaveSettings(min_score=0.0))
    return Filter(model, MemoryLearningLog(), waves=waves, wave_feed=feed)


def test_copies_seen_by_other_processes_count(
    tiny_model: GlobalModel, stream: tuple[Any, str]
) -> None:
    client, name = stream
    first, second, third = (_process(tiny_model, client, name) for _ in range(3))
    verdicts = [
        server.check(CommentSample(text, author=author))
        for server, text, author in zip(
            (first, second, third), PRAISE_COPIES[:3], "abc", strict=True
        )
    ]
    # Each process saw one copy itself; the third is held all the same.
    assert [v.verdict for v in verdicts] == [Verdict.HAM, Verdict.HAM, Verdict.SPAM]
    assert verdicts[2].reasons[0].code == "wave"
    # What went through Redis: hashes and signatures, never the text or the name.
    entries = client.xrange(name)
    assert len(entries) == 3
    for _, fields in entries:
        assert set(fields) == {b"p", b"s", b"a", b"t", b"v"}
        assert b"Lucky" not in fields[b"s"] and fields[b"a"].lstrip(b"-").isdigit()


def test_without_redis_a_process_counts_alone(tiny_model: GlobalModel) -> None:
    import redis

    dead = redis.Redis(host="127.0.0.1", port=9, socket_connect_timeout=0.2)
    lonely = _process(tiny_model, dead, "nowhere")
    verdicts = [
        lonely.check(CommentSample(text, author=author))
        for text, author in zip(PRAISE_COPIES[:3], "abc", strict=True)
    ]
    assert [v.verdict for v in verdicts] == [Verdict.HAM, Verdict.HAM, Verdict.SPAM]


def test_redis_keeps_nothing_older_than_the_window(
    tiny_model: GlobalModel, stream: tuple[Any, str]
) -> None:
    client, name = stream
    client.xadd(name, {"p": "old", "s": b"", "a": 1, "t": "0", "v": 0}, id="1000-0")
    feed = RedisWaveFeed(client, stream=name, interval=0.0, keep_seconds=3600.0)
    spam_filter = Filter(tiny_model, MemoryLearningLog(), waves=WaveDetector(), wave_feed=feed)
    spam_filter.check(CommentSample(PRAISE_COPIES[0], author="a"))
    ids = [entry_id for entry_id, _ in client.xrange(name)]
    assert b"1000-0" not in ids and len(ids) == 1
    assert 0 < client.ttl(name) <= 3600
