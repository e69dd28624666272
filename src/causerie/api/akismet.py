"""The Akismet-compatible API, at the server's root (``/1.1/…``, ``/1.2/…``).

Form-encoded in; Akismet's exact plain-text bodies out (``valid``/``invalid``,
``true``/``false``, ``Thanks for making the web a better place.``), always
with status 200 like Akismet, and its headers: ``X-akismet-guid`` on every
check, ``X-akismet-pro-tip: discard`` for blatant spam,
``X-akismet-debug-help`` on every ``invalid``. The only non-200 answers are a
body over :data:`MAX_BODY` (413) and a key over its rate limit (429, with
``X-akismet-error``), where a 200 would be a lie.

The key is read from ``api_key``, then ``key`` (form or query string), then
the first label of the Host header (``<key>.causerie.example``), because the
known clients each do one of these.
"""

from __future__ import annotations

import csv
import io
import logging
import secrets
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from causerie.api.http import JSONBody
from causerie.api.state import runtime_of
from causerie.core.apikeys import (
    SITES_ORDERS,
    ApiKeys,
    SitesQuery,
    UsageMeter,
    current_month,
    looks_like_key,
)
from causerie.core.identity import hash_ip
from causerie.core.ratelimit import RateLimiter
from causerie.spam.verdict import CommentSample, SpamFilter, Verdict
from causerie.store.records import ApiKeyRecord

log = logging.getLogger("causerie.akismet")

