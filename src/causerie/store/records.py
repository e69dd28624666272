"""Plain records the store hands to the domain: no SQL beyond this package."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from causerie.store.schema import CommentState


@dataclass(frozen=True)
class SiteRecord:
    """A site served by this instance; ``settings`` overrides the global ones."""

    id: int
    name: str
    title: str
    settings: dict[str, Any]
    created: float


@dataclass(frozen=True)
class ThreadRecord:
    """The comment thread of one page (site + URI)."""

    id: int
    site_id: int
    uri: str
    title: str
    closed: bool
    created: float


@dataclass(frozen=True)
class CommentRecord:
    """One comment as stored."""

    id: int
    thread_id: int
    parent_id: int | None
    root_id: int | None
    state: CommentState
    author: str
    email: str | None
    website: str | None
    text: str
    text_hash: str | None
    html: str
    lang: str
    created: float
    modified: float | None
    likes: int
    dislikes: int
    spam_score: float
    spam_verdict: str
    spam_reasons: str
    ip_hash: str | None
    ip_prefix: str | None
    user_agent: str | None
    author_key: str | None
    notify: bool
    pinned: bool
    by_site: bool


@dataclass(frozen=True)
class NewComment:
    """What the domain asks the store to insert."""

    parent_id: int | None
    state: CommentState
    author: str
    text: str
    html: str
    created: float
    email: str | None = None
    website: str | None = None
    lang: str = ""
    spam_score: float = 0.0
    spam_verdict: str = "ham"
    spam_reasons: str = "[]"
    ip_hash: str | None = None
    ip_prefix: str | None = None
    user_agent: str | None = None
    author_key: str | None = None
    notify: bool = False
    by_site: bool = False


# What an erased comment keeps: its place in the thread, nothing about its author.
ERASED: dict[str, Any] = {
    "state": CommentState.DELETED,
    "text": "",
    "html": "",
    "author": "",
    "email": None,
    "website": None,
    "ip_hash": None,
    "ip_prefix": None,
    "user_agent": None,
    "author_key": None,
    "notify": False,
}
