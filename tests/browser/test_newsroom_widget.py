"""The newsroom desk in the widget, in Debian's Chromium: reporting a comment with the
keyboard alone, editors' picks first, a closed thread, a suspended reader's message —
in French and in Arabic (right to left), with axe-core finding nothing serious."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from causerie.core.i18n import translate
from tests.browser.conftest import Widget
from tests.conftest import LiveServer, start_server
from tests.moderation.conftest import PASSWORD

pytestmark = pytest.mark.browser

ADMIN = "desk@news.example"


def _t(key: str, lang: str, **params: object) -> str:
    return translate(f"widget.{key}", lang, **params)


@pytest.fixture(scope="module")
def browser_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """This module's server (the widget fixture uses it), with an admin made by the CLI."""
    where = tmp_path_factory.mktemp("newsroom")
    env = {
        "CAUSERIE_DATABASE_URL": f"sqlite:///{where / 'live.db'}",
        "CAUSERIE_SPAM_FILTER": "false",
        "CAUSERIE_SQLITE_SYNCHRONOUS": "NORMAL",
    }
    server = start_server(env, where / "server.log")
    try:
        command = [sys.executable, "-m", "causerie", "user", "add", ADMIN, "--role", "admin"]
        added = subprocess.run(
            [*command, "--password-stdin"],
            input=PASSWORD + "\n",
            env=server.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert added.returncode == 0, added.stderr
        yield server
    finally:
        server.stop()


class Desk:
    """The admin API of the live server, as the dashboard uses it."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url + "/api/admin", timeout=10)
        answer = self.http.post("/login", json={"email": ADMIN, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        self.http.headers["X-CSRF-Token"] = answer.json()["csrf"]

    def send(self, method: str, path: str, body: Any = None) -> Any:
        answer = self.http.request(method, path, json=body)
        assert answer.status_code < 300, answer.text
        return answer.json()

    def card(self, comment_id: int, queue: str = "approved") -> dict[str, Any]:
        found = self.http.get("/comments", params={"state": queue, "limit": 200}).json()
        return dict(next(c for c in found["comments"] if c["id"] == comment_id))


@pytest.fixture
def desk(browser_server: LiveServer) -> Iterator[Desk]:
    helper = Desk(browser_server.url)
    yield helper
    helper.http.close()


def _axe(page: Any, axe: Path) -> list[Any]:
    page.add_script_tag(path=str(axe))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _tab_to(page: Any, selector: str, presses: int = 120) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    pytest.fail(f"{selector} cannot be reached with Tab")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_reader_reports_a_comment_with_the_keyboard_alone(
    widget: Widget, desk: Desk, axe: Path, lang: str
) -> None:
    path = widget.demo_copy(lang, f"report-{lang}")
    target = widget.post(path, "Un propos à signaler", author="Karim")
    page = widget.open(path)
    button = f"#cz-c-{target['id']} > .cz-f [data-act=report]"
    expect(page.locator(button)).to_have_text(_t("report", lang))
    _tab_to(page, button)
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name=_t("report_title", lang))
    expect(dialog).to_be_visible()
    assert dialog.evaluate("d => getComputedStyle(d).direction") == (
        "rtl" if lang == "ar" else "ltr"
    )
    # The focus is in the dialog, on the first reason; arrows choose another.
    assert page.evaluate("document.activeElement.value") == "spam"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # "other": it wants a few words
    assert page.evaluate("document.activeElement.value") == "other"
    assert _axe(page, axe) == []
    page.keyboard.press("Tab")  # to the text
    page.keyboard.press("Tab")  # to "send"
    page.keyboard.press("Enter")
    error = page.locator("#cz-rp-e")
    expect(error).to_have_text(translate("error.report_text_required", lang))
    assert page.evaluate("document.activeElement.id") == "cz-rp"
    page.keyboard.type("Il vise une personne nommée")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    expect(page.locator(".cz-status")).to_have_text(_t("reported", lang))
    assert page.evaluate("document.activeElement.dataset.act") == "done"
    reports = desk.http.get(f"/comments/{target['id']}/reports").json()["reports"]
    assert [(r["reason"], r["text"]) for r in reports] == [("other", "Il vise une personne nommée")]
    # Escape closes the dialog without reporting, and gives the focus back.
    other = widget.post(path, "Un autre propos", author="Omar")
    page.reload()
    page.wait_for_selector(".causerie .cz-count:not(:empty)")
    page.locator(f"#cz-c-{other['id']} > .cz-f [data-act=report]").focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert page.evaluate("document.activeElement.dataset.act") == "report"
    assert widget.foreign_requests() == []


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_editors_picks_come_first_and_a_closed_thread_stays_readable(
    widget: Widget, desk: Desk, axe: Path, lang: str
) -> None:
    path = widget.demo_copy(lang, f"picks-{lang}")
    plain = widget.post(path, "Un avis ordinaire", author="Omar")
    pick = widget.post(path, "Un avis remarquable", author="Samira")
    desk.send("POST", "/comments/action", {"action": "feature", "ids": [pick["id"]]})
    page = widget.open(path)
    block = page.get_by_role("region", name=_t("featured", lang))
    expect(block.locator(".cz-b")).to_have_text("Un avis remarquable")
    assert page.locator(".cz-fb + .cz-list").count() == 1  # before the thread
    tag = page.locator(f"#cz-c-{pick['id']} .cz-tag")
    expect(tag).to_have_text(_t("featured", lang))
    expect(page.locator(f"#cz-c-{plain['id']} .cz-tag")).to_have_count(0)
    thread_id = desk.card(pick["id"])["thread_id"]
    desk.send("PUT", f"/threads/{thread_id}/rules", {"closed": True})
    page.reload()
    page.wait_for_selector(".causerie .cz-count:not(:empty)")
    expect(page.locator(".cz-rule")).to_have_text(_t("closed.moderator", lang))
    expect(page.locator(".causerie > .cz-form")).to_be_hidden()
    expect(page.locator(f"#cz-c-{plain['id']} [data-act=reply]")).to_be_hidden()
    expect(page.locator(f"#cz-c-{plain['id']} > .cz-b")).to_have_text("Un avis ordinaire")
    assert _axe(page, axe) == []


def test_a_suspended_reader_reads_the_editors_message_in_arabic(widget: Widget, desk: Desk) -> None:
    path = widget.demo_copy("ar", "suspended")
    page = widget.open(path)
    form = page.locator(".causerie > .cz-form")
    form.locator("textarea").fill("تعليق أول")
    form.locator("[name=author]").fill("سميرة")
    form.locator("[name=email]").fill("samira@mail.example")
    form.locator(".cz-go").click()
    expect(page.locator(".cz-c .cz-b", has_text="تعليق أول")).to_have_count(1)
    cards = desk.http.get("/comments", params={"state": "approved", "limit": 200}).json()
    key = next(c["reader"] for c in cards["comments"] if c["text"] == "تعليق أول")
    note = "Merci de relire la charte avant de revenir."
    desk.send("PUT", f"/sites/default/readers/{key}", {"suspend_days": 3, "message": note})
    form.locator("textarea").fill("تعليق ثان")
    form.locator(".cz-go").click()
    message = form.locator(".cz-msg")
    expect(message).to_contain_text("علّقت هيئة التحرير تعليقاتك على هذا الموقع حتى")
    expect(message).to_contain_text(_t("suspended_note", "ar") + " " + note)
    assert form.evaluate("f => getComputedStyle(f).direction") == "rtl"
