"""A hostile corpus rendered in Chromium: through the widget and the server's fragment.

The corpus (tests/fuzz/corpus/, written for this project) holds markup that
would call ``window.__pwned()`` if it ever ran, and naughty strings (bidi
overrides, zero-width characters, template and SQL injection …). Each payload
goes in as a comment's text and name; pages then render the threads and a
detector records any call of ``__pwned``, any dialog and any CSP violation.
Control pages first prove that the detector fires.
"""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Widget

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parents[1] / "fuzz" / "corpus"
PER_THREAD = 45  # the widget's first page shows 50 top-level comments
DETECTOR = """
window.__pwnedBy = [];
window.__pwned = function () { window.__pwnedBy.push(String(location.href)); };
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""
REPORT = "() => ({pwned: window.__pwnedBy || ['detector missing'], csp: window.__violations || []})"


def corpus(name: str) -> list[str]:
    """The payloads of one corpus file (comment lines and blank lines left out)."""
    text = (CORPUS / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def chunks(items: list[str], size: int = PER_THREAD) -> list[list[str]]:
    """Consecutive slices of ``size`` items."""
    return [items[i : i + size] for i in range(0, len(items), size)]


class Detector:
    """A browser context whose pages report payloads that ran."""

    def __init__(self, widget: Widget) -> None:
        self.widget = widget
        self.context = widget.browser.new_context()
        widget.contexts.append(self.context)
        self.context.add_init_script(DETECTOR)
        self.dialogs: list[str] = []

    def page(self) -> Any:
        """A new page with the detector and a dialog catcher (alert, confirm …)."""
        page = self.context.new_page()
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: self.widget.errors.append(str(error)))
        return page

    def serve(self, page: Any, path: str, html: str, headers: dict[str, str] | None = None) -> None:
        """Answer ``path`` on the server's origin with this HTML (as a CMS page would be)."""

        def handle(route: Any) -> None:
            route.fulfill(body=html, content_type="text/html; charset=utf-8", headers=headers)

        page.route(self.widget.url + path, handle)

    def report(self, page: Any) -> dict[str, list[str]]:
        """What the detector saw on this page, after events have had time to fire."""
        page.wait_for_timeout(300)
        seen: dict[str, list[str]] = page.evaluate(REPORT)
        seen["dialogs"] = list(self.dialogs)
        return seen


def seed(widget: Widget, uri: str, payloads: list[str]) -> int:
    """Post each payload as a comment's text and name; return how many were accepted."""
    accepted = 0
    for payload in payloads:
        body = {"uri": uri, "text": payload, "author": payload[:80]}
        response = widget.http.post(widget.url + "/api/comments", json=body)
        assert response.status_code < 500, response.text
        if response.status_code == 201:
            accepted += 1
        else:
            assert response.json()["error"], response.text
    return accepted


def test_control_pages_prove_the_detector_fires(widget: Widget) -> None:
    detector = Detector(widget)
    page = detector.page()
    detector.serve(page, "/control/handler", "<p>x</p><img src=x onerror=__pwned()>")
    page.goto(widget.url + "/control/handler")
    assert detector.report(page)["pwned"] == [widget.url + "/control/handler"]

    page = detector.page()
    csp = {"Content-Security-Policy": "script-src 'self'"}
    detector.serve(page, "/control/csp", "<script>__pwned()</script>", csp)
    page.goto(widget.url + "/control/csp")
    seen = detector.report(page)
    assert seen["pwned"] == [] and seen["csp"] and "script-src" in seen["csp"][0]

    page = detector.page()
    detector.serve(page, "/control/dialog", "<script>alert('x')</script>")
    page.goto(widget.url + "/control/dialog")
    assert detector.report(page)["dialogs"] == ["x"]


def _threads(widget: Widget, name: str) -> list[tuple[str, int]]:
    threads = []
    for i, part in enumerate(chunks(corpus(name))):
        uri = f"/hostile/{name.split('.')[0]}-{i}"
        threads.append((uri, seed(widget, uri, part)))
    return threads


