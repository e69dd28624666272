"""The dashboard's page (``/admin``) and its assets, in French, English or Arabic."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import FileResponse, HTMLResponse, Response

from causerie.api.http import request_lang
from causerie.api.pages import asset_path
from causerie.core.errors import NotFound
from causerie.core.i18n import FALLBACK, direction

ADMIN = Path(__file__).resolve().parent.parent / "web" / "admin"
ASSET_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
# The page loads only its own files: no inline script, no third party.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

router = APIRouter(include_in_schema=False)


@cache
def admin_catalog(lang: str) -> dict[str, str]:
    """The dashboard's strings in ``lang``, English filling any gap."""
    merged: dict[str, str] = {}
    for code in (FALLBACK, lang):
        path = ADMIN / "i18n" / f"{code}.json"
        if path.is_file():
            merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


@router.get("/admin")
def dashboard(request: Request) -> Response:
    """The single page of the dashboard, in the request's language and direction."""
    lang = request_lang(request)
    text = admin_catalog(lang)
    strings = json.dumps(text, ensure_ascii=False).replace("</", "<\\/")
    html = (ADMIN / "index.html").read_text(encoding="utf-8")
    html = (
        html.replace("{{lang}}", lang)
        .replace("{{dir}}", direction(lang))
        .replace("{{title}}", text.get("admin.title", "Moderation"))
        .replace("{{skip}}", text.get("admin.skip", "Skip to content"))
        .replace("{{loading}}", text.get("admin.loading", "Loading…"))
        .replace("{{strings}}", strings)
    )
    return HTMLResponse(html, headers={**SECURITY_HEADERS, "Content-Language": lang})


@router.get("/admin/assets/{name}")
def asset(name: str) -> Response:
    """The dashboard's script and style sheet."""
    path = asset_path(ADMIN, name)
    if path is None or path.parent != ADMIN or path.suffix not in ASSET_TYPES:
        raise NotFound("path_not_found")
    return FileResponse(
        path, media_type=ASSET_TYPES[path.suffix], headers={"Cache-Control": "no-cache"}
    )
