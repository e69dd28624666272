"""Imports from the dashboard (admins only): upload a file, poll its progress, read the summary.

``POST /api/admin/imports?site=…&format=…[&dry_run=true][&with_pingbacks=true][&learn=true]``
with the file as the request body (``X-File-Name`` names it) answers 202 and
the job; ``GET /api/admin/imports/{id}`` tells how far it got. The body is
streamed to a temporary file, never held in memory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request

from causerie.api.http import JSONBody
from causerie.api.moderation import Changing, Reading, moderation
from causerie.api.state import runtime_of
from causerie.core.accounts import Session
from causerie.core.errors import Forbidden, InvalidField, NotFound
from causerie.importers import FORMATS, canonical
from causerie.importers.writer import ImportOptions

router = APIRouter(prefix="/api/admin", tags=["moderation"])

# Larger exports go through ``causerie import`` on the server.
MAX_UPLOAD = 2 * 1024**3
Flag = Annotated[bool, Query()]


def _admin(session: Session) -> None:
    if not session.is_admin:
        raise Forbidden("admin_only")


@router.post("/imports", status_code=202, summary="Start an import from an uploaded export")
async def start_import(
    request: Request,
    session: Changing,
    site: Annotated[str, Query(max_length=64)],
    format: Annotated[str, Query(max_length=16)],
    dry_run: Flag = False,
    with_pingbacks: Flag = False,
    learn: Flag = False,
) -> JSONBody:
    """Store the body in a temporary file and import it in the background."""
    _admin(session)
    if format not in FORMATS:
        raise InvalidField("field_invalid", field="format")
    moderation(request).site(session, site)  # an existing site (404 otherwise)
    name = Path(request.headers.get("x-file-name", "") or f"upload.{format}").name[:200]
    path = await _save(request)
    options = ImportOptions(site, canonical(format), dry_run, (), with_pingbacks, learn)
    job = runtime_of(request).import_jobs.start(options, path, name)
    return JSONBody(job.view(), status_code=202)


async def _save(request: Request) -> Path:
    handle, name = tempfile.mkstemp(prefix="causerie-import-")
    path = Path(name)
    size = 0
    try:
        with os.fdopen(handle, "wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_UPLOAD:
                    raise InvalidField("upload_too_large", field="file", max=MAX_UPLOAD)
                out.write(chunk)
        if size == 0:
            raise InvalidField("upload_empty", field="file")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


@router.get("/imports/{job_id}", summary="How an import is going")
def import_status(request: Request, job_id: str, session: Reading) -> JSONBody:
    """Counts so far; the summary and warnings once done; the failing line if it failed."""
    _admin(session)
    job = runtime_of(request).import_jobs.get(job_id)
    if job is None:
        raise NotFound("import_not_found")
    return JSONBody(job.view())
