"""The outbox worker: delivers what the stores queued, retrying with backoff and jitter.

Messages are rows written in the same transaction as the change that caused
them (``store/contracts/outbox.py``); this worker claims due rows under a
lease, hands each to its channel, and records the outcome:

- a channel in ``senders`` (``email``, ``webhook``, …) delivers the message;
  on failure it is due again after an exponential, jittered delay, and given
  up once ``give_up_after`` seconds passed since it was queued;
- a channel in ``expanders`` (``event``) turns the message into other
  messages (one per recipient), added as the message is marked done, in one
  transaction.

A process killed while sending leaves the row leased: once the lease ends,
another worker (or the restarted one) sends it again — at most one duplicate,
which receivers drop by the message's ``uid``.
"""

from __future__ import annotations

import logging
import random
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from causerie.core.delivery import Deliver, DeliveryFailed
from causerie.core.fleet import FleetTurn, process_name
from causerie.core.mail import Mail
from causerie.store.contracts.outbox import OutboxStore
from causerie.store.records import (
    DeliveryOutcome,
    NewOutboxMessage,
    OutboxMessage,
    OutboxState,
    Settled,
)

log = logging.getLogger("causerie.outbox")

EMAIL = "email"
LEASE_NAME = "outbox"
PURGE_LEASE = "outbox-purge"
PURGE_EVERY = 3600.0

# An expander: the messages each message of a batch (domain events) becomes, by message id.
Expand = Callable[[Sequence[OutboxMessage]], Mapping[int, Sequence[NewOutboxMessage]]]


def mail_message(
    mail: Mail, site_id: int | None, *, dedup_key: str | None = None, not_before: float = 0.0
) -> NewOutboxMessage:
    """The outbox message that sends ``mail`` (channel ``email``)."""
    return NewOutboxMessage(EMAIL, site_id, mail.to_payload(), dedup_key, not_before)


@dataclass(frozen=True)
class RetryPolicy:
    """When a failed message is tried again, and when it is given up."""

    base_seconds: float = 10.0
    max_delay_seconds: float = 3600.0
    give_up_after: float = 48 * 3600.0

    def delay(self, attempts: int, rng: random.Random) -> float:
        """Seconds before the next attempt: doubling per attempt, capped, half of it random."""
        ceiling = min(self.max_delay_seconds, self.base_seconds * 2 ** max(attempts - 1, 0))
        # Half fixed, half random: spread out, yet never retried in a burst.
        return ceiling / 2 + rng.uniform(0, ceiling / 2)

    def gives_up(self, message: OutboxMessage, now: float) -> bool:
        """True once a message has waited too long to be worth another attempt."""
        return now - message.created >= self.give_up_after


@dataclass(frozen=True)
class WorkerOptions:
    """How the worker polls and leases."""

    poll_seconds: float = 1.0
    lease_seconds: float = 60.0
    # Large: under load each batch costs a few hand-overs between threads (claim, expand,
    # settle), whatever its size; with 50, the worker fell behind 200 events/s.
    batch: int = 200
    concurrency: int = 4
    # True on SQLite: only the holder of the instance's lease row works.
    single: bool = False
    # After a wake-up, wait this long for more messages before claiming a batch
    # (the setting outbox_gather_ms: a cycle costs about the same whatever its size).
    gather_seconds: float = 0.2
    # Sent and given-up messages are deleted this long after (they name people).
    keep_seconds: float = 7 * 86400.0


def worker_name() -> str:
    """A name no other worker has: host, process, random part."""
    return process_name()


class _PurgeLeases:
    """The outbox store's leases as :class:`Leases` (for the hourly purge's turn)."""

    def __init__(self, store: OutboxStore) -> None:
        self.store = store

    def hold(self, name: str, holder: str, now: float, seconds: float) -> bool:
        """Take or renew a lease."""
        return self.store.hold_lease(name, holder, now, seconds)

    def release(self, name: str, holder: str) -> None:
        """Give a lease back."""
        self.store.release_lease(name, holder)


