"""The Akismet-compatible API's comment calls, at the server's root (``/1.1/…``).

``verify-key``, ``comment-check`` (``true``/``false``, ``X-akismet-guid`` on
every check, ``X-akismet-pro-tip: discard`` for blatant spam) and
``submit-spam``/``submit-ham`` (``Thanks for making the web a better place.``),
with the mapping of Akismet's parameters onto what the filter looks at, and
:class:`InlineCommentCheck`, the hot path of comment-check. How a request is
read and refused is ``api/akismet_protocol.py``; the account and statistics
calls are ``api/akismet_account.py``.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import replace

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from causerie.api.akismet_protocol import (
    AkismetRequest,
    Parsed,
    akismet_state,
    authorise,
    rate_limited,
    read_request,
    text_answer,
)
from causerie.api.state import runtime_of
from causerie.core.errors import NotFound
from causerie.core.identity import hash_ip
from causerie.core.sites import SiteSettings
from causerie.spam.verdict import CommentSample, SpamFilter, Verdict

MAX_CONTENT = 20_000
THANKS = "Thanks for making the web a better place."
# The toxicity model's score in [0, 1] on comment-check (docs/akismet.md).
TOXICITY_HEADER = "X-Causerie-Toxicity"
SPAM_TRIGGERS = frozenset({"akismet-guaranteed-spam", "viagra-test-123"})
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


router = APIRouter(tags=["akismet"])


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


_SLUG_RE = re.compile(r"[^/?#]+")


def permalink_title(permalink: str) -> str:
    """The words of a permalink's last path segment: WordPress slugs are the post's title.

    ``https://blog.example/2017/02/capstone-proposal/`` -> ``capstone proposal``; a
    numeric or ``?p=42`` permalink gives nothing (no title is better than a wrong one).
    """
    path = permalink.split("://", 1)[-1].partition("/")[2].split("?", 1)[0].split("#", 1)[0]
    segments = [s for s in _SLUG_RE.findall(path) if not s.isdigit()]
    if not segments:
        return ""
    slug = segments[-1].rsplit(".", 1)[0] if "." in segments[-1] else segments[-1]
    words = [w for w in re.split(r"[-_+]+", slug) if w and not w.isdigit()]
    return " ".join(words) if len(words) >= 2 else ""


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
        article_title=permalink_title(params.get("permalink", "")[:1024]),
        user_agent=params.get("user_agent", "")[:512],
        ip_hash=hash_ip(secret, user_ip) if user_ip else "",
        site_languages=languages,
        honeypot_filled=_honeypot_filled(params),
        comment_type=params.get("comment_type", "").strip()[:32] or "comment",
    )


def _is_test(params: dict[str, str]) -> bool:
    return params.get("is_test", "").strip().lower() in ("1", "true", "yes")


def _sensitivity(request: Request, site_name: str) -> str:
    """The key's site's spam sensitivity (sites are cached per process: no query)."""
    comments = runtime_of(request).comments
    try:
        return comments.site_settings(comments.site(site_name)).spam_sensitivity
    except NotFound:
        return ""


def _toxicity_policy(request: Request, site_name: str) -> str:
    """The key's site's toxicity policy: with ``off`` the model is not run at all."""
    comments = runtime_of(request).comments
    try:
        return comments.site_settings(comments.site(site_name)).toxicity_policy
    except NotFound:
        return SiteSettings.for_site(comments.settings, None).toxicity_policy


def _spam_filter(request: Request) -> SpamFilter:
    spam: SpamFilter = runtime_of(request).spam
    return spam


# -- 1.1 endpoints -------------------------------------------------------------


@router.post("/1.1/verify-key", response_class=PlainTextResponse)
def verify_key(request: Request, parsed: Parsed) -> Response:
    """``valid`` if the key (``key``, ``api_key`` or Host) is active, else ``invalid``."""
    key = parsed.params.get("key", "").strip() or parsed.key
    parsed.key = key
    answer = authorise(akismet_state(request), parsed, need_blog=True)
    if isinstance(answer, Response):
        return answer
    return text_answer("valid")


@router.post("/1.1/comment-check", response_class=PlainTextResponse)
def comment_check(request: Request, parsed: Parsed) -> Response:
    """``true`` (spam) or ``false`` (ham); blatant spam adds ``X-akismet-pro-tip: discard``."""
    state = akismet_state(request)
    answer = authorise(state, parsed, need_blog=True)
    if isinstance(answer, Response):
        return answer
    limited = rate_limited(state, answer)
    if limited is not None:
        return limited
    params = parsed.params
    verdict = Verdict.HAM
    if params.get("comment_author", "").strip().lower() in SPAM_TRIGGERS:
        verdict = Verdict.SPAM
    elif params.get("user_role", "").strip().lower() != "administrator":
        sample = sample_of(params, answer.site_name, runtime_of(request).secret)
        sample = replace(sample, spam_sensitivity=_sensitivity(request, answer.site_name))
        verdict = _spam_filter(request).check(sample).verdict
    is_spam = verdict is not Verdict.HAM
    state.meter.count(
        answer.id, params["blog"], api_calls=1, spam=int(is_spam), ham=int(not is_spam)
    )
    headers = {"X-akismet-guid": secrets.token_hex(16)}
    if verdict is Verdict.DISCARD:
        headers["X-akismet-pro-tip"] = "discard"
    toxicity = _toxicity_header(request, params, answer.site_name)
    if toxicity is not None:
        headers[TOXICITY_HEADER] = toxicity
    return text_answer("true" if is_spam else "false", headers)


def _toxicity_header(request: Request, params: dict[str, str], site: str) -> str | None:
    """The toxicity model's score of the comment (``0.9312``).

    None, without running the model, when none is loaded or the site's
    toxicity policy is ``off``.

    An extra header only: Akismet clients read the body and their own headers,
    so their answers are unchanged; a site that wants the score reads this one.
    """
    judge = runtime_of(request).toxicity
    content = params.get("comment_content", "")[:MAX_CONTENT]
    if judge is None or not content.strip() or _toxicity_policy(request, site) == "off":
        return None
    languages = blog_languages(params.get("blog_lang", ""))
    found = judge.judge(content, languages[0] if languages else "", site)
    return f"{found.score:.4f}"


def _submit(request: Request, parsed: AkismetRequest, is_spam: bool) -> Response:
    state = akismet_state(request)
    answer = authorise(state, parsed, need_blog=True)
    if isinstance(answer, Response):
        return answer
    limited = rate_limited(state, answer)
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
    return text_answer(THANKS)


@router.post("/1.1/submit-spam", response_class=PlainTextResponse)
def submit_spam(request: Request, parsed: Parsed) -> Response:
    """Teach the key's site that this comment is spam (unless ``is_test``)."""
    return _submit(request, parsed, True)


@router.post("/1.1/submit-ham", response_class=PlainTextResponse)
def submit_ham(request: Request, parsed: Parsed) -> Response:
    """Teach the key's site that this comment is not spam (unless ``is_test``)."""
    return _submit(request, parsed, False)


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
