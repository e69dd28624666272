"""The dashboard's page (``/admin``) and its assets, in French, English or Arabic."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import FileResponse, HTMLResponse, Response

from causerie.api.http import request_lang
from causerie.api.moderation import COOKIE, _me, accounts, moderation
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


PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")


def _catalog_file(code: str) -> dict[str, str]:
    path = ADMIN / "i18n" / f"{code}.json"
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return data


@cache
def admin_catalog(lang: str) -> dict[str, str]:
    """The dashboard's strings in ``lang``, English filling any gap.

    Plural forms (``key.one``, ``key.other``…) are a language's own: where ``lang``
    words a message once (``key``), English forms must not stand in for it.
    """
    own = _catalog_file(lang)
    merged = {
        key: text
        for key, text in _catalog_file(FALLBACK).items()
        if not (key.rpartition(".")[2] in PLURAL_FORMS and key.rpartition(".")[0] in own)
    }
    merged.update(own)
    return merged


@cache
def desk_parts() -> tuple[str, ...]:
    """The desk's scripts in load order: ``admin.js`` (the core), then each part.

    Parts register themselves on the core when they load and are called only once the
    page is ready, so any order works; a new ``admin-*.js`` needs no change here.
    """
    parts = sorted(p.name for p in ADMIN.glob("admin-*.js"))
    return ("admin.js", *parts)


@cache
def desk_script() -> tuple[bytes, str]:
    """The parts joined into one script (one request instead of ten), and its ETag."""
    body = "\n".join(
        f"/* -- {name} -- */\n" + (ADMIN / name).read_text(encoding="utf-8")
        for name in desk_parts()
    ).encode()
    return body, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _embedded(request: Request) -> str:
    """What ``GET /api/admin/me`` would answer for this request's session, or ``null``.

    Given in the page, it saves the desk's first round trip; the page is never cached
    (``no-store``), is read by its own origin only, and the CSRF token is the session's.
    """
    session = accounts(request).session(request.cookies.get(COOKIE))
    if session is None:
        return "null"
    return json.dumps(_me(session, moderation(request)), ensure_ascii=False).replace("</", "<\\/")


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
        .replace("{{me}}", _embedded(request))
    )
    return HTMLResponse(html, headers={**SECURITY_HEADERS, "Content-Language": lang})


@router.get("/admin/assets/desk.js")
def desk(request: Request) -> Response:
    """The desk's parts as one script, revalidated by its ETag."""
    body, etag = desk_script()
    headers = {"Cache-Control": "no-cache", "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=ASSET_TYPES[".js"], headers=headers)


@router.get("/admin/assets/{name}")
def asset(name: str) -> Response:
    """The dashboard's script and style sheet."""
    path = asset_path(ADMIN, name)
    if path is None or path.parent != ADMIN or path.suffix not in ASSET_TYPES:
        raise NotFound("path_not_found")
    return FileResponse(
        path, media_type=ASSET_TYPES[path.suffix], headers={"Cache-Control": "no-cache"}
    )
