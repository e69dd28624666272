"""Pages and files the server serves: the widget's assets, the demo article, health."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

from causerie.api.headers import DEMO_CSP
from causerie.api.http import JSONBody
from causerie.api.state import runtime_of, web_of
from causerie.api.widget_script import embed_script
from causerie.core.errors import NotFound
from causerie.core.ratelimit import RedisRateLimiter
from causerie.store.database import is_unavailable

WEB = Path(__file__).resolve().parent.parent / "web"
STATIC = WEB / "static"
DEMO_LANGUAGES = ("fr", "ar", "en")

router = APIRouter(include_in_schema=False)


@router.get("/health")
def health(request: Request) -> JSONBody:
    """Health: ``ok``; ``degraded`` (200) while Redis is down; 503 while the database is.

    ``{"status": "ok" | "degraded" | "unavailable", "database": "ok" | "unavailable",
    "redis": "ok" | "unavailable" | "off"}``. Degraded still serves everything, on this
    process's own rate-limit counters and without other processes' cache invalidations.
    """
    runtime = runtime_of(request)
    body = {"status": "ok", "database": "ok", "redis": "off"}
    status = 200
    try:
        runtime.store.meta_get("secret")
    except Exception as error:
        if not is_unavailable(error):
            raise
        body.update(status="unavailable", database="unavailable")
        status = 503
    if runtime.settings.redis_url:
        limiter = runtime.rate_limiter
        counting = limiter.check() if isinstance(limiter, RedisRateLimiter) else True
        fanout = web_of(request).fanout
        listening = fanout is None or fanout.subscribed.is_set()
        body["redis"] = "ok" if counting and listening else "unavailable"
        if body["redis"] != "ok" and status == 200:
            body["status"] = "degraded"
    return JSONBody(body, status_code=status, headers={"Cache-Control": "no-store"})


def asset_path(folder: Path, name: str) -> Path | None:
    """The file ``name`` names under ``folder``, or None (a NUL byte, a bad path, no file)."""
    if "\x00" in name:
        return None
    try:
        path = (folder / name).resolve()
        return path if path.is_file() else None
    except (OSError, ValueError):
        return None


@router.get("/static/{name:path}")
def static_file(name: str) -> Response:
    """Widget and dashboard assets, cached by browsers for an hour."""
    path = asset_path(STATIC, name)
    if path is None or STATIC not in path.parents:
        raise NotFound("path_not_found")
    return FileResponse(path, headers={"Cache-Control": "public, max-age=3600"})


@router.get("/embed.js")
def embed_js(request: Request) -> Response:
    """The widget, loaded by the publisher's one script tag (assembled from web/widget/)."""
    script = embed_script()
    headers = {
        "Cache-Control": "public, max-age=3600",
        "ETag": script.etag,
        "Last-Modified": script.last_modified,
    }
    wanted = request.headers.get("if-none-match", "")
    if script.etag in (tag.strip().removeprefix("W/") for tag in wanted.split(",")):
        return Response(status_code=304, headers=headers)
    return Response(script.body, media_type="text/javascript; charset=utf-8", headers=headers)


@router.get("/demo")
@router.get("/demo/{lang}")
def demo(request: Request, lang: str = "fr") -> Response:
    """A realistic article page with the comment thread under it (fr, ar, en)."""
    if not runtime_of(request).settings.demo or lang not in DEMO_LANGUAGES:
        raise NotFound("path_not_found")
    html = (WEB / "demo" / f"article.{lang}.html").read_text(encoding="utf-8")
    return HTMLResponse(html, headers={"Content-Security-Policy": DEMO_CSP})


@router.get("/robots.txt")
def robots() -> PlainTextResponse:
    """Let search engines read threads; keep them out of the API and admin."""
    return PlainTextResponse("User-agent: *\nDisallow: /api/\nDisallow: /admin\n")
