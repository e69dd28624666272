"""The store contracts: one ``Protocol`` per consumer, each readable on one screen.

========================  ===================================  ==========================
contract                  used by                              implemented by
========================  ===================================  ==========================
``CommentStore``          core/comments, core/threads, …       store/comments.py
``ModerationStore``       core/moderation, core/accounts       store/moderation.py
``PrivacyStore``          core/privacy, core/notifications     store/privacy.py
``ApiKeyStore``           core/apikeys                         store/apikeys.py
``OutboxStore``           core/outbox (the worker), dashboard  store/outbox.py
``NotificationStore``     core/dispatch, core/webhooks, alerts store/notifications.py
``FeedStore``             core/feeds                           store/feeds.py
``ReportStore``           core/reports, core/moderation        store/reports.py
``ReaderRuleStore``       core/reader_rules                    store/readers.py
``ImportTarget``          importers/writer.py                  store/imports.py
``ExportSource``          importers (native, wordpress write)  store/exports.py
``LearningLog``           spam/state.py (the filter's memory)  store/learning.py
========================  ===================================  ==========================

``core`` imports these contracts and ``store/records.py`` only, never an
implementation: ``causerie.runtime`` picks the implementations. An
implementation reports a database it cannot reach as ``StoreUnavailable``, so
that the domain can retry without knowing SQL.
"""

from __future__ import annotations


class StoreUnavailable(Exception):
    """The database could not do an operation now (connection lost, locked); worth a retry."""
