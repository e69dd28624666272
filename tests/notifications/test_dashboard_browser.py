"""The notifications section of the dashboard in Debian's Chromium, against a real server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.moderation.conftest import PASSWORD
from tests.moderation.test_dashboard_browser import EMAIL, _settled
from tests.moderation.test_dashboard_browser import server as server  # the same live server
from tests.notifications.receiver import Receiver

pytestmark = pytest.mark.browser


def _notifications(browser: Any, server: LiveServer, lang: str) -> Any:
    page = browser.new_context(bypass_csp=True).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # As an alert mail's link does: the dashboard opens on the site.
    page.goto(f"{server.url}/admin?lang={lang}&site=default")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_selector("[data-view=notifications]")
    page.click("[data-view=notifications]")
    page.wait_for_selector("section.webhooks")
    _settled(page)
    page.errors = errors
    return page


def test_an_admin_adds_a_webhook_sends_a_test_and_reads_the_log(
    browser: Any, server: LiveServer, receiver: Receiver
) -> None:
    page = _notifications(browser, server, "fr")
    page.fill("#hook-url", receiver.url)
    page.check("#hook-private")
    page.get_by_role("button", name="Ajouter un webhook").click()
    page.wait_for_selector("p.secret code")
    secret = page.inner_text("p.secret code")
    assert secret.startswith("whsec_")
    page.click("[data-view=notifications]")
    page.wait_for_selector("article.webhook")
    page.get_by_role("button", name="Envoyer un événement de test").click()
    (call,) = receiver.wait_for(1)
    assert json.loads(call.body)["type"] == "webhook.test"
    page.get_by_role("button", name="Journal des envois").click()
    page.wait_for_selector("table.deliveries td")
    assert "Livré" in page.inner_text("table.deliveries")
    assert page.errors == []


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_notifications_section_reads_right_and_has_no_serious_violation(
    browser: Any, server: LiveServer, axe: Path, lang: str
) -> None:
    page = _notifications(browser, server, lang)
    assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    page.select_option("form.alerts select[name=mode]", "digest")
    page.fill("form.alerts input[name=quiet_start]", "22:00")
    page.fill("form.alerts input[name=quiet_end]", "07:00")
    page.click("form.alerts button[type=submit]")
    _settled(page)
    page.add_script_tag(path=str(axe))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    assert page.errors == []
