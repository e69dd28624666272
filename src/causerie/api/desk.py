"""The newsroom desk's moderator API: queue counts, readers' reports (docs/api.md).

- ``GET /api/admin/queues[?site=]``: live counts of every queue, and the first
  non-empty one in the desk's order (where the dashboard opens).
- ``GET /api/admin/comments/{id}/reports``: a comment's reports, without their authors.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from causerie.api.http import JSONBody, request_lang
from causerie.api.moderation import Reading, moderation
from causerie.api.params import Id
from causerie.api.state import runtime_of
from causerie.core.i18n import translate
from causerie.core.threads import iso

router = APIRouter(prefix="/api/admin", tags=["moderation"])

# The queues a moderator works through, in order: the desk opens on the first non-empty.
DESK_ORDER = ("pending", "reported", "spam", "unmoderated")


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
