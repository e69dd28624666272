"""Named leases in the database, taken atomically by any number of processes (``Leases``).

A row of ``outbox_leases``: ``name='retention' holder='web-1:4711:9f3c0a2e'
expires=1764406800.0``. Taking a lease is two statements that each decide
alone, so two processes asking at the same moment never both get it:
insert the row if there is none (``ON CONFLICT DO NOTHING``), else take it
over only if it is ours or has ended (an ``UPDATE … WHERE`` that PostgreSQL
re-checks on the locked row, and SQLite runs under its one writer lock).
"""

from __future__ import annotations

from sqlalchemy import Engine, bindparam, delete, or_, update

from causerie.store import schema as t
from causerie.store.database import write_transaction
from causerie.store.sites import insert_if_absent

_lease = t.outbox_leases.c
_TAKE_OVER = (
    update(t.outbox_leases)
    .where(
        _lease.name == bindparam("b_name"),
        or_(_lease.holder == bindparam("b_holder"), _lease.expires <= bindparam("now")),
    )
    .values(holder=bindparam("b_holder"), expires=bindparam("until"))
)


class SqlLeases:
    """:class:`~causerie.store.contracts.leases.Leases` on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def hold(self, name: str, holder: str, now: float, seconds: float) -> bool:
        """Take or renew ``name`` until ``now + seconds``; False while another holder has it."""
        until = now + seconds
        with write_transaction(self.engine) as conn:
            created = conn.execute(
                insert_if_absent(conn, t.outbox_leases, ["name"]).values(
                    name=name, holder=holder, expires=until
                )
            )
            if created.rowcount == 1:
                return True
            params = {"b_name": name, "b_holder": holder, "now": now, "until": until}
            return conn.execute(_TAKE_OVER, params).rowcount == 1

    def release(self, name: str, holder: str) -> None:
        """Give the lease back (if this holder has it), so another process may take it at once."""
        with write_transaction(self.engine) as conn:
            conn.execute(
                delete(t.outbox_leases).where(_lease.name == name, _lease.holder == holder)
            )
