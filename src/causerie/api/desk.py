"""The newsroom desk's moderator API: queue counts, reports, per-article rules (docs/api.md).

- ``GET /api/admin/queues[?site=]``: live counts of every queue, and the first
  non-empty one in the desk's order (where the dashboard opens).
- ``GET /api/admin/comments/{id}/reports``: a comment's reports, without their authors.
- ``POST /api/admin/sites/{name}/moderation-hook/test``: call the site's external
  moderation hook with a sample comment and say what came back.
- ``GET /api/admin/threads``, ``GET /api/admin/threads/{id}``,
  ``PUT /api/admin/threads/{id}/rules``: threads and their rules (close now, close
  after N days, pre-moderate, the article's date).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from causerie.api.cards import site_link
from causerie.api.http import JSONBody, request_lang
from causerie.api.moderation import Changing, Reading, moderation
from causerie.api.params import Digits, Id, Offset
from causerie.api.state import runtime_of
from causerie.core.errors import InvalidField
from causerie.core.i18n import translate
from causerie.core.thread_desk import MAX_DAYS, ThreadView
from causerie.core.threads import iso

router = APIRouter(prefix="/api/admin", tags=["moderation"])

# The queues a moderator works through, in order: the desk opens on the first non-empty.
DESK_ORDER = ("pending", "reported", "toxic", "spam", "unmoderated")


@router.get("/queues", summary="Live counts of every moderation queue")
def queue_counts(
    request: Request, session: Reading, site: Annotated[str | None, Query()] = None
) -> JSONBody:
    """``{"site", "counts": {queue: n}, "first"}``; ``first`` is where the desk opens."""
    counts = moderation(request).queue_counts(session, site)
    first = next((q for q in DESK_ORDER if counts.get(q)), DESK_ORDER[0])
    return JSONBody({"site": site, "counts": counts, "first": first})


@router.get("/comments/{comment_id:int}/reports", summary="A comment's reports, newest first")
def comment_reports(request: Request, comment_id: Id, session: Reading) -> JSONBody:
    """Reason, the reader's words, when, and the outcome; never who reported."""
    service = moderation(request)
    service.comment_context(session, comment_id)
    lang = request_lang(request)
    reports = runtime_of(request).reports.of_comment(comment_id)
    return JSONBody(
        {
            "reports": [
                {
                    "reason": r.reason,
                    "reason_text": translate(f"report.reason.{r.reason}", lang),
                    "text": r.text,
                    "created": iso(r.created),
                    "status": r.status.value,
                }
                for r in reports
            ]
        }
    )


class RulesBody(BaseModel):
    """Any of a thread's rules; absent ones stay as they are."""

    closed: bool | None = Field(None, description="Close now (true) or reopen (false).")
    premod: bool | None = Field(None, description="Hold every new comment of this article.")
    close_after_days: int | None = Field(
        None,
        ge=0,
        le=MAX_DAYS,
        description="null: the site's auto_close_days; 0: never; N: N days after the start.",
    )
    published: str | None = Field(None, description="The article's date (ISO 8601) or null.")


def thread_view(view: ThreadView) -> dict[str, Any]:
    """A thread as the desk shows it (docs/api.md, "Threads")."""
    thread = view.row.thread
    effective = view.effective()
    closed = effective["closed"]
    return {
        "id": thread.id,
        "site": view.row.site,
        "uri": thread.uri,
        "title": thread.title,
        "link": site_link(view.conf, thread.uri),
        "created": iso(thread.created),
        "published": iso(thread.published),
        "closed": thread.closed,
        "premod": thread.premod,
        "close_after_days": thread.close_after_days,
        "effective": {
            **effective,
            "closed": {"reason": closed["reason"], "since": iso(closed["since"])}
            if closed
            else None,
            "closes_at": iso(effective["closes_at"]),
        },
        "counts": {
            "approved": view.row.approved,
            "pending": view.row.pending,
            "reported": view.row.reported,
        },
    }


@router.get("/threads", summary="Threads (articles), newest first, with their rules")
def threads(
    request: Request,
    session: Reading,
    site: Annotated[str | None, Query()] = None,
    q: Annotated[str, Query(max_length=200, description="Searches title and uri")] = "",
    limit: Annotated[int, Query(ge=1, le=200), Digits] = 50,
    offset: Annotated[Offset, Query()] = 0,
) -> JSONBody:
    """The session's threads with their counts and their rules in force."""
    views, total = runtime_of(request).thread_desk.threads(session, site, q, limit, offset)
    return JSONBody({"total": total, "threads": [thread_view(v) for v in views]})


@router.get("/threads/{thread_id:int}", summary="One thread and its rules")
def thread(request: Request, thread_id: Id, session: Reading) -> JSONBody:
    """The thread, its counts, its rules and what is in force now."""
    return JSONBody(thread_view(runtime_of(request).thread_desk.thread(session, thread_id)))


@router.put("/threads/{thread_id:int}/rules", summary="Change a thread's rules")
def thread_rules(request: Request, thread_id: Id, body: RulesBody, session: Changing) -> JSONBody:
    """Close, reopen, pre-moderate, close after N days, set the article's date; undoable."""
    changes = body.model_dump(exclude_unset=True)
    view = runtime_of(request).thread_desk.change(session, thread_id, changes)
    return JSONBody(thread_view(view))


@router.post(
    "/sites/{name}/moderation-hook/test", summary="Call the site's external moderation hook"
)
def test_hook(request: Request, name: str, session: Changing) -> JSONBody:
    """A sample comment, signed as real ones are; the outcome, status, time and error."""
    service = moderation(request)
    site = service.site(session, name)
    conf = service.comments.site_settings(site)
    hook = service.comments.hook
    if hook is None or not conf.moderation_hook_url:
        raise InvalidField("field_invalid", field="moderation_hook_url")
    heard = hook.test(site, conf)
    return JSONBody(
        {
            "outcome": heard.outcome,
            "status": heard.status,
            "ms": heard.ms,
            "reason": heard.reason,
            "error": heard.error,
        }
    )
