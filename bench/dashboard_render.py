"""First screen of the moderation desk, a queue of 50 comments, in headless Chromium (≤ 500 ms).

Run: .venv/bin/python bench/dashboard_render.py [--runs 9] [--lang fr]
Starts ``causerie serve`` on a fresh SQLite file (every comment held, the shipped
spam filter on), seeds 60 comments on three articles in French and Arabic (ten
published ones, 50 held ones of which half are replies, so the cards carry
the parent's excerpt, the filter's reasons and readers' reports), signs in once
through the API and then opens ``/admin`` in a new browser context each run (no
cache; the session cookie given), one warm-up run first, not counted.

Measured in the page: from the start of navigation to the first frame painted
after the 50 cards went into the document (``causerie:queue-painted``): the HTML
(which carries the session), the style sheet and the one script, the queue
counts and the queue itself (in parallel), building the DOM, then style, layout
and paint. When the queue's answer arrived and when the cards were in the page
are printed beside it. Prints each run, then one line of JSON with the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import free_port, wait_http
from widget_render import CHROMIUM_ARGS

EMAIL = "bench@desk.example"
PASSWORD = "a bench pass phrase"
GOAL_MS = 500
ARTICLES = [
    ("/2026/12/tramway", "Casablanca : la ligne 5 du tramway ouvrira au printemps", "fr"),
    ("/2026/12/huile", "Le prix de l'huile d'olive recule pour la première fois", "fr"),
    ("/ar/2026/12/amtar", "موسم الأمطار: السدود تمتلئ بنسبة 40 في المئة", "ar"),
]
TEXTS = {
    "fr": "Le chantier bloque la rue depuis des mois ; personne n'a prévenu les riverains "
    "des déviations. Merci pour cet article **clair** et [la carte](https://ex.ma/plan).",
    "ar": "الحمد لله على هذه الأمطار، الفلاحون كانوا ينتظرونها منذ سنوات. يجب ترشيد استهلاك الماء.",
}
SPAMMY = "Gagnez 3000 € par semaine depuis chez vous !!! Inscription : https://bit.ly/argent"


def start(folder: Path, **settings: str) -> tuple[subprocess.Popen[bytes], str, dict[str, str]]:
    """A real server on a fresh database (every comment held), once /health answers.

    ``scripts/dashboard_screens.py`` starts its server with this too.
    """
    env = {
        **os.environ,
        "CAUSERIE_DATABASE_URL": f"sqlite:///{folder / 'desk.db'}",
        "CAUSERIE_SECRET": "bench-secret-0123456789abcdef0123",
        "CAUSERIE_COMMENTS_PER_MINUTE": "0",
        "CAUSERIE_MODERATION": "hold_all",
        "CAUSERIE_TRUSTED_PROXIES": "127.0.0.1",
        "CAUSERIE_LOG_LEVEL": "warning",
        **settings,
    }
    url = f"http://127.0.0.1:{free_port()}"
    cmd = [sys.executable, "-m", "causerie", "serve", "--host", "127.0.0.1"]
    log = (folder / "server.log").open("ab")
    process = subprocess.Popen(
        [*cmd, "--port", url.rsplit(":", 1)[1]], env=env, stdout=log, stderr=log
    )
    try:
        wait_http(url + "/health")
    except RuntimeError:
        process.kill()
        raise SystemExit(f"the server did not start: see {folder / 'server.log'}") from None
    return process, url, env


def seed(url: str, env: dict[str, str]) -> None:
    """An admin account; 10 published comments; 50 held ones, half of them replies."""
    command = [sys.executable, "-m", "causerie", "user", "add", EMAIL, "--role", "admin"]
    subprocess.run(
        [*command, "--password-stdin"],
        input=PASSWORD + "\n",
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    with httpx.Client(base_url=url, timeout=30) as http:

        def post(i: int, parent: int | None = None, article: int | None = None) -> int:
            uri, title, lang = ARTICLES[i % len(ARTICLES) if article is None else article]
            text = SPAMMY + f" {i}" if i >= 200 else f"{TEXTS[lang]} ({i})"
            body: dict[str, Any] = {
                "uri": uri,
                "title": title,
                "lang": lang,
                "text": text,
                "author": f"Lecteur {i}",
                "email": f"l{i}@mail.example",
            }
            if parent:
                body["parent"] = parent
            answer = http.post(
                "/api/comments", json=body, headers={"X-Forwarded-For": f"198.51.100.{i % 250}"}
            )
            answer.raise_for_status()
            return int(answer.json()["id"])

        roots = [post(i) for i in range(100, 110)]
        admin = {
            "X-CSRF-Token": http.post(
                "/api/admin/login", json={"email": EMAIL, "password": PASSWORD}
            ).json()["csrf"]
        }
        http.post(
            "/api/admin/comments/action", json={"action": "approve", "ids": roots}, headers=admin
        ).raise_for_status()
        for root in roots[:3]:  # readers' reports on published comments
            for n in range(2):
                http.post(
                    f"/api/comments/{root}/reports",
                    json={"reason": "abuse"},
                    headers={"X-Forwarded-For": f"203.0.113.{n + 10}"},
                )
        for i in range(50):
            k = i % len(roots)  # a reply goes to its parent's article
            post(i, roots[k], (100 + k) % len(ARTICLES)) if i % 2 else post(i)
        for i in range(200, 207):  # caught by the filter: counted in the Spam tab
            post(i)


# Waits for the frame after the list went in (painted), then reads the marks.
MARKS = """() => new Promise((done) => {
  const read = () => {
    const painted = performance.getEntriesByName('causerie:queue-painted')[0];
    if (!painted) return setTimeout(read, 5);
    const queue = performance.getEntriesByType('resource')
      .filter((r) => r.name.includes('/api/admin/comments?'))[0];
    const inPage = performance.getEntriesByName('causerie:queue')[0].startTime;
    done({ms: painted.startTime, in_page: inPage, fetched: queue.responseEnd,
          cards: document.querySelectorAll('#queue > li').length});
  };
  read();
})"""


def measure(url: str, runs: int, lang: str) -> list[dict[str, float]]:
    """One fresh context per run: the cookie, no cache."""
    with httpx.Client(base_url=url, timeout=30) as http:
        http.post(
            "/api/admin/login", json={"email": EMAIL, "password": PASSWORD}
        ).raise_for_status()
        cookie = http.cookies.get("causerie_admin")
    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(runs + 1):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.add_cookies([{"name": "causerie_admin", "value": cookie, "url": url}])
            page = context.new_page()
            page.goto(f"{url}/admin?lang={lang}#/queue/pending")
            page.wait_for_selector("#queue > li:nth-child(50)")
            results.append(page.evaluate(MARKS))
            context.close()
        browser.close()
    print(f"warm-up run (not counted): {results[0]['ms']:.1f} ms")
    return results[1:]


def main() -> None:
    """Seed, measure, report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--lang", default="fr", choices=["fr", "en", "ar"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        process, url, env = start(Path(tmp))
        try:
            seed(url, env)
            results = measure(url, args.runs, args.lang)
        finally:
            process.terminate()
            process.wait(15)
    for i, r in enumerate(results):
        print(f"run {i + 1}: {r['ms']:.1f} ms to {r['cards']} cards on screen", end="")
        print(f" (queue answered at {r['fetched']:.1f} ms, in the page at {r['in_page']:.1f} ms)")
    times = [r["ms"] for r in results]
    median = statistics.median(times)
    print(f"median {median:.1f} ms (goal {GOAL_MS} ms) -> {'ok' if median <= GOAL_MS else 'OVER'}")
    out = {"lang": args.lang, "cards": results[0]["cards"], "runs": len(times)}
    out["median_ms"] = round(median, 1)
    out["median_answered_ms"] = round(statistics.median(r["fetched"] for r in results), 1)
    out["median_in_page_ms"] = round(statistics.median(r["in_page"] for r in results), 1)
    out.update(min_ms=round(min(times), 1), max_ms=round(max(times), 1), goal_ms=GOAL_MS)
    out["load_average"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
