"""Per-site settings and the overview (counts, 30-day SVG chart, precision / recall)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from causerie.api.admin_pages import admin_catalog
from causerie.api.http import JSONBody, request_lang
from causerie.api.moderation import Changing, Reading, moderation
from causerie.api.overview_chart import SERIES, ChartText, chart_svg
from causerie.api.spam_curves import curves_view
from causerie.api.state import runtime_of, web_of
from causerie.config import MODERATION_MODES
from causerie.core.accounts import Session
from causerie.core.errors import InvalidField
from causerie.core.moderation import ModerationService
from causerie.core.oidc import PRESETS
from causerie.core.overview import DAY, overview_data, toxicity_thresholds
from causerie.core.readers import METHODS
from causerie.core.sites import CLOSE_FROM, REPORT_ACTIONS, TOXICITY_POLICIES, WHO_MAY_COMMENT
from causerie.spam.sensitivity import parse_sensitivity

router = APIRouter(tags=["moderation"])

MAX_WORDS = 500
# name: (type, minimum, maximum) — the settings a site may change from the dashboard.
EDITABLE: dict[str, tuple[type, int, int]] = {
    "moderation": (str, 0, 0),
    "allowed_origins": (list, 0, 100),
    "edit_window_seconds": (int, 0, 7 * DAY),
    "allow_anonymous": (bool, 0, 0),
    "hold_words": (list, 0, MAX_WORDS),
    "reject_words": (list, 0, MAX_WORDS),
    # Retention periods (fields of SiteSettings owned by the privacy work).
    "personal_data_retention_days": (int, 1, 3650),
    "spam_retention_days": (int, 1, 3650),
    "discard_retention_days": (int, 1, 3650),
    "unconfirmed_retention_days": (int, 1, 3650),
    # Reader identity (docs/identity.md): who may comment, how readers sign in.
    "who_may_comment": (str, 0, 0),
    "signin_methods": (list, 0, len(METHODS)),
    "oidc_preset": (str, 0, 0),
    "oidc_issuer": (str, 0, 300),
    "oidc_client_id": (str, 0, 300),
    "oidc_client_secret": (str, 0, 300),
    "oidc_name": (str, 0, 60),
    "oidc_keep_email": (bool, 0, 0),
    "sso_secret": (str, 0, 300),
    "sso_public_key": (str, 0, 2000),
    "sso_login_url": (str, 0, 500),
    # The newsroom desk (docs/moderation.md): reports, automatic closing, external hook.
    "report_threshold": (int, 1, 100),
    "report_action": (str, 0, 0),
    "auto_close_days": (int, 0, 3650),
    "auto_close_from": (str, 0, 0),
    "moderation_hook_url": (str, 0, 500),
    "moderation_hook_secret": (str, 0, 300),
    "moderation_hook_timeout_ms": (int, 100, 5000),
    "moderation_hook_allow_private": (bool, 0, 0),
    # The toxicity model (docs/moderation.md): what its verdict does, from which score (%).
    "toxicity_policy": (str, 0, 0),
    "toxicity_threshold": (int, 0, 99),
    "toxicity_reject_threshold": (int, 0, 100),
    # The spam filter (docs/spam.md): a preset name or a threshold, see _check.
    "spam_sensitivity": (str, 0, 0),
}
# Settings with a fixed set of values.
CHOICES: dict[str, tuple[str, ...]] = {
    "moderation": MODERATION_MODES,
    "who_may_comment": WHO_MAY_COMMENT,
    "oidc_preset": ("", *PRESETS),
    "report_action": REPORT_ACTIONS,
    "auto_close_from": CLOSE_FROM,
    "toxicity_policy": TOXICITY_POLICIES,
}
# Written, never read back: the dashboard shows only whether one is set.
SECRETS = ("oidc_client_secret", "sso_secret", "moderation_hook_secret")
# A hook's secret is long enough to be a secret (or empty: no hook can be signed).
MIN_HOOK_SECRET = 16
SECRET_SET = "********"


def _site_settings_view(service: ModerationService, name: str, session: Session) -> dict[str, Any]:
    site = service.site(session, name)
    conf = service.comments.site_settings(site)
    view = {k: _jsonable(getattr(conf, k, None)) for k in EDITABLE}
    for key in SECRETS:
        view[key] = SECRET_SET if view[key] else ""
    return {"site": site.name, **view}


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


@router.get("/api/admin/sites/{name}/settings", summary="A site's effective settings")
def get_settings(request: Request, name: str, session: Reading) -> JSONBody:
    """Moderation mode, origins, edit window, anonymous comments, word lists, retention."""
    return JSONBody(_site_settings_view(moderation(request), name, session))


@router.put("/api/admin/sites/{name}/settings", summary="Change a site's settings")
def put_settings(request: Request, name: str, body: dict[str, Any], session: Changing) -> JSONBody:
    """Change some settings; unknown names and bad values are a 422 naming the field."""
    service = moderation(request)
    site = service.site(session, name)
    # A secret shown as "set" and sent back unchanged keeps its stored value.
    body = {k: v for k, v in body.items() if not (k in SECRETS and v == SECRET_SET)}
    clean = {key: _check(key, value) for key, value in body.items()}
    merged = {**site.settings, **clean}
    if merged.get("moderation_hook_url") and not merged.get("moderation_hook_secret"):
        # An unsigned call could be forged by anyone who learns the address.
        raise InvalidField("field_invalid", field="moderation_hook_secret")
    hold = merged.get("toxicity_threshold", 0)
    reject = merged.get("toxicity_reject_threshold", 0)
    if hold and reject and reject <= hold:
        # Refusing below the hold threshold would refuse what it should only hold.
        raise InvalidField("toxicity_thresholds", field="toxicity_reject_threshold")
    service.change_site_settings(session, site, merged, sorted(clean))
    web_of(request).origin_policy.refresh()
    return JSONBody(_site_settings_view(service, name, session))


def _check(key: str, value: Any) -> Any:
    if key not in EDITABLE:
        raise InvalidField("field_invalid", field=key)
    if key == "spam_sensitivity":
        # "strict" / "balanced" / "relaxed", or a number (JSON number or text) in range.
        sensitivity = parse_sensitivity(value)
        if sensitivity is None:
            raise InvalidField("field_invalid", field=key)
        return sensitivity
    kind, low, high = EDITABLE[key]
    ok = False
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
    elif kind is str and key in CHOICES:
        ok = value in CHOICES[key]
    elif kind is str:
        ok = (
            isinstance(value, str)
            and len(value) <= high
            and (not key.endswith(("_issuer", "_url")) or not value or _is_web_address(value))
            and (key != "moderation_hook_secret" or not value or len(value) >= MIN_HOOK_SECRET)
        )
    elif isinstance(value, list) and len(value) <= high:
        value = [v.strip() for v in value if isinstance(v, str) and v.strip()]
        ok = all(len(v) <= 200 for v in value) and (
            key != "allowed_origins" or all(_is_origin(v) for v in value)
        )
        ok = ok and (key != "signin_methods" or set(value) <= set(METHODS))
    if not ok:
        raise InvalidField("field_invalid", field=key)
    return value


def _is_web_address(value: str) -> bool:
    return value.startswith(("https://", "http://")) and " " not in value


def _is_origin(value: str) -> bool:
    if not value.startswith(("http://", "https://")) or value.endswith("/"):
        return False
    return "/" not in value.split("://", 1)[1]


@router.get("/api/admin/sites/{name}/spam-curves", summary="Expected precision / recall")
def spam_curves(request: Request, name: str, session: Reading) -> JSONBody:
    """For the site's languages: precision, recall and genuine comments held per threshold."""
    service = moderation(request)
    site = service.site(session, name)
    conf = service.comments.site_settings(site)
    return JSONBody(curves_view(site.name, conf, runtime_of(request).spam))


