"""The spam filter's sensitivity in the desk's Settings, in Chromium, in French and Arabic."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.moderation.desk import (
    DESKTOP,
    Admin,
    open_desk,
    serious_violations,
    settled,
    t,
)
from tests.moderation.desk import desk as desk  # the module's live server

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_curves_show_and_a_preset_saves(
    browser: Any, desk: LiveServer, axe: Path, lang: str
) -> None:
    admin = Admin(desk)
    admin.send("PUT", "/sites/default/settings", {"spam_sensitivity": "balanced"})
    curves = admin.get("/sites/default/spam-curves")
    page = open_desk(browser, desk, lang, DESKTOP, path="#/settings", site="default")
    section = page.locator("#settings-spam")
    assert section.get_by_role("heading", name=t(lang, "settings.section.spam")).count() == 1
    tables = section.locator("table.spam-curve")
    assert tables.count() == len(curves["curves"]) == 3
    for language in curves["curves"]:
        caption = t(lang, "spam.language." + language)
        table = section.get_by_role("table", name=caption, exact=False)
        assert table.count() == 1
        rows = table.locator("tbody tr")
        assert rows.count() == len(curves["curves"][language]["points"])
        # The site's own threshold is marked on one row of each table.
        assert table.locator("tr[aria-current='true']").count() == 1
    assert page.evaluate("getComputedStyle(document.body).direction") == (
        "rtl" if lang == "ar" else "ltr"
    )
    assert serious_violations(page, axe) == []
    marked = "#settings-spam table.spam-curve tr[aria-current='true'] th"
    before = page.locator(marked).first.text_content()
    choice = section.get_by_label(t(lang, "settings.spam_sensitivity"))
    choice.select_option("strict")
    section.get_by_role(
        "button", name=t(lang, "settings.save_section", section=t(lang, "settings.section.spam"))
    ).click()
    page.wait_for_function("document.getElementById('status').textContent.length > 0")
    settled(page)
    assert admin.get("/sites/default/settings")["spam_sensitivity"] == "strict"
    # The tables now mark the strict threshold's row, lower than the balanced one.
    page.wait_for_function(f"document.querySelector({marked!r}).textContent !== {before!r}")
    after = page.locator(marked).first.text_content()
    assert before and after
    assert float(after.replace(",", ".")) < float(before.replace(",", "."))
    choice.select_option("custom")
    section.get_by_label(t(lang, "settings.spam_threshold")).fill("0.7")
    section.get_by_role(
        "button", name=t(lang, "settings.save_section", section=t(lang, "settings.section.spam"))
    ).click()
    settled(page)
    page.wait_for_function("document.getElementById('status').textContent.length > 0")
    assert admin.get("/sites/default/settings")["spam_sensitivity"] == "0.7"
    assert page.errors == []
    page.context.close()
