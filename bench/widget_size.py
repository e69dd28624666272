"""Widget weight: embed.js + embed.css, raw and gzipped (goal: ≤ 15 KB gzipped together).

embed.js is measured as readers get it: the parts in web/widget/ assembled by
the server (causerie.api.widget_script), the very bytes GET /embed.js sends.

Run: .venv/bin/python bench/widget_size.py
Prints a readable line per file, then one line of JSON. The language catalog the
widget fetches once (cached an hour) is reported apart, since it is not code.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "src" / "causerie" / "web" / "static"
GOAL_GZIP = 15 * 1024


def gzipped(data: bytes) -> int:
    """Size after gzip -9, as a server or CDN would send it."""
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def catalog_bytes(lang: str) -> bytes:
    """What GET /api/i18n/{lang}.json returns."""
    sys.path.insert(0, str(ROOT / "src"))
    from causerie.api.widget import widget_messages
    from causerie.core.i18n import direction

    body = {"lang": lang, "dir": direction(lang), "messages": widget_messages(lang)}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def main() -> None:
    """Measure and report."""
    sizes = {}
    sys.path.insert(0, str(ROOT / "src"))
    from causerie.api.widget_script import assemble

    served = {"embed.js": assemble().encode(), "embed.css": (STATIC / "embed.css").read_bytes()}
    for name, data in served.items():
        sizes[name] = (len(data), gzipped(data))
        print(f"{name:>10}: {len(data):6d} B raw, {sizes[name][1]:6d} B gzipped")
    total = sum(g for _, g in sizes.values())
    catalogs = {lang: gzipped(catalog_bytes(lang)) for lang in ("fr", "en", "ar")}
    verdict = "ok" if total <= GOAL_GZIP else "OVER"
    print(f"{'total':>10}: {total:6d} B gzipped (goal {GOAL_GZIP} B) -> {verdict}")
    print(f"  catalogs (gzipped, one per page): {catalogs}")
    print(
        json.dumps(
            {
                "js_gzip": sizes["embed.js"][1],
                "css_gzip": sizes["embed.css"][1],
                "total_gzip": total,
                "goal_gzip": GOAL_GZIP,
                "catalog_gzip": catalogs,
            }
        )
    )


if __name__ == "__main__":
    main()
