"""Leases: background duties that must run in one process of the fleet at a time.

A lease is a named row (``outbox_leases``) with a holder and an end. A
process that wants to do a fleet-wide duty (the retention purge, the outbox
purge, the SQLite outbox worker) takes the lease first; another process
asking while it has not ended is told no. Implemented by ``store/leases.py``.
"""

from __future__ import annotations

from typing import Protocol


class Leases(Protocol):
    """Named leases shared by every process on one database."""

    def hold(self, name: str, holder: str, now: float, seconds: float) -> bool:
        """Take or renew ``name`` until ``now + seconds``; False while another holder has it."""

    def release(self, name: str, holder: str) -> None:
        """Give the lease back (if this holder has it), so another process may take it at once."""
