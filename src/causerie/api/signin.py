"""Reader sign-in over HTTP: options, publisher tokens, the OIDC pop-up, sessions.

- ``GET /api/signin/options?site=…``: the site's policy and sign-in buttons.
- ``GET /api/signin/me``: who the session in ``X-Causerie-Session`` names.
- ``POST /api/signin/sso``: a publisher's token for its reader → a session.
- ``POST /api/signin/email`` then ``/api/signin/email/verify``: a code mailed
  through the outbox (the mail's link carries it too) → a session.
- ``POST /api/signin/signout``: end the session.
- ``GET /signin/oidc/start`` and ``/signin/oidc/callback``: the pop-up's two ends;
  the last page posts the session to the opener's origin (``postMessage``).

The session is a token the widget keeps and sends in a header, not a cookie:
a page on another domain with third-party cookies blocked still signs in.
"""

from __future__ import annotations

from html import escape
from typing import Annotated, Any
from urllib.parse import urlsplit

import orjson
from fastapi import APIRouter, Header, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import RedirectResponse, Response

from causerie.api.http import JSONBody, client_ip, request_lang, status_of
from causerie.api.state import runtime_of, web_of
from causerie.core.errors import CauserieError, Forbidden, InvalidField
from causerie.core.i18n import direction, negotiate, translate
from causerie.core.readers import EmailSignin, ReaderService, Session

router = APIRouter(tags=["sign-in"])

SESSION_HEADER = "X-Causerie-Session"
CALLBACK_PATH = "/signin/oidc/callback"
# The pop-up's last page runs one script from this server and nothing else.
DONE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
SessionHeader = Annotated[str | None, Header(alias=SESSION_HEADER)]


class PublisherTokenBody(BaseModel):
    """A token the publisher's site signed for its logged-in reader."""

    token: str = Field(max_length=8192, description="JWT (HS256 or EdDSA) from the publisher.")
    site: str | None = Field(None, description="Site name (default site if absent).")


class EmailBody(BaseModel):
    """A reader asking for a sign-in code by e-mail."""

    email: str = Field(max_length=320)
    name: str = Field(max_length=200, description="The name to show with her comments.")
    page: str = Field(max_length=2000, description="The article page: the mailed link opens it.")
    site: str | None = None
    lang: str | None = None


class CodeBody(BaseModel):
    """The code from the mail (typed, or read from the link) for the widget's handle."""

    handle: str = Field(max_length=100)
    code: str = Field(max_length=12)
    site: str | None = None


def readers(request: Request) -> ReaderService:
    """The sign-in service of this app."""
    return runtime_of(request).readers


def session_view(session: Session) -> dict[str, Any]:
    """What the widget keeps after a sign-in."""
    return {"token": session.token, **_reader_view(session.reader.name, session.reader.method)}


def _reader_view(name: str, method: str) -> dict[str, Any]:
    return {"name": name, "method": method}


@router.get("/api/signin/options", summary="A site's policy and sign-in methods")
def options(request: Request, site: Annotated[str | None, Query()] = None) -> JSONBody:
    """``{"site", "policy", "methods": [{"method", "name"?, "login_url"?}]}``."""
    return JSONBody(readers(request).options(site))


@router.get("/api/signin/me", summary="Who the session names")
def me(request: Request, session: SessionHeader = None) -> JSONBody:
    """The signed-in reader's name and method; 401 ``signin_required`` without a session."""
    found = readers(request).require(session)
    body = {**_reader_view(found.name, found.method), "subscriber": found.subscriber}
    return JSONBody(body, headers={"Cache-Control": "private, no-store"})


@router.post("/api/signin/sso", summary="Sign in with the publisher's token")
def sign_in_publisher(request: Request, body: PublisherTokenBody) -> JSONBody:
    """Verify the publisher's token and open a session: ``{"token", "name", "method"}``."""
    session = readers(request).sign_in_publisher(body.site, body.token)
    return JSONBody(session_view(session), headers={"Cache-Control": "no-store"})


@router.post("/api/signin/signout", status_code=204, summary="Sign out")
def sign_out(request: Request, session: SessionHeader = None) -> Response:
    """End the session in the header (an unknown one is ignored)."""
    readers(request).sign_out(session)
    return Response(status_code=204)


