"""Moderators and signed-in readers: who she is, her other comments, block her.

- ``GET /api/admin/readers/{id}``: the reader (name, method, subscriber, blocked)
  and her comments on the site, newest first.
- ``PUT /api/admin/readers/{id}/block`` ``{"blocked": true|false}``: a blocked
  reader's sessions end and her new comments are refused, whatever name,
  address or network she uses next with that account.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from causerie.api.http import JSONBody
from causerie.api.moderation import Changing, Reading, moderation
from causerie.api.params import Id
from causerie.api.signin import readers
from causerie.core.accounts import Session
from causerie.core.errors import NotFound
from causerie.core.threads import iso
from causerie.store.records import IdentityRecord

router = APIRouter(prefix="/api/admin/readers", tags=["moderation"])


class BlockBody(BaseModel):
    """Block (true) or unblock (false)."""

    blocked: bool


def _checked(request: Request, session: Session, identity_id: int) -> IdentityRecord:
    """The reader, if the moderator may act on her site."""
    found = readers(request).store.identity(identity_id)
    site = readers(request).comments.store.site_by_id(found.site_id) if found else None
    if found is None or site is None:
        raise NotFound("reader_not_found")
    moderation(request).site(session, site.name)
    return found


def _view(found: IdentityRecord) -> dict[str, Any]:
    return {
        "id": found.id,
        "name": found.name,
        "method": found.method,
        "issuer": found.issuer,
        "subscriber": found.subscriber,
        "blocked": found.blocked,
        "created": iso(found.created),
        "last_seen": iso(found.last_seen),
    }


# A reader that does not exist, or whose site is gone, is a 404 (like an unknown import).
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {
        "description": "No such reader (`reader_not_found`).",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
}


@router.get("/{identity_id}", summary="A signed-in reader and her comments", responses=NOT_FOUND)
def reader(request: Request, identity_id: Id, session: Reading) -> JSONBody:
    """Her identity (never her e-mail) and her comments on the site, newest first."""
    _checked(request, session, identity_id)
    found, comments = readers(request).comments_by(identity_id)
    items = [
        {
            "id": c.id,
            "thread_id": c.thread_id,
            "state": c.state.value,
            "text": c.text,
            "created": iso(c.created),
        }
        for c in comments
    ]
    return JSONBody({"reader": _view(found), "comments": items})


@router.put(
    "/{identity_id}/block", summary="Block or unblock a signed-in reader", responses=NOT_FOUND
)
def block(request: Request, identity_id: Id, body: BlockBody, session: Changing) -> JSONBody:
    """A blocked reader's sessions end and her next comments are refused (403 reader_blocked)."""
    _checked(request, session, identity_id)
    return JSONBody({"reader": _view(readers(request).block(identity_id, body.blocked))})
