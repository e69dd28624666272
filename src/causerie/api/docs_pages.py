"""The API's documentation page (``/docs``, Swagger UI) and the site icon, served from here.

Swagger UI's script and stylesheet come from the ``fastapi-offline`` package
(a copy of swagger-ui-dist kept up to date there) and are served by Causerie
itself: the page works without internet and makes no request to another host
(no CDN, no validator badge), which the privacy promise covers for the
admin's pages too. The page has no inline script, so its CSP allows scripts
from this server only.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter
from starlette.responses import FileResponse, HTMLResponse, Response

from causerie.core.errors import NotFound

SWAGGER_UI = Path(str(files("fastapi_offline") / "static"))
STATIC = Path(__file__).resolve().parent.parent / "web" / "static"
# The only files of the package the page needs.
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
}
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'"
)
# Relative links: the page also works behind a proxy that serves Causerie under a path.
PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Causerie API</title>
<link rel="icon" href="favicon.ico">
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi="openapi.json"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="static/api-docs.js"></script>
</body>
</html>
"""
CACHED = {"Cache-Control": "public, max-age=86400"}

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def docs_page() -> HTMLResponse:
    """Swagger UI over ``/openapi.json``, every file from this server."""
    return HTMLResponse(PAGE, headers={"Content-Security-Policy": DOCS_CSP})


@router.get("/docs/assets/{name}")
def docs_asset(name: str) -> Response:
    """Swagger UI's script and stylesheet."""
    media_type = ASSETS.get(name)
    if media_type is None:
        raise NotFound("path_not_found")
    return FileResponse(SWAGGER_UI / name, media_type=media_type, headers=CACHED)


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """Causerie's icon, for the pages it serves (demo, dashboard, privacy notice, docs)."""
    return FileResponse(STATIC / "favicon.ico", media_type="image/x-icon", headers=CACHED)