def test_xss_corpus_never_runs_in_the_widget_or_the_fragment(widget: Widget) -> None:
    threads = _threads(widget, "xss.txt")
    assert sum(n for _, n in threads) >= 80
    detector = Detector(widget)
    for uri, accepted in threads:
        # 1. The widget renders the thread from the JSON API (the demo page, its own thread).
        copy = "/copies/" + uri.rsplit("/", 1)[1]
        demo = widget.http.get(widget.url + "/demo/en").text
        html = demo.replace('href="/demo/en">', f'href="{uri}">', 1).replace(
            'data-causerie-count="/demo/en"', f'data-causerie-count="{uri}"'
        )
        page = detector.page()
        detector.serve(page, copy, html)
        page.goto(widget.url + copy)
        page.wait_for_selector(".causerie .cz-count:not(:empty)")
        _hover_everything(page)
        assert detector.report(page) == {"pwned": [], "csp": [], "dialogs": []}
        assert page.locator(".cz-list > .cz-c").count() == accepted
        assert _unsafe_links(page) == []

        # 2. The server's fragment, included by a CMS page with no CSP of its own.
        fragment = widget.http.get(widget.url + "/api/comments.html", params={"uri": uri})
        assert fragment.status_code == 200
        page = detector.page()
        detector.serve(page, "/cms" + uri, f"<!doctype html><h1>Article</h1>{fragment.text}")
        page.goto(widget.url + "/cms" + uri)
        _hover_everything(page)
        assert detector.report(page) == {"pwned": [], "csp": [], "dialogs": []}
        assert page.locator(".cz-c").count() == accepted
        assert _unsafe_links(page) == []

        # 3. The fragment opened as a page of its own.
        page = detector.page()
        page.goto(widget.url + "/api/comments.html?uri=" + uri)
        assert detector.report(page) == {"pwned": [], "csp": [], "dialogs": []}


def test_naughty_strings_come_back_as_the_same_text(widget: Widget) -> None:
    (uri, accepted), *_ = _threads(widget, "naughty.txt")
    assert accepted == len(corpus("naughty.txt"))
    thread = widget.http.get(widget.url + "/api/comments", params={"uri": uri}).json()
    detector = Detector(widget)
    page = detector.page()
    page.set_content(
        "<!doctype html><meta charset=utf-8>"
        + "".join(f"<div class=c>{c['html']}</div>" for c in thread["comments"])
    )
    shown = page.locator("div.c").all_inner_texts()
    for expected, text in zip(corpus("naughty.txt"), shown, strict=True):
        assert _words(text) == _words(expected), (expected, text)
    assert "49" not in "".join(shown)  # {{7*7}} and friends stay text
    assert detector.report(page) == {"pwned": [], "csp": [], "dialogs": []}


def _words(text: str) -> list[str]:
    # Markdown may turn *x* into emphasis, a line break into <br>, collapse spaces;
    # the words stay.
    plain = unicodedata.normalize("NFC", text).translate({ord(c): None for c in "*_~`"})
    return plain.split()


def _hover_everything(page: Any) -> None:
    """Move the mouse over each comment body: onmouseover payloads get their chance."""
    deadline = time.monotonic() + 5
    for body in page.locator(".cz-b").all()[:60]:
        if time.monotonic() > deadline:
            break
        box = body.bounding_box()
        if box:
            page.mouse.move(box["x"] + 2, box["y"] + 2)


def _unsafe_links(page: Any) -> list[str]:
    """Links in comments whose address is not absolute http(s) or mailto."""
    hrefs: list[str] = page.evaluate(
        "() => [...document.querySelectorAll('.cz-b a[href]')].map(a => a.getAttribute('href'))"
    )
    return [h for h in hrefs if not h.lower().startswith(("http:", "https:", "mailto:"))]