class OutboxWorker:
    """One background thread (and a few delivery threads) emptying the outbox."""

    def __init__(
        self,
        store: OutboxStore,
        senders: Mapping[str, Deliver],
        expanders: Mapping[str, Expand] | None = None,
        policy: RetryPolicy | None = None,
        options: WorkerOptions | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        is_outage: Callable[[BaseException], bool] = lambda error: False,
    ) -> None:
        self.store = store
        self.senders = dict(senders)
        self.expanders = dict(expanders or {})
        self.policy = policy or RetryPolicy()
        self.options = options or WorkerOptions()
        self.clock = clock
        self.rng = rng or random.Random()
        # Does this exception mean "the database is unreachable now"? (logged without traceback)
        self.is_outage = is_outage
        self.name = worker_name()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._busy = 0
        self._runs = 0  # batches begun (drain tells a quiet outbox from one between batches)
        self._lease_until = 0.0
        self._ask_lease_at = 0.0  # another process holds the lease: not asked before then
        # The clean-up of finished messages: once an hour across the fleet.
        self._purge_turn = FleetTurn(
            PURGE_LEASE, PURGE_EVERY, _PurgeLeases(store), self.name, clock=clock
        )
        self._added = 0  # follow-ups the last batch queued

    # -- life cycle -----------------------------------------------------------------

    def start(self) -> None:
        """Start the worker thread (again after ``stop``); idempotent."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stopping.clear()
            self._thread = threading.Thread(target=self._run, name="causerie-outbox", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Something was queued: look now rather than at the next poll (starts the worker)."""
        self.start()
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the batch in hand, give the lease back, stop."""
        self._stopping.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        if self.options.single and self._lease_until:
            self._lease_until = 0.0
            try:
                self.store.release_lease(LEASE_NAME, self.name)
            except Exception:  # the database may be gone at shutdown; the lease expires anyway
                self._trouble("could not release the outbox lease")

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until no message is due now and none is being sent (tests); False on timeout."""
        self.wake()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # Idle before the read and no batch begun during it: otherwise the read may
            # predate a batch's settle and miss the follow-ups (mails) that it queued.
            runs, idle = self._runs, self._busy == 0
            due = self.store.next_due()
            quiet = idle and self._busy == 0 and self._runs == runs
            if quiet and (due is None or due > self.clock()):
                return True
            self._wake.set()
            time.sleep(0.02)
        return False

    # -- the loop -----------------------------------------------------------------

    def _run(self) -> None:
        with ThreadPoolExecutor(self.options.concurrency, "causerie-outbox-send") as pool:
            while not self._stopping.is_set():
                try:
                    handled = self._cycle(pool) if self._due() and self._may_work() else 0
                except Exception:  # a database outage must not end the worker
                    self._trouble("outbox worker: will try again")
                    handled = 0
                if handled >= self.options.batch or self._added:
                    continue  # a backlog, or deliveries an event just caused: on at once
                if not handled:
                    self._purge_finished()
                    self._wake.wait(self._idle_wait())
                    self._wake.clear()
                # Let more messages arrive: one claim and one settle serve them all, and
                # on SQLite the comments being posted wait for our transactions less often.
                self._stopping.wait(self.options.gather_seconds)

    def _due(self) -> bool:
        """Is a message due now? A read: an idle worker never takes the writer's lock."""
        due = self.store.next_due()
        return due is not None and due <= self.clock()

    def _may_work(self) -> bool:
        """On SQLite, hold the instance's lease (renewed when half of it is gone).

        While another process holds it, asking again is a write transaction (the
        database's one writer lock): at most once a poll, not at every wake-up,
        which each comment posted in this process causes.
        """
        if not self.options.single:
            return True
        now = self.clock()
        lease = self.options.lease_seconds
        if self._lease_until - now > lease / 2:
            return True
        if now < self._ask_lease_at:
            return False
        if self.store.hold_lease(LEASE_NAME, self.name, now, lease):
            self._lease_until = now + lease
            return True
        self._lease_until = 0.0
        self._ask_lease_at = now + self.options.poll_seconds
        return False

    def _trouble(self, what: str) -> None:
        """Log the exception being handled: one line for an outage, a traceback for a bug."""
        error = sys.exc_info()[1]
        if error is not None and self.is_outage(error):
            log.warning("%s: database unavailable (%s)", what, type(error).__name__)
        else:
            log.exception(what)

    def _purge_finished(self) -> None:
        """Hourly in one process of the fleet, when idle: forget messages finished long ago."""
        if not self._purge_turn.due():
            return
        now = self.clock()
        try:
            removed = self.store.purge(now - self.options.keep_seconds)
        except Exception:
            self._trouble("outbox purge failed; next hour then")
            return
        if removed:
            log.info("outbox: %d finished messages deleted", removed)

    def _idle_wait(self) -> float:
        poll = self.options.poll_seconds
        if self.options.single and not self._lease_until:
            return poll  # another process's worker sends what is due
        try:
            due = self.store.next_due()
        except Exception:
            self._trouble("outbox worker: cannot read the outbox")
            return poll
        if due is None:
            return poll
        return min(poll, max(due - self.clock(), 0.01))

    def run_once(self, pool: ThreadPoolExecutor | None = None) -> int:
        """Claim one batch of due messages, handle it, record the outcomes; how many."""
        self._busy += 1
        self._runs += 1
        try:
            claimed = self.clock()
            batch = self.store.claim(
                self.name, claimed, self.options.lease_seconds, self.options.batch
            )
            results = self._outcomes(batch, claimed, pool)
            self._added = 0
            if results:
                # One transaction for the whole batch: the posting of comments, which
                # shares SQLite's one writer with us, waits for it once, not per message.
                self._added = len(self.store.settle(results, self.clock()))
            return len(batch)
        finally:
            self._busy -= 1

    def _cycle(self, pool: ThreadPoolExecutor) -> int:
        """Like ``run_once``, and on while a batch leads to another; how many messages.

        A batch that expanded events (or a full one) is settled in the same
        transaction that claims the next batch, which then holds the deliveries
        just added: each batch costs the writer one transaction, not two.
        """
        self._busy += 1
        self._runs += 1
        try:
            limit = self.options.batch
            lease = self.options.lease_seconds
            claimed = self.clock()
            batch = self.store.claim(self.name, claimed, lease, limit)
            handled = 0
            self._added = 0
            while batch:
                results = self._outcomes(batch, claimed, pool)
                handled += len(batch)
                leads_on = len(batch) >= limit or any(r.follow_ups for r in results)
                claimed = self.clock()
                if not leads_on or self._stopping.is_set() or not self._may_work():
                    self._added = len(self.store.settle(results, claimed))
                    break
                self._runs += 1  # another batch begins (drain)
                _, batch = self.store.settle_and_claim(results, claimed, self.name, lease, limit)
            return handled
        finally:
            self._busy -= 1

    def _outcomes(
        self, batch: Sequence[OutboxMessage], claimed: float, pool: ThreadPoolExecutor | None
    ) -> list[Settled]:
        """Expand the batch's events and deliver its other messages; the outcomes."""
        results = self._expand(batch)
        to_send = [m for m in batch if m.channel not in self.expanders]
        # A call started after half the lease still ends (timeout) before the lease
        # does: the rest wait for the next batch rather than risk a second sender.
        until = claimed + self.options.lease_seconds / 2
        if pool is None or len(to_send) < 2:
            results += [self._in_time(message, until) for message in to_send]
        else:
            results += list(pool.map(lambda m: self._in_time(m, until), to_send))
        return results

    def _expand(self, batch: Sequence[OutboxMessage]) -> list[Settled]:
        """Expand the batch's events (and digests), each channel in one call: few queries."""
        results = []
        for channel, expand in self.expanders.items():
            mine = [m for m in batch if m.channel == channel]
            if not mine:
                continue
            try:
                expanded = expand(mine)
            except Exception as exc:  # the database or a bug: these are tried again later
                self._trouble(f"outbox: expanding {len(mine)} {channel} messages failed")
                error = DeliveryOutcome(error=f"{type(exc).__name__}: {exc}")
                results += [self._failed(m, error, False) for m in mine]
                continue
            results += [
                Settled(m.id, OutboxState.SENT, follow_ups=tuple(expanded.get(m.id, ())))
                for m in mine
            ]
        return results

    def _in_time(self, message: OutboxMessage, until: float) -> Settled:
        """Deliver a claimed message, unless its batch is too late for it (due again now)."""
        now = self.clock()
        if now >= until:
            outcome = DeliveryOutcome(error="not tried: its batch ran out of lease time")
            return Settled(message.id, OutboxState.PENDING, outcome, not_before=now)
        return self.handle(message)

    def handle(self, message: OutboxMessage) -> Settled:
        """Deliver one claimed message; how it ended (recorded by the caller)."""
        if message.channel in self.expanders:
            (settled,) = self._expand([message])
            return settled
        deliver = self.senders.get(message.channel)
        try:
            if deliver is None:
                failure = DeliveryOutcome(error=f"no channel {message.channel!r} configured")
                raise DeliveryFailed(failure)
            outcome = deliver(message)
        except DeliveryFailed as failed:
            return self._failed(message, failed.outcome, failed.permanent)
        except Exception as exc:  # a bug in one channel must not stop the others
            self._trouble(f"outbox message {message.id} ({message.channel}) failed")
            return self._failed(
                message, DeliveryOutcome(error=f"{type(exc).__name__}: {exc}"), False
            )
        return Settled(message.id, OutboxState.SENT, outcome)

    def _failed(self, message: OutboxMessage, outcome: DeliveryOutcome, permanent: bool) -> Settled:
        now = self.clock()
        if permanent or self.policy.gives_up(message, now):
            log.error(
                "outbox message %d (%s) given up: %s", message.id, message.channel, outcome.error
            )
            return Settled(message.id, OutboxState.FAILED, outcome)
        delay = self.policy.delay(message.attempts, self.rng)
        log.warning(
            "outbox message %d (%s) failed, next attempt in %.0f s: %s",
            message.id,
            message.channel,
            delay,
            outcome.error,
        )
        return Settled(message.id, OutboxState.PENDING, outcome, not_before=now + delay)
