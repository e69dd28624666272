"""The Akismet calls a client makes about its account, not about a comment.

The WordPress plugin makes them from its settings page (read from its PHP,
see docs/akismet.md):

- ``GET /1.1/test`` → ``connected``, else "Your site can't connect";
- ``get-subscription`` → a JSON account whose ``status`` must be ``active``
  for the plugin to save the key;
- ``get-stats`` (``from=6-months|all|60-days``) → the figures of its
  Statistics card, here from the key's real usage counters;
- ``deactivate`` when the plugin is switched off → ``deactivated``.

Account calls name the key in ``key``, and the plugin adds the key it had
before in ``api_key``: ``key`` comes first here, as for verify-key.

Any other path under ``/1.1/`` or ``/1.2/`` answers 404 with the plain body
``invalid`` and an ``X-akismet-debug-help`` header, never a JSON error: the
plugin json-decodes some answers and would read an error object as an
account without a status (PHP warnings on the settings page).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import PlainTextResponse, Response

from causerie.api.akismet import Parsed, _authorise, _text, akismet_state
from causerie.api.http import JSONBody
from causerie.store.records import ApiKeyRecord

router = APIRouter(tags=["akismet"])

STATS_PERIODS = ("all", "6-months", "60-days")
# Methods with a route of their own: a wrong HTTP method on them is a 405.
KNOWN_METHODS = frozenset(
    [
        "/1.1/verify-key",
        "/1.1/comment-check",
        "/1.1/submit-spam",
        "/1.1/submit-ham",
        "/1.1/test",
        "/1.1/get-subscription",
        "/1.1/get-stats",
        "/1.1/activate",
        "/1.1/deactivate",
        "/1.2/usage-limit",
        "/1.2/key-sites",
    ]
)


def _account(request: Request, parsed: Parsed) -> ApiKeyRecord | Response:
    """The key an account call names (``key`` before ``api_key``), or ``invalid``."""
    parsed.key = parsed.params.get("key", "").strip() or parsed.key
    return _authorise(akismet_state(request), parsed, need_blog=False)


@router.get("/1.1/test", response_class=PlainTextResponse, operation_id="test_get")
@router.post("/1.1/test", response_class=PlainTextResponse, operation_id="test_post")
def connection_test() -> Response:
    """``connected``: the plugin's check that it can reach the server (no key needed)."""
    return _text("connected")


@router.post("/1.1/get-subscription", response_model=None)
def get_subscription(request: Request, parsed: Parsed) -> Response:
    """The key's account as the plugin reads it: ``status: active`` and its details."""
    answer = _account(request, parsed)
    if isinstance(answer, Response):
        return answer
    body: dict[str, Any] = {
        "account_id": answer.id,
        "account_name": "Causerie",
        # Not "free-api-key": the plugin would offer an upgrade on akismet.com.
        "account_type": "self-hosted",
        "status": "active",
        "next_billing_date": None,
        "limit_reached": None,
        "site": answer.site_url or answer.site_name,
    }
    return JSONBody(body)


@router.post("/1.1/get-stats", response_model=None)
def get_stats(request: Request, parsed: Parsed) -> Response:
    """The blog's spam caught, missed spam and false positives, per month and in total."""
    answer = _account(request, parsed)
    if isinstance(answer, Response):
        return answer
    period = parsed.params.get("from", "").strip().lower()
    period = period if period in STATS_PERIODS else "all"
    state = akismet_state(request)
    state.meter.flush()  # include this process's last second of checks
    stats = state.keys.stats(answer.id, parsed.params.get("blog", ""), period)
    counters = ("spam", "ham", "missed_spam", "false_positives")
    body: dict[str, Any] = {name: stats.total(name) for name in counters}
    body["accuracy"] = stats.accuracy
    body["from"] = period
    body["breakdown"] = {
        month: {"date": month, **{name: row[name] for name in counters}}
        for month, row in stats.months
    }
    return JSONBody(body)


@router.post("/1.1/activate", response_class=PlainTextResponse)
def activate(request: Request, parsed: Parsed) -> Response:
    """``activated`` for a valid key (nothing to record: keys are made on the server)."""
    answer = _account(request, parsed)
    return answer if isinstance(answer, Response) else _text("activated")


@router.post("/1.1/deactivate", response_class=PlainTextResponse)
def deactivate(request: Request, parsed: Parsed) -> Response:
    """``deactivated``: the plugin was switched off; the key itself stays valid."""
    answer = _account(request, parsed)
    return answer if isinstance(answer, Response) else _text("deactivated")


_ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


@router.api_route("/1.1/{method:path}", methods=_ANY_METHOD, include_in_schema=False)
@router.api_route("/1.2/{method:path}", methods=_ANY_METHOD, include_in_schema=False)
def unknown_method(request: Request) -> Response:
    """404 ``invalid`` for a method Akismet does not have; 405 for a known one."""
    path = request.url.path
    if path in KNOWN_METHODS:
        raise StarletteHTTPException(405)
    help_text = f"Unknown API method: {path[:100]}"
    return _text("invalid", {"X-akismet-debug-help": help_text}, 404)
