"""Readers over time, for moderators: history, suspension, ban, "always pre-moderate".

- ``GET /api/admin/sites/{site}/readers/{key}``: her comments on the site (newest
  first), counts by state, the names she used, her signed-in identity, the rule on her;
- ``PUT /api/admin/sites/{site}/readers/{key}``: ``{suspend_days, message, banned, premod}``.

``key`` is a queue card's ``reader`` or ``reader_address`` (docs/api.md).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from causerie.api.http import JSONBody
from causerie.api.moderation import Changing, Reading
from causerie.api.params import Digits, Offset
from causerie.api.state import runtime_of
from causerie.core.reader_desk import MAX_MESSAGE, MAX_SUSPENSION_DAYS, ReaderView
from causerie.core.threads import iso

router = APIRouter(prefix="/api/admin/sites/{site}/readers", tags=["moderation"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {
        "description": "The site knows nothing of this reader (`reader_not_found`).",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
}


class ReaderRuleBody(BaseModel):
    """Any of the rules on a reader; absent ones stay as they are."""

    suspend_days: int | None = Field(
        None, ge=0, le=MAX_SUSPENSION_DAYS, description="N days from now; 0 lifts a suspension."
    )
    message: str | None = Field(
        None, max_length=MAX_MESSAGE, description="Shown to her, as written, when she posts."
    )
    banned: bool | None = None
    premod: bool | None = Field(None, description="Hold all her new comments for review.")


def reader_view(view: ReaderView) -> dict[str, Any]:
    """A reader as the desk shows her (docs/api.md, "Readers over time")."""
    history = view.history
    counts = history.counts
    signed_in = view.signed_in
    return {
        "reader": view.key,
        "site": view.site.name,
        "name": history.items[0].comment.author if history.items else None,
        "names": list(history.names),
        "signed_in": {
            "id": signed_in.id,
            "method": signed_in.method,
            "name": signed_in.name,
            "blocked": signed_in.blocked,
        }
        if signed_in
        else None,
        "counts": {
            "comments": history.total,
            "approved": counts.get("approved", 0),
            "pending": counts.get("pending", 0),
            "spam": counts.get("spam", 0),
            "rejected": counts.get("deleted", 0),
            "reported": counts.get("reported", 0),
        },
        "status": {
            "suspended_until": iso(view.suspended_until),
            "message": view.rule.message if view.rule else "",
            "banned": bool(view.rule and view.rule.banned),
            "premod": bool(view.rule and view.rule.premod),
        },
        "total": history.total,
        "comments": [
            {
                "id": item.comment.id,
                "thread_id": item.comment.thread_id,
                "uri": item.uri,
                "thread_title": item.thread_title,
                "state": item.comment.state.value,
                "text": item.comment.text,
                "created": iso(item.comment.created),
                "featured": item.comment.featured,
                "reports_open": item.comment.reports_open,
            }
            for item in history.items
        ],
    }


@router.get("/{key}", summary="A reader's history and standing on a site", responses=NOT_FOUND)
def reader(
    request: Request,
    site: str,
    key: str,
    session: Reading,
    limit: Annotated[int, Query(ge=1, le=200), Digits] = 50,
    offset: Annotated[Offset, Query()] = 0,
) -> JSONBody:
    """Her comments on the site, counts by state, the names she used, the rule on her."""
    view = runtime_of(request).reader_desk.reader(session, site, key, limit, offset)
    return JSONBody(reader_view(view))


@router.put("/{key}", summary="Suspend, ban or always pre-moderate a reader", responses=NOT_FOUND)
def change_reader(
    request: Request, site: str, key: str, body: ReaderRuleBody, session: Changing
) -> JSONBody:
    """Suspend for N days with a message, ban, always pre-moderate, or lift; undoable."""
    changes = body.model_dump(exclude_unset=True)
    view = runtime_of(request).reader_desk.change(session, site, key, changes)
    return JSONBody(reader_view(view))
