"""When a thread takes no more comments: closed by hand, or N days after it started.

``close_after_days`` on the thread wins over the site's ``auto_close_days``
(``None``: the site's; ``0``: never). The start is the article's date when the
site counts from ``article`` and the thread knows it, else the thread's
first comment (a thread is created by its first comment). A closed thread
keeps its comments readable; only new comments are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from causerie.core.errors import Forbidden
from causerie.core.sites import SiteSettings
from causerie.store.records import ThreadRecord

DAY = 86_400.0


@dataclass(frozen=True)
class Closing:
    """Whether a thread is closed, why and since when, or when it will close by itself."""

    reason: str | None  # None (open), "moderator" or "auto"
    since: float | None = None  # when an automatic closing happened
    closes_at: float | None = None  # an open thread's automatic closing

    @property
    def closed(self) -> bool:
        """Whether new comments are refused."""
        return self.reason is not None


def closing_days(thread: ThreadRecord, conf: SiteSettings) -> int:
    """The days after its start this thread stays open (0: no automatic closing)."""
    days = thread.close_after_days
    return conf.auto_close_days if days is None else days


def close_start(thread: ThreadRecord, conf: SiteSettings) -> float:
    """When the closing countdown of a thread starts."""
    if conf.auto_close_from == "article" and thread.published is not None:
        return thread.published
    return thread.created


def closing(thread: ThreadRecord | None, conf: SiteSettings, now: float) -> Closing:
    """A thread's closing now (a thread not created yet is open)."""
    if thread is None:
        return Closing(None)
    if thread.closed:
        return Closing("moderator")
    days = closing_days(thread, conf)
    if days <= 0:
        return Closing(None)
    end = close_start(thread, conf) + days * DAY
    return Closing("auto", since=end) if now >= end else Closing(None, closes_at=end)


def refuse_if_closed(
    thread: ThreadRecord | None,
    conf: SiteSettings,
    now: float,
    published: float | None,
    site_id: int,
    uri: str,
) -> None:
    """Refuse a comment on a closed thread (a first comment counts from the article's date)."""
    if thread is None and published is not None and conf.auto_close_from == "article":
        thread = ThreadRecord(0, site_id, uri, "", False, now, published=published)
    state = closing(thread, conf, now)
    if state.closed:
        raise Forbidden("thread_closed", reason=state.reason)
