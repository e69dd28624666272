"""The Akismet wire protocol: how a request is read, whose key it names, how a refusal reads.

Form-encoded in (query string and body, bounded to :data:`MAX_BODY`, in the
``blog_charset`` the client names); Akismet's exact plain-text bodies out,
with status 200 like Akismet and ``X-akismet-debug-help`` on every
``invalid``. The only non-200 answers are a body over :data:`MAX_BODY` (413)
and a key over its rate limit (429, with ``X-akismet-error``), where a 200
would be a lie.

The key is read from ``api_key``, then ``key`` (form or query string), then
the first label of the Host header (``<key>.causerie.example``), because the
known clients each do one of these. The calls themselves are in
``api/akismet.py`` (comments) and ``api/akismet_account.py`` (the account).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, Request
from starlette.responses import PlainTextResponse, Response

from causerie.api.state import runtime_of
from causerie.core.apikeys import ApiKeys, UsageMeter, looks_like_key
from causerie.core.ratelimit import RateLimiter
from causerie.store.records import ApiKeyRecord

MAX_BODY = 256 * 1024
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass
class AkismetState:
    """What the Akismet API keeps per application: keys, counters, limits."""

    keys: ApiKeys
    meter: UsageMeter
    # The server's shared limiter: in Redis when configured, so all workers count together.
    limiter: RateLimiter


@dataclass
class AkismetRequest:
    """A parsed request: its parameters, the key it names, or why it is malformed."""

    params: dict[str, str]
    context: list[str]
    key: str
    problem: str = ""
    too_large: bool = False


def akismet_state(request: Request) -> AkismetState:
    """The Akismet API's share of the app's runtime."""
    runtime = runtime_of(request)
    return AkismetState(runtime.api_keys, runtime.usage, runtime.rate_limiter)


# -- request parsing -----------------------------------------------------------


async def _read_body(request: Request) -> bytes | None:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return bytes(body)


def _parse_form(raw: str, charset: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(raw, keep_blank_values=True, encoding=charset, errors="replace")
    except LookupError:  # an unknown blog_charset: UTF-8 is what everyone sends
        return parse_qsl(raw, keep_blank_values=True, errors="replace")


async def read_request(request: Request) -> AkismetRequest:
    """Parse query string and form body (bounded) into Akismet parameters."""
    pairs = list(parse_qsl(request.url.query, keep_blank_values=True, errors="replace"))
    problem = ""
    body = await _read_body(request)
    if body is None:
        return AkismetRequest({}, [], "", f"Request body larger than {MAX_BODY} bytes.", True)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if body and content_type == "multipart/form-data":
        form = await request.form(max_files=0)
        pairs += [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    elif body and content_type in ("", FORM_TYPES[0]):
        raw = body.decode("latin-1")
        form_pairs = _parse_form(raw, "utf-8")
        charset = dict(form_pairs).get("blog_charset", "").strip().lower()
        if charset.replace("-", "") not in ("utf8", ""):
            form_pairs = _parse_form(raw, charset)
        pairs += form_pairs
    elif body:
        problem = "Requests must be form-encoded (application/x-www-form-urlencoded)."
    params: dict[str, str] = {}
    context: list[str] = []
    for name, value in pairs:
        if name in ("comment_context[]", "comment_context"):
            context.append(value)
        params[name] = value
    return AkismetRequest(params, context, _key_of(params, request), problem)


def _key_of(params: dict[str, str], request: Request) -> str:
    for name in ("api_key", "key"):
        value = params.get(name, "").strip()
        if value:
            return value
    host = request.headers.get("host", "").split(":")[0]
    label, dot, _ = host.partition(".")
    return label.lower() if dot and looks_like_key(label) else ""


Parsed = Annotated[AkismetRequest, Depends(read_request)]


# -- responses -----------------------------------------------------------------


def text_answer(body: str, headers: dict[str, str] | None = None, status: int = 200) -> Response:
    """A plain-text answer, as Akismet gives them."""
    return PlainTextResponse(body, status_code=status, headers=headers)


def invalid(help_text: str) -> Response:
    """``invalid``, saying why in ``X-akismet-debug-help``."""
    return text_answer("invalid", {"X-akismet-debug-help": help_text})


def too_large(parsed: AkismetRequest) -> Response:
    """413 ``invalid``: the body was over ``MAX_BODY``."""
    return text_answer("invalid", {"X-akismet-debug-help": parsed.problem}, 413)


def authorise(
    state: AkismetState, parsed: AkismetRequest, *, need_blog: bool
) -> ApiKeyRecord | Response:
    """The caller's key, or the Akismet-style answer explaining why there is none."""
    if parsed.too_large:
        return too_large(parsed)
    if parsed.problem:
        return invalid(parsed.problem)
    if not parsed.key:
        return invalid('Empty "api_key" value')
    record = state.keys.lookup(parsed.key)
    if record is None:
        return invalid("Your API key is not valid for this Causerie server.")
    if record.revoked is not None:
        return invalid("This API key has been revoked.")
    if need_blog and not parsed.params.get("blog", "").strip():
        return invalid('Empty "blog" value')
    return record


def rate_limited(state: AkismetState, record: ApiKeyRecord) -> Response | None:
    """429 when the key is over its calls per minute, else None (the call is counted)."""
    per_minute = record.rate_per_minute
    if per_minute <= 0 or state.limiter.hit(f"akismet:{record.id}", per_minute, 60):
        return None
    headers = {
        # A sliding minute: the oldest counted call leaves it within 60 s.
        "Retry-After": "60",
        "X-akismet-error": "rate limit exceeded",
        "X-akismet-debug-help": f"This key allows {record.rate_per_minute} calls per minute.",
    }
    return text_answer("Rate limit exceeded.", headers, 429)
