"""Campaign waves counted across server processes, through a Redis stream.

Each process keeps its own :class:`~causerie.spam.waves.WaveDetector`; alone,
behind a balancer spreading comments over N processes, a wave would be held
only from about its (2N+1)-th copy. With Redis, every process appends what it
observed (signature, author and wording hashes, time: no text, no name) to
one capped stream and replays what the others appended into its own
detector, both at most every ``interval`` seconds (one pipelined round trip),
so every process counts every copy within about two intervals.

A missing or failing Redis costs nothing but the sharing: the process goes
on counting alone and tries again later.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from causerie.spam.memory import Signature
from causerie.spam.waves import WaveDetector, WaveSettings

log = logging.getLogger(__name__)

STREAM = "causerie:spam:waves"


def stream_name(instance_secret: str) -> str:
    """The stream of one instance (named after a hash of its secret, never the secret)."""
    return f"{STREAM}:{hashlib.sha256(instance_secret.encode()).hexdigest()[:16]}"


# About a busy day of long comments; older observations are outside any window anyway.
MAX_ENTRIES = 50_000
RETRY_AFTER = 5.0
MAX_BATCH = 1000


class RedisWaveFeed:
    """Publish this process's observations and replay the other processes' ones."""

    def __init__(
        self,
        client: Any,
        stream: str = STREAM,
        interval: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
        keep_seconds: float = WaveSettings().window_seconds,
    ) -> None:
        self.client = client
        self.stream = stream
        self.interval = interval
        self.keep_seconds = keep_seconds
        self._clock = clock
        self._me = secrets.token_hex(6)
        # From this process's start: what others saw before is their past (a
        # replay of the whole stream would stall the first comment for seconds).
        self._last_id = f"{int(time.time() * 1000)}-0"
        self._next_pull = 0.0
        self._down_until = 0.0
        # Sent together at the next pull: one round trip per interval, not per comment.
        self._outbox: list[dict[str, Any]] = []

    def publish(self, signature: Signature, author: int | None, now: float, variant: int) -> None:
        """Queue one observation (nothing personal: hashes and a signature)."""
        if len(self._outbox) >= MAX_BATCH:
            return  # Redis has been away a while: the copies already queued are enough
        self._outbox.append(
            {
                "p": self._me,
                "s": signature.astype(np.uint32).tobytes(),
                "a": -1 if author is None else author,
                "t": repr(now),
                "v": variant,
            }
        )

    def flush(self) -> None:
        """Send the queued observations in one pipeline."""
        if not self._outbox:
            return
        batch, self._outbox = self._outbox, []
        pipe = self.client.pipeline(transaction=False)
        for fields in batch:
            pipe.xadd(self.stream, fields, maxlen=MAX_ENTRIES, approximate=True)
        # Nothing older than the detector's window stays in Redis (author hashes included).
        oldest = int((time.time() - self.keep_seconds) * 1000)
        pipe.xtrim(self.stream, minid=f"{oldest}-0", approximate=False)
        pipe.expire(self.stream, int(self.keep_seconds))
        pipe.execute()

    def pull(self, detector: WaveDetector) -> int:
        """Send what is queued, then replay the others' new observations; how many."""
        now = self._clock()
        if now < self._next_pull or now < self._down_until:
            return 0
        self._next_pull = now + self.interval
        try:
            self.flush()
            answer = self.client.xread({self.stream: self._last_id}, count=1000)
        except Exception as exc:  # any Redis failure: count alone for a while
            self._pause(exc)
            return 0
        applied = 0
        for _, entries in answer or ():
            for entry_id, fields in entries:
                self._last_id = entry_id
                applied += self._apply(detector, fields)
        return applied

    def _apply(self, detector: WaveDetector, fields: dict[bytes, bytes]) -> int:
        if fields.get(b"p", b"").decode() == self._me:
            return 0
        raw = fields.get(b"s", b"")
        if len(raw) != 64 * 4:
            return 0
        signature = np.frombuffer(raw, dtype=np.uint32).astype(np.uint64)
        author = int(fields.get(b"a", b"-1"))
        when = float(fields.get(b"t", b"0"))
        # The other process already judged that copy; here it is only counted.
        detector.observe(signature, None if author < 0 else author, when, int(fields[b"v"]), 0.0)
        return 1

    def _pause(self, exc: Exception) -> None:
        log.warning("wave sharing through Redis paused: %s", exc)
        self._down_until = self._clock() + RETRY_AFTER
