"""Reading a thread: pages of top-level comments with their replies, as a tree.

A page holds up to ``limit`` top-level comments (pinned ones first on the
first page) and, below each, up to ``REPLY_LIMIT`` replies nested by parent.
``next`` is an opaque keyset cursor, so page 50 of a 5,000-comment thread
costs what page 1 does.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from causerie.core import identity, validation
from causerie.core.closing import closing
from causerie.core.errors import InvalidField
from causerie.core.sites import SiteSettings
from causerie.store.contracts.comments import CommentStore
from causerie.store.records import CommentRecord, CommentState, Cursor, Sort, ThreadRecord

SORTS: tuple[Sort, ...] = ("oldest", "newest", "top")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
REPLY_LIMIT = 200
# Our cursors are ~40 characters; anything much longer is not one of ours.
MAX_CURSOR = 256
MAX_CURSOR_NUMBER = 2**53
DEFAULT_MAX_DEPTH = 32


@dataclass(frozen=True)
class PageRequest:
    """Which page of which thread, in which order."""

    sort: Sort = "oldest"
    cursor: Cursor | None = None
    limit: int = DEFAULT_LIMIT


def parse_page_request(
    sort: str | None, cursor: str | None, limit: int | str | None
) -> PageRequest:
    """Validate the public query parameters of a thread read."""
    chosen = (sort or "oldest").lower()
    if chosen not in SORTS:
        raise InvalidField("sort_invalid", field="sort")
    size = (
        DEFAULT_LIMIT
        if limit in (None, "")
        else validation.bounded_int(limit, "limit", 1, MAX_LIMIT, "limit_invalid")
    )
    return PageRequest(cast(Sort, chosen), decode_cursor(cursor, cast(Sort, chosen)), size)


def encode_cursor(sort: Sort, values: Cursor) -> str:
    """An opaque cursor string for the page after ``values``."""
    raw = json.dumps([sort, *values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, sort: Sort) -> Cursor | None:
    """The keyset values in a cursor; a 422 if it is not one of ours."""
    if not cursor:
        return None
    if len(cursor) > MAX_CURSOR:
        raise InvalidField("cursor_invalid", field="cursor")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, RecursionError):
        raise InvalidField("cursor_invalid", field="cursor") from None
    width = 3 if sort == "top" else 2
    if (
        not isinstance(data, list)
        or len(data) != width + 1
        or data[0] != sort
        or not all(_cursor_value(v) for v in data[1:])
    ):
        raise InvalidField("cursor_invalid", field="cursor")
    return tuple(float(v) for v in data[1:])


def _cursor_value(value: object) -> bool:
    """A number our cursors can hold: finite and exact as a float (no 400-digit ints)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    # NaN and infinities fail the comparison too.
    return abs(value) <= MAX_CURSOR_NUMBER


