"""HTTP plumbing shared by every API module: language, client address, errors, JSON."""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from babel.dates import format_datetime
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from causerie.api.state import runtime_of
from causerie.core.errors import (
    CauserieError,
    Conflict,
    Forbidden,
    InvalidField,
    NotAuthenticated,
    NotFound,
    RateLimited,
)
from causerie.core.i18n import catalog, negotiate, translate
from causerie.core.threads import iso
from causerie.store.database import is_unavailable

log = logging.getLogger("causerie.api")
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch"})
# Parameters of a domain error that go into the JSON answer besides the message: the
# field at fault, why a thread is closed, until when and with which words a moderator
# suspended a reader (``note``: the moderator's message, shown as written).
PUBLIC_PARAMS = ("field", "reason", "until", "note")


class JSONBody(Response):
    """A JSON response serialised with orjson (fast, UTF-8, no ASCII escapes)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        """Serialise the content."""
        return orjson.dumps(content)


def request_lang(request: Request) -> str:
    """The language a response should speak: ``lang`` parameter, then Accept-Language."""
    cached = request.scope.get("causerie.lang")
    if isinstance(cached, str):
        return cached
    default = runtime_of(request).settings.default_language
    lang = negotiate(
        request.query_params.get("lang"), request.headers.get("accept-language"), default
    )
    request.scope["causerie.lang"] = lang
    return lang


def error_response(request: Request, code: str, status: int, **params: object) -> JSONBody:
    """The one error shape: ``{"error", "message"}`` in the request's language."""
    lang = request_lang(request)
    shown = {k: params[k] for k in PUBLIC_PARAMS if params.get(k) is not None}
    words = dict(params)
    until = params.get("until")
    if isinstance(until, float):
        moment = datetime.fromtimestamp(until, UTC)
        words["until"] = format_datetime(moment, "long", tzinfo=UTC, locale=lang)
        shown["until"] = iso(until)
    # A refusal with a reason has a sentence per reason (error.thread_closed.auto).
    key = f"error.{code}"
    if isinstance(params.get("reason"), str) and f"{key}.{params['reason']}" in catalog(lang):
        key = f"{key}.{params['reason']}"
    body: dict[str, Any] = {"error": code, "message": translate(key, lang, **words), **shown}
    headers = {"Content-Language": lang}
    if status == 429:
        headers["Retry-After"] = "60"
    elif status == 503:
        headers["Retry-After"] = "5"
    return JSONBody(body, status_code=status, headers=headers)


# The one place where a kind of domain error becomes an HTTP status.
STATUS_OF_KIND: dict[type[CauserieError], int] = {
    NotAuthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    InvalidField: 422,
    RateLimited: 429,
}


def status_of(error: CauserieError) -> int:
    """The HTTP status of a domain error: by its kind, 400 for any other refusal."""
    for kind in type(error).__mro__:
        status = STATUS_OF_KIND.get(kind)
        if status is not None:
            return status
    return 400


async def on_causerie_error(request: Request, exc: Exception) -> Response:
    """Turn a domain error into its localized JSON response."""
    assert isinstance(exc, CauserieError)
    return error_response(request, exc.code, status_of(exc), **exc.params)


async def on_validation_error(request: Request, exc: Exception) -> Response:
    """Schema errors (wrong type, missing field, bad JSON) as a localized 422/400."""
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {}
    if first.get("type") == "json_invalid":
        return error_response(request, "invalid_json", 400)
    location = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
    field = ".".join(location) or "body"
    specific = {
        "text": "text_required",
        "uri": "uri_required",
    }
    if first.get("type") == "missing" and field in specific:
        return error_response(request, specific[field], 422, field=field)
    return error_response(request, "field_invalid", 422, field=field)


# Starlette's own 404 means no route matched: the address, not a comment, is unknown.
STATUS_CODES = {404: "path_not_found", 405: "method_not_allowed", 413: "body_too_large"}


async def on_http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (unknown route, wrong method) in our shape."""
    assert isinstance(exc, StarletteHTTPException)
    code = STATUS_CODES.get(exc.status_code, "invalid_request")
    if exc.status_code == 400 and str(exc.detail).startswith("There was an error parsing"):
        code = "invalid_json"  # FastAPI's words for a body json cannot read (5,000 nested […])
    params: dict[str, object] = {"detail": str(exc.detail)} if code == "invalid_request" else {}
    response = error_response(request, code, exc.status_code, **params)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    if exc.status_code == 405:
        # Allow lists every method of the address (RFC 9110), not only the last route's.
        own = (exc.headers or {}).get("Allow", "")
        response.headers["Allow"] = ", ".join(allowed_methods(request, own))
    return response


def _path_pattern(template: str) -> str:
    """A regex for an OpenAPI path; ``{…_id}`` are digits, as their ``:int`` routes say."""
    parts = re.split(r"(\{[^/]+?\})", template)
    return "".join(
        ("[0-9]+" if p.endswith("_id}") else "[^/]+") if p.startswith("{") else re.escape(p)
        for p in parts
    )


def allowed_methods(request: Request, starlette_allow: str = "") -> list[str]:
    """Every method the API documents at this request's path, plus Starlette's own list."""
    methods = {m.strip() for m in starlette_allow.split(",") if m.strip()}
    path = request.url.path
    for template, item in request.app.openapi().get("paths", {}).items():
        pattern = _path_pattern(template)
        if re.fullmatch(pattern, path):
            methods |= {m.upper() for m in item if m in HTTP_METHODS}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


async def on_unexpected_error(request: Request, exc: Exception) -> Response:
    """A bug: log it with its traceback, answer a 500 in the reader's language."""
    if is_unavailable(exc):
        return await on_database_unavailable(request, exc)
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, "server_error", 500)


async def on_database_unavailable(request: Request, exc: Exception) -> Response:
    """The database is down or restarting: a 503 to retry, not a bug (and not a traceback)."""
    if not is_unavailable(exc):
        return await on_unexpected_error(request, exc)
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    return error_response(request, "service_unavailable", 503)


def client_ip(request: Request, trusted_proxies: Sequence[str]) -> str:
    """The reader's address; forwarded headers count only from trusted proxies."""
    peer = request.client.host if request.client else ""
    if not trusted_proxies or not _in_networks(peer, trusted_proxies):
        return peer
    forwarded = _forwarded_chain(request)
    # Walk from the nearest hop back, skipping our own proxies.
    for address in reversed(forwarded):
        if not _in_networks(address, trusted_proxies):
            return address
    return forwarded[0] if forwarded else peer


def _forwarded_chain(request: Request) -> list[str]:
    chain: list[str] = []
    header = request.headers.get("forwarded")
    if header:
        for element in header.split(","):
            for pair in element.split(";"):
                key, _, value = pair.strip().partition("=")
                if key.lower() == "for":
                    chain.append(_strip_port(value.strip().strip('"')))
    else:
        xff = request.headers.get("x-forwarded-for", "")
        chain = [_strip_port(part.strip()) for part in xff.split(",") if part.strip()]
    return [a for a in chain if _is_ip(a)]


def _strip_port(value: str) -> str:
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    if value.count(":") == 1:
        return value.split(":")[0]
    return value


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def in_networks(address: str, networks: Sequence[str]) -> bool:
    """True when the address lies in one of the networks (IPs or CIDRs)."""
    return _in_networks(address, networks)


def _in_networks(address: str, networks: Sequence[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for net in networks:
        try:
            if ip in ipaddress.ip_network(net, strict=False):
                return True
        except ValueError:
            continue
    return False
