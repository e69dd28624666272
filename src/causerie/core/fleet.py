"""Duties done once per period across the whole fleet of server processes.

The retention purge or the outbox clean-up must not run once per process
when several serve one database. :class:`FleetTurn` says whether it is this
process's turn: it takes a named lease for the whole period and keeps it
(``store/contracts/leases.py``), so whichever process asks first after the
period ends does the duty, and the others are told no until the next one.
A process that dies holding the turn delays the duty by one period at most.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable

from causerie.store.contracts.leases import Leases

log = logging.getLogger("causerie.fleet")


def process_name() -> str:
    """A name no other process has: host, process, random part."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class FleetTurn:
    """Is it this process's turn to do duty ``name``, due every ``every`` seconds fleet-wide?"""

    def __init__(
        self,
        name: str,
        every: float,
        leases: Leases | None,
        holder: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.name = name
        self.every = every
        self.leases = leases
        self.holder = holder or process_name()
        self.clock = clock
        self._until = 0.0

    def due(self) -> bool:
        """True when the duty should run now: at most once a period, in one process of the fleet."""
        now = self.clock()
        if now < self._until:
            return False
        if self.leases is not None:
            try:
                if not self.leases.hold(self.name, self.holder, now, self.every):
                    return False
            except Exception:  # the database is down: the duty waits for the next check
                log.warning("could not take the %r lease; trying again later", self.name)
                return False
        self._until = now + self.every
        return True