# -- overview ---------------------------------------------------------------------


def _words(lang: str) -> ChartText:
    text = admin_catalog(lang)
    labels = {name: text.get(f"admin.chart.{name}", name) for name, _ in SERIES}
    return ChartText(labels, text.get("admin.chart.title", "Last 30 days"), lang)


@router.get(
    "/api/admin/sites/{name}/toxicity-threshold",
    summary="A site's toxicity hold threshold and the decisions it rests on",
)
def get_toxicity_threshold(request: Request, name: str, session: Reading) -> JSONBody:
    """The threshold in force (``source``: model, learned or pinned), the learned one, the
    decisions counted and the expected precision, recall and false-positive rate."""
    found = toxicity_thresholds(moderation(request), session, name)
    return JSONBody(found[0] if found else {"site": name, "policy": "off", "threshold": None})


@router.get("/api/admin/overview", summary="Counts, 30-day history, precision and recall")
def overview(
    request: Request, session: Reading, site: Annotated[str | None, Query()] = None
) -> JSONBody:
    """Everything the overview page shows, the chart included as SVG markup."""
    data = overview_data(moderation(request), session, site)
    data["chart_svg"] = chart_svg(data["days"], _words(request_lang(request)))
    return JSONBody(data)


@router.get("/admin/chart.svg", summary="The 30-day chart alone", include_in_schema=False)
def chart(
    request: Request, session: Reading, site: Annotated[str | None, Query()] = None
) -> Response:
    """The overview chart as an image (for embedding or download)."""
    data = overview_data(moderation(request), session, site)
    return Response(
        chart_svg(data["days"], _words(request_lang(request))), media_type="image/svg+xml"
    )