@router.post("/api/signin/email", status_code=202, summary="Mail a sign-in code and link")
def sign_in_by_email(request: Request, body: EmailBody) -> JSONBody:
    """Queue the mail (through the outbox); ``{"handle"}`` for the widget to finish with."""
    service = readers(request)
    name = service.comments.site(body.site).name
    _check_origin(request, _origin_of(body.page), name)
    lang = negotiate(body.lang, None, request_lang(request))
    service.throttle(_ip(request))
    handle = service.start_email(name, EmailSignin(body.email, body.name, body.page, lang))
    return JSONBody({"handle": handle}, status_code=202, headers={"Cache-Control": "no-store"})


@router.post("/api/signin/email/verify", summary="Finish an e-mail sign-in")
def verify_email_code(request: Request, body: CodeBody) -> JSONBody:
    """The mailed code for this handle, once, within 10 minutes: ``{"token", "name", "method"}``."""
    readers(request).throttle(_ip(request))
    session = readers(request).finish_email(body.handle, body.code)
    return JSONBody(session_view(session), headers={"Cache-Control": "no-store"})


def _ip(request: Request) -> str:
    return client_ip(request, runtime_of(request).settings.trusted_proxies)


def _origin_of(page: str) -> str:
    parts = urlsplit(page)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidField("page_invalid", field="page")
    return f"{parts.scheme}://{parts.netloc}"


def _check_origin(request: Request, origin: str, site: str) -> None:
    """Sessions and links go only to pages of origins allowed to write to the site."""
    own = str(request.base_url).rstrip("/")
    if origin != own and not web_of(request).origin_policy.may_write(origin, site):
        raise Forbidden("origin_not_allowed")


def _public_base(request: Request) -> str:
    return runtime_of(request).links.base_url.rstrip("/")


@router.get(
    "/signin/oidc/start", summary="Pop-up: go to the OIDC provider", include_in_schema=False
)
def oidc_start(
    request: Request,
    origin: Annotated[str, Query(max_length=300)],
    site: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """Remember state, nonce and PKCE verifier; redirect the pop-up to the provider."""
    service = readers(request)
    name = service.comments.site(site).name
    origin = origin.rstrip("/")
    _check_origin(request, origin, name)
    service.throttle(_ip(request))
    start = service.start_oidc(
        name, origin, _public_base(request) + CALLBACK_PATH, request_lang(request)
    )
    return RedirectResponse(start.url, status_code=303, headers={"Cache-Control": "no-store"})


@router.get(CALLBACK_PATH, summary="Pop-up: back from the OIDC provider", include_in_schema=False)
def oidc_callback(
    request: Request,
    state: Annotated[str, Query(max_length=200)] = "",
    code: Annotated[str, Query(max_length=2000)] = "",
) -> Response:
    """Finish the sign-in and hand the session to the widget that opened the pop-up."""
    lang = request_lang(request)
    if not state or not code:
        return _done_page(lang, translate("widget.signin.failed", lang), None)
    try:
        session, origin, lang = readers(request).finish_oidc(
            state, code, _public_base(request) + CALLBACK_PATH
        )
    except CauserieError as refused:
        # A page for the reader in the pop-up, not JSON: the error in her language.
        text = translate(f"error.{refused.code}", lang)
        return _done_page(lang, text, None, status_of(refused), refused.code)
    data = {**session_view(session), "origin": origin}
    return _done_page(lang, translate("widget.signin.done", lang, name=session.reader.name), data)


def _done_page(
    lang: str, message: str, data: dict[str, Any] | None, status: int = 200, error: str = ""
) -> Response:
    script = ""
    if data is not None:
        # JSON in a data block, "<" escaped so that no value can close the element.
        blob = orjson.dumps(data).decode().replace("<", "\\u003c")
        script = (
            f'<script type="application/json" id="causerie-signin">{blob}</script>'
            '<script src="/static/signin-done.js"></script>'
        )
    html = (
        f'<!doctype html><html lang="{escape(lang)}" dir="{direction(lang)}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{escape(message)}</title></head><body>"
        f'<main data-error="{escape(error)}"><p>{escape(message)}</p></main>'
        f"{script}</body></html>"
    )
    headers = {"Content-Security-Policy": DONE_CSP, "Cache-Control": "no-store"}
    return Response(html, status, media_type="text/html; charset=utf-8", headers=headers)
