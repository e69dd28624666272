"""Per-site settings and the overview (counts, 30-day SVG chart, precision / recall)."""

from __future__ import annotations

from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from causerie.api.admin_pages import admin_catalog
from causerie.api.http import JSONBody, request_lang
from causerie.api.moderation import Changing, Reading, moderation
from causerie.api.state import web_of
from causerie.config import MODERATION_MODES
from causerie.core.accounts import Session
from causerie.core.errors import InvalidField
from causerie.core.moderation import ModerationService
from causerie.core.oidc import PRESETS
from causerie.core.overview import DAY, overview_data
from causerie.core.readers import METHODS
from causerie.core.sites import CLOSE_FROM, REPORT_ACTIONS, WHO_MAY_COMMENT

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
}
# Settings with a fixed set of values.
CHOICES: dict[str, tuple[str, ...]] = {
    "moderation": MODERATION_MODES,
    "who_may_comment": WHO_MAY_COMMENT,
    "oidc_preset": ("", *PRESETS),
    "report_action": REPORT_ACTIONS,
    "auto_close_from": CLOSE_FROM,
}
# Written, never read back: the dashboard shows only whether one is set.
SECRETS = ("oidc_client_secret", "sso_secret", "moderation_hook_secret")
# A hook's secret is long enough to be a secret (or empty: no hook can be signed).
MIN_HOOK_SECRET = 16
SECRET_SET = "********"
SERIES = (
    ("received", "#1f5fa8"),
    ("caught", "#8a5a00"),
    ("missed", "#b3261e"),
    ("false_positives", "#2e7d32"),
)


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
    service.change_site_settings(session, site, merged, sorted(clean))
    web_of(request).origin_policy.refresh()
    return JSONBody(_site_settings_view(service, name, session))


def _check(key: str, value: Any) -> Any:
    if key not in EDITABLE:
        raise InvalidField("field_invalid", field=key)
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


# -- overview ---------------------------------------------------------------------


def chart_svg(days: list[dict[str, Any]], labels: dict[str, str], title: str) -> str:
    """A line chart of the 30 days as a standalone, accessible SVG document."""
    width, height, left, right, top, bottom = 720, 260, 44, 12, 16, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([1] + [d[name] for d in days for name, _ in SERIES])
    step = plot_w / max(1, len(days) - 1)

    def y(value: float) -> float:
        return round(top + plot_h - value / peak * plot_h, 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-title" font-family="sans-serif" font-size="11">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" '
        'fill="#fff" stroke="#767676"/>',
    ]
    for fraction in (0, 0.5, 1):
        value = round(peak * fraction)
        parts.append(_text(left - 6, y(value) + 4, str(value), "end"))
    for i in (0, len(days) // 2, len(days) - 1):
        parts.append(_text(left + i * step, top + plot_h + 16, days[i]["date"][5:], "middle"))
    for index, (name, color) in enumerate(SERIES):
        points = " ".join(f"{round(left + i * step, 1)},{y(d[name])}" for i, d in enumerate(days))
        parts.append(
            f'<polyline data-series="{name}" fill="none" stroke="{color}" '
            f'stroke-width="2" points="{points}"/>'
        )
        lx = left + index * (plot_w / len(SERIES))
        ly = height - 18
        parts.append(
            f'<rect x="{round(lx, 1)}" y="{ly - 9}" width="12" height="12" fill="{color}"/>'
        )
        parts.append(_text(lx + 16, ly + 1, labels.get(name, name), "start"))
    parts.append("</svg>")
    return "".join(parts)


def _text(x: float, y: float, label: str, anchor: str) -> str:
    return (
        f'<text x="{round(x, 1)}" y="{round(y, 1)}" text-anchor="{anchor}" '
        f'fill="#222">{escape(label)}</text>'
    )


def _labels(lang: str) -> tuple[dict[str, str], str]:
    text = admin_catalog(lang)
    labels = {name: text.get(f"admin.chart.{name}", name) for name, _ in SERIES}
    return labels, text.get("admin.chart.title", "Last 30 days")


@router.get("/api/admin/overview", summary="Counts, 30-day history, precision and recall")
def overview(
    request: Request, session: Reading, site: Annotated[str | None, Query()] = None
) -> JSONBody:
    """Everything the overview page shows, the chart included as SVG markup."""
    data = overview_data(moderation(request), session, site)
    labels, title = _labels(request_lang(request))
    data["chart_svg"] = chart_svg(data["days"], labels, title)
    return JSONBody(data)


@router.get("/admin/chart.svg", summary="The 30-day chart alone", include_in_schema=False)
def chart(
    request: Request, session: Reading, site: Annotated[str | None, Query()] = None
) -> Response:
    """The overview chart as an image (for embedding or download)."""
    data = overview_data(moderation(request), session, site)
    labels, title = _labels(request_lang(request))
    return Response(chart_svg(data["days"], labels, title), media_type="image/svg+xml")
