"""The demo article's masthead: the language links sit inside it, clear of its red rule."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import DEMO, screenshot
from tests.conftest import LiveServer

MEASURE = """() => {
  const header = document.querySelector("header.site");
  const box = header.getBoundingClientRect();
  const rule = box.bottom - parseFloat(getComputedStyle(header).borderBottomWidth);
  return {rule, links: [...header.querySelectorAll("nav a")].map((a) => {
    const r = a.getBoundingClientRect();
    return {text: a.textContent, top: r.top, bottom: r.bottom};
  })};
}"""


@pytest.mark.parametrize("width", [1000, 360])
@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_language_links_are_above_the_rule(
    browser: Any, browser_server: LiveServer, lang: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 600})
    page = context.new_page()
    page.goto(browser_server.url + DEMO[lang])
    found = page.evaluate(MEASURE)
    screenshot(page, f"demo-header-{lang}-{width}.png")
    context.close()
    assert len(found["links"]) == 2
    for link in found["links"]:
        assert link["bottom"] <= found["rule"], (lang, width, link, found["rule"])
