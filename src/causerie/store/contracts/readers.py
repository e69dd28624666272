"""ReaderRuleStore: what moderators' rules on readers (``core/reader_rules``) need from storage.

A reader of a site is named by a key: the author key her comments keep
(keyed hash of her e-mail, typed name or signed-in identity), or ``ip-`` and
the keyed hash of her address. Implemented by ``store/readers.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from causerie.store.records import ReaderHistory, ReaderRule


class ReaderRuleStore(Protocol):
    """Rules on readers (suspension, ban, pre-moderation) and their history."""

    def reader_rules(self, site_id: int, readers: Sequence[str]) -> list[ReaderRule]:
        """The rules naming any of these keys on a site (read often: cached for seconds)."""

    def reader_rule(self, site_id: int, reader: str) -> ReaderRule | None:
        """The rule on one reader of a site, read afresh."""

    def set_reader_rule(self, rule: ReaderRule) -> ReaderRule:
        """Store the rule on a reader (replacing the one before; a rule of nothing is removed)."""

    def reader_history(self, site_id: int, reader: str, limit: int, offset: int) -> ReaderHistory:
        """A reader's comments on a site, newest first, with counts by state and her names."""
