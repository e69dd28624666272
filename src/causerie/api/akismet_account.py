"""The Akismet calls a client makes about its account, not about a comment.

The WordPress plugin makes them from its settings page (read from its PHP,
see docs/akismet.md):

- ``GET /1.1/test`` → ``connected``, else "Your site can't connect";
- ``get-subscription`` → a JSON account whose ``status`` must be ``active``
  for the plugin to save the key;
- ``get-stats`` (``from=6-months|all|60-days``) → the figures of its
  Statistics card, here from the key's real usage counters;
- ``deactivate`` when the plugin is switched off → ``deactivated``;
- ``/1.2/usage-limit`` and ``/1.2/key-sites``: this month's calls against the
  key's limit, and the blogs that used the key (JSON or CSV).

Account calls name the key in ``key``, and the plugin adds the key it had
before in ``api_key``: ``key`` comes first here, as for verify-key.

Any other path under ``/1.1/`` or ``/1.2/`` answers 404 with the plain body
``invalid`` and an ``X-akismet-debug-help`` header, never a JSON error: the
plugin json-decodes some answers and would read an error object as an
account without a status (PHP warnings on the settings page).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import APIRouter, Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import PlainTextResponse, Response

from causerie.api.akismet_protocol import (
    Parsed,
    akismet_state,
    authorise,
    invalid,
    text_answer,
)
from causerie.api.http import JSONBody
from causerie.core.apikeys import SITES_ORDERS, SitesQuery, current_month
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
    return authorise(akismet_state(request), parsed, need_blog=False)


@router.get("/1.1/test", response_class=PlainTextResponse, operation_id="test_get")
@router.post("/1.1/test", response_class=PlainTextResponse, operation_id="test_post")
def connection_test() -> Response:
    """``connected``: the plugin's check that it can reach the server (no key needed)."""
    return text_answer("connected")


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
    return answer if isinstance(answer, Response) else text_answer("activated")


@router.post("/1.1/deactivate", response_class=PlainTextResponse)
def deactivate(request: Request, parsed: Parsed) -> Response:
    """``deactivated``: the plugin was switched off; the key itself stays valid."""
    answer = _account(request, parsed)
    return answer if isinstance(answer, Response) else text_answer("deactivated")


# -- 1.2 statistics (before the catch-all below) -------------------------------


@router.get("/1.2/usage-limit", response_model=None, operation_id="usage_limit_get")
@router.post("/1.2/usage-limit", response_model=None, operation_id="usage_limit_post")
def usage_limit(request: Request, parsed: Parsed) -> Response:
    """This month's calls against the key's monthly limit, as Akismet's JSON."""
    state = akismet_state(request)
    answer = authorise(state, parsed, need_blog=False)
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
    answer = authorise(state, parsed, need_blog=False)
    if isinstance(answer, Response):
        return answer
    query = SitesQuery.parse(parsed.params)
    if isinstance(query, str):
        return invalid(query)
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


_ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


@router.api_route("/1.1/{method:path}", methods=_ANY_METHOD, include_in_schema=False)
@router.api_route("/1.2/{method:path}", methods=_ANY_METHOD, include_in_schema=False)
def unknown_method(request: Request) -> Response:
    """404 ``invalid`` for a method Akismet does not have; 405 for a known one."""
    path = request.url.path
    if path in KNOWN_METHODS:
        raise StarletteHTTPException(405)
    help_text = f"Unknown API method: {path[:100]}"
    return text_answer("invalid", {"X-akismet-debug-help": help_text}, 404)