MAX_BODY = 256 * 1024
MAX_CONTENT = 20_000
THANKS = "Thanks for making the web a better place."
SPAM_TRIGGERS = frozenset({"akismet-guaranteed-spam", "viagra-test-123"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Parameters with a meaning of their own, which cannot name the honeypot field.
KNOWN_FIELDS = frozenset(
    [
        "api_key",
        "key",
        "blog",
        "user_ip",
        "user_agent",
        "referrer",
        "permalink",
        "comment_type",
        "comment_author",
        "comment_author_email",
        "comment_author_url",
        "comment_content",
        "comment_date_gmt",
        "comment_post_modified_gmt",
        "blog_lang",
        "blog_charset",
        "user_role",
        "is_test",
        "recheck_reason",
        "honeypot_field_name",
        "comment_parent",
    ]
)


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


router = APIRouter(tags=["akismet"])


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


def _text(body: str, headers: dict[str, str] | None = None, status: int = 200) -> Response:
    return PlainTextResponse(body, status_code=status, headers=headers)


def _invalid(help_text: str) -> Response:
    return _text("invalid", {"X-akismet-debug-help": help_text})


def _too_large(parsed: AkismetRequest) -> Response:
    return _text("invalid", {"X-akismet-debug-help": parsed.problem}, 413)


def _authorise(
    state: AkismetState, parsed: AkismetRequest, *, need_blog: bool
) -> ApiKeyRecord | Response:
    """The caller's key, or the Akismet-style answer explaining why there is none."""
    if parsed.too_large:
        return _too_large(parsed)
    if parsed.problem:
        return _invalid(parsed.problem)
    if not parsed.key:
        return _invalid('Empty "api_key" value')
    record = state.keys.lookup(parsed.key)
    if record is None:
        return _invalid("Your API key is not valid for this Causerie server.")
    if record.revoked is not None:
        return _invalid("This API key has been revoked.")
    if need_blog and not parsed.params.get("blog", "").strip():
        return _invalid('Empty "blog" value')
    return record


def _rate_limited(state: AkismetState, record: ApiKeyRecord) -> Response | None:
    per_minute = record.rate_per_minute
    if per_minute <= 0 or state.limiter.hit(f"akismet:{record.id}", per_minute, 60):
        return None
    headers = {
        # A sliding minute: the oldest counted call leaves it within 60 s.
        "Retry-After": "60",
        "X-akismet-error": "rate limit exceeded",
        "X-akismet-debug-help": f"This key allows {record.rate_per_minute} calls per minute.",
    }
    return _text("Rate limit exceeded.", headers, 429)


# The WordPress plugin's own honeypot: a hidden textarea it forwards as POST_<name>.
WORDPRESS_HONEYPOT = "POST_ak_hp_textarea"


def blog_languages(value: str) -> tuple[str, ...]:
    """``fr_FR, ar`` → ``("fr", "ar")``: WordPress sends its locale, others ISO 639-1."""
    languages: list[str] = []
    for part in value.split(","):
        language = part.strip().replace("_", "-").split("-")[0].lower()[:8]
        if language and language not in languages:
            languages.append(language)
    return tuple(languages)


def _honeypot_filled(params: dict[str, str]) -> bool:
    named = params.get("honeypot_field_name", "").strip()
    if named and named not in KNOWN_FIELDS and params.get(named, "").strip():
        return True
    return bool(params.get(WORDPRESS_HONEYPOT, "").strip())


def sample_of(params: dict[str, str], site: str, secret: str) -> CommentSample:
    """Map comment-check parameters onto what the filter looks at (no raw IP)."""
    languages = blog_languages(params.get("blog_lang", ""))
    user_ip = params.get("user_ip", "").strip()
    return CommentSample(
        content=params.get("comment_content", "")[:MAX_CONTENT],
        author=params.get("comment_author", "")[:200],
        email=params.get("comment_author_email", "")[:320],
        url=params.get("comment_author_url", "")[:512],
        lang=languages[0] if languages else "",
        site=site,
        permalink=params.get("permalink", "")[:1024],
        user_agent=params.get("user_agent", "")[:512],
        ip_hash=hash_ip(secret, user_ip) if user_ip else "",
        site_languages=languages,
        honeypot_filled=_honeypot_filled(params),
        comment_type=params.get("comment_type", "").strip()[:32] or "comment",
    )


def _is_test(params: dict[str, str]) -> bool:
    return params.get("is_test", "").strip().lower() in ("1", "true", "yes")


def _spam_filter(request: Request) -> SpamFilter:
    spam: SpamFilter = runtime_of(request).spam
    return spam


# -- 1.1 endpoints -------------------------------------------------------------


@router.post("/1.1/verify-key", response_class=PlainTextResponse)
def verify_key(request: Request, parsed: Parsed) -> Response:
    """``valid`` if the key (``key``, ``api_key`` or Host) is active, else ``invalid``."""
    key = parsed.params.get("key", "").strip() or parsed.key
    parsed.key = key
    answer = _authorise(akismet_state(request), parsed, need_blog=True)
    if isinstance(answer, Response):
        return answer
    return _text("valid")


@router.post("/1.1/comment-check", response_class=PlainTextResponse)
def comment_check(request: Request, parsed: Parsed) -> Response:
    """``true`` (spam) or ``false`` (ham); blatant spam adds ``X-akismet-pro-tip: discard``."""
    state = akismet_state(request)
    answer = _authorise(state, parsed, need_blog=True)
    if isinstance(answer, Response):
        return answer
    limited = _rate_limited(state, answer)
    if limited is not None:
        return limited
    params = parsed.params
    verdict = Verdict.HAM
    if params.get("comment_author", "").strip().lower() in SPAM_TRIGGERS:
        verdict = Verdict.SPAM
    elif params.get("user_role", "").strip().lower() != "administrator":
        sample = sample_of(params, answer.site_name, runtime_of(request).secret)
        verdict = _spam_filter(request).check(sample).verdict
    is_spam = verdict is not Verdict.HAM
    state.meter.count(
        answer.id, params["blog"], api_calls=1, spam=int(is_spam), ham=int(not is_spam)
    )
    headers = {"X-akismet-guid": secrets.token_hex(16)}
    if verdict is Verdict.DISCARD:
        headers["X-akismet-pro-tip"] = "discard"
    return _text("true" if is_spam else "false", headers)


def _submit(request: Request, parsed: AkismetRequest, is_spam: bool) -> Response:
    state = akismet_state(request)
    answer = _authorise(state, parsed, need_blog=True)
    if isinstance(answer, Response):
        return answer
    limited = _rate_limited(state, answer)
    if limited is not None:
        return limited
    params = parsed.params
    counter = "missed_spam" if is_spam else "false_positives"
    if _is_test(params):
        state.meter.count(answer.id, params["blog"], api_calls=1)
    else:
        sample = sample_of(params, answer.site_name, runtime_of(request).secret)
        # The same path as a moderator's decision: the site's layer learns from it.
        _spam_filter(request).learn(sample, is_spam, source="akismet_key")
        state.meter.count(answer.id, params["blog"], api_calls=1, **{counter: 1})
    return _text(THANKS)


@router.post("/1.1/submit-spam", response_class=PlainTextResponse)
def submit_spam(request: Request, parsed: Parsed) -> Response:
    """Teach the key's site that this comment is spam (unless ``is_test``)."""
    return _submit(request, parsed, True)


@router.post("/1.1/submit-ham", response_class=PlainTextResponse)
def submit_ham(request: Request, parsed: Parsed) -> Response:
    """Teach the key's site that this comment is not spam (unless ``is_test``)."""
    return _submit(request, parsed, False)


# -- 1.2 statistics --------------------------------------------------------------


@router.get("/1.2/usage-limit", response_model=None, operation_id="usage_limit_get")
@router.post("/1.2/usage-limit", response_model=None, operation_id="usage_limit_post")
def usage_limit(request: Request, parsed: Parsed) -> Response:
    """This month's calls against the key's monthly limit, as Akismet's JSON."""
    state = akismet_state(request)
    answer = _authorise(state, parsed, need_blog=False)
    if isinstance(answer, Response):
        return answer
    state.meter.flush()  # include this process's last second of calls
    usage = state.keys.calls_in_month(answer.id, current_month())
    limit = answer.monthly_limit
    body: dict[str, Any] = {
        "limit": limit or "none",
        "usage": usage,
        "percentage": f"{100 * usage / limit:.2f}" if limit else "0.00",
        "throttled": bool(limit) and usage > limit,
    }
    if parsed.params.get("extended", "").strip().lower() in ("1", "true"):
        body["notice_level"] = None
        body["upgrade"] = None
    return JSONBody(body)


CSV_HEADER = ["Site", "Total API Calls", "Spam", "Ham", "Missed Spam", "False Positives"]


@router.get("/1.2/key-sites", response_model=None, operation_id="key_sites_get")
@router.post("/1.2/key-sites", response_model=None, operation_id="key_sites_post")
def key_sites(request: Request, parsed: Parsed) -> Response:
    """The blogs that used the key in a month with their counters (JSON or CSV)."""
    state = akismet_state(request)
    answer = _authorise(state, parsed, need_blog=False)
    if isinstance(answer, Response):
        return answer
    query = SitesQuery.parse(parsed.params)
    if isinstance(query, str):
        return _invalid(query)
    state.meter.flush()
    rows = [r for r in state.keys.usage(answer.id, query.month) if query.url_filter in r.blog]
    column = SITES_ORDERS[query.order]
    rows.sort(key=lambda r: (-int(getattr(r, column)), r.blog))
    total = len(rows)
    page = rows[query.offset : query.offset + query.limit]
    if query.fmt == "csv":
        return _sites_csv(parsed.key, query, page, total)
    sites = [
        {
            "site": r.blog,
            # Akismet sends the counts as strings; clients expect them so.
            "api_calls": str(r.api_calls),
            "spam": str(r.spam),
            "ham": str(r.ham),
            "missed_spam": str(r.missed_spam),
            "false_positives": str(r.false_positives),
            "is_revoked": False,
        }
        for r in page
    ]
    body = {query.month: sites, "limit": query.limit, "offset": query.offset, "total": total}
    return JSONBody(body)


def _sites_csv(key: str, query: SitesQuery, page: list[Any], total: int) -> Response:
    out = io.StringIO()
    out.write(
        f"Active sites for {key} during {query.month} "
        f"(limit:{query.limit}, offset: {query.offset}, total: {total})\n"
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CSV_HEADER, "Is Revoked"])
    for r in page:
        writer.writerow(
            [r.blog, r.api_calls, r.spam, r.ham, r.missed_spam, r.false_positives, "false"]
        )
    return PlainTextResponse(out.getvalue().rstrip("\n"), media_type="text/csv")


class InlineCommentCheck:
    """ASGI middleware: ``POST /1.1/comment-check`` answered without routing or a thread hop.

    comment-check is the hot call of the Akismet API (a client waits at most
    one second). The body is read and parsed on the event loop; the rest
    (key lookup in SQL, the rate limit in Redis, the filter's sync with the
    learning log) may block, so it runs in the thread pool: a slow Redis or
    database stalls that one check, not every connection of the worker. The
    same functions as the documented route answer, with the same bodies and
    headers.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer comment-check inline; pass everything else on."""
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"] != "/1.1/comment-check"
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        parsed = await read_request(request)
        response = await run_in_threadpool(comment_check, request, parsed)
        await response(scope, receive, send)