def iso(ts: float | None) -> str | None:
    """UNIX seconds as ISO 8601 UTC (``2026-11-29T08:00:00.250Z``)."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def public_state(state: CommentState) -> str:
    """The state an author may see: a spam verdict reads as "pending".

    Telling an author that the filter called their comment spam would let a
    spammer rewrite until it passes; the verdict stays in the dashboard.
    """
    return CommentState.PENDING.value if state is CommentState.SPAM else state.value


def public_comment(c: CommentRecord, secret: str) -> dict[str, Any]:
    """What readers may see of a comment (no e-mail, no address, no spam data)."""
    deleted = c.state is CommentState.DELETED
    return {
        "id": c.id,
        "parent": c.parent_id,
        "author": None if deleted else c.author,
        "website": None if deleted else c.website,
        "html": "" if deleted else c.html,
        "created": iso(c.created),
        "modified": iso(c.modified),
        "likes": c.likes,
        "dislikes": c.dislikes,
        "state": public_state(c.state),
        "pinned": c.pinned,
        # An editor's pick (docs/moderation.md): the widget also lists it in its own block.
        "featured": c.featured and not deleted,
        "by_site": c.by_site,
        # Signed in (e-mail, OIDC or the publisher's account): the widget shows a mark.
        "verified": c.identity_id is not None and not deleted,
        "avatar": None if deleted else identity.avatar_seed(secret, c.email, c.author),
        "replies": [],
    }


def build_tree(
    roots: Sequence[CommentRecord],
    replies: Sequence[CommentRecord],
    secret: str,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> list[dict[str, Any]]:
    """Nest replies under their parents, ``max_depth`` levels at most.

    A reply whose parent is hidden goes under its root; one below the deepest
    allowed level joins that level (threads stored before the limit, or with
    a higher one, stay readable and serialisable).
    """
    nodes: dict[int, dict[str, Any]] = {}
    depth: dict[int, int] = {}
    holder: dict[int, int] = {}  # node id -> id of the node it is placed under
    out: list[dict[str, Any]] = []
    for root in roots:
        node = public_comment(root, secret)
        node["hidden_replies"] = 0
        nodes[root.id] = node
        depth[root.id] = 0
        out.append(node)
    shown: dict[int, int] = {}
    for reply in replies:
        root_id = reply.root_id or 0
        if root_id not in nodes:
            continue
        if shown.get(root_id, 0) >= REPLY_LIMIT:
            nodes[root_id]["hidden_replies"] += 1
            continue
        shown[root_id] = shown.get(root_id, 0) + 1
        node = public_comment(reply, secret)
        parent_id = reply.parent_id if reply.parent_id in nodes else root_id
        if depth[parent_id] >= max_depth:
            parent_id = holder[parent_id]
        nodes[reply.id] = node
        depth[reply.id] = depth[parent_id] + 1
        holder[reply.id] = parent_id
        nodes[parent_id]["replies"].append(node)
    return out


def thread_page(
    store: CommentStore,
    thread_id: int | None,
    uri: str,
    page: PageRequest,
    secret: str,
    own_ids: Sequence[int] = (),
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> dict[str, Any]:
    """One page of a thread as the public API returns it."""
    if thread_id is None:
        return {"uri": uri, "total": 0, "sort": page.sort, "comments": [], "next": None}
    roots = store.roots_page(thread_id, page.sort, page.cursor, page.limit + 1, own_ids)
    more = len(roots) > page.limit
    roots = roots[: page.limit]
    replies = store.replies([r.id for r in roots], own_ids)
    unpinned = [r for r in roots if not r.pinned or page.cursor is not None]
    next_cursor = (
        encode_cursor(page.sort, cursor_for(page.sort, unpinned[-1])) if more and unpinned else None
    )
    return {
        "uri": uri,
        "total": store.count_approved(thread_id),
        "sort": page.sort,
        "comments": build_tree(roots, replies, secret, max_depth),
        "next": next_cursor,
    }


def thread_rules(thread: ThreadRecord | None, conf: SiteSettings, now: float) -> dict[str, Any]:
    """What a reader is told of a thread's rules: closed (why, since when), closing, premod.

    Codes, not sentences: the answer is cached and shared by readers of every
    language; the widget says them from its catalog.
    """
    state = closing(thread, conf, now)
    closed = None
    if state.closed:
        closed = {"reason": state.reason, "since": iso(state.since)}
    return {
        "closed": closed,
        "closes_at": iso(state.closes_at),
        "premod": bool(thread and thread.premod) or conf.moderation == "hold_all",
    }


def own_ids_from_tokens(secret: str, header: str | None) -> list[int]:
    """The comment ids a reader proves to own with edit tokens (comma-separated)."""
    if not header:
        return []
    ids = []
    for token in header.split(",")[:100]:
        ident = identity.comment_id_from_token(secret, token)
        if ident is not None:
            ids.append(ident)
    return ids


def cursor_for(sort: Sort, comment: CommentRecord) -> Cursor:
    """The keyset cursor that resumes after this comment."""
    if sort == "top":
        return (float(comment.likes - comment.dislikes), comment.created, float(comment.id))
    return (comment.created, float(comment.id))
