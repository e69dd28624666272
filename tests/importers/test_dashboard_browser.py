"""The dashboard's import page in Debian's Chromium, against a real ``causerie serve``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.importers.conftest import FIXTURES
from tests.moderation.test_dashboard_browser import (  # noqa: F401  (server: a fixture)
    _logged_in,
    _post,
    server,
)

pytestmark = pytest.mark.browser


def test_an_admin_imports_a_file_and_sees_progress_then_the_summary(
    browser: Any,
    server: LiveServer,  # noqa: F811
) -> None:
    _post(server, "Un commentaire en attente", "/imports")  # the queue page shows one
    page = _logged_in(browser, server, lang="fr")
    page.get_by_role("link", name="Importer", exact=True).click()  # the desk's side bar
    page.select_option("#imp-format", "wordpress")
    page.set_input_files("#imp-file", str(FIXTURES / "wordpress-1.2.xml"))
    page.get_by_role("checkbox", name="Inclure les pingbacks et rétroliens").check()
    page.locator("form").get_by_role("button", name="Importer", exact=True).click()
    page.wait_for_selector("#import-progress h2:text('Import terminé')")
    summary = page.inner_text("#import-progress table")
    assert "Commentaires importés\t24" in summary and "Réponses\t12" in summary
    assert "weird-state" in page.inner_text("#import-progress ul")
    thread = httpx.get(
        server.url + "/api/comments", params={"uri": "https://journal.exemple/?p=1"}, timeout=10
    ).json()
    assert thread["total"] >= 1
    assert page.errors == []


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_import_page_has_no_serious_accessibility_violation(
    browser: Any,
    server: LiveServer,  # noqa: F811
    axe: Path,
    lang: str,
) -> None:
    _post(server, "Un commentaire en attente", "/imports-axe")
    page = _logged_in(browser, server, lang=lang)
    page.locator("#nav [data-view=imports]").click()
    page.set_input_files("#imp-file", str(FIXTURES / "commento-export.json"))
    page.select_option("#imp-format", "commento")
    page.locator("form button[type=submit]").click()
    page.wait_for_selector("#import-progress table")
    page.wait_for_function("document.body.dataset.busy === '0'")
    assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    page.add_script_tag(path=str(axe))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
