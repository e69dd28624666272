"""A reader over time, from the desk in Chromium: her history, suspend, pre-moderate, ban."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.moderation.desk import Admin, open_desk, post, serious_violations, t
from tests.moderation.desk import desk as desk  # the module's live server

pytestmark = pytest.mark.browser

SAMIRA = {"author": "Samira", "email": "samira@mail.example", "address": "198.51.100.21"}


def _posts_as(server: LiveServer, reader: dict[str, str], text: str) -> httpx.Response:
    body = {"uri": "/2026/tram", "text": text, "author": reader["author"], "email": reader["email"]}
    headers = {"X-Forwarded-For": reader["address"]}
    return httpx.post(server.url + "/api/comments", json=body, headers=headers, timeout=10)


def _history(page: Any, comment: int, lang: str, name: str) -> Any:
    page.locator(f"#c{comment}").get_by_role("button", name=t(lang, "card.history")).click()
    panel = page.get_by_role("dialog", name=t(lang, "reader.title", name=name))
    panel.locator(".reader-comments").wait_for()
    return panel


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_her_history_decisions_and_the_message_she_reads(
    browser: Any, desk: LiveServer, axe: Path, lang: str
) -> None:
    reader = {**SAMIRA, "email": f"samira-{lang}@mail.example", "author": f"Samira {lang}"}
    admin = Admin(desk)
    first = post(desk, "Mon premier avis sur le tramway.", "/2026/tram", **reader)
    admin.act("approve", first)
    second = post(desk, "Et un second, sur les travaux.", "/2026/travaux", **reader)
    page = open_desk(browser, desk, lang)
    panel = _history(page, second, lang, reader["author"])
    assert panel.locator(".reader-comments > li").count() == 2
    assert panel.locator("[data-count=approved]").inner_text() == "1"
    assert panel.locator("[data-count=pending]").inner_text() == "1"
    assert serious_violations(page, axe) == []
    # Suspend for 3 days with a message, from the keyboard.
    panel.get_by_label(t(lang, "reader.suspend_for")).select_option("3")
    panel.get_by_label(t(lang, "reader.message")).fill("Merci de rester courtois.")
    panel.get_by_role("button", name=t(lang, "reader.suspend"), exact=True).focus()
    page.keyboard.press("Enter")
    panel.locator(".status-line.warn").wait_for()
    assert page.evaluate("Boolean(document.activeElement.closest('dialog'))")  # focus kept
    refused = _posts_as(desk, reader, "Encore moi.")
    assert refused.status_code == 403 and refused.json()["error"] == "reader_suspended"
    assert "Merci de rester courtois." in refused.json()["note"]
    panel.get_by_role("button", name=t(lang, "reader.unsuspend")).click()
    panel.locator(".status-line.warn").wait_for(state="detached")
    premod = panel.get_by_role("button", name=t(lang, "reader.premod"))
    premod.click()
    page.wait_for_function("document.querySelector('[data-k=premod]').ariaPressed === 'true'")
    held = post(desk, "Un avis après la règle.", "/2026/tram", **reader)
    assert any(c["id"] == held for c in admin.get("/comments", state="pending")["comments"])
    panel.get_by_role("button", name=t(lang, "reader.ban"), exact=True).click()
    panel.locator(".status-line.bad").wait_for()
    banned = _posts_as(desk, reader, "Et encore.")
    assert banned.status_code == 403 and banned.json()["error"] == "reader_banned"
    # Her comments in the queue, then Escape closes and the focus returns to the card.
    page.keyboard.press("Escape")
    page.wait_for_selector("dialog", state="detached")
    assert page.evaluate("document.activeElement.closest('li')?.id") == f"c{second}"
    _history(page, second, lang, reader["author"])
    page.get_by_role("button", name=t(lang, "reader.in_queue")).click()
    page.wait_for_selector("dialog", state="detached")
    page.wait_for_function("document.body.dataset.busy === '0'")
    scope = page.locator(".filters .scope")
    assert reader["author"] in scope.inner_text()
    shown = {
        int(n)
        for n in page.locator("#queue > li").evaluate_all("(l) => l.map((x) => x.dataset.id)")
    }
    assert shown and shown <= {first, second, held}
    assert page.errors == []
    page.context.close()
