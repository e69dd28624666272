"""The overview's 30-day chart as a standalone SVG, in the moderator's language.

Dates are written the way the language writes them (``7 déc.``, ``Dec 7``,
``7 ديسمبر``, by Babel from CLDR). In a right-to-left language the chart is
mirrored: time runs from right to left, the value axis stands on the right and
every label is laid out right-to-left. No label may leave the picture: the end
labels are anchored inwards and the legend wraps onto as many rows as it needs
(tests/moderation/test_desk_browser.py measures every text box in Chromium).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from babel.dates import format_skeleton

from causerie.core.i18n import direction

SERIES = (
    ("received", "#1f5fa8"),
    ("caught", "#8a5a00"),
    ("missed", "#b3261e"),
    ("false_positives", "#2e7d32"),
)
WIDTH = 720
PLOT_HEIGHT = 180
TOP = 16
EDGE = 14  # the margin on the side without the value axis
FONT = 11
# Wider than most glyphs at 11 px (Latin and Arabic alike): an estimate that errs on room.
CHAR_WIDTH = 0.66 * FONT
LEGEND_ROW = 20
SWATCH = 12


@dataclass(frozen=True)
class ChartText:
    """The chart's words in one language: series labels, title, and how to write a day."""

    labels: dict[str, str]
    title: str
    lang: str

    def day(self, iso_day: str) -> str:
        """``2026-12-07`` as the language writes a short date (``7 déc.``)."""
        return format_skeleton("MMMd", date.fromisoformat(iso_day), locale=self.lang)


def text_width(label: str) -> float:
    """A generous estimate of a label's width in pixels."""
    return len(label) * CHAR_WIDTH


def chart_svg(days: list[dict[str, Any]], words: ChartText) -> str:
    """A line chart of the days as a standalone, accessible SVG document."""
    rtl = direction(words.lang) == "rtl"
    peak = max([1] + [d[name] for d in days for name, _ in SERIES])
    axis = max(28.0, text_width(str(peak)) + 12)
    plot_w = WIDTH - axis - EDGE
    start = WIDTH - axis if rtl else axis  # x of the oldest day
    step = plot_w / max(1, len(days) - 1) * (-1 if rtl else 1)
    legend = _legend(words, rtl, WIDTH - 2 * EDGE)
    height = (
        TOP + PLOT_HEIGHT + 26 + LEGEND_ROW * (1 + max((row for row, *_ in legend), default=0)) + 4
    )

    def y(value: float) -> float:
        return round(TOP + PLOT_HEIGHT - value / peak * PLOT_HEIGHT, 1)

    def x(i: int) -> float:
        return round(start + i * step, 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="chart-title chart-desc" font-family="sans-serif" font-size="{FONT}">',
        f'<title id="chart-title">{escape(words.title)}</title>',
        f'<desc id="chart-desc">{escape(_summary(days, words))}</desc>',
        f'<rect x="{min(start, start + step * (len(days) - 1)):.1f}" y="{TOP}" '
        f'width="{plot_w:.1f}" height="{PLOT_HEIGHT}" fill="#fff" stroke="#767676"/>',
    ]
    value_x = WIDTH - axis + 6 if rtl else axis - 6
    for fraction in (0, 0.5, 1):
        value = round(peak * fraction)
        parts.append(_text(value_x, y(value) + 4, str(value), "outwards", rtl))
    last = len(days) - 1
    for i, where in ((0, "inwards"), (last // 2, "middle"), (last, "backwards")):
        parts.append(_text(x(i), TOP + PLOT_HEIGHT + 16, words.day(days[i]["date"]), where, rtl))
    for name, color in SERIES:
        points = " ".join(f"{x(i)},{y(d[name])}" for i, d in enumerate(days))
        parts.append(
            f'<polyline data-series="{name}" fill="none" stroke="{color}" '
            f'stroke-width="2" points="{points}"/>'
        )
    base = TOP + PLOT_HEIGHT + 34
    for row, lx, label, color in legend:
        ly = base + row * LEGEND_ROW
        sx = lx - SWATCH if rtl else lx
        parts.append(
            f'<rect x="{sx:.1f}" y="{ly - 9}" width="{SWATCH}" height="{SWATCH}" fill="{color}"/>'
        )
        tx = lx - SWATCH - 4 if rtl else lx + SWATCH + 4
        parts.append(_text(tx, ly + 1, label, "inwards", rtl))
    parts.append("</svg>")
    return "".join(parts)


def _legend(words: ChartText, rtl: bool, room: float) -> list[tuple[int, float, str, str]]:
    """``(row, x where the item starts, label, colour)``, flowing from the start side."""
    out = []
    row, used = 0, 0.0
    for name, color in SERIES:
        label = words.labels.get(name, name)
        width = SWATCH + 4 + text_width(label) + 18
        if used and used + width > room:
            row, used = row + 1, 0.0
        out.append((row, WIDTH - EDGE - used if rtl else EDGE + used, label, color))
        used += width
    return out


def _summary(days: list[dict[str, Any]], words: ChartText) -> str:
    totals = [f"{words.labels.get(n, n)}: {sum(d[n] for d in days)}" for n, _ in SERIES]
    span = f"{words.day(days[0]['date'])} – {words.day(days[-1]['date'])}" if days else ""
    return f"{span}. " + "; ".join(totals)


def _text(x: float, y: float, label: str, where: str, rtl: bool) -> str:
    """A label placed by where it lies from ``x`` in reading terms, in either direction.

    ``inwards``: it extends in the reading direction (right in French, left in Arabic);
    ``backwards``: the other way; ``outwards``: away from the plot, toward the value axis's
    side; ``middle``: centred.
    """
    # text-anchor follows the text's direction: "start" is its left end in LTR, its right
    # end in RTL, so the same words mean the same placement in both.
    anchor = {"inwards": "start", "backwards": "end", "outwards": "end", "middle": "middle"}[where]
    bidi = ' direction="rtl"' if rtl else ""
    return (
        f'<text x="{round(x, 1)}" y="{round(y, 1)}" text-anchor="{anchor}"{bidi} '
        f'fill="#222">{escape(label)}</text>'
    )
