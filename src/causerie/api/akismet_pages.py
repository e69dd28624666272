"""The two statistics pages the WordPress plugin shows in iframes, drawn by Causerie.

Akismet 5.0's settings page frames ``tools.akismet.com/1.0/snapshot.php`` (a
small chart beside the figures) and its *Detailed Stats* page frames
``tools.akismet.com/1.0/user-stats.php``. The admin's browser loads them, so
they never pass through WordPress's HTTP API; the must-use plugin rewrites
their addresses (WordPress's ``clean_url`` filter) to these pages instead:

- ``GET /akismet/snapshot?blog=…&api_key=…&height=200&locale=fr_FR``: a bar
  chart of the last six months;
- ``GET /akismet/user-stats?blog=…&api_key=…&locale=fr_FR``: the chart and a
  table of every month.

Like Akismet's, the key comes in the address. Self-contained HTML (inline
style and SVG, nothing loaded from elsewhere), in the locale's language.
"""

from __future__ import annotations

import datetime
from html import escape

from babel.dates import format_date
from babel.numbers import format_decimal
from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse

from causerie.api.akismet_protocol import akismet_state
from causerie.core.apikeys import KeyStats
from causerie.core.i18n import direction, negotiate, translate

router = APIRouter(include_in_schema=False)

COUNTERS = ("spam", "ham", "missed_spam", "false_positives")
STYLE = (
    "body{font:13px/1.4 -apple-system,system-ui,sans-serif;color:#1d2327;margin:0;"
    "background:transparent}main{padding:0 .5rem}h1{font-size:1.3rem;font-weight:400}"
    "table{border-collapse:collapse;margin:1rem 0;min-width:30rem}"
    "th,td{padding:.35rem .7rem;border-bottom:1px solid #dcdcde;text-align:end}"
    "th:first-child,td:first-child{text-align:start}tfoot td{font-weight:600}"
    ".legend span{display:inline-block;width:.8em;height:.8em;margin:0 .3em}"
)
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    # Meant to be framed by the WordPress admin, and to load nothing itself.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}
SPAM_COLOUR, HAM_COLOUR = "#d63638", "#a7aaad"


def _lang(request: Request) -> str:
    return negotiate(
        request.query_params.get("locale"), request.headers.get("accept-language"), "en"
    )


def _month(month: str, lang: str) -> str:
    return format_date(datetime.date(int(month[:4]), int(month[5:]), 1), "LLL yyyy", locale=lang)


def _page(lang: str, title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        f'<!doctype html><html lang="{lang}" dir="{direction(lang)}"><head>'
        f'<meta charset="utf-8"><title>{escape(title)}</title><style>{STYLE}</style>'
        f"</head><body><main>{body}</main></body></html>"
    )
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def chart(stats: KeyStats, lang: str, height: int) -> str:
    """An SVG bar chart: spam caught and legitimate comments, month by month."""
    months = stats.months[-24:]
    top = max([row["spam"] + row["ham"] for _, row in months] + [1])
    width, label = 60 * len(months), 18
    scale = (height - label - 6) / top
    bars = []
    for i, (month, row) in enumerate(months):
        x, y = i * 60 + 10, float(height - label)
        for value, colour in ((row["spam"], SPAM_COLOUR), (row["ham"], HAM_COLOUR)):
            size = value * scale
            y -= size
            bars.append(
                f'<rect x="{x}" y="{y:.1f}" width="40" height="{size:.1f}" fill="{colour}">'
                f"<title>{escape(_month(month, lang))}: {format_decimal(value, locale=lang)}"
                "</title></rect>"
            )
        bars.append(
            f'<text x="{x + 20}" y="{height - 4}" font-size="11" text-anchor="middle">'
            f"{escape(_month(month, lang))}</text>"
        )
    legend = "".join(
        f'<span style="background:{colour}"></span>{escape(translate(key, lang))} '
        for key, colour in (
            ("akismet.stats.spam", SPAM_COLOUR),
            ("akismet.stats.ham", HAM_COLOUR),
        )
    )
    title = escape(translate("akismet.stats.chart", lang))
    return (
        f'<svg role="img" aria-label="{title}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" style="max-width:100%">'
        f"{''.join(bars)}</svg><div class=legend>{legend}</div>"
    )


def table(stats: KeyStats, lang: str) -> str:
    """Every month, newest first, and the totals."""
    heads = "".join(
        f"<th scope=col>{escape(translate(f'akismet.stats.{name}', lang))}</th>"
        for name in ("month", *COUNTERS)
    )

    def cells(values: list[int]) -> str:
        return "".join(f"<td>{format_decimal(v, locale=lang)}</td>" for v in values)

    rows = "".join(
        f"<tr><th scope=row>{escape(_month(month, lang))}</th>"
        f"{cells([row[c] for c in COUNTERS])}</tr>"
        for month, row in reversed(stats.months)
    )
    total = escape(translate("akismet.stats.total", lang))
    foot = f"<tr><td>{total}</td>{cells([stats.total(c) for c in COUNTERS])}</tr>"
    return (
        f"<table><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody><tfoot>{foot}</tfoot></table>"
    )


def _stats(request: Request, period: str) -> KeyStats | HTMLResponse:
    lang = _lang(request)
    state = akismet_state(request)
    record = state.keys.verify(request.query_params.get("api_key", "").strip())
    if record is None:
        message = translate("akismet.stats.invalid_key", lang)
        return _page(lang, message, f"<p>{escape(message)}</p>", 403)
    state.meter.flush()
    return state.keys.stats(record.id, request.query_params.get("blog", ""), period)


@router.get("/akismet/snapshot")
def snapshot(request: Request) -> HTMLResponse:
    """The small chart of the settings page: the last six months."""
    stats = _stats(request, "6-months")
    if isinstance(stats, HTMLResponse):
        return stats
    lang = _lang(request)
    raw = request.query_params.get("height", "")
    height = min(max(int(raw), 80), 600) if raw.isdigit() else 200
    return _page(lang, translate("akismet.stats.chart", lang), chart(stats, lang, height - 30))


@router.get("/akismet/user-stats")
def user_stats(request: Request) -> HTMLResponse:
    """*Detailed Stats*: the chart and the table of every month."""
    stats = _stats(request, "all")
    if isinstance(stats, HTMLResponse):
        return stats
    lang = _lang(request)
    title = translate("akismet.stats.title", lang)
    accuracy = translate(
        "akismet.stats.accuracy_line",
        lang,
        accuracy=format_decimal(stats.accuracy, locale=lang),
        blog=request.query_params.get("blog", ""),
    )
    body = (
        f"<h1>{escape(title)}</h1><p>{escape(accuracy)}</p>"
        f"{chart(stats, lang, 220)}{table(stats, lang)}"
    )
    return _page(lang, title, body)
